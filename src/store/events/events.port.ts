/**
 * The webhook events aggregate: HubSpot's events as they arrived, deduplicated, and the work each
 * new one calls for, stored in one transaction so an acknowledged event is never lost.
 */
import type { SalesDecisionRequest } from '../decisions/decisions.port.js';
import type { TransitionRecord } from '../contacts/contacts.port.js';
import type { EnqueueRequest } from '../queue/queue.port.js';
import type { ContactRemoval, PortalId } from '../store.port.js';

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
  /**
   * The contact is gone (deleted, erased, merged): applied to every aggregate in the same
   * transaction, after the batch's other work, each time the event arrives (it is idempotent).
   */
  removal?: ContactRemoval | null;
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
   * was new (its `enqueue`, `decision` and `transitions`) plus everything in `enqueue`; then the
   * events' `removal`s, to every aggregate.
   */
  accept(
    events: readonly WebhookEventRecord[],
    enqueue?: readonly EnqueueRequest[],
  ): Promise<AcceptEventsResult>;
  /** Deletes raw events received before `before`; returns how many. Signals and transitions are kept. */
  prune(before: number): Promise<number>;
  /**
   * Deletes the raw events of deleted or erased contacts (they hold property values), except the
   * deletion, privacy-deletion and merge events, which hold nothing but ids and prove the removal.
   * Merged contacts' events stay as they were received.
   */
  removeContacts(removal: ContactRemoval): Promise<void>;
}
