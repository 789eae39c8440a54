/**
 * The routes aggregate's SQL (the {@link RouteStore} port): each contact's latest route, saved with
 * its acceptance timers in one transaction; the owners' tasks, leased while they are made; and the
 * round robin, locked per portal and pool so concurrent callers never serve one owner twice.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { startTimers } from '../sla/sla.sql.js';
import type { SlaTimerStart } from '../sla/sla.port.js';
import type { SqlContext } from '../sql/context.js';
import { byContact, dedupeBy, fromExcluded, removeFromTable, selectWhere, upsert } from '../sql/queries.js';
import type { ContactId, ContactRemoval, PortalId } from '../store.port.js';
import type { RouteRecord, RouteStore } from './routes.port.js';
import { routeRow, toRoute } from './routes.rows.js';

/** The {@link RouteStore} over SQL. */
/** Applies a removal to the routes, in the caller's transaction (one route per contact). */
export function removeRoutesOf(db: Kysely<Database>, removal: ContactRemoval): Promise<void> {
  return removeFromTable(db, 'contact_routes', removal, { newest: 'routed_at' });
}

export class SqlRouteStore implements RouteStore {
  constructor(private readonly ctx: SqlContext) {}

  save(routes: readonly RouteRecord[], timers: readonly SlaTimerStart[]): Promise<void> {
    if (routes.length === 0 && timers.length === 0) return Promise.resolve();
    return this.ctx.transact('saveRoutes', async (trx) => {
      const rows = dedupeBy(routes, (r) => [r.portalId, r.contactId]).map(routeRow);
      const update = {
        ...fromExcluded('contact_routes', [
          'kind',
          'owner_id',
          'owner_source',
          'why',
          'contact_label',
          'follow_up_sla_hours',
          'acceptance_sla_hours',
          'routed_at',
          'model_version',
          'task_body',
          'task_id',
        ]),
        task_lease_until: null,
      };
      await upsert(trx, 'contact_routes', rows, ['portal_id', 'contact_id'], update);
      await startTimers(trx, timers);
    });
  }

  routesOf(portalId: PortalId, contactIds: readonly ContactId[]): Promise<Map<ContactId, RouteRecord>> {
    return byContact(this.ctx, 'routesFor', 'contact_routes', portalId, contactIds, toRoute);
  }

  claimAwaitingTask(
    routedBefore: number,
    now: number,
    limit: number,
    leaseMs: number,
  ): Promise<RouteRecord[]> {
    if (limit <= 0) return Promise.resolve([]);
    return this.ctx.transact('claimRoutesAwaitingTask', async (trx) => {
      const rows = await selectWhere(trx, 'contact_routes', { task_id: null })
        .where('owner_id', 'is not', null)
        .where('routed_at', '<', routedBefore)
        .where((eb) => eb.or([eb('task_lease_until', 'is', null), eb('task_lease_until', '<', now)]))
        .orderBy('routed_at')
        .limit(limit)
        .$if(this.ctx.kind === 'postgres', (q) => q.forUpdate().skipLocked())
        .execute();
      for (const row of rows)
        await trx
          .updateTable('contact_routes')
          .set({ task_lease_until: now + leaseMs })
          .where((eb) => eb.and({ portal_id: row.portal_id, contact_id: row.contact_id }))
          .execute();
      return rows.map(toRoute);
    });
  }

  markTasks(tasks: readonly { portalId: PortalId; contactId: ContactId; taskId: string }[]): Promise<void> {
    if (tasks.length === 0) return Promise.resolve();
    return this.ctx.transact('markRouteTasks', async (trx) => {
      for (const t of tasks)
        await trx
          .updateTable('contact_routes')
          .set({ task_id: t.taskId, task_lease_until: null })
          .where((eb) => eb.and({ portal_id: t.portalId, contact_id: t.contactId }))
          .execute();
    });
  }

  takeRoundRobin(
    portalId: PortalId,
    pool: string,
    candidates: readonly string[],
    count: number,
  ): Promise<string[]> {
    if (candidates.length === 0 || count <= 0) return Promise.resolve([]);
    return this.ctx.transact('takeRoundRobin', async (trx) => {
      await trx
        .insertInto('round_robin')
        .values({ portal_id: portalId, pool, last_owner_id: null })
        .onConflict((oc) => oc.columns(['portal_id', 'pool']).doNothing())
        .execute();
      const row = await selectWhere(trx, 'round_robin', { portal_id: portalId, pool })
        .$if(this.ctx.kind === 'postgres', (q) => q.forUpdate())
        .executeTakeFirstOrThrow();
      // Continue after the owner served last; an owner no longer in the list restarts the turn.
      const last = row.last_owner_id === null ? -1 : candidates.indexOf(row.last_owner_id);
      const owners = Array.from({ length: count }, (_, i) => candidates[(last + 1 + i) % candidates.length]!);
      await trx
        .updateTable('round_robin')
        .set({ last_owner_id: owners.at(-1) ?? null, turns: sql<number>`turns + ${count}` })
        .where((eb) => eb.and({ portal_id: portalId, pool }))
        .execute();
      return owners;
    });
  }

  removeContacts(removal: ContactRemoval): Promise<void> {
    return this.ctx.transact('removeRoutes', (trx) => removeRoutesOf(trx, removal));
  }
}
