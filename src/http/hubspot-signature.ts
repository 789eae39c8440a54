/**
 * The edge of every HubSpot-facing route: read the raw bytes (with a body limit), verify
 * HubSpot's signature over exactly those bytes and the public URL HubSpot called, and only then
 * parse the JSON. Nothing unsigned reaches a use case.
 */
import express, { type NextFunction, type Request, type RequestHandler } from 'express';
import { AppError } from '../errors.js';
import {
  DEFAULT_MAX_SIGNATURE_AGE_MS,
  HUBSPOT_SIGNATURE_HEADERS,
  type SignatureVersion,
  verifyHubSpotSignature,
} from '../hubspot/signature.js';
import type { Metrics } from './metrics.js';

/**
 * Records a v3 signature as used until `expiresAt` (when its timestamp leaves the window); false
 * when it was used before: the request is a replay. `ReplayStore.firstUse` fits.
 */
export type ReplayGuard = (signature: string, expiresAt: number) => Promise<boolean>;

const REPLAYED =
  'replayed: This signed request was already received. HubSpot signs every request anew, so a second copy of one is refused.';

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

/** Raw body (as a Buffer) up to `limit`, whatever the content type. */
export function rawBody(limit: string): RequestHandler {
  return express.raw({ type: () => true, limit });
}

export function verifyHubSpotRequest(options: SignatureCheckOptions): RequestHandler {
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
    if (options.replays !== undefined && result.version === 'v3') {
      // Verified above: both headers are present and the timestamp is a number.
      const signature = String(req.headers[HUBSPOT_SIGNATURE_HEADERS.signatureV3]);
      const timestamp = Number(req.headers[HUBSPOT_SIGNATURE_HEADERS.timestamp]);
      options
        .replays(signature, timestamp + DEFAULT_MAX_SIGNATURE_AGE_MS + 1)
        .then((first) => {
          if (first) {
            parseJsonBody(req, raw, next);
            return;
          }
          options.metrics.signatureFailures.inc({ reason: 'replayed' });
          next(new AppError('invalid_signature', REPLAYED));
        })
        .catch(next);
      return;
    }
    parseJsonBody(req, raw, next);
  };
}

/** Replaces the raw body with its JSON (undefined when empty); invalid JSON is a 400. */
function parseJsonBody(req: Request, raw: Buffer, next: NextFunction): void {
  if (raw.length === 0) {
    req.body = undefined;
    next();
    return;
  }
  try {
    req.body = JSON.parse(raw.toString('utf8'));
  } catch {
    next(
      new AppError('invalid_input', 'The request body is not valid JSON.', [
        { path: '$', message: 'not valid JSON' },
      ]),
    );
    return;
  }
  next();
}
