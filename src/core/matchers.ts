/**
 * Matching one property value against a matcher. Pure and synchronous.
 *
 * Every answer is one of three: `match`, `no-match` or `unknown`. A missing value, or a value that
 * cannot be read for this matcher (text where a number is needed), is `unknown`, never `no-match`,
 * and the `shown` text says what was seen so the explanation can say so.
 */
import type { Condition, Matcher, PropertyRef } from './model.js';

export type MatchStatus = 'match' | 'no-match' | 'unknown';

export interface MatchResult {
  status: MatchStatus;
  /** The value as a person would read it (or why it is unknown). */
  shown: string;
}

/** A contact's facts as read from HubSpot: contact properties and the associated company's. */
export interface ContactFacts {
  properties: Readonly<Record<string, string | number | boolean | null | undefined>>;
  company?: Readonly<Record<string, string | number | boolean | null | undefined>> | null;
}

/** Reads `contact.x` / `company.x`; empty strings count as no value. */
export function readProperty(facts: ContactFacts, ref: PropertyRef): string | null {
  const dot = ref.indexOf('.');
  return readSplit(facts, ref.slice(0, dot) === 'company', ref.slice(dot + 1));
}

function readSplit(facts: ContactFacts, fromCompany: boolean, name: string): string | null {
  const raw = fromCompany ? facts.company?.[name] : facts.properties[name];
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string') {
    // Most values start and end with a printable ASCII character: nothing for trim() to do.
    const n = raw.length;
    const first = n > 0 ? raw.charCodeAt(0) : 0;
    const last = n > 0 ? raw.charCodeAt(n - 1) : 0;
    if (first > 32 && first < 127 && last > 32 && last < 127) return raw;
    const text = raw.trim();
    return text === '' ? null : text;
  }
  return String(raw);
}

/** The outcome of one condition: which property gave the value, and how it matched. */
export interface ConditionResult extends MatchResult {
  ref: PropertyRef;
}

type CompiledCondition = (facts: ContactFacts) => ConditionResult;
const compiledConditions = new WeakMap<Condition, CompiledCondition>();

/**
 * Evaluates a condition: the first of its properties with a value is matched; with no value at
 * all, the matcher decides on "no value" (unknown for most matchers).
 */
export function evaluateCondition(facts: ContactFacts, condition: Condition): ConditionResult {
  let compiled = compiledConditions.get(condition);
  if (!compiled) {
    compiled = compileCondition(condition);
    compiledConditions.set(condition, compiled);
  }
  return compiled(facts);
}

function compileCondition(condition: Condition): CompiledCondition {
  const refs = typeof condition.property === 'string' ? [condition.property] : condition.property;
  const reads = refs.map((ref) => {
    const dot = ref.indexOf('.');
    return { ref, fromCompany: ref.slice(0, dot) === 'company', name: ref.slice(dot + 1) };
  });
  const match = compiledMatcher(condition.match);
  return (facts) => {
    for (const read of reads) {
      const value = readSplit(facts, read.fromCompany, read.name);
      if (value !== null) {
        const result = match(value);
        return { ref: read.ref, status: result.status, shown: result.shown };
      }
    }
    const result = match(null);
    return { ref: reads[0]!.ref, status: result.status, shown: result.shown };
  };
}

/** Case-, space-, underscore- and punctuation-insensitive form: `COMPUTER_SOFTWARE` ≡ "Computer Software". */
export function normalizeOption(text: string): string {
  return foldAccents(text)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** "België" → "Belgie"; plain ASCII is returned as is (the common case, and the fast one). */
function foldAccents(text: string): string {
  // eslint-disable-next-line no-control-regex -- the ASCII range is the point
  return /^[\x00-\x7f]*$/.test(text) ? text : text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
}

/** Lower-case words separated by single spaces, padded: " vp sales " (for whole-word matching). */
function wordForm(text: string): string {
  const words = foldAccents(text)
    .toLowerCase()
    .match(/[\p{L}\p{N}]+/gu);
  return words ? ` ${words.join(' ')} ` : ' ';
}

/** A numeric interval read from a HubSpot value: `250`, `1,200`, `25-50`, `1000+`. */
export interface NumericInterval {
  low: number;
  high: number;
}

/**
 * Reads a number or a HubSpot band. `"25-50"` → [25, 50]; `"1000+"` → [1000, ∞); `"250"` → [250, 250].
 * Thousands separators (`1,200` / `1.200`) are accepted when unambiguous. Returns null when unreadable.
 */
export function parseNumericInterval(text: string): NumericInterval | null {
  const t = text.replace(/\s+/g, '');
  const num = (s: string): number | null => {
    if (/^\d{1,3}([,.]\d{3})+$/.test(s)) return Number(s.replace(/[,.]/g, ''));
    if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
    return null;
  };
  const plus = /^(.+)\+$/.exec(t);
  if (plus) {
    const low = num(plus[1]!);
    return low === null ? null : { low, high: Number.POSITIVE_INFINITY };
  }
  const band = /^([^-]+)-([^-]+)$/.exec(t);
  if (band) {
    const low = num(band[1]!);
    const high = num(band[2]!);
    return low === null || high === null || low > high ? null : { low, high };
  }
  const single = num(t);
  return single === null ? null : { low: single, high: single };
}

/** The domain part of an e-mail address, lower-cased, or null. */
export function emailDomain(text: string): string | null {
  const at = text.lastIndexOf('@');
  if (at < 1 || at === text.length - 1) return null;
  const domain = text
    .slice(at + 1)
    .trim()
    .toLowerCase()
    .replace(/\.$/, '');
  return /^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(domain) ? domain : null;
}

/** A range as a person says it: `25–1000`, `100 or more`, `9 or fewer`. */
export function formatRange(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `${min}–${max}`;
  if (min !== undefined) return `${min} or more`;
  return `${max} or fewer`;
}

type CompiledMatcher = (value: string | null) => MatchResult;

/**
 * Matchers are compiled once per (immutable) model object: option lists become sets, phrases
 * become word forms, patterns become RegExps. Property values repeat a lot (industries, countries,
 * bands), so each compiled matcher also remembers its answers for up to MEMO_LIMIT distinct values.
 * Both caches are invisible: the answer for a value never depends on them.
 */
const compiledMatchers = new WeakMap<Matcher, CompiledMatcher>();
const MEMO_LIMIT = 4096;

function compiledMatcher(matcher: Matcher): CompiledMatcher {
  let compiled = compiledMatchers.get(matcher);
  if (!compiled) {
    // E-mail addresses are nearly unique; that matcher remembers per domain itself.
    compiled = matcher.type === 'email-domain' ? compileMatcher(matcher) : memoize(compileMatcher(matcher));
    compiledMatchers.set(matcher, compiled);
  }
  return compiled;
}

/** The domain or one of its parent domains is listed: `cs.ox.ac.uk` is listed by `ac.uk`. */
function domainListed(domain: string, entries: ReadonlySet<string>): boolean {
  for (let from = 0; from !== -1; from = domain.indexOf('.', from) + 1 || -1) {
    if (entries.has(from === 0 ? domain : domain.slice(from))) return true;
  }
  return false;
}

function memoize(match: CompiledMatcher): CompiledMatcher {
  const memo = new Map<string, MatchResult>();
  const none = Object.freeze(match(null));
  return (value) => {
    if (value === null) return none;
    let result = memo.get(value);
    if (result === undefined) {
      if (memo.size >= MEMO_LIMIT) memo.clear();
      result = Object.freeze(match(value));
      memo.set(value, result);
    }
    return result;
  };
}

/** Matches one value (null = the property has no value). */
export function matchValue(value: string | null, matcher: Matcher): MatchResult {
  return compiledMatcher(matcher)(value);
}

const NO_VALUE: MatchResult = Object.freeze({ status: 'unknown', shown: 'no value' });

function compileMatcher(matcher: Matcher): CompiledMatcher {
  switch (matcher.type) {
    case 'known':
      return (value) =>
        value === null ? { status: 'no-match', shown: 'no value' } : { status: 'match', shown: value };
    case 'unknown':
      return (value) =>
        value === null ? { status: 'match', shown: 'no value' } : { status: 'no-match', shown: value };
    case 'one-of':
    case 'none-of': {
      const listed = new Set(matcher.values.map(normalizeOption));
      const wanted = matcher.type === 'one-of';
      return (value) => {
        if (value === null) return NO_VALUE;
        const hit = listed.has(normalizeOption(value)) === wanted;
        return { status: hit ? 'match' : 'no-match', shown: humanizeOption(value) };
      };
    }
    case 'range': {
      const min = matcher.min ?? Number.NEGATIVE_INFINITY;
      const max = matcher.max ?? Number.POSITIVE_INFINITY;
      return (value) => {
        if (value === null) return NO_VALUE;
        const interval = parseNumericInterval(value);
        if (!interval) return { status: 'unknown', shown: `"${value}" is not a number` };
        const inside = interval.low >= min && interval.high <= max;
        return { status: inside ? 'match' : 'no-match', shown: value };
      };
    }
    case 'contains': {
      const phrases = matcher.values.map(wordForm);
      const except = (matcher.except ?? []).map(wordForm);
      return (value) => {
        if (value === null) return NO_VALUE;
        const words = wordForm(value);
        const hit = phrases.some((p) => words.includes(p)) && !except.some((p) => words.includes(p));
        return { status: hit ? 'match' : 'no-match', shown: value };
      };
    }
    case 'regex': {
      const re = new RegExp(matcher.pattern, matcher.flags);
      return (value) => {
        if (value === null) return NO_VALUE;
        return { status: re.test(value) ? 'match' : 'no-match', shown: value };
      };
    }
    case 'email-domain': {
      const entries = new Set(
        matcher.domains.map((d) =>
          d
            .trim()
            .toLowerCase()
            .replace(/^[@.]+/, ''),
        ),
      );
      // Addresses are unique but domains repeat: remember answers per domain, not per address.
      const byDomain = new Map<string, MatchResult>();
      return (value) => {
        if (value === null) return NO_VALUE;
        // Look up by the raw text after the last @ first: validation and case-folding run once per domain.
        const at = value.lastIndexOf('@');
        const key = at < 0 ? value : value.slice(at + 1);
        let result = at < 1 ? undefined : byDomain.get(key);
        if (result === undefined) {
          const domain = emailDomain(value);
          if (!domain) return { status: 'unknown', shown: `"${value}" is not an e-mail address` };
          if (byDomain.size >= MEMO_LIMIT) byDomain.clear();
          result = Object.freeze({
            status: domainListed(domain, entries) ? 'match' : 'no-match',
            shown: domain,
          });
          byDomain.set(key, result);
        }
        return result;
      };
    }
  }
}

const SMALL_WORDS = new Set(['and', 'of', 'the', 'for', 'in', 'or', 'to']);

/** `COMPUTER_SOFTWARE` → "Computer Software"; other text is left as typed. */
export function humanizeOption(value: string): string {
  // Enumeration values are upper snake case; short all-caps words ("NL", "CEO") are left alone.
  if (!/^[A-Z0-9_]+$/.test(value) || (!value.includes('_') && value.length < 5)) return value;
  return value
    .toLowerCase()
    .split('_')
    .filter(Boolean)
    .map((w, i) => (i > 0 && SMALL_WORDS.has(w) ? w : w[0]!.toUpperCase() + w.slice(1)))
    .join(' ');
}
