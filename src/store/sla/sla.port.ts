/**
 * The SLA timers aggregate: per contact, the acceptance timer (sales answers an MQL in time) and
 * the follow-up timer (an accepted lead is contacted in time); breaches and their escalations.
 */
import type { ContactId, ContactRemoval, PortalId } from '../store.port.js';

export type SlaKind = 'acceptance' | 'follow_up';

export interface SlaTimer {
  portalId: PortalId;
  contactId: ContactId;
  kind: SlaKind;
  startedAt: number;
  dueAt: number;
  /** Met, breached or cancelled: closed; null while running. */
  closedAt: number | null;
  outcome: 'met' | 'breached' | 'cancelled' | null;
}

/** A timer to (re)start: it runs from `startedAt` until `dueAt`. */
export type SlaTimerStart = Omit<SlaTimer, 'closedAt' | 'outcome'>;

export interface SlaStore {
  /** Starts (or restarts) the timer of this kind for the contact. */
  start(timer: SlaTimerStart): Promise<void>;
  close(
    portalId: PortalId,
    contactId: ContactId,
    kind: SlaKind,
    outcome: 'met' | 'breached' | 'cancelled',
    at: number,
  ): Promise<void>;
  /** Closes a running timer as met when `at` is not after its due time; true when it did. */
  meet(portalId: PortalId, contactId: ContactId, kind: SlaKind, at: number): Promise<boolean>;
  /** Running timers due at or before `now`. */
  due(now: number, limit: number): Promise<SlaTimer[]>;
  /** Timers of a portal started with `from <= startedAt < to` (open or closed), oldest first. */
  startedBetween(portalId: PortalId, from: number, to: number): Promise<SlaTimer[]>;
  /** All timers (open or closed) of these contacts. */
  timersOf(portalId: PortalId, contactIds: readonly ContactId[]): Promise<SlaTimer[]>;
  /**
   * Breaches due timers and hands out the breaches whose escalation is owed, leased for `leaseMs`
   * so no other instance sends them meanwhile. A timer is due when it runs past `dueAt` and no
   * pending decision made in time waits for the worker. A breach whose escalation was handed out
   * but never marked sent comes back when its lease expires.
   */
  claimBreaches(now: number, limit: number, leaseMs: number): Promise<SlaTimer[]>;
  /** The escalations of these breaches went out. */
  markNotified(
    timers: readonly Pick<SlaTimer, 'portalId' | 'contactId' | 'kind'>[],
    at: number,
  ): Promise<void>;
  /** Forgets the timers of deleted contacts, or moves merged ones' to the survivor (one per kind). */
  removeContacts(removal: ContactRemoval): Promise<void>;
}
