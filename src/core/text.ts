/**
 * Small text helpers shared by the normalisation layer, the matchers and the explanations.
 * Pure; no data of their own.
 */

/** "België" → "Belgie"; plain ASCII is returned as is (the common case, and the fast one). */
export function foldAccents(text: string): string {
  // eslint-disable-next-line no-control-regex -- the ASCII range is the point
  return /^[\x00-\x7f]*$/.test(text) ? text : text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
}

/** Case-, space-, underscore- and punctuation-insensitive form: `COMPUTER_SOFTWARE` ≡ "Computer Software". */
export function normalizeOption(text: string): string {
  return foldAccents(text)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Lower-case words separated by single spaces, padded: " vp sales " (for whole-word matching). */
export function wordForm(text: string): string {
  const words = foldAccents(text)
    .toLowerCase()
    .match(/[\p{L}\p{N}]+/gu);
  return words ? ` ${words.join(' ')} ` : ' ';
}

/** How many characters of a property value an explanation shows before it cuts with "…". */
export const SHOWN_VALUE_CHARS = 60;

/**
 * Cuts `text` to at most `max` characters (UTF-16 code units, so never more than HubSpot counts),
 * ending in a visible "…" when anything was cut. A surrogate pair is never split.
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--; // do not leave half a surrogate pair
  return `${text.slice(0, end)}…`;
}

/** A property value as an explanation shows it: at most SHOWN_VALUE_CHARS characters. */
export function shownValue(text: string): string {
  return text.length <= SHOWN_VALUE_CHARS ? text : cutText(text, SHOWN_VALUE_CHARS);
}

const SMALL_WORDS = new Set(['and', 'of', 'the', 'for', 'in', 'or', 'to']);

/** `COMPUTER_SOFTWARE` → "Computer Software"; other text is left as typed. */
export function humanizeOption(value: string): string {
  // Enumeration values are upper snake case; short all-caps words ("NL", "CEO") are left alone.
  if (!/^[A-Z0-9_]+$/.test(value) || (!value.includes('_') && value.length < 5)) return shownValue(value);
  return shownValue(
    value
      .toLowerCase()
      .split('_')
      .filter(Boolean)
      .map((w, i) => (i > 0 && SMALL_WORDS.has(w) ? w : w[0]!.toUpperCase() + w.slice(1)))
      .join(' '),
  );
}

/**
 * Optimal string alignment distance (Levenshtein with adjacent transpositions), capped: returns
 * `cap + 1` as soon as the distance is known to exceed `cap`. For "did you mean" suggestions.
 */
export function editDistance(a: string, b: string, cap = 3): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  let prevPrev: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, prevPrev[j - 2]! + 1);
      row.push(d);
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > cap) return cap + 1;
    prevPrev = prev;
    prev = row;
  }
  return Math.min(prev[b.length]!, cap + 1);
}

/**
 * The closest of `candidates` to `name` (within a distance of about a third of its length, at most
 * 3), or null. Ties go to the first candidate.
 */
export function closest(name: string, candidates: Iterable<string>): string | null {
  const cap = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  let best: string | null = null;
  let bestDistance = cap + 1;
  for (const candidate of candidates) {
    const d = editDistance(name, candidate, cap);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** How many characters of an object key a JSON path shows before it cuts with "…". */
const PATH_KEY_CHARS = 60;

/**
 * Formats a path the way a JSON editor shows it: `$.fit.criteria[2].points`. A key longer than 60
 * characters is cut with "…" (a problem about a 1 MB key should not be 1 MB long).
 */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && key.length > PATH_KEY_CHARS)
      out += `[${JSON.stringify(cutText(key, PATH_KEY_CHARS))}]`;
    else if (typeof key === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}
