/**
 * Deals as the funnel's outcomes, kept as HubSpot holds them:
 *
 *   webhook  a deal created, deleted, or its stage, amount or close date changed (`deal.*`, or
 *            `object.*` with objectTypeId 0-3) queues the deal's work (`deal:<id>`, coalesced
 *            per deal); the worker hands the deals here, up to a claim's worth at once
 *   read     their facts (deals batch read, 100 a call) and their contacts (associations v4
 *            batch read, 1,000 a call): the webhook's value alone says nothing of the contacts
 *   keep     each deal saved with its contacts; deals HubSpot no longer has marked deleted
 *
 * `won` and `lost` come from HubSpot's own calculated `hs_is_closed_won` / `hs_is_closed`, which
 * follow each pipeline's stage metadata, so custom pipelines need no mapping here.
 */
import type { CrmDeals } from '../hubspot/crm-deals.js';
import type { CrmGateway, CrmRecord } from '../hubspot/crm-gateway.js';
import type { Logger } from '../logger.js';
import type { DealRecord, DealStore, PortalId } from '../store/store.port.js';

/** The queue reason of a deal's work. */
export const DEAL_CHANGE_REASON = 'deal-change';

export interface DealSyncDeps {
  store: { deals: Pick<DealStore, 'save' | 'markDeleted'> };
  crm: Pick<CrmGateway, 'deals'>;
  clock: () => number;
  logger?: Logger;
}

const time = (value: string | null | undefined): number | null => {
  if (!value) return null;
  const ms = /^-?\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
};

/** A deal read from HubSpot as the store keeps it; null when it lacks what every deal has. */
export function dealRecordOf(
  portalId: PortalId,
  record: CrmRecord,
  contactIds: readonly string[],
  learnedAt: number,
): DealRecord | null {
  const p = record.properties;
  const createdAt = time(p.createdate);
  if (createdAt === null || !p.dealstage) return null;
  const amount = p.amount === null || p.amount === undefined || p.amount === '' ? null : Number(p.amount);
  return {
    portalId,
    dealId: record.id,
    contactIds: [...contactIds],
    pipeline: p.pipeline ?? 'default',
    stage: p.dealstage,
    amount: amount !== null && Number.isFinite(amount) ? amount : null,
    createdAt,
    closedAt: time(p.closedate),
    outcome: p.hs_is_closed_won === 'true' ? 'won' : p.hs_is_closed === 'true' ? 'lost' : null,
    updatedAt: learnedAt,
  };
}

/** Reads deals and their contacts from HubSpot and keeps them; returns what it did. */
export async function syncDeals(
  deps: DealSyncDeps,
  portalId: PortalId,
  dealIds: readonly string[],
): Promise<{ saved: number; deleted: number }> {
  const ids = [...new Set(dealIds)];
  if (ids.length === 0) return { saved: 0, deleted: 0 };
  const learnedAt = deps.clock();
  const { records, missing } = await deps.crm.deals.read(ids);
  const saved = await keepDeals(deps, portalId, records, learnedAt);
  await deps.store.deals.markDeleted(portalId, missing, learnedAt);
  deps.logger?.info({ portalId, saved, deleted: missing.length }, 'deals read from HubSpot');
  return { saved, deleted: missing.length };
}

/**
 * Keeps deals read from HubSpot (with `DEAL_PROPERTIES`): their contacts are read (associations
 * v4, 1,000 deals a call) and each deal saved with them. Returns how many were saved (a record
 * without a create date or stage is not a deal the funnel can use).
 */
export async function keepDeals(
  deps: { store: { deals: Pick<DealStore, 'save'> }; crm: { deals: Pick<CrmDeals, 'contactsOf'> } },
  portalId: PortalId,
  records: readonly CrmRecord[],
  learnedAt: number,
): Promise<number> {
  if (records.length === 0) return 0;
  const contacts = await deps.crm.deals.contactsOf(records.map((r) => r.id));
  const deals = records
    .map((r) => dealRecordOf(portalId, r, contacts.get(r.id) ?? [], learnedAt))
    .filter((d): d is DealRecord => d !== null);
  await deps.store.deals.save(deals);
  return deals.length;
}
