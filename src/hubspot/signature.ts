/**
 * HubSpot request signatures (webhooks, workflow actions, CRM cards, hubspot.fetch).
 *
 * Pure functions over bytes: the body is always the raw request body, never a re-serialised one.
 * Versions, as HubSpot documents them:
 * - v1: hex(SHA-256(clientSecret + rawBody)), header `X-HubSpot-Signature`, version `v1`.
 * - v2: hex(SHA-256(clientSecret + method + uri + rawBody)), header `X-HubSpot-Signature`, version `v2`.
 * - v3: base64(HMAC-SHA256(clientSecret, method + uri + rawBody + timestamp)), headers
 *   `X-HubSpot-Signature-v3` and `X-HubSpot-Request-Timestamp` (epoch milliseconds).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ownValue } from '../core/own.js';

/** A signature version HubSpot sends. */
export type SignatureVersion = 'v1' | 'v2' | 'v3';

/** A request body as received: the exact bytes, or a string that is encoded as UTF-8. */
export type RawBody = Buffer | string;

/** Header names HubSpot uses, lower-cased as Node exposes them. */
export const HUBSPOT_SIGNATURE_HEADERS = {
  signature: 'x-hubspot-signature',
  signatureVersion: 'x-hubspot-signature-version',
  signatureV3: 'x-hubspot-signature-v3',
  timestamp: 'x-hubspot-request-timestamp',
} as const;

/** The default maximum age of a v3 timestamp (5 minutes), as HubSpot documents. */
export const DEFAULT_MAX_SIGNATURE_AGE_MS = 300_000;

const toBuffer = (value: RawBody): Buffer => (typeof value === 'string' ? Buffer.from(value, 'utf8') : value);

/** v1: hex SHA-256 of the client secret followed by the raw body. */
export function signV1(input: { clientSecret: string; rawBody: RawBody }): string {
  return createHash('sha256')
    .update(Buffer.from(input.clientSecret, 'utf8'))
    .update(toBuffer(input.rawBody))
    .digest('hex');
}

/** v2: hex SHA-256 of secret + method + full URI + raw body. */
export function signV2(input: {
  clientSecret: string;
  method: string;
  uri: string;
  rawBody: RawBody;
}): string {
  return createHash('sha256')
    .update(Buffer.from(input.clientSecret + input.method.toUpperCase() + input.uri, 'utf8'))
    .update(toBuffer(input.rawBody))
    .digest('hex');
}

/**
 * v3: base64 HMAC-SHA256 keyed with the client secret over method + URI + raw body + timestamp.
 * The URI is used as given: callers that start from a received URL pass it through
 * {@link normalizeV3Uri} first (the verifier below does).
 */
export function signV3(input: {
  clientSecret: string;
  method: string;
  uri: string;
  rawBody: RawBody;
  timestamp: number | string;
}): string {
  return createHmac('sha256', input.clientSecret)
    .update(Buffer.from(input.method.toUpperCase() + input.uri, 'utf8'))
    .update(toBuffer(input.rawBody))
    .update(Buffer.from(String(input.timestamp), 'utf8'))
    .digest('base64');
}

const V3_DECODED_ESCAPES: Readonly<Record<string, string>> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};
const V3_ESCAPE_PATTERN = /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi;

/**
 * Decodes, in the query string only, the percent-escapes HubSpot decodes before signing v3
 * (`%3A %2F %3F %40 %21 %24 %27 %28 %29 %2A %2C %3B`). The `?` that starts the query is kept.
 */
export function normalizeV3Uri(uri: string): string {
  const queryStart = uri.indexOf('?');
  if (queryStart === -1) return uri;
  const query = uri
    .slice(queryStart + 1)
    .replace(V3_ESCAPE_PATTERN, (encoded) => ownValue(V3_DECODED_ESCAPES, encoded.toUpperCase()) ?? encoded);
  return `${uri.slice(0, queryStart + 1)}${query}`;
}

/** Why a signature was refused. */
export type SignatureFailureCode =
  | 'missing_signature'
  | 'missing_timestamp'
  | 'invalid_timestamp'
  | 'stale_timestamp'
  | 'future_timestamp'
  | 'unsupported_version'
  | 'version_not_allowed'
  | 'bad_signature';

/** The outcome of {@link verifyHubSpotSignature}. */
export type SignatureVerification =
  { ok: true; version: SignatureVersion } | { ok: false; code: SignatureFailureCode; message: string };

/** Request headers as Node gives them (lower-case keys) or any record; lookup is case-insensitive. */
export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Input of {@link verifyHubSpotSignature}. */
export interface VerifySignatureInput {
  /** HTTP method of the request, e.g. `POST`. */
  method: string;
  /** The full public URL HubSpot called: scheme, host, path and query. */
  url: string;
  /** The raw body bytes (or string) exactly as received. */
  rawBody: RawBody;
  headers: HeaderBag;
  clientSecret: string;
  /** Current time in epoch milliseconds. */
  now: number;
  /** Reject v3 timestamps older than this (default 5 minutes). */
  maxAgeMs?: number;
  /** Reject v3 timestamps further in the future than this (default 5 minutes of clock skew). */
  maxFutureMs?: number;
  /** Versions this endpoint accepts (default all three). */
  allowedVersions?: readonly SignatureVersion[];
}

const MESSAGES: Record<SignatureFailureCode, string> = {
  missing_signature: 'The request carries no X-HubSpot-Signature-v3 or X-HubSpot-Signature header.',
  missing_timestamp: 'The v3 signature comes without an X-HubSpot-Request-Timestamp header.',
  invalid_timestamp: 'X-HubSpot-Request-Timestamp is not an epoch time in milliseconds.',
  stale_timestamp: 'X-HubSpot-Request-Timestamp is too old; the request may be a replay.',
  future_timestamp: 'X-HubSpot-Request-Timestamp lies too far in the future.',
  unsupported_version: 'X-HubSpot-Signature-Version names a version this verifier does not know.',
  version_not_allowed: 'The request is signed with a version this endpoint does not accept.',
  bad_signature: 'The signature does not match the request.',
};

const fail = (code: SignatureFailureCode, message = MESSAGES[code]): SignatureVerification => ({
  ok: false,
  code,
  message,
});

/** Names the version used and the ones accepted, e.g. "signed with v2; this endpoint accepts only v3". */
function versionNotAllowed(
  used: SignatureVersion,
  allowed: readonly SignatureVersion[],
): SignatureVerification {
  const accepted = allowed.length === 1 ? `only ${allowed[0]}` : allowed.join(' or ');
  const hint =
    allowed.length === 1 && allowed[0] === 'v3'
      ? ' (X-HubSpot-Signature-v3 with X-HubSpot-Request-Timestamp; HubSpot sends it with every request)'
      : '';
  return fail(
    'version_not_allowed',
    `The request is signed with ${used}; this endpoint accepts ${accepted}${hint}.`,
  );
}

function header(headers: HeaderBag, name: string): string | undefined {
  let value = ownValue(headers, name);
  if (value === undefined) {
    const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
    value = key === undefined ? undefined : ownValue(headers, key);
  }
  if (value === undefined) return undefined;
  const first = typeof value === 'string' ? value : value[0];
  return first === undefined || first === '' ? undefined : first;
}

const HEX = /^[0-9a-f]+$/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function constantTimeEqual(expected: string, received: string, encoding: 'hex' | 'base64'): boolean {
  // Buffer.from silently drops undecodable characters, so malformed input is refused up front.
  if (!(encoding === 'hex' ? HEX : BASE64).test(received)) return false;
  const expectedBytes = Buffer.from(expected, encoding);
  const receivedBytes = Buffer.from(received, encoding);
  if (expectedBytes.length !== receivedBytes.length) return false;
  return timingSafeEqual(expectedBytes, receivedBytes);
}

/**
 * Verifies a request signed by HubSpot. v3 is used when its header is present; otherwise the
 * `X-HubSpot-Signature` header is checked as v1 or v2 according to `X-HubSpot-Signature-Version`
 * (v1 when absent). Comparison is constant-time.
 */
export function verifyHubSpotSignature(input: VerifySignatureInput): SignatureVerification {
  const allowed = input.allowedVersions ?? ['v1', 'v2', 'v3'];
  const v3Signature = header(input.headers, HUBSPOT_SIGNATURE_HEADERS.signatureV3);
  if (v3Signature !== undefined) {
    if (!allowed.includes('v3')) return versionNotAllowed('v3', allowed);
    const timestampText = header(input.headers, HUBSPOT_SIGNATURE_HEADERS.timestamp);
    if (timestampText === undefined) return fail('missing_timestamp');
    if (!/^\d{1,16}$/.test(timestampText)) return fail('invalid_timestamp');
    const timestamp = Number(timestampText);
    if (input.now - timestamp > (input.maxAgeMs ?? DEFAULT_MAX_SIGNATURE_AGE_MS))
      return fail('stale_timestamp');
    if (timestamp - input.now > (input.maxFutureMs ?? DEFAULT_MAX_SIGNATURE_AGE_MS))
      return fail('future_timestamp');
    const expected = signV3({
      clientSecret: input.clientSecret,
      method: input.method,
      uri: normalizeV3Uri(input.url),
      rawBody: input.rawBody,
      timestamp: timestampText,
    });
    return constantTimeEqual(expected, v3Signature, 'base64')
      ? { ok: true, version: 'v3' }
      : fail('bad_signature');
  }

  const signature = header(input.headers, HUBSPOT_SIGNATURE_HEADERS.signature);
  if (signature === undefined) return fail('missing_signature');
  const version = (header(input.headers, HUBSPOT_SIGNATURE_HEADERS.signatureVersion) ?? 'v1').toLowerCase();
  if (version !== 'v1' && version !== 'v2') return fail('unsupported_version');
  if (!allowed.includes(version)) return versionNotAllowed(version, allowed);
  const expected =
    version === 'v1'
      ? signV1({ clientSecret: input.clientSecret, rawBody: input.rawBody })
      : signV2({
          clientSecret: input.clientSecret,
          method: input.method,
          uri: input.url,
          rawBody: input.rawBody,
        });
  return constantTimeEqual(expected, signature.trim(), 'hex') ? { ok: true, version } : fail('bad_signature');
}

/** Headers HubSpot sends with a signed request, for senders and tests. */
export function hubSpotSignatureHeaders(input: {
  clientSecret: string;
  method: string;
  uri: string;
  rawBody: RawBody;
  timestamp: number;
  /** Which legacy signature rides along in `X-HubSpot-Signature` (webhooks: v1; actions, cards: v2). */
  legacyVersion?: 'v1' | 'v2' | 'none';
}): Record<string, string> {
  const headers: Record<string, string> = {
    'X-HubSpot-Signature-v3': signV3({ ...input, uri: normalizeV3Uri(input.uri) }),
    'X-HubSpot-Request-Timestamp': String(input.timestamp),
  };
  const legacy = input.legacyVersion ?? 'v1';
  if (legacy === 'v1') {
    headers['X-HubSpot-Signature'] = signV1(input);
    headers['X-HubSpot-Signature-Version'] = 'v1';
  } else if (legacy === 'v2') {
    headers['X-HubSpot-Signature'] = signV2(input);
    headers['X-HubSpot-Signature-Version'] = 'v2';
  }
  return headers;
}
