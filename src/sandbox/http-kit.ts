/**
 * Express plumbing shared by the sandbox's routes: the per-endpoint pipeline (accounting, auth,
 * rate limits, faults), query helpers and the central error handler.
 */
import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { SandboxContext } from './context.js';
import { SandboxHttpError, validationError } from './errors.js';
import { type ObjectType, resolveObjectType } from './object-types.js';
import { rateLimitBody } from './rate-limiter.js';
import { checkScopes, requiredScopes } from './scopes.js';

/** `res.locals` fields the pipeline sets. */
export interface SandboxLocals {
  endpointKey: string;
  token: string;
}

/** The token of the current request, set by the pipeline. */
export const tokenOf = (res: Response): string => (res.locals as SandboxLocals).token;

/** Resolves the `:objectType` path parameter or throws HubSpot's 400. */
export function objectTypeParam(req: Request, name = 'objectType'): ObjectType {
  const raw = String(req.params[name] ?? '');
  const type = resolveObjectType(raw);
  if (!type) throw validationError(`Unable to infer object type from: ${raw}`);
  return type;
}

/** A query parameter given repeated or comma-separated, as a list; undefined when absent. */
export function listParam(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const parts = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(','));
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** A single query parameter as a string. */
export const stringParam = (value: unknown): string | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? String(value[0]) : String(value);

/** An integer query parameter in [min, max], or the default; throws a 400 otherwise. */
export function intParam(value: unknown, name: string, fallback: number, min: number, max: number): number {
  const text = stringParam(value);
  if (text === undefined || text === '') return fallback;
  const number = Number(text);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw validationError(`${name} must be an integer between ${min} and ${max}; got ${text}.`);
  }
  return number;
}

const AUTH_MISSING =
  'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more ' +
  'details at https://developers.hubspot.com/docs/methods/auth/oauth-overview';

/** `Retry-After` in whole seconds (at least 1), as HTTP has it. */
const retryAfter = (ms: number): Record<string, string> => ({
  'Retry-After': String(Math.max(1, Math.ceil(ms / 1000))),
});

/** How long an injected 429 asks the caller to wait. */
const FAULT_RETRY_AFTER_MS = 1_000;

/**
 * The pipeline every API endpoint runs: record the call under `key` when the response finishes,
 * check the bearer token and its scopes, apply the rate limits (`search` endpoints have their
 * own; a 429 says when to retry in `Retry-After`), then injected latency and faults, then the
 * handler.
 */
export function endpoint(
  ctx: SandboxContext,
  key: string | ((req: Request) => string),
  handler: (req: Request, res: Response) => unknown,
  kind: 'standard' | 'search' = 'standard',
): RequestHandler {
  return async (req, res) => {
    const endpointKey = typeof key === 'string' ? key : key(req);
    (res.locals as SandboxLocals).endpointKey = endpointKey;
    res.on('finish', () => ctx.stats.record(endpointKey, res.statusCode));

    const match = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '');
    const token = match?.[1]?.trim();
    if (!token)
      throw new SandboxHttpError(401, { message: AUTH_MISSING, category: 'INVALID_AUTHENTICATION' });
    if (!ctx.tokens.has(token)) {
      throw new SandboxHttpError(401, {
        message: 'The access token provided is not valid for this portal.',
        category: 'INVALID_AUTHENTICATION',
      });
    }
    (res.locals as SandboxLocals).token = token;
    const scopes = ctx.tokenScopes.get(token);
    if (scopes)
      checkScopes(
        scopes,
        requiredScopes(endpointKey, stringParam(req.params.objectType), stringParam(req.params.toObjectType)),
      );

    const decision = ctx.limiter.take(token, kind);
    res.set(decision.headers);
    if (!decision.allowed) {
      throw new SandboxHttpError(
        429,
        { ...rateLimitBody(decision.policy), requestId: randomUUID() },
        retryAfter(decision.retryAfterMs),
      );
    }

    const fault = ctx.faults.decide(endpointKey);
    if (fault.latencyMs > 0) await ctx.sleep(fault.latencyMs);
    if (fault.status === 429) {
      const policy = kind === 'search' ? 'SECONDLY' : 'TEN_SECONDLY_ROLLING';
      throw new SandboxHttpError(
        429,
        { ...rateLimitBody(policy), requestId: randomUUID() },
        retryAfter(FAULT_RETRY_AFTER_MS),
      );
    }
    if (fault.status !== undefined) {
      const messages = { 500: 'internal error', 502: 'Bad Gateway', 503: 'Service Unavailable' } as const;
      const categories = { 500: 'INTERNAL_ERROR', 502: 'BAD_GATEWAY', 503: 'SERVICE_UNAVAILABLE' } as const;
      throw new SandboxHttpError(fault.status, {
        message: fault.message ?? messages[fault.status],
        category: categories[fault.status],
      });
    }
    await handler(req, res);
  };
}

/** Turns errors into HubSpot's error body; malformed JSON becomes HubSpot's 400. */
export const errorHandler: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  if (error instanceof SandboxHttpError) {
    res.status(error.status).set(error.headers).json(error.toBody());
    return;
  }
  const parseError = error as { type?: string; message?: string; status?: number };
  if (parseError?.type === 'entity.parse.failed') {
    res.status(400).json(validationError(`Invalid input JSON: ${parseError.message ?? ''}`).toBody());
    return;
  }
  if (parseError?.type === 'entity.too.large') {
    res.status(413).json(new SandboxHttpError(413, { message: 'Request entity too large' }).toBody());
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  res.status(500).json(new SandboxHttpError(500, { message, category: 'INTERNAL_ERROR' }).toBody());
};
