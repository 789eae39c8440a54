/**
 * The edge of every HubSpot-facing route: read the raw bytes (with a body limit), verify
 * HubSpot's signature over exactly those bytes and the public URL HubSpot called, and only then
 * parse the JSON. Nothing unsigned reaches a use case.
 */
import express, { type RequestHandler } from 'express';
import { AppError } from '../errors.js';
import { type SignatureVersion, verifyHubSpotSignature } from '../hubspot/signature.js';
import type { Metrics } from './metrics.js';

export interface SignatureCheckOptions {
  clientSecret: string;
  /** The public base URL HubSpot calls (the outside URL behind a proxy), without a trailing slash. */
  publicBaseUrl: string;
  allowedVersions: readonly SignatureVersion[];
  clock: () => number;
  metrics: Metrics;
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
  };
}
