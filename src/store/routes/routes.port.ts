/**
 * The routes aggregate: where each new MQL went (route, owner, the owner's task), and the round
 * robin cursor shared by every instance on the database.
 */
import type { SlaTimerStart } from '../sla/sla.port.js';
import type { ContactId, ContactRemoval, PortalId } from '../store.port.js';

/** Where a new MQL went: the route, the owner (null: none available) and the owner's task. */
export interface RouteRecord {
  portalId: PortalId;
  contactId: ContactId;
  kind: string;
  ownerId: string | null;
  /** `account-owner`, `contact-owner`, `round-robin` or `none`. */
  ownerSource: string;
  why: string;
  /** The contact's name or e-mail, for task titles. */
  contactLabel: string;
  followUpSlaHours: number;
  acceptanceSlaHours: number;
  routedAt: number;
  modelVersion: string;
  /** The task's text (the explanation), kept so the task can be made again after a failure. */
  taskBody: string;
  /** The HubSpot task's id; null while it is owed (or when there is no owner). */
  taskId: string | null;
}

export interface RouteStore {
  /** Saves routes (the latest per contact) and starts their acceptance timers, in one transaction. */
  save(routes: readonly RouteRecord[], timers: readonly SlaTimerStart[]): Promise<void>;
  routesOf(portalId: PortalId, contactIds: readonly ContactId[]): Promise<Map<ContactId, RouteRecord>>;
  /** Routes with an owner whose task is still owed, routed before `routedBefore`, leased for `leaseMs`. */
  claimAwaitingTask(
    routedBefore: number,
    now: number,
    limit: number,
    leaseMs: number,
  ): Promise<RouteRecord[]>;
  markTasks(tasks: readonly { portalId: PortalId; contactId: ContactId; taskId: string }[]): Promise<void>;
  /**
   * The next `count` owners of a round robin over `candidates` (in their order), continuing after
   * the owner served last in this portal's `pool`; shared by every instance on the database.
   */
  takeRoundRobin(
    portalId: PortalId,
    pool: string,
    candidates: readonly string[],
    count: number,
  ): Promise<string[]>;
  /** Forgets the routes of deleted contacts (they name the person), or moves merged ones' to the survivor. */
  removeContacts(removal: ContactRemoval): Promise<void>;
}
