/**
 * The deals aggregate's SQL (the {@link DealStore} port): deals with their contact links, saved
 * newest-knowledge-wins; and deal requests, inserted once per key, leased while one instance
 * creates the deal, then settled with HubSpot's id or its refusal.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { SqlContext } from '../sql/context.js';
import { chunks, deleteOfContacts, removedIds, removeFromTable, selectWhere } from '../sql/queries.js';
import type { ContactId, ContactRemoval, PortalId } from '../store.port.js';
import type { DealRecord, DealRequest, DealRequestRecord, DealStore } from './deals.port.js';
import { dealRequestRow, dealRow, toDeal, toDealRequest } from './deals.rows.js';

/** Applies a removal to deal links and requests, in the caller's transaction (see the port). */
export async function removeDealLinksOf(db: Kysely<Database>, removal: ContactRemoval): Promise<void> {
  const from = removedIds(removal);
  if (from.length === 0) return;
  if (removal.kind === 'merged') {
    const { portalId, into } = removal;
    for (const part of chunks(from)) {
      // A deal already linked to the survivor keeps that one link.
      await sql`delete from deal_contacts where portal_id = ${portalId} and contact_id in (${sql.join(part)})
        and deal_id in (select deal_id from deal_contacts where portal_id = ${portalId} and contact_id = ${into})`.execute(
        db,
      );
      await sql`update deal_contacts set contact_id = ${into}
        where portal_id = ${portalId} and contact_id in (${sql.join(part)})`.execute(db);
    }
    await removeFromTable(db, 'deal_requests', removal, { many: true });
    return;
  }
  await deleteOfContacts(db, 'deal_requests', removal.portalId, from);
  if (removal.kind === 'erased') await deleteOfContacts(db, 'deal_contacts', removal.portalId, from);
}

export class SqlDealStore implements DealStore {
  constructor(private readonly ctx: SqlContext) {}

  save(deals: readonly DealRecord[]): Promise<void> {
    if (deals.length === 0) return Promise.resolve();
    return this.ctx.transact('saveDeals', async (trx) => {
      for (const deal of deals) {
        const stored = await selectWhere(trx, 'deals', { portal_id: deal.portalId, deal_id: deal.dealId })
          .$if(this.ctx.kind === 'postgres', (q) => q.forUpdate())
          .executeTakeFirst();
        if (stored && Number(stored.updated_at) > deal.updatedAt) continue;
        await trx
          .insertInto('deals')
          .values(dealRow(deal))
          .onConflict((oc) =>
            oc.columns(['portal_id', 'deal_id']).doUpdateSet({
              pipeline: deal.pipeline,
              stage: deal.stage,
              amount: deal.amount,
              created_at: deal.createdAt,
              closed_at: deal.closedAt,
              outcome: deal.outcome,
              updated_at: deal.updatedAt,
              deleted_at: null,
            }),
          )
          .execute();
        await trx
          .deleteFrom('deal_contacts')
          .where((eb) => eb.and({ portal_id: deal.portalId, deal_id: deal.dealId }))
          .execute();
        const contacts = [...new Set(deal.contactIds)];
        for (const part of chunks(contacts))
          await trx
            .insertInto('deal_contacts')
            .values(
              part.map((contactId) => ({
                portal_id: deal.portalId,
                deal_id: deal.dealId,
                contact_id: contactId,
              })),
            )
            .execute();
      }
    });
  }

  markDeleted(portalId: PortalId, dealIds: readonly string[], at: number): Promise<void> {
    if (dealIds.length === 0) return Promise.resolve();
    return this.ctx.transact('markDealsDeleted', async (trx) => {
      for (const part of chunks([...new Set(dealIds)]))
        await trx
          .updateTable('deals')
          .set({ deleted_at: at, updated_at: at })
          .where('portal_id', '=', portalId)
          .where('deal_id', 'in', part)
          .where('deleted_at', 'is', null)
          .execute();
    });
  }

  dealsOfContacts(portalId: PortalId, contactIds: readonly ContactId[]): Promise<DealRecord[]> {
    return this.ctx.read('dealsOfContacts', async () => {
      const dealIds = new Set<string>();
      for (const part of chunks([...new Set(contactIds)])) {
        const rows = await this.ctx.db
          .selectFrom('deal_contacts')
          .select('deal_id')
          .where('portal_id', '=', portalId)
          .where('contact_id', 'in', part)
          .execute();
        for (const r of rows) dealIds.add(r.deal_id);
      }
      const out: DealRecord[] = [];
      for (const part of chunks([...dealIds])) {
        const rows = await selectWhere(this.ctx.db, 'deals', { portal_id: portalId, deleted_at: null })
          .where('deal_id', 'in', part)
          .execute();
        const links = await this.ctx.db
          .selectFrom('deal_contacts')
          .select(['deal_id', 'contact_id'])
          .where('portal_id', '=', portalId)
          .where('deal_id', 'in', part)
          .execute();
        const byDeal = new Map<string, string[]>();
        for (const l of links) byDeal.set(l.deal_id, [...(byDeal.get(l.deal_id) ?? []), l.contact_id]);
        for (const row of rows) out.push(toDeal(row, byDeal.get(row.deal_id) ?? []));
      }
      return out.sort((a, b) => a.createdAt - b.createdAt || a.dealId.localeCompare(b.dealId));
    });
  }

  request(request: DealRequest): Promise<DealRequestRecord> {
    return this.ctx.transact('requestDeal', async (trx) => {
      await trx
        .insertInto('deal_requests')
        .values(dealRequestRow(request))
        .onConflict((oc) => oc.columns(['portal_id', 'request_key']).doNothing())
        .execute();
      const row = await selectWhere(trx, 'deal_requests', {
        portal_id: request.portalId,
        request_key: request.key,
      }).executeTakeFirstOrThrow();
      return toDealRequest(row);
    });
  }

  requestsOf(portalId: PortalId, keys: readonly string[]): Promise<Map<string, DealRequestRecord>> {
    return this.ctx.read('dealRequestsOf', async () => {
      const out = new Map<string, DealRequestRecord>();
      for (const part of chunks([...new Set(keys)])) {
        const rows = await selectWhere(this.ctx.db, 'deal_requests', { portal_id: portalId })
          .where('request_key', 'in', part)
          .execute();
        for (const row of rows) out.set(row.request_key, toDealRequest(row));
      }
      return out;
    });
  }

  claimOwed(
    requestedBefore: number,
    now: number,
    limit: number,
    leaseMs: number,
  ): Promise<DealRequestRecord[]> {
    if (limit <= 0) return Promise.resolve([]);
    return this.ctx.transact('claimOwedDeals', async (trx) => {
      const rows = await selectWhere(trx, 'deal_requests', { status: 'owed' })
        .where('requested_at', '<', requestedBefore)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
        .orderBy('requested_at')
        .limit(limit)
        .$if(this.ctx.kind === 'postgres', (q) => q.forUpdate().skipLocked())
        .execute();
      for (const row of rows)
        await trx
          .updateTable('deal_requests')
          .set({ lease_until: now + leaseMs, attempts: sql<number>`attempts + 1`, attempted_at: now })
          .where((eb) => eb.and({ portal_id: row.portal_id, request_key: row.request_key }))
          .execute();
      return rows.map((row) =>
        toDealRequest({
          ...row,
          attempts: Number(row.attempts) + 1,
          attempted_at: now,
          lease_until: now + leaseMs,
        }),
      );
    });
  }

  settle(portalId: PortalId, key: string, outcome: { dealId: string } | { refused: string }): Promise<void> {
    return this.ctx.transact('settleDealRequest', async (trx) => {
      await trx
        .updateTable('deal_requests')
        .set(
          'dealId' in outcome
            ? { status: 'created', deal_id: outcome.dealId, lease_until: null, last_error: null }
            : { status: 'refused', lease_until: null, last_error: outcome.refused },
        )
        .where((eb) => eb.and({ portal_id: portalId, request_key: key }))
        .execute();
    });
  }

  release(portalId: PortalId, key: string, error: string): Promise<void> {
    return this.ctx.transact('releaseDealRequest', async (trx) => {
      await trx
        .updateTable('deal_requests')
        .set({ lease_until: null, last_error: error })
        .where((eb) => eb.and({ portal_id: portalId, request_key: key, status: 'owed' }))
        .execute();
    });
  }

  removeContacts(removal: ContactRemoval): Promise<void> {
    return this.ctx.transact('removeDealLinks', (trx) => removeDealLinksOf(trx, removal));
  }
}
