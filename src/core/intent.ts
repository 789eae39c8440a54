/**
 * Intent: how strong buying intent is *now*. Signals age: each counts fully for its `fullDays`,
 * then loses its points linearly until `expiresAfterDays`, after which it no longer counts.
 * Negative signals (no interest, no-show, unsubscribe) age the same way.
 */
import type { IntentSignal, QualificationModel } from './model.js';
import { modelIndex } from './model-index.js';
import { cutText, shownValue } from './text.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** One behavioural event of a contact, e.g. `{type: "pricing_page_viewed", occurredAt: "2026-11-20T09:00:00Z"}`. */
export interface SignalInput {
  type: string;
  /** When it happened: ISO 8601, or epoch seconds or milliseconds (see {@link toEpochMs}). */
  occurredAt: string | number;
  /**
   * Where it came from (an event id, a workflow callback id). Rows with the same type, time and
   * source are one signal, counted once; without a source, the same type and time are one signal.
   */
  sourceId?: string | null;
}

export interface IntentPart {
  /** The signal type (the rule's id). */
  ruleId: string;
  label: string;
  /** Points given after ageing (0 when the occurrence does not count). */
  points: number;
  /** The model's points for this signal, before ageing. */
  basePoints: number;
  /** When it happened, as an ISO date-time in UTC (as given when it was one already). */
  occurredAt: string;
  /** Age at `now`, in days, one decimal. */
  ageDays: number;
  /** The share of the points kept after ageing, 0–1 (1 = fresh). */
  decayFactor: number;
  /** Its number among this type's occurrences inside the window, oldest first. */
  occurrence: number;
  /** Whether the counting rule lets this occurrence count. */
  counted: boolean;
}

export interface IntentResult {
  score: number;
  /** Sum of all parts' points before clamping to 0–100. */
  raw: number;
  parts: IntentPart[];
  /**
   * Signals that did not enter the score, by cause. `duplicate`: repeats of a signal already
   * counted here (same type, time and source).
   */
  ignored: { expired: number; future: number; unknownType: number; invalidDate: number; duplicate: number };
}

/** Something in the input a person should know about: a signal that was not counted, and why. */
export interface EvaluationWarning {
  code: 'future_signal' | 'unknown_signal_type' | 'unreadable_signal_date';
  /** One line for a person, e.g. `Signal type "podcast_listened" is not in the model: not counted`. */
  message: string;
  /** The signal type concerned. */
  signalType: string;
  /** How many signals (after removing duplicates). */
  count: number;
}

/** Rounds half away from zero, so +14.5 → 15 and −14.5 → −15 (symmetric for negative signals). */
export function roundPoints(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x)) || 0;
}

export function clampScore(x: number): number {
  return Math.min(100, Math.max(0, x));
}

/** The share of a signal's points left at `ageDays` (1 inside `fullDays`, linear to 0 at `expiresAfterDays`). */
export function decayFactor(ageDays: number, signal: IntentSignal): number {
  const { fullDays, expiresAfterDays } = signal.ageing;
  if (ageDays <= fullDays) return 1;
  if (ageDays >= expiresAfterDays) return 0;
  return (expiresAfterDays - ageDays) / (expiresAfterDays - fullDays);
}

/**
 * Numbers below this are epoch seconds, from it on epoch milliseconds. 10^11 seconds is the year
 * 5138 and 10^11 milliseconds is 1973-03-03, so every date between those reads unambiguously.
 */
export const EPOCH_SECONDS_BELOW = 1e11;
const MAX_EPOCH_MS = 8.64e15;

/**
 * When a signal happened, in epoch milliseconds (NaN when it cannot be read). The rule:
 * - a number, or text of digits only, is epoch seconds when below 10^11 and epoch milliseconds
 *   from 10^11 on (see EPOCH_SECONDS_BELOW);
 * - text is ISO 8601: `2026-11-20` (midnight UTC), `2026-11-20T09:00`, `2026-11-20T09:00:00`,
 *   `2026-11-20 09:00:00.123` (a space may stand for the T), with `Z` or an offset (`+01:00`,
 *   `+0100`, `+01`); without one it is UTC. Impossible dates (February 31) are refused, not
 *   rolled over, and nothing depends on the machine's time zone.
 */
export function toEpochMs(at: string | number): number {
  if (typeof at === 'number') return fromEpoch(at);
  return parseUtcIso(at) ?? parseTime(at);
}

function fromEpoch(n: number): number {
  if (!Number.isFinite(n)) return Number.NaN;
  const ms = Math.abs(n) < EPOCH_SECONDS_BELOW ? n * 1000 : n;
  return Math.abs(ms) <= MAX_EPOCH_MS ? ms : Number.NaN;
}

const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function parseTime(text: string): number {
  const t = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return fromEpoch(Number(t));
  const m = ISO_TIME.exec(t);
  if (!m) return Number.NaN;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate())
    return Number.NaN;
  if (hour > 23 || minute > 59 || second > 59) return Number.NaN;
  let offset = 0;
  const zone = m[8];
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const hours = Number(zone.slice(1, 3));
    const minutes = zone.length > 3 ? Number(zone.slice(-2)) : 0;
    if (hours > 23 || minutes > 59) return Number.NaN;
    offset = (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000;
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC maps years 0–99 to 1900–1999; set the year itself.
  const date = new Date(utc);
  if (year < 100) date.setUTCFullYear(year);
  return date.getTime() - offset;
}

/**
 * Fast path for the canonical UTC form HubSpot and this app write, `2026-11-20T09:00:00Z` or
 * `2026-11-20T09:00:00.123Z`; anything else (offsets, fewer digits) returns null for the full parser.
 */
function parseUtcIso(s: string): number | null {
  const n = s.length;
  if ((n !== 20 && n !== 24) || s.charCodeAt(n - 1) !== 90 /* Z */) return null;
  if (
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(10) !== 84 ||
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58
  )
    return null;
  const year = num(s, 0, 4);
  const month = num(s, 5, 2);
  const day = num(s, 8, 2);
  const hour = num(s, 11, 2);
  const minute = num(s, 14, 2);
  const second = num(s, 17, 2);
  const ms = n === 24 ? (s.charCodeAt(19) === 46 ? num(s, 20, 3) : -1) : 0;
  if (
    year < 100 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day >
      (month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : DAYS[month]!) ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59
  )
    return null; // anything odd: the full parser decides
  if (second < 0 || second > 59 || ms < 0) return null;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/** Days per month (index 1–12; February is decided by the year). */
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The decimal number in s[from, from + length), or -1 when a character is not a digit. */
function num(s: string, from: number, length: number): number {
  let value = 0;
  for (let i = from; i < from + length; i++) {
    const digit = s.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * Computes the intent score and its parts at `nowMs`. Duplicates (same type, time and source) count
 * once. Signals that cannot count (an unknown type, an unreadable date, a date in the future) are
 * counted in `ignored` and, when `warnings` is given, reported there one warning per cause and type.
 */
export function computeIntent(
  signals: readonly SignalInput[],
  model: QualificationModel,
  nowMs: number,
  warnings?: EvaluationWarning[],
): IntentResult {
  const ignored = { expired: 0, future: 0, unknownType: 0, invalidDate: 0, duplicate: 0 };
  const { signals: rules } = modelIndex(model);
  // Occurrences per rule, by the rule's position in the model.
  const buckets: (Occurrence[] | undefined)[] = new Array(model.intent.signals.length);
  // Signals that cannot count are few: their bookkeeping is made only when one turns up.
  let notCounted: NotCounted[] | null = null;
  let unknownTypes: SignalInput[] | null = null;

  for (const signal of signals) {
    const known = rules.get(signal.type);
    if (!known) {
      if (unknownTypes) unknownTypes.push(signal);
      else unknownTypes = [signal];
      continue;
    }
    const given = signal.occurredAt;
    let at = typeof given === 'string' ? parseUtcIso(given) : null;
    // The canonical form is kept as given; anything else is shown as one.
    const canonical = at !== null;
    if (at === null) at = typeof given === 'number' ? fromEpoch(given) : parseTime(given);
    if (Number.isNaN(at)) {
      notCounted = noteNotCounted(notCounted, 'invalidDate', signal, at);
      continue;
    }
    if (at > nowMs) {
      notCounted = noteNotCounted(notCounted, 'future', signal, at);
      continue;
    }
    const ageDays = (nowMs - at) / DAY_MS;
    if (ageDays > known.rule.ageing.fullDays && ageDays >= known.rule.ageing.expiresAfterDays) {
      ignored.expired++;
      continue;
    }
    const occurrence: Occurrence = {
      at,
      iso: canonical ? (given as string) : new Date(at).toISOString(),
      source: signal.sourceId ?? '',
    };
    const bucket = buckets[known.position];
    if (bucket) bucket.push(occurrence);
    else buckets[known.position] = [occurrence];
  }

  const parts: IntentPart[] = [];
  let raw = 0;
  // Model order keeps the breakdown stable and readable.
  for (let r = 0; r < buckets.length; r++) {
    let times = buckets[r];
    if (times === undefined) continue;
    const rule = model.intent.signals[r]!;
    if (times.length > 1) {
      times.sort(ascending);
      const before = times.length;
      times = withoutDuplicates(times);
      ignored.duplicate += before - times.length;
    }
    const { from, max } = rule.counting;
    const firstCounted = max === null ? from - 1 : Math.max(from - 1, times.length - max);
    for (let i = 0; i < times.length; i++) {
      const { at, iso } = times[i]!;
      const ageDays = (nowMs - at) / DAY_MS;
      const factor = decayFactor(ageDays, rule);
      const counted = i >= firstCounted;
      const points = counted ? roundPoints(rule.points * factor) : 0;
      raw += points;
      parts.push({
        ruleId: rule.type,
        label: rule.label,
        points,
        basePoints: rule.points,
        occurredAt: iso,
        ageDays: Math.round(ageDays * 10) / 10,
        decayFactor: Math.round(factor * 100) / 100,
        occurrence: i + 1,
        counted,
      });
    }
  }
  if (unknownTypes) {
    if (unknownTypes.length === 1) {
      ignored.unknownType = 1;
      warnings?.push(unknownTypeWarning(unknownTypes[0]!.type, 1));
    } else {
      // Several: count each type once per time and source, in an order independent of the input's.
      unknownTypes.sort(bySignal);
      let last: SignalInput | null = null;
      let count = 0;
      for (const signal of unknownTypes) {
        if (last !== null && bySignal(last, signal) === 0) {
          ignored.duplicate++;
          continue;
        }
        if (last !== null && last.type !== signal.type) {
          warnings?.push(unknownTypeWarning(last.type, count));
          count = 0;
        }
        ignored.unknownType++;
        count++;
        last = signal;
      }
      warnings?.push(unknownTypeWarning(last!.type, count));
    }
  }
  if (notCounted) {
    const groups = countNotCounted(notCounted, ignored);
    if (warnings) for (const w of notCountedWarnings(groups)) warnings.push(w);
  }
  return { score: clampScore(raw), raw, parts, ignored };
}

interface Occurrence {
  at: number;
  iso: string;
  source: string;
}

function ascending(a: Occurrence, b: Occurrence): number {
  return (
    a.at - b.at ||
    (a.source < b.source ? -1 : a.source > b.source ? 1 : 0) ||
    (a.iso < b.iso ? -1 : a.iso > b.iso ? 1 : 0)
  );
}

/** Sorted occurrences without repeats of the same time and source (the first of each is kept). */
function withoutDuplicates(sorted: Occurrence[]): Occurrence[] {
  let kept = 1;
  for (let i = 1; i < sorted.length; i++) {
    const o = sorted[i]!;
    const last = sorted[kept - 1]!;
    if (o.at === last.at && o.source === last.source) continue;
    sorted[kept++] = o;
  }
  sorted.length = kept;
  return sorted;
}

type NotCountedCause = 'unknownType' | 'invalidDate' | 'future';

/** A signal that cannot count; `when` is its time in ms, or its date text when unreadable. */
interface NotCounted {
  cause: NotCountedCause;
  type: string;
  at: number;
  when: string;
  source: string;
}

function noteNotCounted(
  list: NotCounted[] | null,
  cause: NotCountedCause,
  signal: SignalInput,
  at: number,
): NotCounted[] {
  const entry: NotCounted = {
    cause,
    type: signal.type,
    at,
    when: Number.isNaN(at) ? String(signal.occurredAt) : '',
    source: signal.sourceId ?? '',
  };
  if (list) {
    list.push(entry);
    return list;
  }
  return [entry];
}

const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Signals by type, time as given and source. */
function bySignal(a: SignalInput, b: SignalInput): number {
  return (
    order(a.type, b.type) ||
    order(String(a.occurredAt), String(b.occurredAt)) ||
    order(a.sourceId ?? '', b.sourceId ?? '')
  );
}

/**
 * Counts the signals that could not count, once each (duplicates apart), into `ignored`, and
 * groups them per cause and type for the warnings, in an order that does not depend on the input's.
 */
function countNotCounted(list: NotCounted[], ignored: IntentResult['ignored']): Group[] {
  list.sort(
    (a, b) =>
      order(a.cause, b.cause) ||
      order(a.type, b.type) ||
      (Number.isNaN(a.at) ? order(a.when, b.when) : a.at - b.at) ||
      order(a.source, b.source),
  );
  const groups: Group[] = [];
  let last: NotCounted | null = null;
  for (const n of list) {
    const same = last !== null && last.cause === n.cause && last.type === n.type;
    if (
      same &&
      last!.when === n.when &&
      last!.source === n.source &&
      (last!.at === n.at || Number.isNaN(n.at))
    ) {
      ignored.duplicate++;
      continue;
    }
    ignored[n.cause]++;
    if (same) groups[groups.length - 1]!.count++;
    else
      groups.push({
        cause: n.cause,
        type: n.type,
        count: 1,
        first: Number.isNaN(n.at) ? n.when : new Date(n.at).toISOString(),
      });
    last = n;
  }
  return groups;
}

interface Group {
  cause: NotCountedCause;
  type: string;
  count: number;
  /** The earliest date (ISO), or the smallest unreadable text. */
  first: string;
}

/**
 * Signals of another model's types are common (a portal records what it records), so their
 * warnings are made once per type and count and shared (frozen).
 */
const unknownTypeWarnings = new Map<string, EvaluationWarning[]>();

function unknownTypeWarning(type: string, count: number): EvaluationWarning {
  let byCount = unknownTypeWarnings.get(type);
  if (!byCount) {
    if (unknownTypeWarnings.size >= 1024) unknownTypeWarnings.clear();
    byCount = [];
    unknownTypeWarnings.set(type, byCount);
  }
  let warning = byCount[count];
  if (warning === undefined) {
    warning = Object.freeze({
      code: 'unknown_signal_type' as const,
      message: `Signal type "${shownValue(type)}" is not in the model: not counted${count > 1 ? ` (${count} signals)` : ''}`,
      signalType: type,
      count,
    });
    if (count < 64) byCount[count] = warning;
  }
  return warning;
}

function notCountedWarnings(groups: readonly Group[]): EvaluationWarning[] {
  const out: EvaluationWarning[] = [];
  for (const { cause, type, count, first } of groups) {
    const name = shownValue(type);
    const times = count > 1 ? ` (${count} signals)` : '';
    if (cause === 'unknownType') out.push(unknownTypeWarning(type, count));
    else if (cause === 'future')
      out.push({
        code: 'future_signal',
        message: `Signal "${name}" is dated in the future (${first}${count > 1 ? ' and later' : ''}): not counted${times}`,
        signalType: type,
        count,
      });
    else
      out.push({
        code: 'unreadable_signal_date',
        message: `Signal "${name}" has a date that cannot be read ("${cutText(first, 40)}"): not counted${times}`,
        signalType: type,
        count,
      });
  }
  return out;
}
