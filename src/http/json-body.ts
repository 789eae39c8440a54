/**
 * Request bodies from bytes to JSON, at the edge and only after the signature check: the bytes'
 * encoding, a nesting limit checked by a flat scan before `JSON.parse` (so nothing downstream that
 * walks a value recursively, such as zod or `JSON.stringify`, can overflow the stack), and the
 * framing of a JSON array into its elements' received texts, so each webhook event is parsed, judged
 * and kept on its own.
 *
 * Only `identity` content is read: HubSpot does not compress the bodies it sends (hubspot.md §2,
 * §3: it signs the body as sent), so a compressed body is refused before anything is read
 * rather than inflated (no zip bombs, no question of which bytes were signed).
 */
import type { IncomingHttpHeaders } from 'node:http';

/** Deepest nesting accepted in a body (an array or object counts one level). HubSpot's payloads nest 3. */
export const MAX_JSON_DEPTH = 64;

/** Why the headers announce a body this service cannot read, or null when it can. */
export function unreadableBody(headers: IncomingHttpHeaders): string | null {
  const encoding = headers['content-encoding'];
  if (encoding !== undefined) {
    const codings = encoding
      .split(',')
      .map((c) => c.trim().toLowerCase())
      .filter((c) => c !== '');
    const other = codings.find((c) => c !== 'identity');
    if (other !== undefined)
      return `Content-Encoding ${other.slice(0, 32)} is not accepted: send the body uncompressed (identity)`;
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')
    return `charset ${charset.slice(0, 32)} is not accepted: send UTF-8`;
  return null;
}

/**
 * The body as text: UTF-8, a byte-order mark dropped. A byte sequence that is not UTF-8 reads as
 * U+FFFD (the WHATWG decoder's rule) rather than failing the whole body.
 */
export function bodyText(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

// Character codes the scans look at.
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** JSON's four white-space characters (space, tab, line feed, carriage return). */
function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** The deepest nesting in `text`, strings skipped; no recursion, so any depth is measured safely. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === BACKSLASH) i++;
        else if (s === QUOTE) break;
      }
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > deepest) deepest = depth;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) depth--;
  }
  return deepest;
}

/** A JSON body parsed, or why not. */
export type ParsedJson = { ok: true; value: unknown } | { ok: false; problem: string };

/** Parses a body's text, refusing one nested deeper than `maxDepth` before parsing it. */
export function parseJsonText(text: string, maxDepth = MAX_JSON_DEPTH): ParsedJson {
  if (jsonDepth(text) > maxDepth) return { ok: false, problem: `nested deeper than ${maxDepth} levels` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, problem: 'not valid JSON' };
  }
}

/** One element of a JSON array as received: its exact text, and its value or why it has none. */
export interface ArrayElement {
  /** Position in the array, from 0. */
  index: number;
  /** The element's text exactly as in the body (surrounding white space aside). */
  text: string;
  /** The element parsed; absent when it could not be. */
  value?: unknown;
  /** Why it could not be parsed. */
  unreadable?: 'not_json' | 'too_deep';
}

/** A body framed as a JSON array, or why it is not one. */
export type FramedArray =
  | {
      ok: true;
      /** The first `maxElements` elements. */
      elements: ArrayElement[];
      /** How many elements came after those (framed, neither kept nor parsed). */
      beyond: number;
    }
  | { ok: false; problem: string };

/** Limits of {@link frameJsonArray}. */
export interface FrameLimits {
  /** Deepest nesting of an element that is parsed (default {@link MAX_JSON_DEPTH}). */
  maxDepth?: number;
  /** Elements kept and parsed; the rest are only counted (default: all). */
  maxElements?: number;
}

const NOT_AN_ARRAY = 'the body must be a JSON array';

/**
 * Frames `text` as a JSON array in one flat pass: each element's text (its exact characters, for
 * keeping as received), parsed on its own unless nested deeper than the limit. The framing must
 * hold (a `[`, elements split by commas outside strings and brackets, a `]`, nothing after); an
 * element that is not valid JSON by itself, or too deep, is marked so and the others are unharmed.
 */
export function frameJsonArray(text: string, limits: FrameLimits = {}): FramedArray {
  const maxDepth = limits.maxDepth ?? MAX_JSON_DEPTH;
  const maxElements = limits.maxElements ?? Infinity;
  const n = text.length;
  let beyond = 0;
  let i = 0;
  const skipSpace = () => {
    while (i < n && isJsonSpace(text.charCodeAt(i))) i++;
  };
  skipSpace();
  if (text.charCodeAt(i) !== OPEN_BRACKET) return { ok: false, problem: NOT_AN_ARRAY };
  i++;
  skipSpace();
  const elements: ArrayElement[] = [];
  if (text.charCodeAt(i) === CLOSE_BRACKET) {
    i++;
  } else {
    for (;;) {
      skipSpace();
      const start = i;
      let depth = 0;
      let deepest = 0;
      let end = -1;
      for (; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c === QUOTE) {
          for (i++; i < n; i++) {
            const s = text.charCodeAt(i);
            if (s === BACKSLASH) i++;
            else if (s === QUOTE) break;
          }
          if (i >= n) return { ok: false, problem: `${NOT_AN_ARRAY}: a string is not closed` };
        } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
          if (++depth > deepest) deepest = depth;
        } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
          if (depth === 0) {
            if (c === CLOSE_BRACE) return { ok: false, problem: `${NOT_AN_ARRAY}: unbalanced brackets` };
            end = i;
            break;
          }
          depth--;
        } else if (c === COMMA && depth === 0) {
          end = i;
          break;
        }
      }
      if (end === -1) return { ok: false, problem: `${NOT_AN_ARRAY}: it is not closed` };
      let last = end;
      while (last > start && isJsonSpace(text.charCodeAt(last - 1))) last--;
      if (elements.length < maxElements)
        elements.push(element(elements.length, text.slice(start, last), deepest, maxDepth));
      else beyond++;
      i = end + 1;
      if (text.charCodeAt(end) === CLOSE_BRACKET) break;
    }
  }
  skipSpace();
  if (i < n) return { ok: false, problem: `${NOT_AN_ARRAY}: there is text after it` };
  return { ok: true, elements, beyond };
}

function element(index: number, text: string, depth: number, maxDepth: number): ArrayElement {
  if (depth > maxDepth) return { index, text, unreadable: 'too_deep' };
  try {
    return { index, text, value: JSON.parse(text) };
  } catch {
    return { index, text, unreadable: 'not_json' };
  }
}
