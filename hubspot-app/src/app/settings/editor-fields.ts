/**
 * Every field the model editor shows, by the JSON path of the model value it edits (each input's
 * `name` is its path). `editorFields` lists them for a model, so a problem the service reports at
 * any path is put next to the nearest field (see `placeProblems`); a test checks the list against
 * the rendered page. Items and lists are fields too: a problem with a whole criterion (or a list
 * with no conditions) shows at the item.
 */
import type { Condition, Matcher, Model } from './model';
import { type Segment, jsonPath } from './model-edit';

/** The fields of a matcher at `base` (its type select is named by the matcher's own path). */
export function matcherFields(base: readonly Segment[], match: Matcher): string[] {
  const at = (key: string) => jsonPath([...base, key]);
  const own: Record<string, string[]> = {
    'one-of': ['values'],
    'none-of': ['values'],
    contains: ['values', 'except'],
    range: ['min', 'max'],
    regex: ['pattern', 'flags'],
    'email-domain': ['domains'],
  };
  return [jsonPath(base), ...(own[match.type] ?? []).map(at)];
}

/** A condition's fields: the item, its properties and its matcher. */
export function conditionFields(base: readonly Segment[], condition: Condition): string[] {
  return [
    jsonPath(base),
    jsonPath([...base, 'property']),
    ...matcherFields([...base, 'match'], condition.match),
  ];
}

/** A list of conditions: the list itself and each condition. */
export function conditionListFields(base: readonly Segment[], conditions: readonly Condition[] = []) {
  return [jsonPath(base), ...conditions.flatMap((c, i) => conditionFields([...base, i], c))];
}

export const SLA_KEYS = ['newBusiness', 'installedBase', 'demoRequest', 'salesAcceptance'] as const;

interface DerivedRule {
  change?: { type?: string; match?: Matcher };
  conditions?: Condition[];
}

interface InstalledBase {
  customerWhen?: Condition[];
}

/** The paths of every field the editor shows for this model. */
export function editorFields(model: Model): string[] {
  const p = (...segments: Segment[]) => jsonPath(segments);
  const fields: string[] = [
    p('name'),
    p('description'),
    p('fit'),
    p('intent'),
    p('disqualifiers'),
    p('thresholds'),
    p('routing'),
    p('feedback'),
  ];

  for (const which of ['fit', 'intent'] as const)
    fields.push(p('thresholds', 'mql', which, 'operator'), p('thresholds', 'mql', which, 'value'));
  fields.push(p('thresholds', 'mql', 'requiredFitCriteria'), p('thresholds', 'iql', 'signalTypes'));
  const installed = model.thresholds.installedBase as InstalledBase | null | undefined;
  fields.push(p('thresholds', 'installedBase'));
  if (installed)
    fields.push(
      ...conditionListFields(['thresholds', 'installedBase', 'customerWhen'], installed.customerWhen),
      p('thresholds', 'installedBase', 'qualifyingSignals'),
      p('thresholds', 'installedBase', 'windowDays'),
    );

  model.fit.criteria.forEach((c, i) => {
    fields.push(...conditionFields(['fit', 'criteria', i], c));
    fields.push(p('fit', 'criteria', i, 'label'), p('fit', 'criteria', i, 'points'));
  });

  model.intent.signals.forEach((s, i) => {
    const base = ['intent', 'signals', i];
    fields.push(p(...base), p(...base, 'label'), p(...base, 'points'));
    fields.push(p(...base, 'ageing', 'fullDays'), p(...base, 'ageing', 'expiresAfterDays'));
    fields.push(p(...base, 'counting', 'from'), p(...base, 'counting', 'max'));
    ((s.derivedFrom ?? []) as DerivedRule[]).forEach((rule, j) => {
      const r = [...base, 'derivedFrom', j];
      fields.push(p(...r), p(...r, 'object'), p(...r, 'property'), p(...r, 'change'));
      if (rule.change?.type === 'becomes' && rule.change.match)
        fields.push(...matcherFields([...r, 'change', 'match'], rule.change.match));
      fields.push(...conditionListFields([...r, 'conditions'], rule.conditions));
    });
  });

  (model.disqualifiers ?? []).forEach((d, i) => {
    const base = ['disqualifiers', i];
    fields.push(p(...base), p(...base, 'reason'));
    fields.push(...conditionListFields([...base, 'when'], d.when));
    fields.push(...conditionListFields([...base, 'unless'], d.unless));
  });

  fields.push(p('routing', 'demoRequestSignals'));
  for (const key of ['newBusinessOwners', 'unavailableOwners', 'escalationOwner', 'marketingOwner'])
    fields.push(p('routing', key));
  for (const key of SLA_KEYS) fields.push(p('routing', 'slaHours', key));

  const feedback = model.feedback as
    { lostReasons?: { id: string }[]; leadStatusDecisions?: Record<string, unknown> } | undefined;
  fields.push(
    p('feedback', 'lostReasons'),
    p('feedback', 'recycleStage'),
    p('feedback', 'leadStatusDecisions'),
  );
  for (const status of Object.keys(feedback?.leadStatusDecisions ?? {}))
    fields.push(p('feedback', 'leadStatusDecisions', status));
  (feedback?.lostReasons ?? []).forEach((r, i) => {
    fields.push(p('feedback', 'lostReasons', i), p('feedback', 'lostReasons', i, 'label'));
    fields.push(p('feedback', 'renurtureTracks', r.id), p('feedback', 'returnLeadStatus', r.id));
    fields.push(p('feedback', 'reasonSignals', r.id));
  });
  return fields;
}
