/**
 * The insights of a period in one call: every contact judged under the published model (as it was
 * known then), its calibration and the suggestions of what converts.
 */
import type { QualificationModel } from '../model.js';
import { type Calibration, calibrationOf, withOutcomes } from './calibration.js';
import type { HistoryContact, Outcome } from './history.js';
import { type EvaluateFn, Judge, type Judgement } from './judge.js';
import { type Suggestions, suggestionsOf } from './suggestions.js';

export interface InsightsOptions {
  from: number;
  to: number;
  /** Outcomes are observed up to this moment (usually now). */
  observedUntil: number;
  /** What suggestions look for; default `customer`, as the seeds do ("which leads became customers"). */
  outcome?: Outcome;
  evaluate?: EvaluateFn;
}

export interface Insights {
  calibration: Calibration;
  suggestions: Suggestions;
}

/** Every contact judged in [from, to): at its first MQL moment, or as it stood at its last moment. */
export function judgePeriod(
  contacts: Iterable<HistoryContact>,
  model: QualificationModel,
  options: Pick<InsightsOptions, 'from' | 'to' | 'evaluate'>,
): Judgement[] {
  if (!(options.from < options.to))
    throw new RangeError(
      `insights: the period is empty (from ${options.from} is not before to ${options.to})`,
    );
  const judge = new Judge(model, { evaluate: options.evaluate });
  const out: Judgement[] = [];
  for (const c of contacts) {
    const j = judge.judge(c, options.from, options.to, 'last');
    if (j) out.push(j);
  }
  return out;
}

/** Calibration and suggestions of the contacts judged in [from, to) under `model`. */
export function insights(
  contacts: Iterable<HistoryContact>,
  model: QualificationModel,
  options: InsightsOptions,
): Insights {
  const judged = withOutcomes(judgePeriod(contacts, model, options), options.observedUntil);
  return {
    calibration: calibrationOf(judged, {
      from: options.from,
      to: options.to,
      observedUntil: options.observedUntil,
      modelVersion: model.version,
    }),
    suggestions: suggestionsOf(judged, model, { outcome: options.outcome }),
  };
}
