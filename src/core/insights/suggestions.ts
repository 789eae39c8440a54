/**
 * Suggestions: the segments (size bands, industries, regions, roles, touches within a month,
 * signal types) whose conversion differs most from the base rate, with support, lift and a 95%
 * interval, phrased the way the seeds build a model from data ("80% of our customers had 50–200
 * employees…"). A segment is suggested only when its interval excludes the base rate and it
 * converts at least 1.5× (or at most ⅔×) as often; with fewer than 30 contacts it is "not enough
 * data", never a guess. Each suggestion can become a draft change (draft-change.ts).
 */
import type { QualificationModel } from '../model.js';
import type { JudgedOutcome } from './calibration.js';
import { type DraftChange, draftChangeOf } from './draft-change.js';
import { OUTCOME_LABELS, type Outcome } from './history.js';
import { type Segment, segmentsOf } from './segments.js';
import { MIN_SUPPORT, percent, type Proportion, wilson } from './wilson.js';

/** A suggested segment converts at least this many times the base rate (or at most its inverse). */
export const MIN_LIFT = 1.5;

export interface SegmentStats {
  segment: Segment;
  /** Contacts in the segment. */
  support: number;
  /** Its conversion with the 95% interval. */
  conversion: Proportion;
  /** conversion / base rate. */
  lift: number | null;
  /** Share of all converted contacts that were in the segment. */
  shareOfConverted: number;
  /** Share of all judged contacts that were in the segment. */
  shareOfAll: number;
}

export interface Suggestion extends SegmentStats {
  direction: 'more' | 'less';
  /** The lift the interval still supports: its bound nearest the base rate / the base rate (or inverse). */
  conservativeLift: number;
  /** In the seeds' words. */
  text: string;
  /** What "add to draft" would change, in words. */
  change: string;
  /** The same change as data, for a draft being edited (applyDraftChange, or the settings page). */
  draftChange: DraftChange;
}

export interface Suggestions {
  status: 'ok' | 'not_enough_data';
  outcome: Outcome;
  contacts: number;
  converted: number;
  base: Proportion;
  /** Best first. */
  suggestions: Suggestion[];
  /** Segments with fewer than 30 contacts (largest first, at most 20): not judged. */
  notEnoughData: { segment: Segment; support: number }[];
  /** One line when the whole analysis has too little to go on. */
  message: string | null;
}

const segmentKey = (s: Segment) => `${s.kind}\u0000${s.value}`;

/** The segments that convert differently from the base rate, best first. */
export function suggestionsOf(
  judged: readonly JudgedOutcome[],
  model: QualificationModel,
  options: { outcome?: Outcome; limit?: number } = {},
): Suggestions {
  const outcome = options.outcome ?? 'customer';
  const word = OUTCOME_LABELS[outcome];
  const stats = new Map<string, { segment: Segment; n: number; hits: number }>();
  let converted = 0;
  for (const { judgement, outcomes } of judged) {
    const hit = outcomes[outcome];
    if (hit) converted++;
    for (const segment of segmentsOf(judgement.view, judgement.at, model)) {
      const key = segmentKey(segment);
      let entry = stats.get(key);
      if (!entry) stats.set(key, (entry = { segment, n: 0, hits: 0 }));
      entry.n++;
      if (hit) entry.hits++;
    }
  }
  const n = judged.length;
  const base = wilson(converted, n);
  const notEnoughData = [...stats.values()]
    .filter((s) => s.n < MIN_SUPPORT)
    .sort((a, b) => b.n - a.n || segmentKey(a.segment).localeCompare(segmentKey(b.segment)))
    .slice(0, 20)
    .map((s) => ({ segment: s.segment, support: s.n }));
  if (n < MIN_SUPPORT || converted === 0 || converted === n)
    return {
      status: 'not_enough_data',
      outcome,
      contacts: n,
      converted,
      base,
      suggestions: [],
      notEnoughData,
      message:
        n < MIN_SUPPORT
          ? `Not enough data: ${n} contacts judged in the period (at least ${MIN_SUPPORT} are needed).`
          : `Not enough data: ${converted === 0 ? 'none' : 'all'} of the ${n} contacts became ${word}, so nothing converts differently.`,
    };

  const baseRate = base.rate!;
  const suggestions: Suggestion[] = [];
  for (const { segment, n: support, hits } of stats.values()) {
    if (support < MIN_SUPPORT) continue;
    const conversion = wilson(hits, support);
    const rate = conversion.rate!;
    const lift = rate / baseRate;
    const more = conversion.low! > baseRate && lift >= MIN_LIFT;
    const less = conversion.high! < baseRate && lift <= 1 / MIN_LIFT;
    if (!more && !less) continue;
    // Few touches converting less is expected, and many converting more is only a change to make
    // from two touches on: nothing else about touches is a change a draft could carry.
    if (segment.kind === 'touches' && (less || segment.value === '0' || segment.value === '1')) continue;
    const stat: SegmentStats = {
      segment,
      support,
      conversion,
      lift,
      shareOfConverted: hits / converted,
      shareOfAll: support / n,
    };
    const draftChange = draftChangeOf(model, { segment, direction: more ? 'more' : 'less' });
    suggestions.push({
      ...stat,
      direction: more ? 'more' : 'less',
      conservativeLift: more ? conversion.low! / baseRate : baseRate / conversion.high!,
      text: phrase(stat, base, word),
      change: changeInWords(draftChange, model),
      draftChange,
    });
  }
  suggestions.sort(
    (a, b) =>
      b.conservativeLift - a.conservativeLift ||
      b.support - a.support ||
      segmentKey(a.segment).localeCompare(segmentKey(b.segment)),
  );
  return {
    status: 'ok',
    outcome,
    contacts: n,
    converted,
    base,
    suggestions: suggestions.slice(0, options.limit ?? 20),
    notEnoughData,
    message: null,
  };
}

/** "62% of the customers had 50–199 employees, against 21% of all leads: …" */
function phrase(s: SegmentStats, base: Proportion, word: string): string {
  const c = s.conversion;
  const times = s.lift! >= 1 ? `${s.lift!.toFixed(1)}× as often` : `${s.lift!.toFixed(2)}× as often`;
  return (
    `${percent(s.shareOfConverted)} of the leads that became ${word} ${s.segment.phrase}, against ` +
    `${percent(s.shareOfAll)} of all leads: those that ${s.segment.phrase} became ${word} ${times} as the average ` +
    `(${c.successes} of ${c.n} = ${percent(c.rate!)}, 95% ${percent(c.low!, false)}–${percent(c.high!)}; ` +
    `average ${percent(base.rate!)}).`
  );
}

/** The draft change a suggestion stands for, in words (what applyDraftChange makes of it on `model`). */
export function changeInWords(change: DraftChange, model: QualificationModel): string {
  const signed = (points: number) => `${points > 0 ? '+' : '−'}${Math.abs(points)}`;
  switch (change.op) {
    case 'signal-points': {
      const signal = model.intent.signals.find((s) => s.type === change.signalType);
      return signal
        ? `${change.delta > 0 ? 'raise' : 'lower'} the points of "${signal.label}" from ${signal.points} to ${signal.points + change.delta}`
        : `add the signal "${change.signalType}" with ${signed(change.delta)} points (full for ${change.signal.ageing.fullDays} days, gone after ${change.signal.ageing.expiresAfterDays})`;
    }
    case 'count-twice':
      return 'let a second touch of the same kind within the window count again (counting max 2)';
    case 'add-value': {
      const criterion = model.fit.criteria.find((c) => c.id === change.criterionId);
      if (criterion)
        return `add "${change.label}" to the fit criterion "${criterion.label}" (${signed(criterion.points)} points)`;
      return `add the fit criterion "${change.fallback.label}" with ${signed(change.fallback.points)} points`;
    }
    case 'add-criterion':
      return `add the fit criterion "${change.criterion.label}" with ${signed(change.criterion.points)} points`;
  }
}
