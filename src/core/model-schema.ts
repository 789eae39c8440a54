/**
 * The whole qualification model: the blocks of model-parts.ts put together, with defaults and the
 * checks that span them (references between sections, counts across sections).
 */
import { z } from 'zod';
import { isCountryCode } from './countries.js';
import { HUBSPOT_INDUSTRY_VALUES } from './industries.js';
import { MODEL_LIMITS as LIMITS } from './limits.js';
import { closest, wordForm } from './text.js';

import {
  CadenceSchema,
  type Condition,
  DisqualifierSchema,
  FeedbackSchema,
  FitCriterionSchema,
  NormalizationSchema,
  RoutingSchema,
  ThresholdsSchema,
  atMostChars,
  labelSchema,
} from './model-parts.js';
import { derivedMatchers, ModelSignalSchema } from './model-derived.js';

export const QualificationModelSchema = z
  .strictObject({
    /** A label for this version, recorded with every evaluation (e.g. "seed-fit-intent@1"). */
    version: z
      .string()
      .trim()
      .min(1, { error: 'must not be empty' })
      .max(LIMITS.versionChars, atMostChars(LIMITS.versionChars)),
    name: labelSchema,
    description: z.string().max(LIMITS.descriptionChars, atMostChars(LIMITS.descriptionChars)).optional(),
    fit: z.strictObject({
      criteria: z.array(FitCriterionSchema).max(LIMITS.fitCriteria, {
        error: `must have at most ${LIMITS.fitCriteria} criteria: fewer criteria win`,
      }),
    }),
    intent: z.strictObject({
      signals: z
        .array(ModelSignalSchema)
        .max(LIMITS.signals, { error: `must have at most ${LIMITS.signals} signals` }),
    }),
    disqualifiers: z
      .array(DisqualifierSchema)
      .max(LIMITS.disqualifiers, {
        error: `must have at most ${LIMITS.disqualifiers} disqualifiers`,
      })
      .default([]),
    thresholds: ThresholdsSchema,
    routing: RoutingSchema,
    feedback: FeedbackSchema.default(FeedbackSchema.parse({})),
    normalization: NormalizationSchema.default(() => NormalizationSchema.parse({})),
    cadence: CadenceSchema.default({ minimumDays: 60 }),
  })
  .superRefine((model, ctx) => {
    const duplicate = (ids: string[], path: (i: number) => (string | number)[], what: string) => {
      const seen = new Set<string>();
      ids.forEach((id, i) => {
        if (seen.has(id))
          ctx.addIssue({ code: 'custom', path: path(i), message: `repeats the ${what} "${id}"` });
        seen.add(id);
      });
    };
    duplicate(
      model.fit.criteria.map((c) => c.id),
      (i) => ['fit', 'criteria', i, 'id'],
      'fit criterion id',
    );
    duplicate(
      model.intent.signals.map((s) => s.type),
      (i) => ['intent', 'signals', i, 'type'],
      'signal type',
    );
    duplicate(
      model.disqualifiers.map((d) => d.id),
      (i) => ['disqualifiers', i, 'id'],
      'disqualifier id',
    );

    // Each compiled pattern keeps a matching cache of its own, so their number is bounded.
    let patterns = 0;
    forEachCondition(model, (condition, path) => {
      if (condition.match.type === 'regex' && ++patterns === LIMITS.regexConditions + 1)
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'match'],
          message: `is regex condition number ${patterns}; a model may have at most ${LIMITS.regexConditions}`,
        });
    });
    // Derived rules' matchers compile patterns too, and count against the same bound.
    model.intent.signals.forEach((signal, i) => {
      for (const { matcher, path } of derivedMatchers(signal))
        if (matcher.type === 'regex' && ++patterns === LIMITS.regexConditions + 1)
          ctx.addIssue({
            code: 'custom',
            path: ['intent', 'signals', i, ...path],
            message: `is regex condition number ${patterns}; a model may have at most ${LIMITS.regexConditions}`,
          });
    });

    const criterionIds = new Set(model.fit.criteria.map((c) => c.id));
    const signalTypes = new Set(model.intent.signals.map((s) => s.type));
    model.thresholds.mql.requiredFitCriteria.forEach((id, i) => {
      if (!criterionIds.has(id))
        ctx.addIssue({
          code: 'custom',
          path: ['thresholds', 'mql', 'requiredFitCriteria', i],
          message: `names the fit criterion "${id}", which the model does not have`,
        });
    });
    const checkSignals = (types: string[], path: (string | number)[]) =>
      types.forEach((type, i) => {
        if (!signalTypes.has(type))
          ctx.addIssue({
            code: 'custom',
            path: [...path, i],
            message: `names the signal type "${type}", which the model does not have`,
          });
      });
    if (model.thresholds.iql)
      checkSignals(model.thresholds.iql.signalTypes, ['thresholds', 'iql', 'signalTypes']);
    if (model.thresholds.installedBase)
      checkSignals(model.thresholds.installedBase.qualifyingSignals, [
        'thresholds',
        'installedBase',
        'qualifyingSignals',
      ]);
    checkSignals(model.routing.demoRequestSignals, ['routing', 'demoRequestSignals']);

    const reasons = new Set(model.feedback.lostReasons.map((r) => r.id));
    duplicate(
      model.feedback.lostReasons.map((r) => r.id),
      (i) => ['feedback', 'lostReasons', i, 'id'],
      'lost reason',
    );
    const checkReasons = (keys: string[], path: (string | number)[]) =>
      keys.forEach((key) => {
        if (!reasons.has(key))
          ctx.addIssue({
            code: 'custom',
            path: [...path, key],
            message: `names the lost reason "${key}", which the model does not list`,
          });
      });
    checkReasons(Object.keys(model.feedback.renurtureTracks), ['feedback', 'renurtureTracks']);
    checkReasons(Object.keys(model.feedback.returnLeadStatus), ['feedback', 'returnLeadStatus']);
    checkReasons(Object.keys(model.feedback.reasonSignals), ['feedback', 'reasonSignals']);
    for (const [reason, type] of Object.entries(model.feedback.reasonSignals))
      if (!signalTypes.has(type))
        ctx.addIssue({
          code: 'custom',
          path: ['feedback', 'reasonSignals', reason],
          message: `names the signal type "${type}", which the model does not have`,
        });
    for (const [status, rule] of Object.entries(model.feedback.leadStatusDecisions))
      if (rule.decision === 'return' && !reasons.has(rule.reason))
        ctx.addIssue({
          code: 'custom',
          path: ['feedback', 'leadStatusDecisions', status, 'reason'],
          message: `names the lost reason "${rule.reason}", which the model does not list`,
        });

    const { industryKeywords, countryAliases } = model.normalization;
    const keywordOwner = new Map<string, string>();
    for (const [industry, keywords] of Object.entries(industryKeywords)) {
      if (!HUBSPOT_INDUSTRY_VALUES.has(industry)) {
        const near = closest(industry, HUBSPOT_INDUSTRY_VALUES);
        ctx.addIssue({
          code: 'custom',
          path: ['normalization', 'industryKeywords', industry],
          message: `is not a HubSpot industry value${near ? ` (did you mean "${near}"?)` : ''}`,
        });
      }
      keywords.forEach((keyword, i) => {
        const form = wordForm(keyword);
        const owner = keywordOwner.get(form);
        if (owner !== undefined && owner !== industry)
          ctx.addIssue({
            code: 'custom',
            path: ['normalization', 'industryKeywords', industry, i],
            message: `repeats the keyword "${keyword}" of ${owner}: a keyword must name one industry`,
          });
        else keywordOwner.set(form, industry);
      });
    }
    for (const [alias, code] of Object.entries(countryAliases))
      if (!isCountryCode(code))
        ctx.addIssue({
          code: 'custom',
          path: ['normalization', 'countryAliases', alias],
          message: 'must be an ISO 3166-1 alpha-2 code in capitals, such as "NL"',
        });
  });

/** Calls `visit` with every condition of a model and its path, in model order. */
export function forEachCondition(
  model: Pick<QualificationModel, 'fit' | 'disqualifiers' | 'thresholds'>,
  visit: (condition: Condition, path: (string | number)[]) => void,
): void {
  model.fit.criteria.forEach((c, i) => visit(c, ['fit', 'criteria', i]));
  model.disqualifiers.forEach((d, i) => {
    d.when.forEach((c, j) => visit(c, ['disqualifiers', i, 'when', j]));
    d.unless.forEach((c, j) => visit(c, ['disqualifiers', i, 'unless', j]));
  });
  model.thresholds.installedBase?.customerWhen.forEach((c, i) =>
    visit(c, ['thresholds', 'installedBase', 'customerWhen', i]),
  );
}

/** A validated model, with every default filled in. */
export type QualificationModel = z.infer<typeof QualificationModelSchema>;
/** What a person writes: defaults may be left out. */
export type QualificationModelInput = z.input<typeof QualificationModelSchema>;
