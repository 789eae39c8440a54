/**
 * The qualification model: the one shared, explicit definition of fit, intent, disqualification,
 * MQL/IQL thresholds, routing and SLAs that marketing and sales agree on.
 *
 * It is plain JSON, validated by one zod schema. The same schema serves the CLI, the settings API
 * and the settings page, so a model that parses here is a model the whole product accepts.
 */
import { z } from 'zod';
import { isCountryCode } from './countries.js';
import { DEFAULT_INDUSTRY_KEYWORDS, HUBSPOT_INDUSTRY_VALUES } from './industries.js';
import { modelWarnings } from './model-lint.js';
import { VALUE_KINDS } from './normalize.js';
import { closest, jsonPath, wordForm } from './text.js';

export { jsonPath } from './text.js';

/** Where a criterion reads a value: `contact.<property>` or `company.<property>` (the associated company). */
export const PropertyRefSchema = z.string().regex(/^(contact|company)\.[a-z0-9_]+$/, {
  error: 'must look like "contact.<property>" or "company.<property>", with a HubSpot internal property name',
});
export type PropertyRef = z.infer<typeof PropertyRefSchema>;

const idSchema = z.string().regex(/^[a-z][a-z0-9_]*$/, {
  error: 'must be snake_case: lower-case letters, digits and underscores, starting with a letter',
});
const labelSchema = z
  .string()
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(80, { error: 'must be at most 80 characters' });
const ownerId = z.string().regex(/^\d+$/, { error: 'must be a HubSpot owner id (digits)' });
const pointsSchema = z
  .number({ error: 'must be a number' })
  .int({ error: 'must be a whole number' })
  .min(-100, { error: 'must be at least -100' })
  .max(100, { error: 'must be at most 100' });
const nonEmptyStrings = z
  .array(z.string().trim().min(1, { error: 'must not be empty' }))
  .min(1, { error: 'must list at least one value' });

/**
 * How a criterion compares a property value. Every matcher answers `match`, `no-match` or `unknown`
 * (the property has no value, or a value that cannot be read): unknown is never the same as no match.
 */
export const MatcherSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      /** The value is one of these; case, spaces, underscores and punctuation are ignored. */
      type: z.literal('one-of'),
      values: nonEmptyStrings,
    }),
    z.strictObject({
      /** The value is known and is none of these (same comparison as one-of). */
      type: z.literal('none-of'),
      values: nonEmptyStrings,
    }),
    z
      .strictObject({
        /**
         * A number in [min, max] (both inclusive). Understands HubSpot's band options such as
         * `25-50`, `100-500` and `1000+`: a band matches only when it lies wholly inside the range.
         */
        type: z.literal('range'),
        min: z.number({ error: 'must be a number' }).optional(),
        max: z.number({ error: 'must be a number' }).optional(),
      })
      .check((ctx) => {
        const { min, max } = ctx.value;
        if (min === undefined && max === undefined)
          ctx.issues.push({
            code: 'custom',
            input: ctx.value,
            message: 'a range needs a min, a max or both',
          });
        else if (min !== undefined && max !== undefined && min > max)
          ctx.issues.push({
            code: 'custom',
            input: min,
            path: ['min'],
            message: `must not be more than max (${max})`,
          });
      }),
    z.strictObject({
      /** The text contains one of these words or phrases as whole words, unless it contains an `except` word. */
      type: z.literal('contains'),
      values: nonEmptyStrings,
      except: z.array(z.string().trim().min(1)).optional(),
    }),
    z
      .strictObject({
        /** The text matches this regular expression (JavaScript syntax). */
        type: z.literal('regex'),
        pattern: z.string().min(1, { error: 'must not be empty' }),
        flags: z
          .string()
          .regex(/^[imsu]*$/, { error: 'may only use the flags i, m, s and u' })
          .optional(),
      })
      .check((ctx) => {
        try {
          new RegExp(ctx.value.pattern, ctx.value.flags);
        } catch (error) {
          ctx.issues.push({
            code: 'custom',
            input: ctx.value.pattern,
            path: ['pattern'],
            message: `is not a valid regular expression (${(error as Error).message})`,
          });
        }
      }),
    z.strictObject({
      /** The e-mail address's domain is one of these, or a subdomain of one (`edu` matches `mit.edu`). */
      type: z.literal('email-domain'),
      domains: nonEmptyStrings,
    }),
    z.strictObject({ /** The property has a value. */ type: z.literal('known') }),
    z.strictObject({ /** The property has no value. */ type: z.literal('unknown') }),
  ],
  { error: 'must have a "type" of one-of, none-of, range, contains, regex, email-domain, known or unknown' },
);
export type Matcher = z.infer<typeof MatcherSchema>;

/** A property (or a list tried in order: the first with a value is used) and how to match it. */
export const ConditionSchema = z.strictObject({
  property: z.union([
    PropertyRefSchema,
    z.array(PropertyRefSchema).min(1, { error: 'must list at least one property' }),
  ]),
  match: MatcherSchema,
});
export type Condition = z.infer<typeof ConditionSchema>;

export const FitCriterionSchema = ConditionSchema.extend({
  id: idSchema,
  label: labelSchema,
  points: pointsSchema,
});
export type FitCriterion = z.infer<typeof FitCriterionSchema>;

/**
 * Ageing of a signal: it counts fully for `fullDays`, then loses its points linearly until it no
 * longer counts at all from `expiresAfterDays` on. `fullDays === expiresAfterDays` is a hard window.
 */
export const AgeingSchema = z
  .strictObject({
    fullDays: z.number({ error: 'must be a number' }).min(0, { error: 'must be 0 or more' }),
    expiresAfterDays: z.number({ error: 'must be a number' }).positive({ error: 'must be more than 0' }),
  })
  .check((ctx) => {
    if (ctx.value.fullDays > ctx.value.expiresAfterDays)
      ctx.issues.push({
        code: 'custom',
        input: ctx.value.fullDays,
        path: ['fullDays'],
        message: `must not be more than expiresAfterDays (${ctx.value.expiresAfterDays})`,
      });
  });
export type Ageing = z.infer<typeof AgeingSchema>;

/**
 * How repeated occurrences of one signal type count inside its window. Occurrences are numbered
 * in time order (1 = the oldest inside the window); those numbered `from` or later count, and of
 * those at most the `max` most recent. Default `{from: 1, max: 1}`: the type counts once, for its
 * most recent occurrence. "The second no-show gives −30" is `{from: 2, max: 1}`.
 */
export const CountingSchema = z.strictObject({
  from: z.number().int().min(1, { error: 'must be 1 or more' }).default(1),
  max: z.number().int().min(1, { error: 'must be 1 or more' }).nullable().default(1),
});
export type Counting = z.infer<typeof CountingSchema>;

export const IntentSignalSchema = z.strictObject({
  type: idSchema,
  label: labelSchema,
  points: pointsSchema,
  ageing: AgeingSchema,
  counting: CountingSchema.default({ from: 1, max: 1 }),
});
export type IntentSignal = z.infer<typeof IntentSignalSchema>;

export const DisqualifierSchema = z.strictObject({
  id: idSchema,
  /** What a sales rep reads on the contact, e.g. "Free e-mail domain". */
  reason: labelSchema,
  /** Disqualifies when any of these conditions matches (an unknown value never disqualifies). */
  when: z.array(ConditionSchema).min(1, { error: 'must list at least one condition' }),
  /** ...unless any of these matches. */
  unless: z.array(ConditionSchema).default([]),
});
export type Disqualifier = z.infer<typeof DisqualifierSchema>;

const barSchema = z.strictObject({
  operator: z.enum(['>', '>='], { error: 'must be ">" (strictly above) or ">=" (at least)' }),
  value: z
    .number({ error: 'must be a number' })
    .min(0, { error: 'must be 0 or more' })
    .max(100, { error: 'must be at most 100' }),
});
export type Bar = z.infer<typeof barSchema>;

export const ThresholdsSchema = z.strictObject({
  mql: z.strictObject({
    fit: barSchema,
    intent: barSchema,
    /** Fit criteria (by id) that must all match, whatever the fit score. */
    requiredFitCriteria: z.array(idSchema).default([]),
  }),
  /** Information-qualified lead: interest from information-only signals. Never sent to sales. */
  iql: z
    .strictObject({
      signalTypes: z.array(idSchema).min(1, { error: 'must list at least one signal type' }),
    })
    .nullable()
    .default(null),
  /**
   * Installed base: an existing customer with one qualifying signal in the last `windowDays`
   * goes to its account manager, whatever its fit score (fit is already proven).
   */
  installedBase: z
    .strictObject({
      customerWhen: z.array(ConditionSchema).min(1, { error: 'must list at least one condition' }),
      qualifyingSignals: z.array(idSchema).min(1, { error: 'must list at least one signal type' }),
      windowDays: z.number().positive({ error: 'must be more than 0' }).default(30),
    })
    .nullable()
    .default(null),
});
export type Thresholds = z.infer<typeof ThresholdsSchema>;

export const RoutingSchema = z.strictObject({
  slaHours: z.strictObject({
    installedBase: z.number().positive({ error: 'must be more than 0' }).default(4),
    newBusiness: z.number().positive({ error: 'must be more than 0' }).default(24),
    demoRequest: z.number().positive({ error: 'must be more than 0' }).default(24),
    salesAcceptance: z.number().positive({ error: 'must be more than 0' }).default(48),
  }),
  /** Signal types that send an MQL straight to a sales owner (an inbound demo request). */
  demoRequestSignals: z.array(idSchema).default([]),
  /** HubSpot owner ids of the new-business team, served round robin. */
  newBusinessOwners: z.array(ownerId).default([]),
  /** Owners to skip for now (holiday, full pipeline). */
  unavailableOwners: z.array(ownerId).default([]),
  /** The manager who gets an escalation task when an SLA is breached. */
  escalationOwner: ownerId.nullable().default(null),
  /** Marketing's owner: the weekly returned-leads report is addressed to them. */
  marketingOwner: ownerId.nullable().default(null),
});
export type Routing = z.infer<typeof RoutingSchema>;

const DEFAULT_LOST_REASONS = [
  { id: 'too_small', label: 'Too small' },
  { id: 'no_budget', label: 'No budget' },
  { id: 'wrong_timing', label: 'Wrong timing' },
  { id: 'no_interest', label: 'No interest' },
  { id: 'not_reachable', label: 'Not reachable' },
  { id: 'not_decision_maker', label: 'Not the decision maker' },
  { id: 'unclear_mql', label: 'No idea why this is an MQL' },
  { id: 'other', label: 'Other' },
];

/**
 * The feedback loop: how sales accepts or returns an MQL, and what a return does. Defaults follow
 * the seeds (reasons, the re-nurture tracks for "no budget" and "wrong timing", −50 for "no interest").
 */
export const FeedbackSchema = z.strictObject({
  /** Why sales returns a lead; `other` takes free text. */
  lostReasons: z
    .array(z.strictObject({ id: idSchema, label: labelSchema }))
    .min(1, { error: 'must list at least one reason' })
    .default(DEFAULT_LOST_REASONS),
  /** Re-nurture track per reason (the value written to `lq_renurture_track`). */
  renurtureTracks: z
    .record(idSchema, idSchema)
    .default({ no_budget: 'roi', wrong_timing: 'remind_me', no_interest: 'long_term' }),
  /** The lead status a returned lead gets, per reason (default: UNQUALIFIED). */
  returnLeadStatus: z.record(idSchema, z.string().min(1)).default({ wrong_timing: 'BAD_TIMING' }),
  /** The stage a returned MQL is recycled to (HubSpot needs the stage cleared first). */
  recycleStage: z.enum(['subscriber', 'lead'], { error: 'must be "subscriber" or "lead"' }).default('lead'),
  /** Reasons that add a negative intent signal, e.g. "no interest" → sales_no_interest. */
  reasonSignals: z.record(idSchema, idSchema).default({ no_interest: 'sales_no_interest' }),
  /** Sales decisions read from a change of `hs_lead_status` (value → decision). */
  leadStatusDecisions: z
    .record(
      z.string().min(1),
      z.union([
        z.strictObject({ decision: z.literal('accept') }),
        z.strictObject({ decision: z.literal('return'), reason: idSchema }),
      ]),
    )
    .default({
      IN_PROGRESS: { decision: 'accept' },
      CONNECTED: { decision: 'accept' },
      OPEN_DEAL: { decision: 'accept' },
      UNQUALIFIED: { decision: 'return', reason: 'other' },
      BAD_TIMING: { decision: 'return', reason: 'wrong_timing' },
    }),
});
export type Feedback = z.infer<typeof FeedbackSchema>;

const phraseSchema = z
  .string()
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(80, { error: 'must be at most 80 characters' });
const phrasesSchema = z
  .array(phraseSchema)
  .min(1, { error: 'must list at least one' })
  .max(100, { error: 'must list at most 100' });

/**
 * How raw HubSpot values are read (see `normalize.ts`). Everything has a default: the built-in
 * "no value" tokens, HubSpot's own property kinds and ISO country names always apply; these add to
 * them, except `industryKeywords`, which a model replaces as a whole (the default is
 * DEFAULT_INDUSTRY_KEYWORDS).
 */
export const NormalizationSchema = z.strictObject({
  /** More values that mean "no value" (besides "", "N/A", "n.v.t.", "-", "unknown", …). */
  unknownValues: z.array(phraseSchema).max(200, { error: 'must list at most 200 values' }).default([]),
  /** What custom properties hold, e.g. `{"contact.land": "country"}` (HubSpot's own are known). */
  propertyKinds: z
    .record(
      PropertyRefSchema,
      z.enum(VALUE_KINDS, { error: `must be one of ${VALUE_KINDS.map((k) => `"${k}"`).join(', ')}` }),
    )
    .default({}),
  /** More names for countries, to ISO 3166-1 alpha-2 codes, e.g. `{"Eire": "IE"}` ("Holland" is built in). */
  countryAliases: z.record(phraseSchema, z.string()).default({}),
  /** Free-text keywords per HubSpot industry value, e.g. `{"FOOD_BEVERAGES": ["dranken", "getränke"]}`. */
  industryKeywords: z
    .record(z.string(), phrasesSchema)
    .default(() => structuredClone(DEFAULT_INDUSTRY_KEYWORDS)),
  /**
   * Other ways to write a phrase of a `contains` matcher, in any language, e.g.
   * `{"plant manager": ["Werksleiter", "fabrieksmanager"]}`. Matched as whole words, like the phrase.
   */
  titleSynonyms: z.record(phraseSchema, phrasesSchema).default({}),
});
export type Normalization = z.infer<typeof NormalizationSchema>;

export const QualificationModelSchema = z
  .strictObject({
    /** A label for this version, recorded with every evaluation (e.g. "seed-fit-intent@1"). */
    version: z
      .string()
      .trim()
      .min(1, { error: 'must not be empty' })
      .max(64, { error: 'must be at most 64 characters' }),
    name: labelSchema,
    description: z.string().max(2000).optional(),
    fit: z.strictObject({
      criteria: z
        .array(FitCriterionSchema)
        .max(40, { error: 'must have at most 40 criteria: fewer criteria win' }),
    }),
    intent: z.strictObject({
      signals: z.array(IntentSignalSchema).max(40, { error: 'must have at most 40 signals' }),
    }),
    disqualifiers: z.array(DisqualifierSchema).default([]),
    thresholds: ThresholdsSchema,
    routing: RoutingSchema,
    feedback: FeedbackSchema.default(FeedbackSchema.parse({})),
    normalization: NormalizationSchema.default(() => NormalizationSchema.parse({})),
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

/** A validated model, with every default filled in. */
export type QualificationModel = z.infer<typeof QualificationModelSchema>;
/** What a person writes: defaults may be left out. */
export type QualificationModelInput = z.input<typeof QualificationModelSchema>;

/** One thing wrong with a model, located by a JSON path such as `$.fit.criteria[2].points`. */
export interface ModelProblem {
  path: string;
  message: string;
}

export type ParseModelResult =
  | {
      success: true;
      model: QualificationModel;
      /**
       * What may be wrong though the model is valid, e.g. a property name that is none of HubSpot's
       * defaults ("did you mean …?"): portals have custom properties, so these never refuse a model.
       */
      warnings: ModelProblem[];
    }
  | { success: false; problems: ModelProblem[] };

/**
 * Parses and validates a model. Never throws: a bad model yields every problem found, each with
 * its JSON path and a plain-English message.
 */
export function parseModel(input: unknown): ParseModelResult {
  const result = QualificationModelSchema.safeParse(input, { reportInput: true });
  if (result.success) return { success: true, model: result.data, warnings: modelWarnings(result.data) };
  return { success: false, problems: result.error.issues.map(toProblem) };
}

function toProblem(issue: z.core.$ZodIssue): ModelProblem {
  return { path: jsonPath(issue.path), message: plainMessage(issue) };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'text';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function plainMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `is required (expected ${article(issue.expected)})`;
      // Custom messages (set in the schema) win over the generic one.
      if (issue.message && !issue.message.startsWith('Invalid input'))
        return `${issue.message}, not ${describe(issue.input)}`;
      return `must be ${article(issue.expected)}, not ${describe(issue.input)}`;
    case 'unrecognized_keys':
      return `has unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_union':
      return issue.message && !issue.message.startsWith('Invalid input')
        ? issue.message
        : 'is not one of the accepted shapes';
    case 'invalid_value':
      if (issue.message && !issue.message.startsWith('Invalid')) return issue.message;
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return issue.message;
  }
}

function article(expected: string): string {
  switch (expected) {
    case 'object':
      return 'an object';
    case 'array':
      return 'a list';
    case 'string':
      return 'text';
    case 'int':
      return 'a whole number';
    default:
      return `a ${expected}`;
  }
}
