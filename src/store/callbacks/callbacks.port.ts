/**
 * The callbacks aggregate: workflow actions answered with BLOCK, completed later through HubSpot's
 * callback API once the worker has scored (or decided on) their contact.
 */
import type { ContactId, PortalId } from '../store.port.js';

/** A workflow action answered with BLOCK, to be completed later through the callback API. */
export interface PendingCallback {
  callbackId: string;
  portalId: PortalId;
  contactId: ContactId;
  action: string;
  createdAt: number;
  /** Not yet completed: null. */
  completedAt: number | null;
}

export interface CallbackStore {
  /** Remembers a BLOCKed action (once per callback id). */
  add(callback: PendingCallback): Promise<void>;
  /** The actions still waiting on these contacts, oldest first. */
  pending(portalId: PortalId, contactIds: readonly ContactId[]): Promise<PendingCallback[]>;
  complete(callbackIds: readonly string[], now: number): Promise<void>;
}
