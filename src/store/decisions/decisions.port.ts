/**
 * The sales decisions aggregate: sales accepting or returning an MQL, with a reason. A decision is
 * recorded `pending` when it arrives (workflow action, a person's lead status or stage), then
 * settled by the worker with the contact's current state: `applied`, or `ignored` (no MQL).
 */
import type { TransitionRecord } from '../contacts/contacts.port.js';
import type { EnqueueRequest } from '../queue/queue.port.js';
import type { SlaKind, SlaTimerStart } from '../sla/sla.port.js';
import type { ContactId, ContactRemoval, PortalId } from '../store.port.js';

export interface SalesDecisionRecord {
  portalId: PortalId;
  contactId: ContactId;
  decision: 'accept' | 'return';
  reason: string | null;
  note: string | null;
  decidedBy: string | null;
  decidedAt: number;
  /** Idempotency (callbackId, or the webhook event key). */
  idempotencyKey: string;
}

/**
 * A decision's life: `pending` once recorded (the worker applies it with the contact's current
 * state), then `applied`, or `ignored` when it could not apply (the contact was no MQL).
 */
export type SalesDecisionStatus = 'pending' | 'applied' | 'ignored';

/** A decision to record as pending, with where it came from. */
export interface SalesDecisionRequest extends SalesDecisionRecord {
  /** `workflow-action`, `lead-status` (a person changed hs_lead_status) or `lifecycle` (a person set SQL or later). */
  source: string;
  /** The lead status or stage the person set (webhook sources), else null. */
  trigger?: string | null;
}

/** A recorded decision with its status and what applying it did. */
export interface SalesDecisionEntry extends SalesDecisionRequest {
  status: SalesDecisionStatus;
  /** JSON-serialisable facts of the application (stage, track, why), null while pending. */
  outcome: Record<string, unknown> | null;
  appliedAt: number | null;
}

/** Settles a pending decision, with what it changed in the store, all or nothing. */
export interface DecisionSettlement {
  portalId: PortalId;
  idempotencyKey: string;
  status: 'applied' | 'ignored';
  outcome: Record<string, unknown>;
  at: number;
  /** Recorded only if this call settles the decision (it was still pending). */
  transitions: readonly TransitionRecord[];
  /** Timers to close as met (when open and due at or after `at`). */
  meetTimers: readonly { contactId: ContactId; kind: SlaKind; at: number }[];
  /** Timers to (re)start. */
  startTimers: readonly SlaTimerStart[];
}

export interface DecisionStore {
  /**
   * Records a decision as pending once per (portal, idempotency key) and enqueues its contact,
   * atomically; false when the key was already recorded (nothing changes).
   */
  request(decision: SalesDecisionRequest, enqueue?: EnqueueRequest): Promise<boolean>;
  /** Records an applied decision once per idempotency key; false when it was already recorded. */
  record(decision: SalesDecisionRecord): Promise<boolean>;
  /** One decision by its idempotency key, whatever its status, or null. */
  get(portalId: PortalId, idempotencyKey: string): Promise<SalesDecisionEntry | null>;
  /** Pending decisions of these contacts, oldest first. */
  pending(portalId: PortalId, contactIds: readonly ContactId[]): Promise<SalesDecisionEntry[]>;
  /**
   * Settles pending decisions with their transitions and timer changes, each all or nothing.
   * Returns the keys this call settled (a decision settled before is left alone, its transitions
   * are not recorded twice).
   */
  settle(settlements: readonly DecisionSettlement[]): Promise<string[]>;
  /** Decisions of a portal that took effect (applied), with `from <= decidedAt < to`, oldest first. */
  applied(portalId: PortalId, from: number, to: number): Promise<SalesDecisionRecord[]>;
  /** The latest applied decision per contact (by `decidedAt`). */
  latest(portalId: PortalId, contactIds: readonly ContactId[]): Promise<Map<ContactId, SalesDecisionRecord>>;
  /** Portals with applied decisions in `from <= decidedAt < to`. */
  portalsWithDecisions(from: number, to: number): Promise<PortalId[]>;

  /** Forgets the decisions of deleted contacts (notes are personal), or moves merged ones' to the survivor. */
  removeContacts(removal: ContactRemoval): Promise<void>;
}
