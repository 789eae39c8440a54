/**
 * The work queue aggregate: (re)score one contact of one portal, coalesced per contact, claimed
 * with a lease and a fencing token, retried with back-off and parked as a dead letter at the end.
 * The rules are spelled out in `queue.sql.ts`.
 */
import type { ContactId, ContactRemoval, PortalId } from '../store.port.js';

/** A unit of queued work: (re)score one contact of one portal. Work per contact is coalesced. */
export interface WorkItem {
  portalId: PortalId;
  contactId: ContactId;
  /** Attempts made so far, before this claim. */
  attempts: number;
  /** Why the work exists, e.g. `webhook`, `signal`, `model-published`, `rescore` (the latest reason). */
  reason: string;
  enqueuedAt: number;
  /** The claim's fencing token: completion and failure only count for the current holder. */
  leaseId: string;
}

export interface EnqueueRequest {
  portalId: PortalId;
  contactId: ContactId;
  reason: string;
  /** Not before this time (default: now). */
  dueAt?: number;
}

/**
 * The reason of scheduled rescoring: work queued for the moment a contact's written values next
 * change on their own. Until it is due it is not a backlog, so `stats()` leaves it out of `pending`.
 */
export const SCHEDULED_WORK_REASON = 'scheduled';

export interface QueueStats {
  /** Work due now or being retried (scheduled work not yet due is not counted). */
  pending: number;
  claimed: number;
  dead: number;
}

export interface DeadLetter {
  id: string;
  portalId: PortalId;
  contactId: ContactId;
  reason: string;
  error: string;
  attempts: number;
  diedAt: number;
}

export interface WorkQueue {
  /** Enqueues work; work for a contact already queued is coalesced into one item. */
  enqueue(requests: readonly EnqueueRequest[]): Promise<number>;
  /**
   * Claims up to `limit` due items (pending, or claimed with an expired lease) for `leaseMs`.
   * Two concurrent callers never receive the same item while its lease runs.
   */
  claim(workerId: string, limit: number, leaseMs: number, now: number): Promise<WorkItem[]>;
  /** Finishes items. Work enqueued for a contact while it was claimed stays queued. */
  complete(items: readonly WorkItem[]): Promise<void>;
  /**
   * Gives an item back after a failure: retried at `retryAt`, or parked as a dead letter with
   * the error when `retryAt` is null.
   */
  fail(item: WorkItem, error: string, retryAt: number | null, now: number): Promise<void>;
  /** Hands claimed items back untouched (graceful shutdown): they are due again at once. */
  release(items: readonly WorkItem[]): Promise<void>;
  stats(): Promise<QueueStats>;
  /** How many items a claim at `now` would find, counted up to `limit` (a cheap look before claiming). */
  dueCount(now: number, limit: number): Promise<number>;
  /** Scheduled work not yet due: how many contacts, and when the next is due (null: none). */
  scheduled(): Promise<{ count: number; nextDueAt: number | null }>;
  deadLetters(portalId?: PortalId): Promise<DeadLetter[]>;
  /** Moves a dead letter back into the queue; false when there is no such dead letter. */
  replayDeadLetter(id: string, now: number): Promise<boolean>;
  /**
   * Drops the work and dead letters of deleted contacts. For merged ones the work is dropped (the
   * survivor is queued instead, once) and dead letters move to the survivor.
   */
  removeContacts(removal: ContactRemoval, now: number): Promise<void>;
}

/**
 * Work for a company (its contacts are to be rescored: a fit property or the company itself
 * changed) rides on the same queue, with the same leases, retries and coalescing, keyed
 * `company:<id>` in place of a contact id. Contact ids from HubSpot are numeric, so the keys never
 * collide.
 */
const COMPANY_WORK_PREFIX = 'company:';

/** The queue key of a company's fan-out work. */
export function companyWorkKey(companyId: string): string {
  return `${COMPANY_WORK_PREFIX}${companyId}`;
}

/** The company id of a company work key, or null for a contact's work. */
export function companyOfWorkKey(key: string): string | null {
  return key.startsWith(COMPANY_WORK_PREFIX) ? key.slice(COMPANY_WORK_PREFIX.length) : null;
}

/**
 * Work to read HubSpot's own records for derived signals (a contact's property history and
 * meetings, or a meeting's outcome and contacts) rides on the same queue too, keyed
 * `derive:contact:<id>` or `derive:meeting:<id>`: coalesced per record, leased, retried, parked.
 */
const DERIVED_WORK_PREFIX = 'derive:';

/** The queue key of a record's derived-signal work. */
export function derivedWorkKey(object: 'contact' | 'meeting', id: string): string {
  return `${DERIVED_WORK_PREFIX}${object}:${id}`;
}

/** The record of a derived-signal work key, or null for other work. */
export function derivedOfWorkKey(key: string): { object: 'contact' | 'meeting'; id: string } | null {
  if (!key.startsWith(DERIVED_WORK_PREFIX)) return null;
  const rest = key.slice(DERIVED_WORK_PREFIX.length);
  const colon = rest.indexOf(':');
  const object = rest.slice(0, colon);
  if (object !== 'contact' && object !== 'meeting') return null;
  return { object, id: rest.slice(colon + 1) };
}
