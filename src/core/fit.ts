/**
 * Fit: how well the person and the company match the ideal customer profile (ICP). Each criterion
 * gives its points when it matches; an unknown value gives nothing and is reported as unknown.
 */
import { clampScore } from './intent.js';
import { type ContactFacts, evaluateCondition, type MatchStatus } from './matchers.js';
import type { Disqualifier, QualificationModel } from './model.js';

export interface FitPart {
  ruleId: string;
  label: string;
  /** Points given: the criterion's points on a match, else 0. */
  points: number;
  /** The criterion's points. */
  basePoints: number;
  status: MatchStatus;
  /** The property read, e.g. `company.industry`. */
  property: string;
  /** The value as read (or why it is unknown). */
  shown: string;
}

export interface FitResult {
  score: number;
  raw: number;
  parts: FitPart[];
}

export function computeFit(facts: ContactFacts, model: QualificationModel): FitResult {
  const parts: FitPart[] = model.fit.criteria.map((criterion) => {
    const result = evaluateCondition(facts, criterion);
    return {
      ruleId: criterion.id,
      label: criterion.label,
      points: result.status === 'match' ? criterion.points : 0,
      basePoints: criterion.points,
      status: result.status,
      property: result.ref,
      shown: result.shown,
    };
  });
  const raw = parts.reduce((sum, p) => sum + p.points, 0);
  return { score: clampScore(raw), raw, parts };
}

export interface Disqualification {
  id: string;
  reason: string;
  /** What triggered it, e.g. `contact.email: gmail.com`. */
  detail: string;
}

/**
 * The first disqualifier (in model order) with a matching condition and no matching exception.
 * An unknown value never disqualifies: absolute no-gos need evidence.
 */
export function findDisqualification(
  facts: ContactFacts,
  disqualifiers: readonly Disqualifier[],
): Disqualification | null {
  for (const rule of disqualifiers) {
    for (const condition of rule.when) {
      const hit = evaluateCondition(facts, condition);
      if (hit.status !== 'match') continue;
      const excepted = rule.unless.some((c) => evaluateCondition(facts, c).status === 'match');
      if (excepted) break;
      return { id: rule.id, reason: rule.reason, detail: `${hit.ref}: ${hit.shown}` };
    }
  }
  return null;
}
