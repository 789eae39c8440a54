/**
 * The disputes aggregate: "Dispute this score" from the contact card. A sales rep who cannot see
 * why a contact is an MQL says so with a reason; it stays with the contact (shown on the card) and
 * counts in the funnel next to the "No idea why this is an MQL" returns.
 */
import type { ContactId, ContactRemoval, PortalId } from '../store.port.js';

export interface DisputeRecord {
  id: string;
  portalId: PortalId;
  contactId: ContactId;
  reason: string;
  /** The signed HubSpot user. */
  disputedBy: string;
  disputedAt: number;
  /** The model version that produced the disputed score, and the qualification then. */
  modelVersion: string;
  qualification: string | null;
}

export interface DisputeStore {
  record(dispute: DisputeRecord): Promise<void>;
  /** A contact's disputes, newest first. */
  of(portalId: PortalId, contactId: ContactId): Promise<DisputeRecord[]>;
  /** A portal's disputes with `from <= disputedAt < to`, oldest first. */
  between(portalId: PortalId, from: number, to: number): Promise<DisputeRecord[]>;
  /** A deleted or erased contact's disputes go; a merged one's move to the contact it merged into. */
  removeContacts(removal: ContactRemoval): Promise<void>;
}
