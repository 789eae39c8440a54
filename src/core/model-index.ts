import { type ConditionEvaluator, conditionEvaluator } from './matchers.js';
import type { Disqualifier, FitCriterion, IntentSignal, QualificationModel } from './model.js';
import { createNormalizer, type Normalizer } from './normalize.js';

/** A disqualifier with its conditions compiled. */
export interface CompiledDisqualifier {
  rule: Disqualifier;
  when: readonly ConditionEvaluator[];
  unless: readonly ConditionEvaluator[];
}

/** Lookups derived from a model, built once per (immutable) model object. */
export interface ModelIndex {
  signals: ReadonlyMap<string, { rule: IntentSignal; position: number }>;
  criteria: ReadonlyMap<string, FitCriterion>;
  iqlTypes: ReadonlySet<string>;
  installedBaseTypes: ReadonlySet<string>;
  demoRequestTypes: ReadonlySet<string>;
  /** How this model reads raw values (see normalize.ts). */
  normalizer: Normalizer;
  /** The fit criteria's conditions, compiled, in model order. */
  fit: readonly ConditionEvaluator[];
  disqualifiers: readonly CompiledDisqualifier[];
  /** The installed-base rule's customer conditions, compiled. */
  customerWhen: readonly ConditionEvaluator[];
}

const indexes = new WeakMap<QualificationModel, ModelIndex>();

export function modelIndex(model: QualificationModel): ModelIndex {
  let index = indexes.get(model);
  if (!index) {
    const normalizer = createNormalizer(model.normalization);
    const compile = (c: Parameters<typeof conditionEvaluator>[0]) => conditionEvaluator(c, normalizer);
    index = {
      signals: new Map(model.intent.signals.map((rule, position) => [rule.type, { rule, position }])),
      criteria: new Map(model.fit.criteria.map((c) => [c.id, c])),
      iqlTypes: new Set(model.thresholds.iql?.signalTypes ?? []),
      installedBaseTypes: new Set(model.thresholds.installedBase?.qualifyingSignals ?? []),
      demoRequestTypes: new Set(model.routing.demoRequestSignals),
      normalizer,
      fit: model.fit.criteria.map(compile),
      disqualifiers: model.disqualifiers.map((rule) => ({
        rule,
        when: rule.when.map(compile),
        unless: rule.unless.map(compile),
      })),
      customerWhen: (model.thresholds.installedBase?.customerWhen ?? []).map(compile),
    };
    indexes.set(model, index);
  }
  return index;
}
