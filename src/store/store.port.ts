/**
 * The store: persistence as a set of small ports, one per aggregate, each shaped by the use cases
 * that call it (not by SQL). A use case asks only for the aggregates it uses, e.g.
 * `{ contacts: ContactStore; queue: WorkQueue }`.
 *
 * | aggregate   | what it holds                                                         |
 * |-------------|-----------------------------------------------------------------------|
 * | `events`    | HubSpot webhook events, deduplicated, with the work each one queues   |
 * | `queue`     | per-contact (re)scoring work: leases, retries, dead letters           |
 * | `contacts`  | signals, snapshots (inputs), evaluations, transitions                 |
 * | `models`    | model versions: drafts, the published one, rollbacks                  |
 * | `decisions` | sales decisions: pending, then applied or ignored                     |
 * | `callbacks` | workflow actions answered with BLOCK, completed later                 |
 * | `sla`       | acceptance and follow-up timers, breaches and their escalations       |
 * | `routes`    | where each new MQL went, its owner's task, the round robin            |
 * | `reports`   | the weekly returned-leads reports                                     |
 * | `replays`   | signed requests already accepted, until their signature window closes |
 * | `approvals` | requests to publish a model version, approved by a second person      |
 * | `disputes`  | scores sales disputed from the contact card, with their reasons       |
 * | `deals`     | HubSpot's deals and their contacts (outcomes); deals owed on accept   |
 * | `backfills` | each portal's history backfill: its checkpoint and who runs it        |
 *
 * One implementation (`sql/`) serves SQLite and PostgreSQL, and one contract test suite per
 * aggregate runs against both. Every method is atomic on its own; methods that both record data
 * and enqueue work do so in one transaction, so an acknowledged event is never lost between the two.
 *
 * Times are epoch milliseconds (numbers) in and out; ids from HubSpot are strings.
 */
import type { BackfillStore } from './backfills/backfills.port.js';
import type { CallbackStore } from './callbacks/callbacks.port.js';
import type { ContactStore } from './contacts/contacts.port.js';
import type { DealStore } from './deals/deals.port.js';
import type { DecisionStore } from './decisions/decisions.port.js';
import type { EventStore } from './events/events.port.js';
import type { ModelStore } from './models/models.port.js';
import type { WorkQueue } from './queue/queue.port.js';
import type { ReplayStore } from './replays/replays.port.js';
import type { ApprovalStore } from './approvals/approvals.port.js';
import type { DisputeStore } from './disputes/disputes.port.js';
import type { ReportStore } from './reports/reports.port.js';
import type { RouteStore } from './routes/routes.port.js';
import type { SlaStore } from './sla/sla.port.js';

export type * from './backfills/backfills.port.js';
export type * from './callbacks/callbacks.port.js';
export type * from './contacts/contacts.port.js';
export type * from './deals/deals.port.js';
export { dealOfWorkKey, dealWorkKey } from './deals/deals.port.js';
export type * from './decisions/decisions.port.js';
export type * from './events/events.port.js';
export type * from './models/models.port.js';
export type * from './queue/queue.port.js';
export {
  companyOfWorkKey,
  companyWorkKey,
  derivedOfWorkKey,
  derivedWorkKey,
  SCHEDULED_WORK_REASON,
} from './queue/queue.port.js';
export type * from './replays/replays.port.js';
export type * from './approvals/approvals.port.js';
export type * from './disputes/disputes.port.js';
export type * from './reports/reports.port.js';
export type * from './routes/routes.port.js';
export type * from './sla/sla.port.js';

export type PortalId = string;
export type ContactId = string;

/**
 * A contact HubSpot no longer has under its id, and what becomes of what the store holds about it.
 * Every aggregate that keeps per-contact data applies it (`removeContacts`); a webhook event that
 * carries one applies it to all of them in one transaction with the event.
 *
 * - `deleted`: deleted in HubSpot. Everything about it goes, except its lifecycle history
 *   (transitions), which the funnel counts and which holds no personal data.
 * - `erased`: a privacy (GDPR) deletion. Everything goes, transitions too.
 * - `merged`: the `from` contacts were merged into `into`. Their data moves to `into`; where both
 *   have a record of which a contact has only one (a snapshot, an evaluation, a route, a timer of
 *   a kind), the surviving contact's own record stays and the merged-away ones go.
 */
export type ContactRemoval =
  | { kind: 'deleted' | 'erased'; portalId: PortalId; contactIds: readonly ContactId[] }
  | { kind: 'merged'; portalId: PortalId; from: readonly ContactId[]; into: ContactId };

export interface Page<T> {
  items: T[];
  /** Pass back to get the next page; null at the end. */
  next: string | null;
}

export interface StoreHealth {
  ok: boolean;
  /** A short, non-secret description when not ok (e.g. "disk full", "connection refused"). */
  problem?: string;
}

/** The store: the set of aggregates, the shared rate budget and the database's life. */
export interface Store {
  /** Which adapter: `sqlite` or `postgres`. */
  readonly kind: 'sqlite' | 'postgres';
  readonly events: EventStore;
  readonly queue: WorkQueue;
  readonly contacts: ContactStore;
  readonly models: ModelStore;
  readonly decisions: DecisionStore;
  readonly callbacks: CallbackStore;
  readonly sla: SlaStore;
  readonly routes: RouteStore;
  readonly reports: ReportStore;
  readonly replays: ReplayStore;
  readonly approvals: ApprovalStore;
  readonly disputes: DisputeStore;
  readonly deals: DealStore;
  readonly backfills: BackfillStore;

  /**
   * A budget of HubSpot calls: in this process on SQLite; on PostgreSQL shared by every instance
   * that uses the same database and `key`. No rolling window of `windowMs` admits more than `points`.
   */
  rateBudget(limit: { points: number; windowMs: number; key?: string }): RateBudget;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}

/** A shared budget of HubSpot calls: all callers (and, on PostgreSQL, all instances) draw from it. */
export interface RateBudget {
  /** Waits until a call may be made (never rejects for lack of budget; it waits). */
  acquire(cost?: number): Promise<void>;
  /** Calls per window and the window length. */
  readonly limit: { points: number; windowMs: number };
}

/** Raised by an adapter when the database cannot do what was asked (full disk, lost connection). */
export class StoreUnavailableError extends Error {
  readonly code = 'store_unavailable';
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}

/** Raised when asked to act on something the store does not hold (e.g. publishing an unknown model version). */
export class StoreNotFoundError extends Error {
  readonly code = 'not_found';
  constructor(message: string) {
    super(message);
    this.name = 'StoreNotFoundError';
  }
}
