/**
 * Matching one property value against a matcher. Pure and synchronous.
 *
 * Every answer is one of three: `match`, `no-match` or `unknown`. A missing value, a value that
 * means "no value" ("N/A"), or a value that cannot be read for this matcher (text where a number
 * is needed, a country nobody knows) is `unknown`, never `no-match`, and the result says what was
 * seen and why, so the explanation can say so. Values are read by the normalisation layer
 * (`normalize.ts`) first: the kind of the property decides how.
 */
import { countryKey } from './countries.js';
import { defaultNormalizer } from './default-normalizer.js';
import type { Condition, Matcher, PropertyRef } from './model.js';
import {
  type Normalizer,
  type NumericInterval,
  parseNumericInterval as parseInterval,
  type ValueKind,
} from './normalize.js';
import { compilePattern, type LinearRegex, PATTERN_LIMITS } from './regex.js';
import { humanizeOption, normalizeOption, shownValue, wordForm } from './text.js';
import { ownValue } from './own.js';

export { foldAccents, humanizeOption, normalizeOption } from './text.js';
export type { NumericInterval } from './normalize.js';

export type MatchStatus = 'match' | 'no-match' | 'unknown';

export interface MatchResult {
  status: MatchStatus;
  /** The value as a person would read it (at most 60 characters), or "no value". */
  shown: string;
  /** What the value was read as, when that differs from how it was written ("Netherlands" for "Holland"). */
  readAs?: string;
  /** The range rule that decided ("75% within 200–1000"), or why the value is unknown ("means no value"). */
  detail?: string;
  /** A match on partial evidence (a band partly inside a range, an open band): it gives fit points, never disqualifies. */
  partial?: boolean;
  /** The property held a value that means "no value" ("N/A", "-"): the next property is tried. */
  noValue?: boolean;
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
  const raw = ownValue(fromCompany ? facts.company : facts.properties, name);
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

/** A condition compiled for one normaliser: facts in, the (shared, frozen) result out. */
export type ConditionEvaluator = (facts: ContactFacts) => ConditionResult;
const compiledConditions = new WeakMap<Condition, { normalizer: Normalizer; run: ConditionEvaluator }>();

/**
 * Evaluates a condition: the first of its properties with a value is matched (a value meaning "no
 * value" counts as none); with no value at all, the matcher decides on "no value" (unknown for
 * most matchers). `normalizer` is the model's (see `modelIndex`); without it, the defaults apply.
 */
export function evaluateCondition(
  facts: ContactFacts,
  condition: Condition,
  normalizer: Normalizer = defaultNormalizer(),
): ConditionResult {
  return conditionEvaluator(condition, normalizer)(facts);
}

/** The compiled form of a condition for a normaliser, made once and remembered. */
export function conditionEvaluator(condition: Condition, normalizer: Normalizer): ConditionEvaluator {
  let compiled = compiledConditions.get(condition);
  if (compiled?.normalizer !== normalizer) {
    compiled = { normalizer, run: compileCondition(condition, normalizer) };
    compiledConditions.set(condition, compiled);
  }
  return compiled.run;
}

/** Results are shared between evaluations (see rememberResults): never modify one. */
function conditionResult(ref: PropertyRef, r: MatchResult): ConditionResult {
  return {
    ref,
    status: r.status,
    shown: r.shown,
    readAs: r.readAs,
    detail: r.detail,
    partial: r.partial,
    noValue: r.noValue,
  };
}

/**
 * Results are remembered per property and value (values repeat: industries, countries, bands), so
 * evaluating a condition allocates nothing. E-mail addresses are nearly unique: their matcher
 * remembers per domain instead.
 */
function rememberResults(
  ref: PropertyRef,
  match: CompiledMatcher,
  perDomain: boolean,
): (value: string) => ConditionResult {
  // The e-mail matcher remembers its answers per domain already; a fresh result costs less than a second lookup.
  if (perDomain) return (value) => conditionResult(ref, match(value));
  const memo = new Map<string, ConditionResult>();
  return (value) => {
    if (value.length > MEMO_VALUE_CHARS) return conditionResult(ref, match(value));
    let c = memo.get(value);
    if (c === undefined) {
      if (memo.size >= MEMO_LIMIT) memo.clear();
      c = conditionResult(ref, match(value));
      memo.set(value, c);
    }
    return c;
  };
}

function compileCondition(condition: Condition, normalizer: Normalizer): ConditionEvaluator {
  const refs = typeof condition.property === 'string' ? [condition.property] : condition.property;
  const perDomain = condition.match.type === 'email-domain';
  const reads = refs.map((ref) => {
    const dot = ref.indexOf('.');
    const match = compileMatcher(condition.match, normalizer.kindOf(ref), normalizer);
    return {
      fromCompany: ref.slice(0, dot) === 'company',
      name: ref.slice(dot + 1),
      run: rememberResults(ref, match, perDomain),
      none: conditionResult(ref, match(null)),
    };
  });
  const none = reads[0]!.none;
  return (facts) => {
    let blank: ConditionResult | null = null;
    for (const read of reads) {
      const value = readSplit(facts, read.fromCompany, read.name);
      if (value === null) continue;
      const result = read.run(value);
      if (result.noValue) {
        blank ??= result;
        continue;
      }
      return result;
    }
    return blank ?? none;
  };
}

/**
 * Reads a number or a band as a plain number property would (see `parseNumericInterval` in
 * `normalize.ts` for every form accepted). Null when unreadable.
 */
export function parseNumericInterval(text: string): NumericInterval | null {
  return parseInterval(text);
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

/** The least share of a band that must lie inside a range for the band to match it. */
export const BAND_MATCH_SHARE = 0.5;

/**
 * How a number or band matches a range `[min, max]` (see the README, "The model"):
 * - a number matches when it lies inside;
 * - a band matches when at least half of it lies inside (`100-500` in `200–1000`: 75%); only a
 *   band wholly inside is full evidence, a band partly inside is a partial match;
 * - an open band (`1000+`, `≤10`) says only "at least N" (or "at most N"): it matches when the
 *   range holds everything it says (full evidence), or when its N lies inside the range
 *   (partial evidence: `1000+` in `25–1000`).
 * Partial matches give fit points but never disqualify: an absolute no-go needs full evidence.
 */
export function matchInterval(
  interval: NumericInterval,
  min: number,
  max: number,
): { status: 'match' | 'no-match'; partial: boolean; share: number | null } {
  const { low, high } = interval;
  if (low >= min && high <= max) return { status: 'match', partial: false, share: null };
  if (low === high) return { status: 'no-match', partial: false, share: null };
  if (high === Number.POSITIVE_INFINITY || low === Number.NEGATIVE_INFINITY) {
    const edge = high === Number.POSITIVE_INFINITY ? low : high;
    return edge >= min && edge <= max
      ? { status: 'match', partial: true, share: null }
      : { status: 'no-match', partial: false, share: null };
  }
  const inside = Math.max(0, Math.min(high, max) - Math.max(low, min));
  const share = inside / (high - low);
  return share >= BAND_MATCH_SHARE
    ? { status: 'match', partial: true, share }
    : { status: 'no-match', partial: false, share };
}

type CompiledMatcher = (value: string | null) => MatchResult;

/**
 * Matchers are compiled once per (immutable) model object and property kind: option lists become
 * sets, phrases become word forms, patterns are compiled for RE2. Property values repeat a lot
 * (industries, countries, bands), so each compiled matcher also remembers its answers for up to
 * MEMO_LIMIT distinct values. Both caches are invisible: the answer for a value never depends on them.
 */
const compiledMatchers = new WeakMap<Normalizer, WeakMap<Matcher, Map<ValueKind, CompiledMatcher>>>();
const MEMO_LIMIT = 4096;
/**
 * Only values up to this length are remembered: the ones that repeat (industries, countries, bands,
 * titles) are short, and a memo of 4,096 values of 65,536 characters would hold 256 MB or more.
 */
const MEMO_VALUE_CHARS = 256;
/** Domains: a portal's contacts come from many thousands of companies. */
const DOMAIN_MEMO_LIMIT = 16_384;

function compiledMatcher(matcher: Matcher, kind: ValueKind, normalizer: Normalizer): CompiledMatcher {
  let byMatcher = compiledMatchers.get(normalizer);
  if (!byMatcher) {
    byMatcher = new WeakMap();
    compiledMatchers.set(normalizer, byMatcher);
  }
  let byKind = byMatcher.get(matcher);
  if (!byKind) {
    byKind = new Map();
    byMatcher.set(matcher, byKind);
  }
  let compiled = byKind.get(kind);
  if (!compiled) {
    // E-mail addresses are nearly unique; that matcher remembers per domain itself.
    compiled =
      matcher.type === 'email-domain'
        ? compileMatcher(matcher, kind, normalizer)
        : memoize(compileMatcher(matcher, kind, normalizer));
    byKind.set(kind, compiled);
  }
  return compiled;
}

/**
 * A regex matcher's pattern on the linear-time engine (`regex.ts`), compiled once per matcher
 * object: every property and value kind it is used with shares it, and so does its DFA cache.
 */
const compiledPatterns = new WeakMap<Matcher, LinearRegex>();

function linearRegex(matcher: Extract<Matcher, { type: 'regex' }>): LinearRegex {
  let regex = compiledPatterns.get(matcher);
  if (!regex) {
    const compiled = compilePattern(matcher.pattern, matcher.flags);
    // A parsed model's patterns all compile; an unchecked matcher fails as `new RegExp` would.
    if (!compiled.ok) throw new SyntaxError(`Invalid pattern /${matcher.pattern}/: ${compiled.problem}`);
    regex = compiled.regex;
    compiledPatterns.set(matcher, regex);
  }
  return regex;
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
    if (value.length > MEMO_VALUE_CHARS) return match(value);
    let result = memo.get(value);
    if (result === undefined) {
      if (memo.size >= MEMO_LIMIT) memo.clear();
      result = Object.freeze(match(value));
      memo.set(value, result);
    }
    return result;
  };
}

export interface MatchOptions {
  /** What the property holds (default `text`: plain text, numbers for ranges). */
  kind?: ValueKind;
  /** The model's normaliser (`modelIndex(model).normalizer`); default: the built-in rules. */
  normalizer?: Normalizer;
}

/** Matches one value (null = the property has no value). */
export function matchValue(value: string | null, matcher: Matcher, options: MatchOptions = {}): MatchResult {
  return compiledMatcher(matcher, options.kind ?? 'text', options.normalizer ?? defaultNormalizer())(value);
}

const NO_VALUE: MatchResult = Object.freeze({ status: 'unknown', shown: 'no value' });

function result(
  status: MatchStatus,
  shown: string,
  extra: Omit<MatchResult, 'status' | 'shown'> = {},
): MatchResult {
  return { status, shown, ...extra };
}

/** What a value meaning "no value" gives: what no value at all gives, saying which text it was. */
function blank(type: Matcher['type'], value: string): MatchResult {
  const extra = { detail: 'means no value', noValue: true };
  if (type === 'known') return result('no-match', shownValue(value), extra);
  if (type === 'unknown') return result('match', shownValue(value), extra);
  return result('unknown', shownValue(value), extra);
}

function compileMatcher(matcher: Matcher, kind: ValueKind, nz: Normalizer): CompiledMatcher {
  const type = matcher.type;
  const inner = compileKnownValue(matcher, kind, nz);
  // An address is never a "no value" token; its matcher checks for one only when it is no address.
  if (type === 'email-domain') return inner;
  return (value) => {
    if (value === null) return inner(null);
    if (nz.isNoValue(value)) return blank(type, value);
    return inner(value);
  };
}

function compileKnownValue(matcher: Matcher, kind: ValueKind, nz: Normalizer): CompiledMatcher {
  switch (matcher.type) {
    case 'known':
      return (value) =>
        value === null ? { status: 'no-match', shown: 'no value' } : result('match', shownValue(value));
    case 'unknown':
      return (value) =>
        value === null ? { status: 'match', shown: 'no value' } : result('no-match', shownValue(value));
    case 'one-of':
    case 'none-of': {
      const wanted = matcher.type === 'one-of';
      const listed = new Set(matcher.values.map(normalizeOption));
      if (kind !== 'country' && kind !== 'industry')
        return (value) => {
          if (value === null) return NO_VALUE;
          return result(
            listed.has(normalizeOption(value)) === wanted ? 'match' : 'no-match',
            humanizeOption(value),
          );
        };
      // Countries and industries compare by their canonical value (NL, FOOD_BEVERAGES), so every
      // name, code, alias or keyword of a listed one matches; listed text that is no country or
      // industry still matches as typed.
      const canonical = new Set<string>();
      for (const v of matcher.values) {
        const read = nz.read(kind, v);
        if (read.value !== null) canonical.add(read.value);
      }
      const sameText = kind === 'country' ? countryKey : normalizeOption;
      return (value) => {
        if (value === null) return NO_VALUE;
        const read = nz.read(kind, value);
        if (read.value === null) {
          if (listed.has(normalizeOption(value)))
            return result(wanted ? 'match' : 'no-match', humanizeOption(value));
          return result('unknown', shownValue(value), { detail: read.reason ?? 'cannot be read' });
        }
        const hit = canonical.has(read.value) || listed.has(normalizeOption(value));
        const status = hit === wanted ? 'match' : 'no-match';
        if (kind === 'industry' && read.via === 'exact') return result(status, read.label!);
        const readAs = sameText(value) === sameText(read.label!) ? undefined : read.label!;
        return result(status, shownValue(value), readAs === undefined ? {} : { readAs });
      };
    }
    case 'range': {
      const min = matcher.min ?? Number.NEGATIVE_INFINITY;
      const max = matcher.max ?? Number.POSITIVE_INFINITY;
      const range = formatRange(matcher.min, matcher.max);
      const numberKind = kind === 'count' ? 'count' : 'number';
      return (value) => {
        if (value === null) return NO_VALUE;
        const read = nz.read(numberKind, value);
        if (read.interval === null)
          return result('unknown', shownValue(value), { detail: read.reason ?? 'is not a number' });
        const { status, partial, share } = matchInterval(read.interval, min, max);
        const { low, high } = read.interval;
        let detail: string;
        if (share !== null && share > 0)
          detail = `${Math.round(share * 100)}% within ${range}${partial ? '' : ', under half'}`;
        else if (
          partial ||
          (status === 'no-match' && (high === Number.POSITIVE_INFINITY || low === Number.NEGATIVE_INFINITY))
        )
          detail = `${high === Number.POSITIVE_INFINITY ? `at least ${low}` : `at most ${high}`}, ${partial ? 'within' : 'wanted'} ${range}`;
        else detail = status === 'match' ? range : `wanted ${range}`;
        return result(status, shownValue(value), partial ? { detail, partial } : { detail });
      };
    }
    case 'contains': {
      // Each listed phrase, then the model's synonyms of it (`normalization.titleSynonyms`),
      // longest first, so the most specific phrase names the match.
      const phrases: { form: string; readAs: string | undefined }[] = [];
      for (const v of matcher.values) {
        phrases.push({ form: wordForm(v), readAs: undefined });
        for (const s of nz.titleSynonyms.byPhrase.get(wordForm(v)) ?? [])
          phrases.push({ form: s.form, readAs: v });
      }
      phrases.sort((a, b) => b.form.length - a.form.length);
      const except: string[] = [];
      for (const v of matcher.except ?? []) {
        except.push(wordForm(v));
        for (const s of nz.titleSynonyms.byPhrase.get(wordForm(v)) ?? []) except.push(s.form);
      }
      return (value) => {
        if (value === null) return NO_VALUE;
        const words = wordForm(value);
        const shown = shownValue(value);
        if (except.some((p) => words.includes(p))) return result('no-match', shown);
        const hit = phrases.find((p) => words.includes(p.form));
        if (!hit) return result('no-match', shown);
        return result('match', shown, hit.readAs === undefined ? {} : { readAs: hit.readAs });
      };
    }
    case 'regex': {
      const re = linearRegex(matcher);
      return (value) => {
        if (value === null) return NO_VALUE;
        if (value.length > PATTERN_LIMITS.valueChars)
          return result('unknown', shownValue(value), {
            detail: `is ${value.length.toLocaleString('en-US')} characters; a pattern reads at most ${PATTERN_LIMITS.valueChars.toLocaleString('en-US')}`,
          });
        return result(re.test(value) ? 'match' : 'no-match', shownValue(value));
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
        let found = at < 1 ? undefined : byDomain.get(key);
        if (found === undefined) {
          const domain = emailDomain(value);
          if (!domain)
            return nz.isNoValue(value)
              ? blank('email-domain', value)
              : result('unknown', shownValue(value), { detail: 'is not an e-mail address' });
          found = Object.freeze(result(domainListed(domain, entries) ? 'match' : 'no-match', domain));
          // A DNS name has at most 253 characters: a longer "domain" is not worth remembering.
          if (key.length > 253) return found;
          if (byDomain.size >= DOMAIN_MEMO_LIMIT) byDomain.clear();
          byDomain.set(key, found);
        }
        return found;
      };
    }
  }
}
