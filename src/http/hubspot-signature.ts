/**
 * The edge of every HubSpot-facing route: read the raw bytes (with a body limit), verify
 * HubSpot's signature over exactly those bytes and the public URL HubSpot called, and only then
 * parse the JSON (with a nesting limit). Nothing unsigned reaches a use case.
 */
import express, { type NextFunction, type Request, type RequestHandler } from 'express';
import { AppError } from '../errors.js';
import {
  DEFAULT_MAX_SIGNATURE_AGE_MS,
  HUBSPOT_SIGNATURE_HEADERS,
  type SignatureFailureCode,
  type SignatureVersion,
  verifyHubSpotSignature,
} from '../hubspot/signature.js';
import { bodyText, parseJsonText, unreadableBody } from './json-body.js';
import type { Metrics } from './metrics.js';

/**
 * Records a v3 signature as used until `expiresAt` (when its timestamp leaves the window); false
 * when it was used before: the request is a replay. `ReplayStore.firstUse` fits.
 */
export type ReplayGuard = (signature: string, expiresAt: number) => Promise<boolean>;

const REPLAYED =
  'This signed request was already received. HubSpot signs every request anew, so a second copy of one is refused.';

/** HubSpot's signature headers as its documentation writes them, for naming them in answers. */
const HEADER = {
  signature: 'header.X-HubSpot-Signature',
  version: 'header.X-HubSpot-Signature-Version',
  v3: 'header.X-HubSpot-Signature-v3',
  timestamp: 'header.X-HubSpot-Request-Timestamp',
} as const;

/** The header a signature failure is about, so the answer names it like any other field. */
function signatureField(code: SignatureFailureCode, headers: Request['headers']): string {
  switch (code) {
    case 'missing_timestamp':
    case 'invalid_timestamp':
    case 'stale_timestamp':
    case 'future_timestamp':
      return HEADER.timestamp;
    case 'unsupported_version':
      return HEADER.version;
    case 'missing_signature':
    case 'version_not_allowed':
      return HEADER.v3;
    case 'bad_signature':
      return headers[HUBSPOT_SIGNATURE_HEADERS.signatureV3] !== undefined ? HEADER.v3 : HEADER.signature;
  }
}

/** A refused signature: 401 with the code in the message and the header named as the problem. */
function signatureError(code: SignatureFailureCode | 'replayed', message: string, field: string): AppError {
  return new AppError('invalid_signature', `${code}: ${message}`, [{ path: field, message: code }]);
}

/**
 * Media types a HubSpot request body may be sent as: JSON (HubSpot sends `application/json` with
 * webhooks, workflow actions and hubspot.fetch). A body announced as anything else (a form, plain
 * text, multipart) is not what HubSpot sends: it is refused (415) before it is read, rather than
 * read as JSON regardless of what the sender said it was.
 */
function isJsonMediaType(contentType: string): boolean {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type);
}

export interface SignatureCheckOptions {
  clientSecret: string;
  /** The public base URL HubSpot calls (the outside URL behind a proxy), without a trailing slash. */
  publicBaseUrl: string;
  allowedVersions: readonly SignatureVersion[];
  clock: () => number;
  metrics: Metrics;
  /** When set, a v3 signature is accepted once: a second request with it is refused (`replayed`). */
  replays?: ReplayGuard;
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
    return new AppError('payload_too_large', 'The request body is larger than this endpoint accepts.', [
      { path: '$', message: 'the body is too large' },
    ]);
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported')
    return new AppError(
      'unsupported_media_type',
      'The request body is in an encoding this service does not read.',
      [{ path: 'header.Content-Encoding', message: 'must be identity, with UTF-8 text' }],
    );
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500)
    return new AppError(
      'invalid_input',
      'The request body could not be read (aborted, or not as long as announced).',
      [{ path: '$', message: 'the body could not be read' }],
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
      const field =
        req.headers['content-encoding'] !== undefined && /encoding/i.test(unreadable)
          ? 'header.Content-Encoding'
          : 'header.Content-Type';
      next(
        new AppError('unsupported_media_type', `The request body cannot be read: ${unreadable}.`, [
          { path: field, message: unreadable },
        ]),
      );
      return;
    }
    const contentType = req.headers['content-type'];
    if (contentType !== undefined && contentType !== '' && !isJsonMediaType(contentType)) {
      next(
        new AppError(
          'unsupported_media_type',
          'The request body must be JSON (Content-Type: application/json).',
          [
            {
              path: 'header.Content-Type',
              message: `must be application/json, not ${contentType.slice(0, 64)}`,
            },
          ],
        ),
      );
      return;
    }
    if (Number(req.headers['content-length'] ?? 0) > maxBytes) {
      next(
        new AppError('payload_too_large', 'The request body is larger than this endpoint accepts.', [
          { path: 'header.Content-Length', message: `must be at most ${maxBytes} bytes` },
        ]),
      );
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
      next(signatureError(result.code, result.message, signatureField(result.code, req.headers)));
      return;
    }
    if (options.replays !== undefined && result.version === 'v3') {
      // Verified above: both headers are present and the timestamp is a number.
      const signature = String(req.headers[HUBSPOT_SIGNATURE_HEADERS.signatureV3]);
      const timestamp = Number(req.headers[HUBSPOT_SIGNATURE_HEADERS.timestamp]);
      options
        .replays(signature, timestamp + DEFAULT_MAX_SIGNATURE_AGE_MS + 1)
        .then((first) => {
          if (first) {
            setBody(req, raw, options.body, next);
            return;
          }
          options.metrics.signatureFailures.inc({ reason: 'replayed' });
          next(signatureError('replayed', REPLAYED, HEADER.v3));
        })
        .catch(next);
      return;
    }
    setBody(req, raw, options.body, next);
  };
}

/** Replaces the raw body with its JSON (undefined when empty); invalid JSON is a 400. */
/** Hands the verified body on: as the raw bytes (`raw`), or parsed as JSON with a depth limit. */
function setBody(req: Request, raw: Buffer, mode: 'json' | 'raw' | undefined, next: NextFunction): void {
  if (mode === 'raw') {
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
}
