/**
 * The callbacks aggregate: workflow actions answered with BLOCK, completed later through HubSpot's
 * callback API once the worker has scored (or decided on) their contact, until HubSpot stops
 * waiting for them (the BLOCK's expiration).
 */
import type { ContactId, ContactRemoval, PortalId } from '../store.port.js';

/** A workflow action answered with BLOCK, to be completed later through the callback API. */
export interface PendingCallback {
  callbackId: string;
  portalId: PortalId;
  contactId: ContactId;
  action: string;
  createdAt: number;
  /** When HubSpot stops waiting (the BLOCK's expiration): it is not completed after that. */
  expiresAt: number;
  /** Not yet completed: null. */
  completedAt: number | null;
  /** HubSpot's message when it refused the completion (unknown or expired callback); else null. */
  completionError?: string | null;
}

export interface CallbackStore {
  /** Remembers a BLOCKed action (once per callback id). */
  add(callback: PendingCallback): Promise<void>;
  /** The actions still waiting on these contacts at `now` (not completed, not expired), oldest first. */
  pending(portalId: PortalId, contactIds: readonly ContactId[], now: number): Promise<PendingCallback[]>;
  /**
   * Settles callbacks: completed at `now`; with `error`, HubSpot refused the completion (it is
   * settled all the same, as trying again cannot help) and its message is kept.
   */
  complete(callbackIds: readonly string[], now: number, error?: string): Promise<void>;
  /** Forgets the callbacks of deleted contacts, or moves those of merged ones to the survivor. */
  removeContacts(removal: ContactRemoval): Promise<void>;
}
