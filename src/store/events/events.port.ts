/**
 * The webhook events aggregate: HubSpot's events as they arrived, deduplicated, and the work each
 * new one calls for, stored in one transaction so an acknowledged event is never lost.
 */
import type { SalesDecisionRequest } from '../decisions/decisions.port.js';
import type { TransitionRecord } from '../contacts/contacts.port.js';
import type { EnqueueRequest } from '../queue/queue.port.js';
import type { PortalId } from '../store.port.js';

/** One accepted HubSpot webhook event, as the webhook route parsed it. */
export interface WebhookEventRecord {
  portalId: PortalId;
  /** HubSpot's `eventId`: not unique on its own (HubSpot says so), part of the dedupe key. */
  eventId: string;
  subscriptionId: string;
  subscriptionType: string;
  objectId: string;
  /** `occurredAt`, epoch ms. */
  occurredAt: number;
  propertyName: string | null;
  propertyValue: string | null;
  changeSource: string | null;
  sourceId: string | null;
  attemptNumber: number;
  /** The raw event JSON, kept for audit and replay (subject to retention). */
  raw: string;
  receivedAt: number;
  /** Work this event calls for; queued only when the event is new (not a duplicate delivery). */
  enqueue?: EnqueueRequest | null;
  /** A sales decision this event expresses, recorded as pending when the event is new. */
  decision?: SalesDecisionRequest | null;
  /** Transitions this event is (e.g. a stage a person set), recorded when the event is new. */
  transitions?: readonly TransitionRecord[];
}

export interface AcceptEventsResult {
  /** Events stored for the first time. */
  accepted: number;
  /** Events already stored (HubSpot retries, duplicate deliveries). */
  duplicates: number;
  /** Contacts enqueued for (re)scoring. */
  enqueued: number;
}

export interface EventStore {
  /**
   * Stores webhook events (deduplicated by portal, eventId, subscriptionId, objectId,
   * occurredAt and propertyName) and, in the same transaction, queues the work of each event that
   * was new (its `enqueue`, `decision` and `transitions`) plus everything in `enqueue`.
   */
  accept(
    events: readonly WebhookEventRecord[],
    enqueue?: readonly EnqueueRequest[],
  ): Promise<AcceptEventsResult>;
  /** Deletes raw events received before `before`; returns how many. Signals and transitions are kept. */
  prune(before: number): Promise<number>;
}
