/**
 * The deals aggregate: HubSpot's deals as the funnel's outcomes (what each deal is now, and which
 * contacts it is associated with), and the deals the app owes HubSpot after a sales *accept*,
 * keyed by the decision so a retried accept never makes two.
 */
import type { ContactId, ContactRemoval, PortalId } from '../store.port.js';

/** A deal as the funnel needs it. Amounts in the portal's currency; times epoch ms. */
export interface DealRecord {
  portalId: PortalId;
  dealId: string;
  /** The contacts the deal is associated with. */
  contactIds: ContactId[];
  pipeline: string;
  stage: string;
  amount: number | null;
  createdAt: number;
  /** HubSpot's `closedate`: when a closed deal closed (for an open one, when it is expected to). */
  closedAt: number | null;
  /** `won`, `lost`, or null while the deal is open. */
  outcome: 'won' | 'lost' | null;
  /** When the app last learned this (a webhook's time or a read). */
  updatedAt: number;
}

/** A deal to create in HubSpot for an accepted MQL. */
export interface DealRequest {
  portalId: PortalId;
  /** The accept decision's idempotency key: one deal per accept, however often it is retried. */
  key: string;
  contactId: ContactId;
  companyId: string | null;
  ownerId: string | null;
  pipeline: string;
  stage: string;
  name: string;
  requestedAt: number;
}

export interface DealRequestRecord extends DealRequest {
  /** `owed` until HubSpot created it (`created`, with `dealId`) or refused it (`refused`). */
  status: 'owed' | 'created' | 'refused';
  dealId: string | null;
  attempts: number;
  /** When a creation was last tried (its outcome unknown until settled). */
  attemptedAt: number | null;
  lastError: string | null;
}

export interface DealStore {
  /**
   * Saves deals as HubSpot holds them now: each replaces the stored deal and its contacts, unless
   * the stored one was learned later (`updatedAt`), so an older read never undoes a newer one.
   */
  save(deals: readonly DealRecord[]): Promise<void>;
  /** Marks deals HubSpot deleted: they count no more (their facts stay, for the record). */
  markDeleted(portalId: PortalId, dealIds: readonly string[], at: number): Promise<void>;
  /** The live deals associated with any of these contacts. */
  dealsOfContacts(portalId: PortalId, contactIds: readonly ContactId[]): Promise<DealRecord[]>;
  /** Records a deal to create, once per key; returns the stored request (the first one wins). */
  request(request: DealRequest): Promise<DealRequestRecord>;
  requestsOf(portalId: PortalId, keys: readonly string[]): Promise<Map<string, DealRequestRecord>>;
  /**
   * Owed requests not leased (or whose lease ran out), requested before `requestedBefore`, oldest
   * first: each is leased for `leaseMs` and its attempt counted and dated, in one transaction.
   */
  claimOwed(
    requestedBefore: number,
    now: number,
    limit: number,
    leaseMs: number,
  ): Promise<DealRequestRecord[]>;
  /** Settles a request: HubSpot created the deal, or refused it with a message (never retried). */
  settle(portalId: PortalId, key: string, outcome: { dealId: string } | { refused: string }): Promise<void>;
  /** A transient failure: the request stays owed, its lease released, the error kept. */
  release(portalId: PortalId, key: string, error: string): Promise<void>;
  /**
   * A contact HubSpot deleted keeps its deal links (the funnel counts them, and they hold no
   * personal data); an erased one loses them and its requests; a merged one's move to the survivor.
   */
  removeContacts(removal: ContactRemoval): Promise<void>;
}

/** The work key of a deal in the work queue (`deal:<id>`): its facts are read from HubSpot. */
export const DEAL_WORK_PREFIX = 'deal:';

export const dealWorkKey = (dealId: string): string => `${DEAL_WORK_PREFIX}${dealId}`;

/** The deal id of a deal work key, or null for other work. */
export const dealOfWorkKey = (key: string): string | null =>
  key.startsWith(DEAL_WORK_PREFIX) ? key.slice(DEAL_WORK_PREFIX.length) : null;
