/**
 * What the contact card shows, computed from an evaluation: every line that gave (or could have
 * given) points to fit and intent, and the score over time. Pure: the caller passes the contact,
 * the model and the moments to score at.
 */
import { evaluate } from './evaluate.js';
import type { ContactInput, Evaluation } from './evaluation.js';
import { describeFit, describeIntent, verdict } from './explain.js';
import { toEpochMs } from './intent.js';
import type { QualificationModel } from './model.js';
import { modelIndex } from './model-index.js';

export interface ScoreLine {
  /** Points this line gives now (0 for a criterion that did not match or a signal not counted). */
  points: number;
  text: string;
}

export interface ScoreBreakdown {
  verdict: string;
  fit: { score: number; raw: number; lines: ScoreLine[] };
  intent: { score: number; raw: number; lines: ScoreLine[] };
}

/** Every contributing line of both scores, largest effect first within each score. */
export function scoreBreakdown(e: Evaluation, model: QualificationModel): ScoreBreakdown {
  const { criteria } = modelIndex(model);
  const byEffect = (a: ScoreLine, b: ScoreLine) => Math.abs(b.points) - Math.abs(a.points);
  return {
    verdict: verdict(e, model),
    fit: {
      score: e.fit.score,
      raw: e.fit.raw,
      lines: e.fit.parts
        .map((p) => ({ points: p.points, text: describeFit(p, criteria.get(p.ruleId), model) }))
        .sort(byEffect),
    },
    intent: {
      score: e.intent.score,
      raw: e.intent.raw,
      lines: e.intent.parts
        .map((p) => ({
          points: p.counted ? p.points : 0,
          text: `${describeIntent(p)}${p.counted ? '' : ' (does not count: see the counting rule)'}`,
        }))
        .sort(byEffect),
    },
  };
}

export interface ScorePoint {
  /** Epoch ms. */
  at: number;
  fit: number;
  intent: number;
  qualification: Evaluation['qualification'];
}

/**
 * The scores at each moment of `times` (epoch ms, ascending), judged with only the signals that
 * had happened by then: how intent rose and faded. The contact's properties are taken as they are
 * now (the service keeps the last ones read, not their history), so fit is flat unless the model
 * reads signals; the card says so.
 */
export function scoreTimeline(
  contact: ContactInput,
  model: QualificationModel,
  times: readonly number[],
): ScorePoint[] {
  return times.map((at) => {
    const signals = (contact.signals ?? []).filter((s) => {
      const t = toEpochMs(s.occurredAt);
      return Number.isFinite(t) && t <= at;
    });
    const e = evaluate({ ...contact, signals }, model, new Date(at));
    return { at, fit: e.fit.score, intent: e.intent.score, qualification: e.qualification };
  });
}
