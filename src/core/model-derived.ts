/**
 * Derived signals in the model: a signal type can be fed by a change HubSpot itself records on a
 * contact or on a meeting associated with it, not only by workflows. A `derivedFrom` rule names the
 * record (`contact` or `meeting`), the property whose change counts, how it must change (it
 * *becomes* a value a matcher accepts, or a number *increases*), and conditions on the record's
 * other properties at that moment, all of which must match. Examples:
 *
 * - `hs_email_optout` becomes `true` → unsubscribed;
 * - `num_conversion_events` increases while `recent_conversion_event_name` matches `/demo/i` →
 *   demo requested;
 * - a meeting's `hs_meeting_outcome` becomes `NO_SHOW` → demo no-show.
 *
 * The rules are read by `derived-signals.ts` (pure: record history in, dated signals out).
 */
import { z } from 'zod';
import { INPUT_LIMITS, MODEL_LIMITS as LIMITS } from './limits.js';
import { atMostListed, count, IntentSignalSchema, type Matcher, MatcherSchema } from './model-parts.js';

/** The HubSpot records a derived signal can come from. */
export const DERIVED_OBJECTS = ['contact', 'meeting'] as const;
export type DerivedObject = (typeof DERIVED_OBJECTS)[number];

/** Bounds of derived rules (see README, "The model"). */
export const DERIVED_LIMITS = {
  /** `derivedFrom` rules of one signal type. */
  rulesPerSignal: 10,
} as const;

/** A HubSpot internal property name (of the rule's own record). */
const propertyName = z
  .string()
  .max(INPUT_LIMITS.propertyNameChars, {
    error: `must be at most ${INPUT_LIMITS.propertyNameChars} characters (a HubSpot property name)`,
    abort: true,
  })
  .regex(/^[a-z0-9_]+$/, { error: 'must be a HubSpot internal property name (lower case, digits, _)' });

/** `contact.<property>` or `meeting.<property>`: a property of the rule's own record. */
const recordRef = z
  .string()
  .max('meeting.'.length + INPUT_LIMITS.propertyNameChars, {
    error: `must be at most ${count('meeting.'.length + INPUT_LIMITS.propertyNameChars)} characters`,
    abort: true,
  })
  .regex(/^(contact|meeting)\.[a-z0-9_]+$/, {
    error: 'must look like "contact.<property>" or "meeting.<property>" (the record the rule watches)',
  });

/**
 * A condition on the watched record's properties at the moment of the change: the model's usual
 * condition (a property, or a list tried in order, and a matcher), on `contact.x` or `meeting.x`.
 */
export const RecordConditionSchema = z.strictObject({
  property: z.union([
    recordRef,
    z
      .array(recordRef)
      .min(1, { error: 'must list at least one property' })
      .max(LIMITS.propertiesPerCondition, atMostListed(LIMITS.propertiesPerCondition, 'properties')),
  ]),
  match: MatcherSchema,
});
export type RecordCondition = z.infer<typeof RecordConditionSchema>;

/** How the watched property must change for the signal to occur. */
export const ChangeSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      /** Its new value matches, and the value before did not (or there was none). */
      type: z.literal('becomes'),
      match: MatcherSchema,
    }),
    z.strictObject({
      /** Its new value is a number greater than the one before (no value before counts as 0). */
      type: z.literal('increases'),
    }),
  ],
  { error: 'must have a "type" of becomes or increases' },
);
export type Change = z.infer<typeof ChangeSchema>;

export const DerivedFromSchema = z
  .strictObject({
    object: z.enum(DERIVED_OBJECTS, { error: 'must be "contact" or "meeting"' }),
    property: propertyName,
    change: ChangeSchema,
    /** Conditions on the record's properties at the moment of the change; all must match. */
    conditions: z
      .array(RecordConditionSchema)
      .max(LIMITS.conditionsPerRule, atMostListed(LIMITS.conditionsPerRule, 'conditions'))
      .default([]),
  })
  .check((ctx) => {
    ctx.value.conditions.forEach((condition, i) => {
      const refs = typeof condition.property === 'string' ? [condition.property] : condition.property;
      refs.forEach((ref, j) => {
        if (ref.startsWith(`${ctx.value.object}.`)) return;
        ctx.issues.push({
          code: 'custom',
          input: ref,
          path: ['conditions', i, 'property', ...(typeof condition.property === 'string' ? [] : [j])],
          message: `must name a property of the ${ctx.value.object} the rule watches ("${ctx.value.object}.<property>")`,
        });
      });
    });
  });
export type DerivedFrom = z.infer<typeof DerivedFromSchema>;

/** An intent signal type, optionally fed by HubSpot record changes (`derivedFrom`). */
export const ModelSignalSchema = IntentSignalSchema.extend({
  derivedFrom: z
    .array(DerivedFromSchema)
    .min(1, { error: 'must list at least one rule (or leave derivedFrom out)' })
    .max(DERIVED_LIMITS.rulesPerSignal, atMostListed(DERIVED_LIMITS.rulesPerSignal, 'rules'))
    .optional(),
});
export type ModelSignal = z.infer<typeof ModelSignalSchema>;

/** Every matcher of a signal's derived rules, with its path from the signal (for model-wide counts). */
export function derivedMatchers(signal: ModelSignal): { matcher: Matcher; path: (string | number)[] }[] {
  return (signal.derivedFrom ?? []).flatMap((rule, i) => [
    ...(rule.change.type === 'becomes'
      ? [{ matcher: rule.change.match, path: ['derivedFrom', i, 'change', 'match'] }]
      : []),
    ...rule.conditions.map((c, j) => ({
      matcher: c.match,
      path: ['derivedFrom', i, 'conditions', j, 'match'],
    })),
  ]);
}

/** A derived rule as a person writes it (defaults may be left out). */
export type DerivedFromInput = z.input<typeof DerivedFromSchema>;
