/**
 * Intent: how strong buying intent is *now*. Signals age: each counts fully for its `fullDays`,
 * then loses its points linearly until `expiresAfterDays`, after which it no longer counts.
 * Negative signals (no interest, no-show, unsubscribe) age the same way.
 */
import type { IntentSignal, QualificationModel } from './model.js';
import { modelIndex } from './model-index.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** One behavioural event of a contact, e.g. `{type: "pricing_page_viewed", occurredAt: "2026-11-20T09:00:00Z"}`. */
export interface SignalInput {
  type: string;
  /** ISO-8601 date-time, or epoch milliseconds. */
  occurredAt: string | number;
}

export interface IntentPart {
  /** The signal type (the rule's id). */
  ruleId: string;
  label: string;
  /** Points given after ageing (0 when the occurrence does not count). */
  points: number;
  /** The model's points for this signal, before ageing. */
  basePoints: number;
  /** When it happened, as an ISO date-time (as given, or converted from epoch milliseconds). */
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
  /** Signals that did not enter the score, by cause. */
  ignored: { expired: number; future: number; unknownType: number; invalidDate: number };
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

/** Epoch milliseconds from epoch milliseconds or an ISO-8601 date-time (NaN when unreadable). */
export function toEpochMs(at: string | number): number {
  if (typeof at === 'number') return at;
  return parseUtcIso(at) ?? Date.parse(at);
}

/**
 * Fast path for the canonical UTC form HubSpot and this app write, `2026-11-20T09:00:00Z` or
 * `2026-11-20T09:00:00.123Z`; anything else (offsets, fewer digits) returns null for Date.parse.
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
    year < 0 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 28 ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59
  )
    return null; // days 29–31 and anything odd: leave to Date.parse
  if (second < 0 || second > 59 || ms < 0) return null;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

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

/** Computes the intent score and its parts at `nowMs`. */
export function computeIntent(
  signals: readonly SignalInput[],
  model: QualificationModel,
  nowMs: number,
): IntentResult {
  const ignored = { expired: 0, future: 0, unknownType: 0, invalidDate: 0 };
  const { signals: rules } = modelIndex(model);
  // Occurrences per rule, by the rule's position in the model.
  const buckets: (Occurrence[] | undefined)[] = new Array(model.intent.signals.length);

  for (const signal of signals) {
    const known = rules.get(signal.type);
    if (!known) {
      ignored.unknownType++;
      continue;
    }
    const at = toEpochMs(signal.occurredAt);
    if (!Number.isFinite(at)) {
      ignored.invalidDate++;
      continue;
    }
    if (at > nowMs) {
      ignored.future++;
      continue;
    }
    const ageDays = (nowMs - at) / DAY_MS;
    if (ageDays > known.rule.ageing.fullDays && ageDays >= known.rule.ageing.expiresAfterDays) {
      ignored.expired++;
      continue;
    }
    const occurrence = {
      at,
      iso: typeof signal.occurredAt === 'string' ? signal.occurredAt : new Date(at).toISOString(),
    };
    const bucket = buckets[known.position];
    if (bucket) bucket.push(occurrence);
    else buckets[known.position] = [occurrence];
  }

  const parts: IntentPart[] = [];
  let raw = 0;
  // Model order keeps the breakdown stable and readable.
  for (let r = 0; r < buckets.length; r++) {
    const times = buckets[r];
    if (times === undefined) continue;
    const rule = model.intent.signals[r]!;
    if (times.length > 1) times.sort(ascending);
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
  return { score: clampScore(raw), raw, parts, ignored };
}

interface Occurrence {
  at: number;
  iso: string;
}

function ascending(a: Occurrence, b: Occurrence): number {
  return a.at - b.at || (a.iso < b.iso ? -1 : a.iso > b.iso ? 1 : 0);
}
