/**
 * The edge of every HubSpot-facing route: read the raw bytes (with a body limit), verify
 * HubSpot's signature over exactly those bytes and the public URL HubSpot called, and only then
 * parse the JSON (with a nesting limit). Nothing unsigned reaches a use case.
 */
import express, { type RequestHandler } from 'express';
import { AppError } from '../errors.js';
import { type SignatureVersion, verifyHubSpotSignature } from '../hubspot/signature.js';
import { bodyText, parseJsonText, unreadableBody } from './json-body.js';
import type { Metrics } from './metrics.js';

export interface SignatureCheckOptions {
  clientSecret: string;
  /** The public base URL HubSpot calls (the outside URL behind a proxy), without a trailing slash. */
  publicBaseUrl: string;
  allowedVersions: readonly SignatureVersion[];
  clock: () => number;
  metrics: Metrics;
}

/** A body limit as bytes: a number, or `<n>b`, `<n>kb`, `<n>mb` (as Express writes them). */
function limitBytes(limit: number | string): number {
  if (typeof limit === 'number') return limit;
  const match = /^(\d+)\s*(b|kb|mb)$/i.exec(limit.trim());
  if (!match) throw new RangeError(`unreadable body limit: ${limit}`);
  const unit = match[2]!.toLowerCase();
  return Number(match[1]) * (unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1);
}

/** body-parser's errors as the service's own (a body it could not read is the client's problem). */
function bodyReadError(error: unknown): unknown {
  const e = error as { type?: unknown; status?: unknown } | null;
  if (e?.type === 'entity.too.large')
    return new AppError('payload_too_large', 'The request body is larger than this endpoint accepts.');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported')
    return new AppError(
      'unsupported_media_type',
      'The request body is in an encoding this service does not read.',
    );
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500)
    return new AppError(
      'invalid_input',
      'The request body could not be read (aborted, or not as long as announced).',
    );
  return error;
}

/**
 * Raw body (as a Buffer) up to `limit`, whatever the content type. Refused before a byte of it is
 * read when it is compressed or not UTF-8 (415), or announced larger than the limit (413, without
 * waiting for a body that may never come).
 */
export function rawBody(limit: number | string): RequestHandler {
  const maxBytes = limitBytes(limit);
  const read = express.raw({ type: () => true, limit: maxBytes, inflate: false });
  return (req, res, next) => {
    const unreadable = unreadableBody(req.headers);
    if (unreadable !== null) {
      next(new AppError('unsupported_media_type', `The request body cannot be read: ${unreadable}.`));
      return;
    }
    if (Number(req.headers['content-length'] ?? 0) > maxBytes) {
      next(new AppError('payload_too_large', 'The request body is larger than this endpoint accepts.'));
      return;
    }
    read(req, res, (error?: unknown) => next(error === undefined ? undefined : bodyReadError(error)));
  };
}

/**
 * Verifies the signature over the raw bytes, then (unless `body: 'raw'`: the route frames the
 * bytes itself) parses them as JSON, refusing a body nested deeper than `MAX_JSON_DEPTH`.
 */
export function verifyHubSpotRequest(
  options: SignatureCheckOptions & { body?: 'json' | 'raw' },
): RequestHandler {
  return (req, _res, next) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const result = verifyHubSpotSignature({
      method: req.method,
      url: `${options.publicBaseUrl}${req.originalUrl}`,
      rawBody: raw,
      headers: req.headers,
      clientSecret: options.clientSecret,
      now: options.clock(),
      allowedVersions: options.allowedVersions,
    });
    if (!result.ok) {
      options.metrics.signatureFailures.inc({ reason: result.code });
      next(new AppError('invalid_signature', `${result.code}: ${result.message}`));
      return;
    }
    if (options.body === 'raw') {
      req.body = raw;
      next();
      return;
    }
    if (raw.length === 0) {
      req.body = undefined;
      next();
      return;
    }
    const parsed = parseJsonText(bodyText(raw));
    if (!parsed.ok) {
      next(
        new AppError('invalid_input', `The request body is ${parsed.problem}.`, [
          { path: '$', message: parsed.problem },
        ]),
      );
      return;
    }
    req.body = parsed.value;
    next();
  };
}
