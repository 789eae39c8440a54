/**
 * A webhook batch sorted into events and refusals, element by element: what is valid is parsed
 * into a {@link WebhookEvent}, what is not is named by its place (`$[3].occurredAt`) and reason,
 * with nothing of its values but a short id. Pure; accept-webhooks.ts stores what it keeps.
 */
import { jsonPath } from '../core/model.js';
import { ownValue } from '../core/own.js';
import { MAX_EVENTS_PER_BATCH, parseWebhookEvent, type WebhookEvent } from '../hubspot/payloads.js';

/** One element of a webhook batch as read from the body (see `http/json-body.ts`). */
export interface ReceivedEvent {
  /** Position in the batch, from 0. */
  index: number;
  /** The element exactly as received: what is kept as the event's raw JSON. */
  text: string;
  /** The element parsed; absent when it could not be (`unreadable` says why). */
  value?: unknown;
  unreadable?: 'not_json' | 'too_deep';
}

/** A webhook batch as read: its first {@link MAX_EVENTS_PER_BATCH} elements, and how many followed. */
export interface ReceivedBatch {
  events: readonly ReceivedEvent[];
  /** Elements after the 100th: refused without being read. */
  beyond: number;
}

/** Why an event of a batch was refused (the `reason` label of `lq_webhook_events_invalid_total`). */
export type InvalidReason =
  'not_json' | 'too_deep' | 'not_an_object' | 'invalid_field' | 'beyond_batch_limit';

/** An event refused, with what helps to find it; nothing of its values beyond a short id. */
export interface InvalidEvent {
  index: number;
  reason: InvalidReason;
  /** Where in the batch, e.g. `$[3].occurredAt`. */
  path: string;
  message: string;
  /** The event's own eventId, portalId and subscriptionType when it has them, cut short. */
  eventId?: string;
  portalId?: string;
  subscriptionType?: string;
}

const UNREADABLE_MESSAGES: Record<'not_json' | 'too_deep', string> = {
  not_json: 'is not valid JSON',
  too_deep: 'is nested too deeply to be a webhook event',
};

/** A short identifying text of an event's field, when it has one (ids and codes only). */
function shortField(value: unknown, name: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = ownValue(value as Record<string, unknown>, name);
  if (typeof field === 'number') return String(field);
  return typeof field === 'string' ? field.slice(0, 64) : undefined;
}

/** Sorts a batch's elements into events and refusals. */
export function judgeBatch(batch: ReceivedBatch): {
  valid: { event: WebhookEvent; raw: string; index: number }[];
  invalid: InvalidEvent[];
  invalidByReason: Partial<Record<InvalidReason, number>>;
} {
  const valid: { event: WebhookEvent; raw: string; index: number }[] = [];
  const invalid: InvalidEvent[] = [];
  const invalidByReason: Partial<Record<InvalidReason, number>> = {};
  const refuse = (e: ReceivedEvent, reason: InvalidReason, path: (string | number)[], message: string) => {
    invalidByReason[reason] = (invalidByReason[reason] ?? 0) + 1;
    const ids = {
      eventId: shortField(e.value, 'eventId'),
      portalId: shortField(e.value, 'portalId'),
      subscriptionType: shortField(e.value, 'subscriptionType'),
    };
    invalid.push({
      index: e.index,
      reason,
      path: jsonPath([e.index, ...path]),
      message,
      ...Object.fromEntries(Object.entries(ids).filter(([, v]) => v !== undefined)),
    });
  };
  for (const e of batch.events) {
    if (e.index >= MAX_EVENTS_PER_BATCH) {
      refuse(e, 'beyond_batch_limit', [], `is after the ${MAX_EVENTS_PER_BATCH}th event of the batch`);
      continue;
    }
    if (e.unreadable !== undefined) {
      refuse(e, e.unreadable, [], UNREADABLE_MESSAGES[e.unreadable]);
      continue;
    }
    const parsed = parseWebhookEvent(e.value);
    if (parsed.success) valid.push({ event: parsed.data, raw: e.text, index: e.index });
    else refuse(e, parsed.problem.reason, parsed.problem.path, parsed.problem.message);
  }
  if (batch.beyond > 0)
    invalidByReason.beyond_batch_limit = (invalidByReason.beyond_batch_limit ?? 0) + batch.beyond;
  return { valid, invalid, invalidByReason };
}
