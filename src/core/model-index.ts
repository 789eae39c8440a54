import type { FitCriterion, IntentSignal, QualificationModel } from './model.js';

/** Lookups derived from a model, built once per (immutable) model object. */
export interface ModelIndex {
  signals: ReadonlyMap<string, { rule: IntentSignal; position: number }>;
  criteria: ReadonlyMap<string, FitCriterion>;
  iqlTypes: ReadonlySet<string>;
  installedBaseTypes: ReadonlySet<string>;
  demoRequestTypes: ReadonlySet<string>;
}

const indexes = new WeakMap<QualificationModel, ModelIndex>();

export function modelIndex(model: QualificationModel): ModelIndex {
  let index = indexes.get(model);
  if (!index) {
    index = {
      signals: new Map(model.intent.signals.map((rule, position) => [rule.type, { rule, position }])),
      criteria: new Map(model.fit.criteria.map((c) => [c.id, c])),
      iqlTypes: new Set(model.thresholds.iql?.signalTypes ?? []),
      installedBaseTypes: new Set(model.thresholds.installedBase?.qualifyingSignals ?? []),
      demoRequestTypes: new Set(model.routing.demoRequestSignals),
    };
    indexes.set(model, index);
  }
  return index;
}
