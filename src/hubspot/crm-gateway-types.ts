/**
 * What the CRM gateway speaks: HubSpot's error as the app sees it (`HubSpotError` with a stable
 * code, and how HubSpot's errors map to it), the records and inputs of its calls, 207 multi-status
 * errors, and batch sizes.
 */
import { z } from 'zod';
import { redactUpstream, upstreamCategory } from '../redact.js';
import type { RateBudget } from '../store/store.port.js';

export type HubSpotErrorCode =
  /** 429 after all retries (or the daily limit): try again later. */
  | 'rate_limited'
  /** 5xx or network trouble after all retries: try again later. */
  | 'unavailable'
  /** HubSpot refused the request (4xx other than 429): retrying the same request will not help. */
  | 'rejected';

export class HubSpotError extends Error {
  constructor(
    readonly code: HubSpotErrorCode,
    message: string,
    readonly status: number | null,
    /** When it makes sense to try again, in ms from now (rate limits). */
    readonly retryAfterMs: number | null = null,
    /** HubSpot's error category (`VALIDATION_ERROR`, `MISSING_SCOPES`, …), when it gave one. */
    readonly category: string | null = null,
  ) {
    super(message);
    this.name = 'HubSpotError';
  }

  /** Worth retrying later (a transient failure), as opposed to a request HubSpot refuses. */
  get transient(): boolean {
    return this.code !== 'rejected';
  }

  /** A short label safe to show anywhere: `hubspot 503`, `hubspot network`. */
  get label(): string {
    return upstreamCategory('hubspot', this.status);
  }
}

/** What HubSpot's account-info API says about the token's portal (`GET /account-info/v3/details`). */
export interface AccountDetails {
  portalId: string;
  accountType: string | null;
  timeZone: string | null;
  dataHostingLocation: string | null;
}

export const AccountDetailsSchema = z.looseObject({
  portalId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]).transform(String),
  accountType: z.string().optional(),
  timeZone: z.string().optional(),
  dataHostingLocation: z.string().optional(),
});

/** A non-2xx answer to a raw `apiRequest`, shaped like the SDK's ApiException for `classify`. */
export class ApiAnswerError extends Error implements ApiErrorLike {
  constructor(
    readonly code: number,
    readonly body: unknown,
    readonly headers: Record<string, string>,
  ) {
    super(`HTTP ${code}`);
  }
}

/** How one call is made: under the shared budget and retry policy unless told otherwise. */
export interface CallOptions {
  /** Draw from the shared rate budget (default true). Health checks, at most one a minute, do not. */
  budgeted?: boolean;
  /** Retries after the first attempt (default the gateway's `maxRetries`). */
  retries?: number;
}

/** A CRM record as the gateway returns it: id and string properties. */
export interface CrmRecord {
  id: string;
  properties: Record<string, string | null>;
}

export interface PropertyDefinition {
  name: string;
  label: string;
  type: 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool';
  fieldType: 'text' | 'textarea' | 'number' | 'date' | 'select' | 'radio' | 'checkbox' | 'booleancheckbox';
  description?: string;
  options?: { label: string; value: string; displayOrder?: number }[];
}

export interface CallCounter {
  /** One HubSpot call answered (or failed on the network) after `durationMs` (budget wait excluded). */
  (endpoint: string, status: number | 'network', durationMs: number): void;
}

/** One record of a batch write HubSpot refused: `key` is its id, trace id or callback id. */
export interface RecordRejection {
  key: string;
  /** HubSpot's category (`OBJECT_NOT_FOUND`, `VALIDATION_ERROR`, …), `UNKNOWN` when it gave none. */
  category: string;
  message: string;
}

export interface CrmGatewayOptions {
  accessToken: string;
  /** `https://api.hubapi.com` or the sandbox's URL. */
  basePath: string;
  budget: RateBudget;
  /** Retries per call after the first attempt (default 4). */
  maxRetries?: number;
  /** First backoff for 5xx/network errors (default 250 ms; doubles each retry, with jitter). */
  baseDelayMs?: number;
  /** Longest single wait on a 429 (default 10 s, HubSpot's window). */
  maxRateLimitWaitMs?: number;
  onCall?: CallCounter;
  /** Records HubSpot refused within batch writes, by endpoint (for metrics and logs). */
  onRejected?: (endpoint: string, rejected: readonly RecordRejection[]) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** The `errors` of a 207 (HubSpot's StandardError), as far as they are read here. */
export interface MultiStatusError {
  category?: string;
  message?: string;
  context?: Record<string, string[] | undefined>;
}

/**
 * The records a batch answer says were refused, by key (`ids` or `objectWriteTraceId` in each
 * error's context), with HubSpot's category and message. Empty for a 200/201.
 */
export function refusedIn(
  response: object,
  contextKey: 'ids' | 'objectWriteTraceId',
): Map<string, { category: string; message: string }> {
  const out = new Map<string, { category: string; message: string }>();
  const errors = (response as { errors?: readonly MultiStatusError[] }).errors ?? [];
  for (const error of errors)
    for (const key of error.context?.[contextKey] ?? [])
      out.set(key, { category: error.category ?? 'UNKNOWN', message: error.message ?? 'no message' });
  return out;
}

export interface ApiErrorLike {
  code?: number | string;
  body?: unknown;
  headers?: Record<string, string>;
  message?: string;
}

export const BATCH_LIMIT = 100;

/** Ids per associations batch read (v3 and v4): HubSpot's limit since February 2025 (hubspot.md §9). */
export const ASSOCIATION_BATCH_LIMIT = 1000;

/** HubSpot-defined association type id of task → contact (HubSpot's tasks guide and association type list). */
export const TASK_TO_CONTACT_ASSOCIATION = 204;

/** A task to create on a contact. */
export interface TaskInput {
  /** The caller's key for this task: results are matched to inputs by it. */
  ref: string;
  /** The contact the task is about (associated with it), or null for a task of its own. */
  contactId: string | null;
  /** `hs_timestamp` (due, required), `hs_task_subject`, `hs_task_body`, `hubspot_owner_id`, … */
  properties: Record<string, string>;
}

/** Splits a list into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size = BATCH_LIMIT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** HubSpot's error as the app's `HubSpotError`: rate limited (with the wait), unavailable or refused. */
export function classifyHubSpotError(
  error: ApiErrorLike,
  status: number | null,
  endpoint: string,
): HubSpotError {
  const body = (typeof error.body === 'object' && error.body !== null ? error.body : {}) as {
    message?: string;
    policyName?: string;
    category?: string;
    errors?: { context?: Record<string, string[] | undefined> }[];
  };
  const category = body.category ?? null;
  // HubSpot's text is not ours: it can name contacts and echo URLs; it is redacted here, once.
  let message = redactUpstream(body.message ?? error.message ?? 'no message', 200);
  if (category === 'MISSING_SCOPES') {
    // Name the scopes the app's token needs, from HubSpot's error details.
    const scopes = (body.errors ?? []).flatMap(
      (e) => e.context?.requiredGranularScopes ?? e.context?.requiredScopes ?? [],
    );
    if (scopes.length > 0) message = `${message} Needs one of: ${[...new Set(scopes)].join(', ')}.`;
  }
  if (status === 429) {
    if (body.policyName === 'DAILY')
      return new HubSpotError(
        'rate_limited',
        `${endpoint}: HubSpot's daily limit is reached (${message})`,
        429,
        null,
      );
    const headers = lowerCaseKeys(error.headers ?? {});
    const retryAfterS = Number(headers['retry-after']);
    const intervalMs = Number(headers['x-hubspot-ratelimit-interval-milliseconds']);
    const retryAfterMs =
      Number.isFinite(retryAfterS) && retryAfterS > 0
        ? retryAfterS * 1000
        : Number.isFinite(intervalMs) && intervalMs > 0
          ? intervalMs / 2
          : 1000;
    return new HubSpotError(
      'rate_limited',
      `${endpoint}: rate limited by HubSpot (${body.policyName ?? 'unknown policy'})`,
      429,
      retryAfterMs,
    );
  }
  if (status === null || status >= 500)
    return new HubSpotError(
      'unavailable',
      `${endpoint}: HubSpot unavailable (${status ?? 'network error'}: ${message})`,
      status,
      null,
      category,
    );
  return new HubSpotError(
    'rejected',
    `${endpoint}: HubSpot refused the request (${status}: ${message})`,
    status,
    null,
    category,
  );
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
