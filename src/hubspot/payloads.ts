/**
 * The shapes HubSpot sends us, parsed with zod at the edge: webhook events, one by one (legacy
 * `contact.*` and generic `object.*` formats), workflow-action executions and option fetches. And the
 * workflow actions' own input and output fields: the hubspot-app `*-hsmeta.json` files declare
 * the same names, and a test keeps the two from drifting.
 */
import { z } from 'zod';
import { INPUT_LIMITS } from '../core/limits.js';

/** HubSpot sends ids as numbers; some fixtures and the generic format use strings. Keep text. */
const id = z
  .union(
    [z.number().int().nonnegative(), z.string().regex(/^\d{1,20}$/, { error: 'must be a numeric id' })],
    {
      error: 'must be a numeric id',
    },
  )
  .transform(String);

/** Text of at most `max` characters. */
const text = (max: number) => z.string().max(max, { error: `must be at most ${max} characters` });

/**
 * The bounds of one event's fields: HubSpot's own limits where it has them (a property value of
 * 65,536 characters, a property name of 100), and generous ones for its codes and names.
 */
export const WEBHOOK_EVENT_LIMITS = {
  propertyValueChars: INPUT_LIMITS.propertyValueChars,
  propertyNameChars: INPUT_LIMITS.propertyNameChars,
  /** A change source, source id, subscription type, object type id, association type… */
  codeChars: INPUT_LIMITS.idChars,
  /** Records merged into one. */
  mergedIds: 1_000,
} as const;

const code = text(WEBHOOK_EVENT_LIMITS.codeChars);

/**
 * One webhook event. Unknown fields are kept (HubSpot adds fields over time); the fields we rely
 * on are required, and every field we read is bounded. Field names are HubSpot's. Association
 * events name their two ends (`fromObjectId`, `toObjectId`); a captured one came without
 * `objectId`, so the "from" end stands in for it there.
 */
export const WebhookEventSchema = z.preprocess(
  (raw) =>
    typeof raw === 'object' && raw !== null && !('objectId' in raw) && 'fromObjectId' in raw
      ? { ...raw, objectId: raw.fromObjectId }
      : raw,
  z.looseObject({
    eventId: id,
    subscriptionId: id,
    portalId: id,
    appId: id,
    occurredAt: z.number({ error: 'must be epoch milliseconds' }).int().nonnegative(),
    subscriptionType: code.regex(/^[a-z_]+\.[a-zA-Z_]+$/, { error: 'must look like contact.propertyChange' }),
    attemptNumber: z.number().int().nonnegative(),
    objectId: id,
    objectTypeId: code.optional(),
    propertyName: text(WEBHOOK_EVENT_LIMITS.propertyNameChars).optional(),
    propertyValue: text(WEBHOOK_EVENT_LIMITS.propertyValueChars).nullable().optional(),
    changeSource: code.optional(),
    sourceId: code.nullable().optional(),
    changeFlag: code.optional(),
    // Merge events.
    primaryObjectId: id.optional(),
    mergedObjectIds: z
      .array(id)
      .max(WEBHOOK_EVENT_LIMITS.mergedIds, { error: `must name at most ${WEBHOOK_EVENT_LIMITS.mergedIds}` })
      .optional(),
    newObjectId: id.optional(),
    // Association events: legacy `associationType` (`CONTACT_TO_COMPANY`); generic object type ids.
    associationType: code.optional(),
    fromObjectId: id.optional(),
    toObjectId: id.optional(),
    fromObjectTypeId: code.optional(),
    toObjectTypeId: code.optional(),
    associationTypeId: id.optional(),
    associationCategory: code.optional(),
    associationRemoved: z.boolean().optional(),
    isPrimaryAssociation: z.boolean().optional(),
  }),
);
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;

/** HubSpot delivers "under 100" events per request; the events after the 100th are refused. */
export const MAX_EVENTS_PER_BATCH = 100;

/** Why one event of a batch was refused: `not_an_object`, or a field that is missing or wrong. */
export type WebhookEventProblem = {
  reason: 'not_an_object' | 'invalid_field';
  /** Where in the event (`occurredAt`, `mergedObjectIds.3`), empty for the event itself. */
  path: (string | number)[];
  message: string;
};

/** One event parsed on its own: the event, or the first thing wrong with it. */
export type ParsedWebhookEvent =
  { success: true; data: WebhookEvent } | { success: false; problem: WebhookEventProblem };

/** Parses one event of a batch; a problem names the first field that is wrong. */
export function parseWebhookEvent(value: unknown): ParsedWebhookEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return {
      success: false,
      problem: { reason: 'not_an_object', path: [], message: 'must be a JSON object (one webhook event)' },
    };
  const parsed = WebhookEventSchema.safeParse(value);
  if (parsed.success) return { success: true, data: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    success: false,
    problem: {
      reason: 'invalid_field',
      path: (issue?.path ?? []).map((k) => (typeof k === 'symbol' ? String(k) : k)),
      message: issue?.message ?? 'is not a webhook event',
    },
  };
}

/** HubSpot's object type ids (generic format) of the objects the service follows. */
const OBJECT_TYPE_IDS = { contact: '0-1', company: '0-2', deal: '0-3' } as const;

/** Is this an event about an object of `type`, in either format (`contact.*`, or `object.*` with its type id)? */
function isEventOf(event: WebhookEvent, type: keyof typeof OBJECT_TYPE_IDS): boolean {
  return (
    event.subscriptionType.startsWith(`${type}.`) ||
    (event.subscriptionType.startsWith('object.') && event.objectTypeId === OBJECT_TYPE_IDS[type])
  );
}

/** Is this a contact event, in either format? (`contact.*`, or `object.*` with objectTypeId 0-1.) */
export function isContactEvent(event: WebhookEvent): boolean {
  return isEventOf(event, 'contact');
}

/** Is this a company event, in either format? (`company.*`, or `object.*` with objectTypeId 0-2.) */
export function isCompanyEvent(event: WebhookEvent): boolean {
  return isEventOf(event, 'company');
}

/** Is this a deal event, in either format? (`deal.*`, or `object.*` with objectTypeId 0-3.) */
export function isDealEvent(event: WebhookEvent): boolean {
  return isEventOf(event, 'deal') && eventKind(event) !== 'associationChange';
}

/**
 * The contact of a contact↔company association change (either direction, either format), or null
 * for any other association. Legacy events say `associationType: CONTACT_TO_COMPANY` (or
 * `COMPANY_TO_CONTACT`); generic ones give the two ends' object type ids.
 */
export function contactOfCompanyAssociation(event: WebhookEvent): string | null {
  if (eventKind(event) !== 'associationChange') return null;
  const { fromObjectId, toObjectId } = event;
  if (fromObjectId === undefined || toObjectId === undefined) return null;
  const { contact, company } = OBJECT_TYPE_IDS;
  const type = event.associationType?.toUpperCase() ?? '';
  if (type.startsWith('CONTACT_TO_COMPANY')) return fromObjectId;
  if (type.startsWith('COMPANY_TO_CONTACT')) return toObjectId;
  if (event.fromObjectTypeId === contact && event.toObjectTypeId === company) return fromObjectId;
  if (event.fromObjectTypeId === company && event.toObjectTypeId === contact) return toObjectId;
  return null;
}

/** The event's kind without its format prefix: `propertyChange`, `creation`, `deletion`, `merge`, … */
export function eventKind(event: WebhookEvent): string {
  return event.subscriptionType.slice(event.subscriptionType.indexOf('.') + 1);
}

/**
 * A merge event's outcome: the record that remains (`newObjectId` when HubSpot made a new record,
 * else the `primaryObjectId`, the "merge winner") and the ids merged into it, which HubSpot no
 * longer has as records of their own (the primary's old id too, when a new record was made).
 */
export function mergeOf(event: WebhookEvent): { into: string; from: string[] } {
  const into = event.newObjectId ?? event.primaryObjectId ?? event.objectId;
  const ids = [...(event.mergedObjectIds ?? []), event.primaryObjectId, event.objectId];
  return { into, from: [...new Set(ids.filter((id): id is string => id !== undefined && id !== into))] };
}

// ---------------------------------------------------------------------------------------------
// Workflow actions

export const ActionOriginSchema = z.looseObject({
  portalId: id,
  actionDefinitionId: id.optional(),
  actionDefinitionVersion: z.number().int().optional(),
  extensionDefinitionId: id.optional(),
  extensionDefinitionVersionId: z.number().int().optional(),
});

/** HubSpot's execution request to an action's `actionUrl`. */
export const ActionExecutionSchema = z
  .looseObject({
    // HubSpot's callback ids are short (`ap-…`); bounded, since each is a key in the store.
    callbackId: z
      .string({ error: 'is required' })
      .min(1, { error: 'must not be empty' })
      .max(INPUT_LIMITS.idChars, { error: `must be at most ${INPUT_LIMITS.idChars} characters` }),
    origin: ActionOriginSchema,
    context: z.looseObject({ source: z.string().optional(), workflowId: z.number().optional() }).optional(),
    object: z.looseObject({
      objectId: id,
      objectType: z.string(),
      properties: z.record(z.string(), z.string().nullable()).optional(),
    }),
    inputFields: z.record(z.string(), z.unknown()).optional(),
    /** Older payloads carry the inputs here. */
    fields: z.record(z.string(), z.unknown()).optional(),
  })
  .transform((execution) => ({ ...execution, inputs: execution.inputFields ?? execution.fields ?? {} }));
export type ActionExecution = z.infer<typeof ActionExecutionSchema>;

/** The longest search text of an option fetch (what a user types into the field's search box). */
export const OPTIONS_QUERY_CHARS = 200;

/** The option fetch HubSpot sends to an input field's `optionsUrl`. */
export const OptionsRequestSchema = z.looseObject({
  origin: ActionOriginSchema,
  inputFieldName: z.string().optional(),
  fetchOptions: z
    .looseObject({ q: text(OPTIONS_QUERY_CHARS).optional(), after: text(INPUT_LIMITS.idChars).optional() })
    .optional(),
});

/** `hs_execution_state`: how HubSpot should treat the action's answer. */
export type ExecutionState = 'SUCCESS' | 'FAIL_CONTINUE' | 'BLOCK' | 'ASYNC';

/** The actions this app declares, with their hsmeta uid and URL path. */
export const ACTIONS = {
  qualify: { uid: 'lq_qualify_contact', path: '/hubspot/actions/qualify' },
  recordSignal: { uid: 'lq_record_intent_signal', path: '/hubspot/actions/record-signal' },
  salesDecision: { uid: 'lq_sales_decision', path: '/hubspot/actions/sales-decision' },
} as const;

/** *Qualify contact*: no inputs; evaluates now. */
export const QualifyInputSchema = z.object({});

/** The latest epoch millisecond a JavaScript Date holds. */
const MAX_EPOCH_MS = 8.64e15;

/** When a signal happened: ISO-8601, or epoch ms as HubSpot's datetime fields send it. */
const occurredAtInput = z
  .union(
    [
      z.iso.datetime({ offset: true }),
      z.iso.date(),
      z.string().regex(/^\d{10,14}$/),
      // Epoch milliseconds of a date JavaScript can hold, from 1970 on (HubSpot sends no earlier one).
      z.number().int().min(0).max(MAX_EPOCH_MS),
    ],
    {
      error: 'must be an ISO-8601 date-time or date, or epoch milliseconds',
    },
  )
  .transform((v) => (typeof v === 'number' ? v : /^\d+$/.test(v) ? Number(v) : Date.parse(v)));

/** *Record intent signal*: the signal type (options from the active model) and an optional time. */
export const RecordSignalInputSchema = z.object({
  signal_type: z
    .string({ error: 'is required: choose a signal type' })
    .min(1, { error: 'is required: choose a signal type' }),
  occurred_at: z.preprocess((v) => (v === '' || v === null ? undefined : v), occurredAtInput.optional()),
});
export type RecordSignalInput = z.infer<typeof RecordSignalInputSchema>;

/** Output fields of *Qualify contact* (and of *Record intent signal*, which rescores too). */
export const QUALIFY_OUTPUT_FIELDS = [
  'fit_score',
  'intent_score',
  'qualification',
  'is_mql',
  'disqualification_reason',
  'explanation',
] as const;
export type QualifyOutputField = (typeof QUALIFY_OUTPUT_FIELDS)[number];

/** Output values are strings, as HubSpot's callback API types them (see write-back.ts, outputValue). */
export type QualifyOutput = Record<QualifyOutputField, string> & {
  hs_execution_state: ExecutionState;
};

/** An optional text input: HubSpot sends an empty string (or null) for a field left empty. */
const optionalText = (max: number) =>
  z.preprocess(
    (v) => (v === '' || v === null ? undefined : typeof v === 'string' ? v.trim() || undefined : v),
    z
      .string({ error: 'must be text' })
      .max(max, { error: `must be at most ${max} characters` })
      .optional(),
  );

/**
 * *Sales decision*: accept or return, a lost reason (options from the active model; required for
 * a return, checked against the model by the use case) and a note (required for "other").
 */
export const SalesDecisionInputSchema = z.object({
  decision: z.enum(['accept', 'return'], { error: 'is required: choose accept or return' }),
  reason: optionalText(64),
  note: optionalText(2000),
});
export type SalesDecisionInput = z.infer<typeof SalesDecisionInputSchema>;

/** Output fields of *Sales decision*. */
export const SALES_DECISION_OUTPUT_FIELDS = [
  'decision',
  'applied',
  'lifecycle_stage',
  'renurture_track',
  'explanation',
] as const;
export type SalesDecisionOutputField = (typeof SALES_DECISION_OUTPUT_FIELDS)[number];

/** The input field names of each action, for the hsmeta drift test. */
export const ACTION_INPUT_FIELDS = {
  qualify: Object.keys(QualifyInputSchema.shape),
  recordSignal: Object.keys(RecordSignalInputSchema.shape),
  salesDecision: Object.keys(SalesDecisionInputSchema.shape),
} as const;

/** Output fields of *Record intent signal*. */
export const RECORD_SIGNAL_OUTPUT_FIELDS = ['signal_type', 'duplicate'] as const;

// ---------------------------------------------------------------------------------------------
// Why an action did not do its job

/**
 * A `FAIL_CONTINUE` answer carries `error_code` (and the details in `error_message`). HubSpot
 * shows no message for a failed (4xx) action; it shows the message of the first of the action's
 * `executionRules` whose conditions match the outputs, so every code below has a rule with a
 * message in each action's hsmeta (a test keeps the two in step).
 */
export const ACTION_ERROR_OUTPUTS = { code: 'error_code', message: 'error_message' } as const;

/** The codes, with the input each one is about (for problems found by validation). */
export const ACTION_ERROR_CODES = {
  not_a_contact: '$.object.objectType',
  invalid_signal_type: '$.inputFields.signal_type',
  invalid_occurred_at: '$.inputFields.occurred_at',
  invalid_decision: '$.inputFields.decision',
  invalid_reason: '$.inputFields.reason',
  invalid_note: '$.inputFields.note',
  /** An input problem without a code of its own. */
  invalid_input: null,
  /** HubSpot does not have the enrolled contact (deleted or merged). */
  contact_not_found: null,
  /** HubSpot refused to write the contact's values. */
  write_refused: null,
} as const;
export type ActionErrorCode = keyof typeof ACTION_ERROR_CODES;

/** The codes each action can answer. */
export const ACTION_ERRORS: Record<keyof typeof ACTIONS, readonly ActionErrorCode[]> = {
  qualify: ['not_a_contact', 'contact_not_found', 'write_refused', 'invalid_input'],
  recordSignal: ['not_a_contact', 'invalid_signal_type', 'invalid_occurred_at', 'invalid_input'],
  salesDecision: [
    'not_a_contact',
    'invalid_decision',
    'invalid_reason',
    'invalid_note',
    'contact_not_found',
    'write_refused',
    'invalid_input',
  ],
};

/** The code of an input problem at `path` (e.g. `$.inputFields.signal_type`). */
export function actionErrorCodeOf(path: string | undefined): ActionErrorCode {
  for (const [code, at] of Object.entries(ACTION_ERROR_CODES))
    if (at !== null && at === path) return code as ActionErrorCode;
  return 'invalid_input';
}
