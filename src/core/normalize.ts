/**
 * The normalisation layer: how a raw HubSpot value is read before any matcher sees it. One place,
 * driven by data, and every reading is explained (`via`, `reason`), so an explanation can say
 * "Region: Holland → Netherlands" or "Company size: unknown ("N/A" means no value)".
 *
 * The rules:
 * - **No value.** Blank text and the tokens in UNKNOWN_VALUES ("N/A", "n.v.t.", "-", "unknown",
 *   "onbekend", …; compared by letters and digits only, so "n/a" ≡ "N.A.") mean the property has no
 *   value, like an empty one: the next property of the condition is tried, and a value that stays
 *   unknown never gives points and never disqualifies. A model adds tokens in
 *   `normalization.unknownValues`. "NA" is read as "not available", not as Namibia.
 * - **Kinds.** What a property holds decides how it is read: `country`, `industry`, `count`
 *   (employees: a number or a band, above 0), `number`, or `text`. HubSpot's own `country`,
 *   `industry`, `numberofemployees` and `numemployees` are known; a model names the kind of its
 *   custom properties in `normalization.propertyKinds`.
 * - **Countries** through ISO 3166 (codes and names in English, Dutch, German, French, plus
 *   common aliases): the value is the alpha-2 code ("NL").
 * - **Industries** as HubSpot's enumeration: its value or label, else the longest keyword of the
 *   model's `normalization.industryKeywords` found as whole words. The value is the enum value.
 * - **Numbers and bands** (see {@link parseNumericInterval}): separators, en/em dashes, words and
 *   open bands become an interval. A count of 0 or less is unknown.
 * - A country or industry that cannot be read is unknown (with the reason), not a no-match.
 *
 * Reading is idempotent: reading the canonical `value` of a reading gives the same reading's value.
 */
import { countryKey, findCountry } from './countries.js';
import { findIndustry, type IndustryKeywordIndex, industryKeywordIndex } from './industries.js';
import { normalizeOption, wordForm } from './text.js';
import { ownValue } from './own.js';

export const VALUE_KINDS = ['text', 'country', 'industry', 'count', 'number'] as const;
export type ValueKind = (typeof VALUE_KINDS)[number];

/** Values that mean "no value", in any case, with any punctuation. */
export const UNKNOWN_VALUES: readonly string[] = [
  '-',
  '?',
  'N/A',
  'NA',
  'n.v.t.',
  'n.b.',
  'k.A.',
  'o.A.',
  'n.d.',
  'n.c.',
  'unknown',
  'onbekend',
  'unbekannt',
  'inconnu',
  'none',
  'geen',
  'keine',
  'aucun',
  'null',
  'nil',
  'undefined',
  'NaN',
  'not applicable',
  'not available',
  'not known',
  'not provided',
  'not specified',
  'niet bekend',
  'niet van toepassing',
  'niet opgegeven',
  'keine Angabe',
  'nicht bekannt',
  'nicht angegeben',
  'non renseigné',
  'non communiqué',
  'sans objet',
  'TBD',
  'TBA',
  'xx',
  'xxx',
  'select',
  'please select',
  'choose one',
];

/** HubSpot's default properties whose kind is known. */
export const DEFAULT_PROPERTY_KINDS: Readonly<Record<string, ValueKind>> = {
  country: 'country',
  ip_country: 'country',
  industry: 'industry',
  numberofemployees: 'count',
  numemployees: 'count',
  annualrevenue: 'number',
};

/** A numeric interval read from a value: `250` → [250, 250], `25-50` → [25, 50], `1000+` → [1000, ∞). */
export interface NumericInterval {
  low: number;
  high: number;
}

/** One value as the normalisation layer read it. */
export interface NormalizedValue {
  kind: ValueKind;
  /** The text as read (trimmed). */
  raw: string;
  /** The canonical value ("NL", "FOOD_BEVERAGES", "100–500", "1000+", the text itself); null when unknown. */
  value: string | null;
  /** What a person reads ("Netherlands", "Food & Beverages", "100–500"); null when unknown. */
  label: string | null;
  /**
   * How it was read: `exact` (as is), `code`, `name`, `alias` (a country), `keyword` (an industry,
   * see `keyword`), `number`, `band`, `open band`; null when unknown.
   */
  via: 'exact' | 'code' | 'name' | 'alias' | 'keyword' | 'number' | 'band' | 'open band' | null;
  /** The industry keyword that matched. */
  keyword: string | null;
  /** Why it is unknown: "means no value", "is not a country we know", …; null when known. */
  reason: string | null;
  /** For counts and numbers. */
  interval: NumericInterval | null;
}

/** The model's part of the normalisation (see `normalization` in the model schema). */
export interface NormalizationConfig {
  unknownValues: readonly string[];
  propertyKinds: Readonly<Record<string, ValueKind>>;
  countryAliases: Readonly<Record<string, string>>;
  industryKeywords: Readonly<Record<string, readonly string[]>>;
  titleSynonyms: Readonly<Record<string, readonly string[]>>;
}

/** A phrase of a `contains` matcher and the other ways to write it, in whole-word form. */
export interface TitleSynonyms {
  /** Whole-word form of the listed phrase → its synonyms (whole-word form, as written). */
  byPhrase: ReadonlyMap<string, readonly { form: string; text: string }[]>;
}

/**
 * Everything derived from a model's normalisation, built once per model: token set, kinds,
 * aliases, keyword index, synonyms, and a memo of readings per kind (values repeat a lot).
 */
export interface Normalizer {
  kindOf(ref: string): ValueKind;
  isNoValue(raw: string): boolean;
  read(kind: ValueKind, raw: string): NormalizedValue;
  readonly titleSynonyms: TitleSynonyms;
}

const BUILT_IN_TOKENS = new Set(UNKNOWN_VALUES.map(normalizeOption));
const MEMO_LIMIT = 4096;

export function createNormalizer(config: NormalizationConfig): Normalizer {
  const tokens = new Set([...BUILT_IN_TOKENS, ...config.unknownValues.map(normalizeOption)]);
  const aliases = new Map(Object.entries(config.countryAliases).map(([k, v]) => [countryKey(k), v]));
  const keywords = industryKeywordIndex(config.industryKeywords);
  const kinds = new Map<string, ValueKind>(Object.entries(config.propertyKinds));
  const byPhrase = new Map<string, { form: string; text: string }[]>();
  for (const [phrase, synonyms] of Object.entries(config.titleSynonyms)) {
    const list = byPhrase.get(wordForm(phrase)) ?? [];
    for (const text of synonyms) list.push({ form: wordForm(text), text });
    byPhrase.set(wordForm(phrase), list);
  }
  const memos = new Map<ValueKind, Map<string, NormalizedValue>>();
  // No token has a digit or is long: most values are ruled out without folding them.
  const isNoValue = (raw: string) => {
    if (raw.length > 40) return false;
    const first = raw.charCodeAt(0);
    return !(first >= 48 && first <= 57) && tokens.has(normalizeOption(raw));
  };

  return {
    titleSynonyms: { byPhrase },
    isNoValue,
    kindOf(ref) {
      const known = kinds.get(ref);
      if (known) return known;
      return ownValue(DEFAULT_PROPERTY_KINDS, ref.slice(ref.indexOf('.') + 1)) ?? 'text';
    },
    read(kind, raw) {
      let memo = memos.get(kind);
      if (!memo) {
        memo = new Map();
        memos.set(kind, memo);
      }
      let result = memo.get(raw);
      if (result === undefined) {
        if (memo.size >= MEMO_LIMIT) memo.clear();
        result = Object.freeze(readValue(kind, raw, isNoValue, aliases, keywords));
        memo.set(raw, result);
      }
      return result;
    },
  };
}

function unknown(kind: ValueKind, raw: string, reason: string): NormalizedValue {
  return { kind, raw, value: null, label: null, via: null, keyword: null, reason, interval: null };
}

function readValue(
  kind: ValueKind,
  rawText: string,
  isNoValue: (raw: string) => boolean,
  aliases: ReadonlyMap<string, string>,
  keywords: IndustryKeywordIndex,
): NormalizedValue {
  const raw = rawText.trim();
  if (isNoValue(raw)) return unknown(kind, raw, 'means no value');
  switch (kind) {
    case 'text':
      return { kind, raw, value: raw, label: raw, via: 'exact', keyword: null, reason: null, interval: null };
    case 'country': {
      const hit = findCountry(raw, aliases);
      if (!hit) return unknown(kind, raw, 'is not a country we know');
      return {
        kind,
        raw,
        value: hit.code,
        label: hit.name,
        via: hit.via === 'code' && hit.code === raw ? 'exact' : hit.via,
        keyword: null,
        reason: null,
        interval: null,
      };
    }
    case 'industry': {
      const hit = findIndustry(raw, keywords);
      if (!hit) return unknown(kind, raw, 'is not a HubSpot industry and matches no industry keyword');
      return {
        kind,
        raw,
        value: hit.value,
        label: hit.label,
        via: hit.via,
        keyword: hit.keyword,
        reason: null,
        interval: null,
      };
    }
    case 'count':
    case 'number': {
      const interval = /^\d{1,15}$/.test(raw)
        ? { low: Number(raw), high: Number(raw) }
        : parseNumericInterval(raw, kind === 'count');
      if (!interval) return unknown(kind, raw, 'is not a number');
      if (kind === 'count' && interval.high <= 0) return unknown(kind, raw, 'is not a positive number');
      const value = formatInterval(interval);
      const via =
        interval.low === interval.high
          ? 'number'
          : Number.isFinite(interval.low) && Number.isFinite(interval.high)
            ? 'band'
            : 'open band';
      return { kind, raw, value, label: value, via, keyword: null, reason: null, interval };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Numbers and bands

const APPROXIMATELY =
  /^(?:ca\.|ca|circa|approx\.|approximately|approx|about|around|roughly|ongeveer|zo'n|etwa|ungefähr|rund|environ|~|±|\+\/-)(?=[\s\d]|$)\s*/;
const UNIT =
  /\s*(?:employees?|empl\.?|emp\.?|medewerkers?|werknemers?|mitarbeiter(?:innen)?|mitarbeitende|angestellte|beschäftigte|salariés?|employés?|people|persons?|personen|staff|fte|ppl)$/;
const OPEN_HIGH_PREFIX =
  /^(?:>=?|≥|\+|more than|over|above|at least|min\.|minimum|min|meer dan|minimaal|minstens|ten minste|boven de|boven|mehr als|über|mindestens|ab|plus de|au moins)(?=[\s\d]|$)\s*/;
const OPEN_HIGH_SUFFIX =
  /\s*(?:\+|or more|and more|and up|and above|plus|en meer|of meer|of méér|oder mehr|und mehr|et plus|ou plus)$/;
const OPEN_LOW_PREFIX =
  /^(?:<=?|≤|less than|fewer than|under|below|up to|at most|max\.|maximum|max|minder dan|tot en met|tot|hooguit|maximaal|weniger als|unter|bis zu|bis|höchstens|moins de|jusqu'à)(?=[\s\d]|$)\s*/;
const OPEN_LOW_SUFFIX = /\s*(?:or less|or fewer|of minder|oder weniger|ou moins)$/;
const BAND = /^(.+?)\s*(?:-|–|—|‒|―|\bto\b|\btot\b|\bbis\b|\bà\b|\bt\/m\b)\s*(.+)$/;
const BETWEEN = /^(?:between|tussen|zwischen|entre)\s+(.+?)\s+(?:and|en|und|et)\s+(.+)$/;
const MAX_NUMBER = 1e15;

/**
 * Reads one number: `250`, `1,200`, `1.200`, `1 200`, `12'000`, `1,200.50`, `1.200,50`, `12.5`,
 * `12,5`, `1.5k`, `2M`. A group of exactly three digits after a single `,` or `.` is a thousands
 * group (`1,200` is 1200, never 1.2: employee counts have no decimals). Null when unreadable.
 */
export function parseNumber(text: string): number | null {
  let t = text.trim().toLowerCase();
  let factor = 1;
  const suffix = /^(.*\d)\s*([km])$/.exec(t);
  if (suffix) {
    t = suffix[1]!;
    factor = suffix[2] === 'k' ? 1_000 : 1_000_000;
  }
  let negative = false;
  if (t.startsWith('-') || t.startsWith('−')) {
    negative = true;
    t = t.slice(1);
  }
  let n: number;
  if (/^\d+$/.test(t)) n = Number(t);
  else if (/^\d{1,3}([,. '’\u00a0\u202f])\d{3}(?:\1\d{3})*$/.test(t)) n = Number(t.replace(/[^\d]/g, ''));
  else if (/^\d{1,3}(?:,\d{3})+\.\d+$/.test(t)) n = Number(t.replace(/,/g, ''));
  else if (/^\d{1,3}(?:\.\d{3})+,\d+$/.test(t)) n = Number(t.replace(/\./g, '').replace(',', '.'));
  else if (/^\d+[.,]\d+$/.test(t)) n = Number(t.replace(',', '.'));
  else return null;
  n *= factor;
  if (!Number.isFinite(n) || n > MAX_NUMBER) return null;
  if (factor > 1) n = Math.round(n * 1000) / 1000;
  return negative ? -n : n;
}

/**
 * Reads a number or a band into an interval:
 * - `250`, `1,200`, `ca. 250`, `250 employees` → [n, n];
 * - `25-50`, `100–500` (en dash), `100 — 500` (em dash), `100 to 500`, `100 tot 500`,
 *   `between 100 and 500` → [low, high] (a band the wrong way round is unreadable);
 * - `1000+`, `>500`, `≥ 500`, `500 or more`, `meer dan 500`, `mehr als 500` → [n, ∞);
 * - `<10`, `up to 10`, `minder dan 10` → (−∞, n].
 * For a count (`count: true`) a strict bound moves by one (`>500` is 501 or more, `<10` is 9 or
 * fewer) and an open lower end is 1. Returns null when the text is not a number or a band.
 */
export function parseNumericInterval(text: string, count = false): NumericInterval | null {
  let t = text
    .trim()
    .toLowerCase()
    .replace(/[\u00a0\u202f\u2009]/g, ' ');
  t = t.replace(APPROXIMATELY, '').replace(UNIT, '').trim();
  if (t === '') return null;

  const strict =
    /^[<>](?!=)/.test(t) ||
    /^(?:more than|over|above|meer dan|boven|mehr als|über|plus de|less than|fewer than|under|below|minder dan|weniger als|unter|moins de)\b/.test(
      t,
    );
  const step = count && strict ? 1 : 0;
  const prefixHigh = OPEN_HIGH_PREFIX.exec(t);
  if (prefixHigh && t.length > prefixHigh[0].length) {
    const n = parseNumber(t.slice(prefixHigh[0].length));
    return n === null ? null : { low: n + step, high: Number.POSITIVE_INFINITY };
  }
  const suffixHigh = OPEN_HIGH_SUFFIX.exec(t);
  if (suffixHigh && suffixHigh.index > 0) {
    const n = parseNumber(t.slice(0, suffixHigh.index));
    return n === null ? null : { low: n, high: Number.POSITIVE_INFINITY };
  }
  const prefixLow = OPEN_LOW_PREFIX.exec(t);
  if (prefixLow && t.length > prefixLow[0].length) {
    const n = parseNumber(t.slice(prefixLow[0].length));
    return n === null ? null : { low: count ? 1 : Number.NEGATIVE_INFINITY, high: n - step };
  }
  const suffixLow = OPEN_LOW_SUFFIX.exec(t);
  if (suffixLow && suffixLow.index > 0) {
    const n = parseNumber(t.slice(0, suffixLow.index));
    return n === null ? null : { low: count ? 1 : Number.NEGATIVE_INFINITY, high: n };
  }
  const single = parseNumber(t);
  if (single !== null) return { low: single, high: single };
  const band = BETWEEN.exec(t) ?? BAND.exec(t);
  if (band) {
    const low = parseNumber(band[1]!);
    const high = parseNumber(band[2]!);
    if (low === null || high === null || low < 0 || low > high) return null;
    return { low, high };
  }
  return null;
}

/** The canonical text of an interval: `250`, `100–500`, `1000+`, `≤10`. Reads back to the same interval. */
export function formatInterval({ low, high }: NumericInterval): string {
  if (low === high) return String(low);
  if (high === Number.POSITIVE_INFINITY) return `${low}+`;
  if (low === Number.NEGATIVE_INFINITY) return `≤${high}`;
  return `${low}–${high}`;
}
