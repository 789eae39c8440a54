/**
 * The qualification model's building blocks: property references, matchers, conditions, fit
 * criteria, intent signals and their ageing, disqualifiers, thresholds, routing, the feedback
 * loop's settings and how raw values are read. Each is a zod schema with its bounds; the whole
 * model (and its cross-checks) is in model-schema.ts, parsing in model.ts.
 */
import { z } from 'zod';
import { DealOnAcceptSchema } from './deal-on-accept.js';
import { DEFAULT_INDUSTRY_KEYWORDS } from './industries.js';
import { INPUT_LIMITS, MODEL_LIMITS as LIMITS } from './limits.js';
import { VALUE_KINDS } from './normalize.js';
import { checkFlags, compilePattern } from './regex.js';

export const count = (n: number) => n.toLocaleString('en-US');
export const atMostChars = (max: number) => ({ error: `must be at most ${count(max)} characters` });
export const atMostListed = (max: number, what: string) => ({
  error: `must list at most ${count(max)} ${what}`,
});

/** Where a criterion reads a value: `contact.<property>` or `company.<property>` (the associated company). */
export const PropertyRefSchema = z
  .string()
  .max('company.'.length + INPUT_LIMITS.propertyNameChars, {
    error: `must be at most ${count('company.'.length + INPUT_LIMITS.propertyNameChars)} characters (a HubSpot property name has at most ${INPUT_LIMITS.propertyNameChars})`,
    abort: true,
  })
  .regex(/^(contact|company)\.[a-z0-9_]+$/, {
    error:
      'must look like "contact.<property>" or "company.<property>", with a HubSpot internal property name',
  });
export type PropertyRef = z.infer<typeof PropertyRefSchema>;

export const idSchema = z
  .string()
  .max(LIMITS.idChars, { ...atMostChars(LIMITS.idChars), abort: true })
  .regex(/^[a-z][a-z0-9_]*$/, {
    error: 'must be snake_case: lower-case letters, digits and underscores, starting with a letter',
  });
export const labelSchema = z
  .string()
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(LIMITS.labelChars, atMostChars(LIMITS.labelChars));
export const ownerId = z
  .string()
  .max(LIMITS.ownerIdDigits, { ...atMostChars(LIMITS.ownerIdDigits), abort: true })
  .regex(/^\d+$/, { error: 'must be a HubSpot owner id (digits)' });
export const pointsSchema = z
  .number({ error: 'must be a number' })
  .int({ error: 'must be a whole number' })
  .min(-LIMITS.points, { error: `must be at least -${LIMITS.points}` })
  .max(LIMITS.points, { error: `must be at most ${LIMITS.points}` });
/** A finite number of days, at most ten years. */
export const daysSchema = z
  .number({ error: 'must be a number' })
  .max(LIMITS.days, { error: `must be at most ${count(LIMITS.days)} days (ten years)` });
export const slaHoursSchema = (hours: number) =>
  z
    .number({ error: 'must be a number' })
    .positive({ error: 'must be more than 0' })
    .max(LIMITS.slaHours, { error: `must be at most ${count(LIMITS.slaHours)} hours (a year)` })
    .default(hours);
export const rangeBound = z
  .number({ error: 'must be a number' })
  .min(-LIMITS.rangeBound, { error: 'must be at least -10^15' })
  .max(LIMITS.rangeBound, { error: 'must be at most 10^15' });
export const occurrenceSchema = z
  .number({ error: 'must be a number' })
  .int({ error: 'must be a whole number' })
  .min(1, { error: 'must be 1 or more' })
  .max(LIMITS.occurrences, { error: `must be at most ${count(LIMITS.occurrences)}` });
export const listedValues = (max: number, chars: number) =>
  z
    .array(z.string().trim().min(1, { error: 'must not be empty' }).max(chars, atMostChars(chars)))
    .min(1, { error: 'must list at least one value' })
    .max(max, atMostListed(max, 'values'));
export const nonEmptyStrings = listedValues(LIMITS.matcherValues, LIMITS.valueChars);

/**
 * A record (a JSON object used as a map) of at most `max` entries. The entries are parsed first,
 * which the 1 MB body limit of the settings API bounds.
 */
export function boundedRecord<T extends z.ZodType>(record: T, max: number, what: string) {
  return record.check((ctx) => {
    const n = Object.keys(ctx.value as object).length;
    if (n > max)
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message: `has ${count(n)} ${what}; at most ${count(max)} are accepted`,
      });
  });
}

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
        min: rangeBound.optional(),
        max: rangeBound.optional(),
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
      except: z
        .array(
          z
            .string()
            .trim()
            .min(1, { error: 'must not be empty' })
            .max(LIMITS.valueChars, atMostChars(LIMITS.valueChars)),
        )
        .max(LIMITS.matcherValues, atMostListed(LIMITS.matcherValues, 'values'))
        .optional(),
    }),
    z
      .strictObject({
        /**
         * The text matches this regular expression somewhere. RE2 syntax (for everyday patterns,
         * JavaScript's), run by a linear-time engine: see `regex.ts`.
         */
        type: z.literal('regex'),
        // Its length and syntax are checked below, by compilePattern.
        pattern: z.string().min(1, { error: 'must not be empty' }),
        flags: z
          .string()
          .check((ctx) => {
            const problem = checkFlags(ctx.value);
            if (problem) ctx.issues.push({ code: 'custom', input: ctx.value, message: problem });
          })
          .optional(),
      })
      .check((ctx) => {
        const compiled = compilePattern(ctx.value.pattern, ctx.value.flags);
        if (!compiled.ok)
          ctx.issues.push({
            code: 'custom',
            input: ctx.value.pattern,
            path: ['pattern'],
            message: compiled.problem,
          });
      }),
    z.strictObject({
      /** The e-mail address's domain is one of these, or a subdomain of one (`edu` matches `mit.edu`). */
      type: z.literal('email-domain'),
      domains: listedValues(LIMITS.emailDomains, LIMITS.domainChars),
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
    z
      .array(PropertyRefSchema)
      .min(1, { error: 'must list at least one property' })
      .max(LIMITS.propertiesPerCondition, atMostListed(LIMITS.propertiesPerCondition, 'properties')),
  ]),
  match: MatcherSchema,
});
export type Condition = z.infer<typeof ConditionSchema>;

/** A `when`, `unless` or `customerWhen` list: at least `min` conditions, at most 20. */
export const conditionsSchema = (min: 0 | 1) =>
  z
    .array(ConditionSchema)
    .min(min, { error: 'must list at least one condition' })
    .max(LIMITS.conditionsPerRule, atMostListed(LIMITS.conditionsPerRule, 'conditions'));

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
    fullDays: daysSchema.min(0, { error: 'must be 0 or more' }),
    expiresAfterDays: daysSchema.positive({ error: 'must be more than 0' }),
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
  from: occurrenceSchema.default(1),
  max: occurrenceSchema.nullable().default(1),
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
  when: conditionsSchema(1),
  /** ...unless any of these matches. */
  unless: conditionsSchema(0).default([]),
});
export type Disqualifier = z.infer<typeof DisqualifierSchema>;

export const barSchema = z.strictObject({
  operator: z.enum(['>', '>='], { error: 'must be ">" (strictly above) or ">=" (at least)' }),
  value: z
    .number({ error: 'must be a number' })
    .min(0, { error: 'must be 0 or more' })
    .max(100, { error: 'must be at most 100' }),
});
export type Bar = z.infer<typeof barSchema>;

export const signalTypesSchema = z
  .array(idSchema)
  .max(LIMITS.signals, atMostListed(LIMITS.signals, 'signal types'));

export const ThresholdsSchema = z.strictObject({
  mql: z.strictObject({
    fit: barSchema,
    intent: barSchema,
    /** Fit criteria (by id) that must all match, whatever the fit score. */
    requiredFitCriteria: z
      .array(idSchema)
      .max(LIMITS.fitCriteria, atMostListed(LIMITS.fitCriteria, 'criteria'))
      .default([]),
  }),
  /** Information-qualified lead: interest from information-only signals. Never sent to sales. */
  iql: z
    .strictObject({
      signalTypes: signalTypesSchema.min(1, { error: 'must list at least one signal type' }),
    })
    .nullable()
    .default(null),
  /**
   * Installed base: an existing customer with one qualifying signal in the last `windowDays`
   * goes to its account manager, whatever its fit score (fit is already proven).
   */
  installedBase: z
    .strictObject({
      customerWhen: conditionsSchema(1),
      qualifyingSignals: signalTypesSchema.min(1, { error: 'must list at least one signal type' }),
      windowDays: daysSchema.positive({ error: 'must be more than 0' }).default(30),
    })
    .nullable()
    .default(null),
});
export type Thresholds = z.infer<typeof ThresholdsSchema>;

export const RoutingSchema = z.strictObject({
  slaHours: z.strictObject({
    installedBase: slaHoursSchema(4),
    newBusiness: slaHoursSchema(24),
    demoRequest: slaHoursSchema(24),
    salesAcceptance: slaHoursSchema(48),
  }),
  /** Signal types that send an MQL straight to a sales owner (an inbound demo request). */
  demoRequestSignals: signalTypesSchema.default([]),
  /** HubSpot owner ids of the new-business team, served round robin. */
  newBusinessOwners: z.array(ownerId).max(LIMITS.owners, atMostListed(LIMITS.owners, 'owners')).default([]),
  /** Owners to skip for now (holiday, full pipeline). */
  unavailableOwners: z.array(ownerId).max(LIMITS.owners, atMostListed(LIMITS.owners, 'owners')).default([]),
  /** The manager who gets an escalation task when an SLA is breached. */
  escalationOwner: ownerId.nullable().default(null),
  /** Marketing's owner: the weekly returned-leads report is addressed to them. */
  marketingOwner: ownerId.nullable().default(null),
});
export type Routing = z.infer<typeof RoutingSchema>;

export const DEFAULT_LOST_REASONS = [
  { id: 'too_small', label: 'Too small' },
  { id: 'no_budget', label: 'No budget' },
  { id: 'wrong_timing', label: 'Wrong timing' },
  { id: 'no_interest', label: 'No interest' },
  { id: 'not_reachable', label: 'Not reachable' },
  { id: 'not_decision_maker', label: 'Not the decision maker' },
  { id: 'unclear_mql', label: 'No idea why this is an MQL' },
  { id: 'other', label: 'Other' },
];

/** A value of HubSpot's `hs_lead_status` (an enumeration option's internal value). */
export const leadStatusSchema = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(LIMITS.leadStatusChars, atMostChars(LIMITS.leadStatusChars));

/**
 * The feedback loop: how sales accepts or returns an MQL, and what a return does. Defaults follow
 * the seeds (reasons, the re-nurture tracks for "no budget" and "wrong timing", −50 for "no interest").
 */
export const FeedbackSchema = z.strictObject({
  /** Why sales returns a lead; `other` takes free text. */
  lostReasons: z
    .array(z.strictObject({ id: idSchema, label: labelSchema }))
    .min(1, { error: 'must list at least one reason' })
    .max(LIMITS.lostReasons, atMostListed(LIMITS.lostReasons, 'reasons'))
    .default(DEFAULT_LOST_REASONS),
  /** Re-nurture track per reason (the value written to `lq_renurture_track`). */
  renurtureTracks: boundedRecord(z.record(idSchema, idSchema), LIMITS.lostReasons, 'reasons').default({
    no_budget: 'roi',
    wrong_timing: 'remind_me',
    no_interest: 'long_term',
  }),
  /** The lead status a returned lead gets, per reason (default: UNQUALIFIED). */
  returnLeadStatus: boundedRecord(
    z.record(idSchema, leadStatusSchema),
    LIMITS.lostReasons,
    'reasons',
  ).default({ wrong_timing: 'BAD_TIMING' }),
  /** The stage a returned MQL is recycled to (HubSpot needs the stage cleared first). */
  recycleStage: z.enum(['subscriber', 'lead'], { error: 'must be "subscriber" or "lead"' }).default('lead'),
  /** Reasons that add a negative intent signal, e.g. "no interest" → sales_no_interest. */
  reasonSignals: boundedRecord(z.record(idSchema, idSchema), LIMITS.lostReasons, 'reasons').default({
    no_interest: 'sales_no_interest',
  }),
  /** Sales decisions read from a change of `hs_lead_status` (value → decision). */
  leadStatusDecisions: boundedRecord(
    z.record(
      leadStatusSchema,
      z.union([
        z.strictObject({ decision: z.literal('accept') }),
        z.strictObject({ decision: z.literal('return'), reason: idSchema }),
      ]),
    ),
    LIMITS.leadStatuses,
    'lead statuses',
  ).default({
    IN_PROGRESS: { decision: 'accept' },
    CONNECTED: { decision: 'accept' },
    OPEN_DEAL: { decision: 'accept' },
    UNQUALIFIED: { decision: 'return', reason: 'other' },
    BAD_TIMING: { decision: 'return', reason: 'wrong_timing' },
  }),
  /** On a sales accept, create a deal in this pipeline and stage (off when absent). */
  dealOnAccept: DealOnAcceptSchema.optional(),
});
export type Feedback = z.infer<typeof FeedbackSchema>;

export const phraseSchema = z
  .string()
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(LIMITS.phraseChars, atMostChars(LIMITS.phraseChars));
export const phrasesSchema = z
  .array(phraseSchema)
  .min(1, { error: 'must list at least one' })
  .max(LIMITS.phrasesPerEntry, { error: `must list at most ${LIMITS.phrasesPerEntry}` });

/**
 * How raw HubSpot values are read (see `normalize.ts`). Everything has a default: the built-in
 * "no value" tokens, HubSpot's own property kinds and ISO country names always apply; these add to
 * them, except `industryKeywords`, which a model replaces as a whole (the default is
 * DEFAULT_INDUSTRY_KEYWORDS).
 */
export const NormalizationSchema = z.strictObject({
  /** More values that mean "no value" (besides "", "N/A", "n.v.t.", "-", "unknown", …). */
  unknownValues: z
    .array(phraseSchema)
    .max(LIMITS.unknownValues, atMostListed(LIMITS.unknownValues, 'values'))
    .default([]),
  /** What custom properties hold, e.g. `{"contact.land": "country"}` (HubSpot's own are known). */
  propertyKinds: boundedRecord(
    z.record(
      PropertyRefSchema,
      z.enum(VALUE_KINDS, { error: `must be one of ${VALUE_KINDS.map((k) => `"${k}"`).join(', ')}` }),
    ),
    LIMITS.propertyKinds,
    'properties',
  ).default({}),
  /** More names for countries, to ISO 3166-1 alpha-2 codes, e.g. `{"Eire": "IE"}` ("Holland" is built in). */
  countryAliases: boundedRecord(
    // The code is checked below (isCountryCode), which bounds it too.
    z.record(phraseSchema, z.string()),
    LIMITS.countryAliases,
    'aliases',
  ).default({}),
  /** Free-text keywords per HubSpot industry value, e.g. `{"FOOD_BEVERAGES": ["dranken", "getränke"]}`. */
  industryKeywords: boundedRecord(
    z.record(z.string().max(LIMITS.industryChars, atMostChars(LIMITS.industryChars)), phrasesSchema),
    LIMITS.industries,
    'industries',
  ).default(() => structuredClone(DEFAULT_INDUSTRY_KEYWORDS)),
  /**
   * Other ways to write a phrase of a `contains` matcher, in any language, e.g.
   * `{"plant manager": ["Werksleiter", "fabrieksmanager"]}`. Matched as whole words, like the phrase.
   */
  titleSynonyms: boundedRecord(
    z.record(phraseSchema, phrasesSchema),
    LIMITS.titleSynonyms,
    'phrases',
  ).default({}),
});
export type Normalization = z.infer<typeof NormalizationSchema>;

/**
 * How often the model may change: publishing within `minimumDays` after the last publish needs a
 * reason, kept in the version history ("give a model 2–3 months before judging it").
 */
export const CadenceSchema = z.strictObject({
  minimumDays: daysSchema.min(0, { error: 'must be 0 or more' }).default(60),
});
export type Cadence = z.infer<typeof CadenceSchema>;
