/**
 * Next-change time: the first instant after `now` at which a value the app writes to HubSpot would
 * differ from what it writes now, assuming no new input (no new signal, no property change).
 *
 * Only intent and the installed-base window depend on the clock. Between two breakpoints (a signal
 * coming into effect, expiring or leaving the installed-base window) every signal's factor is
 * linear in time, so the first instant a rounded quantity (a signal's points, or its share left
 * dropping below 1, when the explanation starts to say "fading") changes is solved in closed form and then settled to the exact
 * millisecond with the same floating-point expressions the core uses. Each candidate is confirmed
 * with `evaluate`: the first whose written facts differ from those at `now` is the answer, and
 * candidates that change nothing written are passed over.
 */
import { type ContactInput, type Evaluation, evaluate, type RouteKind } from './evaluate.js';
import { signed } from './explain.js';
import { applyReturnHold } from './feedback.js';
import { DAY_MS, decayFactor, roundPoints, toEpochMs } from './intent.js';
import type { Qualification } from './lifecycle.js';
import type { IntentSignal, QualificationModel } from './model.js';
import { modelIndex } from './model-index.js';

/** The last instant a JavaScript Date can hold: an evaluation after it cannot be made. */
export const MAX_DATE_MS = 8.64e15;

/**
 * Every value of an evaluation that the app writes to HubSpot: the contact properties of
 * `writtenValues`/`diffForWrite` (scores, qualification, explanation, disqualification reason,
 * model version, route, lifecycle stage and lead status, and through the proposed stage the
 * highest stage reached) and the *Qualify contact* action's output fields. Not `lq_scored_at`,
 * which only records when the others changed, and not `evaluatedAt`.
 */
export interface WrittenFacts {
  modelVersion: string;
  fitScore: number;
  intentScore: number;
  qualification: Qualification;
  isMql: boolean;
  /** The explanation as written: its lines joined with `\n`. */
  explanation: string;
  disqualification: { reason: string; detail: string } | null;
  route: RouteKind | null;
  /** The proposed lifecycle stage (written when changed; it also feeds the highest stage reached). */
  lifecycleStage: string | null;
  lifecycleChanged: boolean;
  /** The proposed lead status (written when changed). */
  leadStatus: string | null;
  leadStatusChanged: boolean;
}

/** The written facts of an evaluation: two evaluations with equal facts write the same values. */
export function writtenFacts(e: Evaluation): WrittenFacts {
  return {
    modelVersion: e.modelVersion,
    fitScore: e.fit.score,
    intentScore: e.intent.score,
    qualification: e.qualification,
    isMql: e.isMql,
    explanation: e.explanation.join('\n'),
    disqualification: e.disqualification
      ? { reason: e.disqualification.reason, detail: e.disqualification.detail }
      : null,
    route: e.route?.kind ?? null,
    lifecycleStage: e.lifecycle.proposed,
    lifecycleChanged: e.lifecycle.changed,
    leadStatus: e.leadStatus.proposed,
    leadStatusChanged: e.leadStatus.changed,
  };
}

/** Do two evaluations write the same values? */
export function sameWrittenFacts(a: WrittenFacts, b: WrittenFacts): boolean {
  return (
    a.intentScore === b.intentScore &&
    a.explanation === b.explanation &&
    a.qualification === b.qualification &&
    a.fitScore === b.fitScore &&
    a.isMql === b.isMql &&
    a.route === b.route &&
    a.lifecycleStage === b.lifecycleStage &&
    a.lifecycleChanged === b.lifecycleChanged &&
    a.leadStatus === b.leadStatus &&
    a.leadStatusChanged === b.leadStatusChanged &&
    a.modelVersion === b.modelVersion &&
    a.disqualification?.reason === b.disqualification?.reason &&
    a.disqualification?.detail === b.disqualification?.detail
  );
}

export interface NextChangeOptions {
  /**
   * When sales returned the contact (epoch ms), as the scoring job passes it to `applyReturnHold`;
   * null or absent when it was never returned. The hold is applied to every evaluation compared.
   */
  returnedAt?: number | null;
}

/**
 * The earliest whole epoch millisecond `T > now` (`now` in whole milliseconds) at which a written value of the contact (see
 * {@link WrittenFacts}) differs from its value at `now`, if nothing new happens in between: no new
 * signal, no property change, no model change. Null when the written values never change on their
 * own. At `T - 1` (and at every instant in between) the written values are still those at `now`.
 *
 * Causes it foresees: a signal's aged points crossing a whole number; a shown signal starting to
 * fade (its explanation line then says so); a signal expiring (which also renumbers
 * its type's occurrences for the counting rule); a signal dated in the future coming into effect;
 * an installed-base signal leaving its window; and everything that follows from those (intent
 * score, the MQL bar, qualification, route, lifecycle stage, lead status, verdict, a return hold).
 */
export function nextChangeAt(
  contact: ContactInput,
  model: QualificationModel,
  now: Date | number,
  options: NextChangeOptions = {},
): number | null {
  const nowMs = typeof now === 'number' ? now : now.getTime();
  const returnedAt = options.returnedAt ?? null;
  const timeline = prepareTimeline(contact, model);
  let t = nowMs;
  let e = evaluateHeld(contact, model, nowMs, returnedAt);
  const before = writtenFacts(e);
  for (;;) {
    const candidate = nextCandidate(timeline, model, t, e);
    if (candidate === null) return null;
    e = evaluateHeld(contact, model, candidate, returnedAt);
    if (!sameWrittenFacts(writtenFacts(e), before)) return candidate;
    t = candidate;
  }
}

/** The evaluation the scoring job writes: with the return hold when sales returned the contact. */
function evaluateHeld(
  contact: ContactInput,
  model: QualificationModel,
  t: number,
  returnedAt: number | null,
): Evaluation {
  const e = evaluate(contact, model, t);
  return returnedAt === null ? e : applyReturnHold(e, returnedAt);
}

interface Occurrence {
  at: number;
  iso: string;
  /** The signal's source id: repeats of one (type, time, source) count once, as in computeIntent. */
  source: string;
}

interface RuleTimeline {
  rule: IntentSignal;
  iql: boolean;
  /** In the order `computeIntent` numbers them: by time, then by the text of the date. */
  occurrences: Occurrence[];
}

interface Timeline {
  rules: RuleTimeline[];
  /** Times of signals that qualify for the installed-base route. */
  installedBase: number[];
}

/**
 * The signals that can move a written value, read as `computeIntent` reads them. A type worth no
 * points and not informational (e.g. e-mail engagement) never shows or counts: it is left out.
 */
function prepareTimeline(contact: ContactInput, model: QualificationModel): Timeline {
  const index = modelIndex(model);
  const byRule = new Map<number, RuleTimeline>();
  const installedBase: number[] = [];
  for (const signal of contact.signals ?? []) {
    const known = index.signals.get(signal.type);
    if (!known) continue;
    const at = toEpochMs(signal.occurredAt);
    if (!Number.isFinite(at)) continue;
    if (index.installedBaseTypes.has(signal.type)) installedBase.push(at);
    const iql = index.iqlTypes.has(signal.type);
    if (known.rule.points === 0 && !iql) continue;
    // Only the order of same-timed signals needs the text; a time a Date cannot hold has none.
    const iso =
      typeof signal.occurredAt === 'string'
        ? signal.occurredAt
        : Math.abs(at) <= MAX_DATE_MS
          ? new Date(at).toISOString()
          : '';
    let entry = byRule.get(known.position);
    if (!entry) {
      entry = { rule: known.rule, iql, occurrences: [] };
      byRule.set(known.position, entry);
    }
    entry.occurrences.push({ at, iso, source: signal.sourceId ?? '' });
  }
  const rules = [...byRule.values()];
  for (const r of rules) {
    if (r.occurrences.length < 2) continue;
    r.occurrences.sort(ascending);
    const seen = new Set<string>();
    r.occurrences = r.occurrences.filter((o) => {
      const key = `${o.at}\u0000${o.source}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  return { rules, installedBase };
}

/** The order computeIntent gives a type's occurrences: by time, then source, then text. */
function ascending(a: Occurrence, b: Occurrence): number {
  return (
    a.at - b.at ||
    (a.source < b.source ? -1 : a.source > b.source ? 1 : 0) ||
    (a.iso < b.iso ? -1 : a.iso > b.iso ? 1 : 0)
  );
}

/*
 * The quantities below repeat the core's own expressions (computeIntent, explain), so that the
 * instant found is exact to the millisecond, floating-point rounding included.
 */
const ageAt = (at: number, t: number): number => (t - at) / DAY_MS;
const isExpired = (rule: IntentSignal, at: number, t: number): boolean => {
  const age = ageAt(at, t);
  return age > rule.ageing.fullDays && age >= rule.ageing.expiresAfterDays;
};
const pointsAt = (rule: IntentSignal, at: number, t: number): number =>
  roundPoints(rule.points * decayFactor(ageAt(at, t), rule));
/** `IntentPart.decayFactor`: the share left, two decimals. */
const shareAt = (rule: IntentSignal, at: number, t: number): number =>
  Math.round(decayFactor(ageAt(at, t), rule) * 100) / 100;

/**
 * The earliest whole millisecond after `t` at which some input of the written values may change,
 * or null when none ever will. `e` is the evaluation at `t`.
 */
function nextCandidate(
  timeline: Timeline,
  model: QualificationModel,
  t: number,
  e: Evaluation,
): number | null {
  let next = Infinity;
  const after = Math.floor(t);

  for (const { rule, iql, occurrences } of timeline.rules) {
    const live: Occurrence[] = [];
    for (const o of occurrences) {
      if (o.at > t) next = Math.min(next, Math.max(after + 1, Math.ceil(o.at)));
      else if (!isExpired(rule, o.at, t)) live.push(o);
    }
    if (live.length === 0) continue;
    const { fullDays: full, expiresAfterDays: expires } = rule.ageing;
    const { from, max } = rule.counting;
    const firstCounted = max === null ? from - 1 : Math.max(from - 1, live.length - max);
    for (let i = 0; i < live.length; i++) {
      const { at } = live[i]!;
      next = Math.min(
        next,
        firstChange(after, at + expires * DAY_MS, (c) => isExpired(rule, at, c)),
      );
      // A live sales signal (positive points, counted or not) keeps a contact from reading as an
      // IQL until its share, to two decimals, reaches 0.
      if (!iql && rule.points > 0 && shareAt(rule, at, t) > 0)
        next = Math.min(
          next,
          firstChange(
            after,
            at + (expires - 0.005 * (expires - full)) * DAY_MS,
            (c) => shareAt(rule, at, c) === 0,
          ),
        );
      // Not counted: worth 0 and never shown until an expiry renumbers the occurrences.
      if (i < firstCounted || full === expires) continue;
      const span = expires - full;
      const points = pointsAt(rule, at, t);
      const share = shareAt(rule, at, t);
      if (points !== 0) {
        // |points| = k drops to k − 1 once |P| · factor < k − 0.5.
        const k = Math.abs(points);
        const age = expires - ((k - 0.5) * span) / Math.abs(rule.points);
        next = Math.min(
          next,
          firstChange(after, at + age * DAY_MS, (c) => pointsAt(rule, at, c) !== points),
        );
      }
      if (points !== 0 && isShown(e, points, rule.label)) {
        // The line says "fading from +P" once the share drops below 1, right after `fullDays`.
        if (share === 1)
          next = Math.min(
            next,
            firstChange(after, at + (full + 0.005 * span) * DAY_MS, (c) => shareAt(rule, at, c) < 1),
          );
      } else if (iql && share > 0) {
        // An informational signal makes an IQL while its share, to two decimals, is above 0.
        const age = expires - 0.005 * span;
        next = Math.min(
          next,
          firstChange(after, at + age * DAY_MS, (c) => shareAt(rule, at, c) === 0),
        );
      }
    }
  }

  const installedBase = model.thresholds.installedBase;
  if (installedBase && e.isCustomer && !e.disqualification) {
    const window = installedBase.windowDays * DAY_MS;
    // Only the most recent signal inside the window names the route; older ones leave it first.
    let latest = -Infinity;
    for (const at of timeline.installedBase) {
      if (at > t) next = Math.min(next, Math.max(after + 1, Math.ceil(at)));
      else if (t - at <= window && at > latest) latest = at;
    }
    if (latest !== -Infinity)
      next = Math.min(
        next,
        firstChange(after, latest + window, (c) => c - latest > window),
      );
  }

  return next <= MAX_DATE_MS ? next : null;
}

/**
 * May the explanation show this signal on a line of its own (a folded signal is only in a sum)?
 * Its line starts with its points and label. Another line with the same start (a same-typed
 * signal with the same points) also answers yes: that costs at most a candidate, never a change.
 */
function isShown(e: Evaluation, points: number, label: string): boolean {
  const start = `${signed(points)} ${label}`;
  for (let i = 1; i < e.explanation.length; i++) if (e.explanation[i]!.startsWith(start)) return true;
  return false;
}

/**
 * The smallest whole number `c > after` with `changed(c)`, where `changed` is false up to some
 * instant and true from it on, and `guess` is close to that instant (the closed-form answer).
 * Steps out from the guess and then bisects, so a guess that is off by rounding costs a few calls.
 */
function firstChange(after: number, guess: number, changed: (c: number) => boolean): number {
  let lo = after; // not changed (or not after `t`)
  let hi = Number.isNaN(guess) ? after + 1 : Math.max(after + 1, Math.ceil(guess));
  if (hi > MAX_DATE_MS) return Infinity;
  if (changed(hi)) {
    if (hi - 1 <= lo || !changed(hi - 1)) return hi;
    hi -= 1;
    for (let step = 2; ; step *= 2) {
      const probe = hi - step;
      if (probe <= lo) break;
      if (!changed(probe)) {
        lo = probe;
        break;
      }
      hi = probe;
    }
  } else {
    lo = hi;
    for (let step = 1; ; step *= 2) {
      const probe = lo + step;
      if (probe > MAX_DATE_MS) return Infinity;
      if (changed(probe)) {
        hi = probe;
        break;
      }
      lo = probe;
    }
  }
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (changed(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
