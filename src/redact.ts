/**
 * Upstream text (HubSpot's error bodies, database messages) is not ours: it can carry tokens,
 * contacts' email addresses and URLs with credentials in their query strings. It is passed through
 * {@link redactUpstream} before it is logged, stored or returned, and where only the kind of failure
 * matters, {@link upstreamCategory} gives a short label such as `hubspot 503`.
 */

/** Longest upstream text kept (after redaction), with a visible "…" when cut. */
export const MAX_UPSTREAM_TEXT = 300;

const RULES: readonly (readonly [RegExp, string | ((match: string, ...groups: string[]) => string)])[] = [
  // Authorization values and HubSpot tokens (private-app `pat-…`, OAuth `CJ…`/`CN…`), JWTs.
  [/\b(Bearer|Basic)\s+[^\s"',;]+/gi, '$1 [redacted]'],
  [/\bpat-[a-z]{2,3}\d?-[0-9a-f-]{8,}/gi, '[token]'],
  [/\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g, '[token]'],
  // URLs: credentials and query strings go; scheme, host and path stay.
  [
    /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#"'<>@]*@)?([^\s?#"'<>]*)(\?[^\s#"'<>]*)?(#[^\s"'<>]*)?/gi,
    (_m, scheme: string, userinfo: string | undefined, rest: string, query: string | undefined) =>
      `${scheme}${userinfo ? '[redacted]@' : ''}${rest}${query ? '?[redacted]' : ''}`,
  ],
  // key=value and "key": "value" pairs that name a secret.
  [
    /\b(access_?token|refresh_?token|token|api_?key|hapikey|client_?secret|secret|password|passwd|signature)(["']?\s*[:=]\s*["']?)[^\s"'&,;}]+/gi,
    '$1$2[redacted]',
  ],
  // Email addresses (contacts, users).
  [/[\w.!#$%&'*+/=?^`{|}~-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}/gi, '[email]'],
  // Long opaque strings (keys, signatures, session ids) that no rule above caught.
  [/[A-Za-z0-9+_]{32,}={0,2}/g, '[redacted]'],
];

/**
 * Upstream text with secrets and personal data taken out: tokens, authorization values, query
 * strings and credentials of URLs, `secret=…` pairs, email addresses and long opaque strings
 * become `[redacted]`, `[token]` or `[email]`; the result is at most {@link MAX_UPSTREAM_TEXT}
 * characters.
 */
export function redactUpstream(text: string, max = MAX_UPSTREAM_TEXT): string {
  let out = text;
  for (const [pattern, replacement] of RULES)
    out = out.replace(pattern, replacement as (substring: string, ...args: string[]) => string);
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}

/**
 * Every string inside a logged value, redacted (objects and arrays copied, at most `depth` levels
 * deep; deeper values are dropped). For error objects as pino serialises them.
 */
export function redactDeep(value: unknown, depth = 6): unknown {
  if (typeof value === 'string') return redactUpstream(value, 2_000);
  if (value === null || typeof value !== 'object') return value;
  if (depth <= 0) return '[…]';
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth - 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, depth - 1)]));
}

/** A short, safe label of an upstream failure: `hubspot 503`, `hubspot network`. */
export function upstreamCategory(system: string, status: number | null | undefined): string {
  return `${system} ${status ?? 'network'}`;
}
