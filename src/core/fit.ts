/**
 * Fit: how well the person and the company match the ideal customer profile (ICP). Each criterion
 * gives its points when it matches; an unknown value gives nothing and is reported as unknown.
 */
import { clampScore } from './intent.js';
import { defaultNormalizer } from './default-normalizer.js';
import { conditionEvaluator, type ContactFacts, type MatchStatus } from './matchers.js';
import type { Disqualifier, QualificationModel } from './model.js';
import { type CompiledDisqualifier, modelIndex } from './model-index.js';
import type { Normalizer } from './normalize.js';

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
  /** The value as read (at most 60 characters), or "no value". */
  shown: string;
  /** What the value was read as, when that differs from how it was written: "Netherlands" for "Holland". */
  readAs?: string;
  /** The range rule that decided ("75% within 200–1000"), or why the value is unknown ("means no value"). */
  detail?: string;
  /** Matched on partial evidence (a band partly inside the range, an open band). */
  partial?: boolean;
}

export interface FitResult {
  score: number;
  raw: number;
  parts: FitPart[];
}

export function computeFit(facts: ContactFacts, model: QualificationModel): FitResult {
  const compiled = modelIndex(model).fit;
  const parts: FitPart[] = model.fit.criteria.map((criterion, i) => {
    const result = compiled[i]!(facts);
    return {
      ruleId: criterion.id,
      label: criterion.label,
      points: result.status === 'match' ? criterion.points : 0,
      basePoints: criterion.points,
      status: result.status,
      property: result.ref,
      shown: result.shown,
      readAs: result.readAs,
      detail: result.detail,
      partial: result.partial,
    };
  });
  const raw = parts.reduce((sum, p) => sum + p.points, 0);
  return { score: clampScore(raw), raw, parts };
}

export interface Disqualification {
  id: string;
  reason: string;
  /** What triggered it, e.g. `contact.email: gmail.com` or `contact.country: Holland → Netherlands`. */
  detail: string;
}

/**
 * The first disqualifier (in model order) with a matching condition and no matching exception.
 * An unknown value never disqualifies, and neither does partial evidence (a band only partly
 * inside the range, an open band): absolute no-gos need evidence.
 */
export function findDisqualification(
  facts: ContactFacts,
  disqualifiers: readonly Disqualifier[],
  normalizer: Normalizer = defaultNormalizer(),
): Disqualification | null {
  return firstDisqualification(
    facts,
    disqualifiers.map((rule) => ({
      rule,
      when: rule.when.map((c) => conditionEvaluator(c, normalizer)),
      unless: rule.unless.map((c) => conditionEvaluator(c, normalizer)),
    })),
  );
}

/** {@link findDisqualification} over a model's compiled disqualifiers (`modelIndex(model).disqualifiers`). */
export function firstDisqualification(
  facts: ContactFacts,
  disqualifiers: readonly CompiledDisqualifier[],
): Disqualification | null {
  for (const { rule, when, unless } of disqualifiers) {
    for (const condition of when) {
      const hit = condition(facts);
      if (hit.status !== 'match' || hit.partial) continue;
      if (unless.some((c) => c(facts).status === 'match')) break;
      const shown = hit.readAs === undefined ? hit.shown : `${hit.shown} → ${hit.readAs}`;
      return { id: rule.id, reason: rule.reason, detail: `${hit.ref}: ${shown}` };
    }
  }
  return null;
}
