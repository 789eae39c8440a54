/**
 * The SLA timers aggregate's SQL (the {@link SlaStore} port); and `startTimers` and `meetTimer`,
 * which settling decisions and saving routes call inside their own transactions.
 */
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { SqlContext } from '../sql/context.js';
import {
  dedupeBy,
  fromExcluded,
  removeFromTable,
  rowsOfContacts,
  selectWhere,
  upsert,
  within,
} from '../sql/queries.js';
import type { ContactId, ContactRemoval, PortalId } from '../store.port.js';
import type { SlaKind, SlaStore, SlaTimer, SlaTimerStart } from './sla.port.js';
import { toSlaTimer } from './sla.rows.js';

/** What a restarted timer resets: it runs again from its new start, with no breach owed. */
const RESTART_TIMER = {
  ...fromExcluded('sla_timers', ['started_at', 'due_at']),
  closed_at: null,
  outcome: null,
  notified_at: null,
  notify_lease_until: null,
};

/** How a timer closes. */
type Closing = NonNullable<SlaTimer['outcome']>;

/** The timer of this kind of this contact. */
function timerOf(t: { portalId: PortalId; contactId: ContactId; kind: string }) {
  return (eb: ExpressionBuilder<Database, 'sla_timers'>) =>
    eb.and({ portal_id: t.portalId, contact_id: t.contactId, kind: t.kind });
}

/** Starts (or restarts) timers in the caller's transaction (or alone). */
export async function startTimers(db: Kysely<Database>, timers: readonly SlaTimerStart[]): Promise<void> {
  const rows = dedupeBy(timers, (t) => [t.portalId, t.contactId, t.kind]).map((t) => ({
    portal_id: t.portalId,
    contact_id: t.contactId,
    kind: t.kind,
    started_at: t.startedAt,
    due_at: t.dueAt,
    closed_at: null,
    outcome: null,
    notified_at: null,
    notify_lease_until: null,
  }));
  await upsert(db, 'sla_timers', rows, ['portal_id', 'contact_id', 'kind'], RESTART_TIMER);
}

/** Closes a running timer as met when `at` is not after its due time; in the caller's transaction (or alone). */
export async function meetTimer(
  db: Kysely<Database>,
  portalId: PortalId,
  contactId: ContactId,
  kind: SlaKind,
  at: number,
): Promise<boolean> {
  const result = await db
    .updateTable('sla_timers')
    .set({ closed_at: at, outcome: 'met' })
    .where(timerOf({ portalId, contactId, kind }))
    .where('closed_at', 'is', null)
    .where('due_at', '>=', at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The {@link SlaStore} over SQL. */
/** Applies a removal to the SLA timers, in the caller's transaction (one timer per contact and kind). */
export function removeTimersOf(db: Kysely<Database>, removal: ContactRemoval): Promise<void> {
  return removeFromTable(db, 'sla_timers', removal, { newest: 'started_at', by: ['kind'] });
}

export class SqlSlaStore implements SlaStore {
  constructor(private readonly ctx: SqlContext) {}

  start(timer: SlaTimerStart): Promise<void> {
    return this.ctx.run('startSlaTimer', () => startTimers(this.ctx.db, [timer]));
  }

  close(
    portalId: PortalId,
    contactId: ContactId,
    kind: SlaKind,
    outcome: Closing,
    at: number,
  ): Promise<void> {
    return this.ctx.run('closeSlaTimer', async () => {
      await this.ctx.db
        .updateTable('sla_timers')
        .set({ closed_at: at, outcome })
        .where(timerOf({ portalId, contactId, kind }))
        .where('closed_at', 'is', null)
        .execute();
    });
  }

  meet(portalId: PortalId, contactId: ContactId, kind: SlaKind, at: number): Promise<boolean> {
    return this.ctx.run('meetSlaTimer', () => meetTimer(this.ctx.db, portalId, contactId, kind, at));
  }

  due(now: number, limit: number): Promise<SlaTimer[]> {
    return this.ctx.read('dueSlaTimers', async () => {
      const rows = await selectWhere(this.ctx.db, 'sla_timers', { closed_at: null })
        .where('due_at', '<=', now)
        .orderBy('due_at')
        .limit(limit)
        .execute();
      return rows.map(toSlaTimer);
    });
  }

  startedBetween(portalId: PortalId, from: number, to: number): Promise<SlaTimer[]> {
    return this.ctx.read('slaTimers', async () => {
      const started = within('started_at', from, to);
      const inPeriod = selectWhere(this.ctx.db, 'sla_timers', { portal_id: portalId }, started);
      const rows = await inPeriod.orderBy('started_at').orderBy('contact_id').execute();
      return rows.map(toSlaTimer);
    });
  }

  timersOf(portalId: PortalId, contactIds: readonly ContactId[]): Promise<SlaTimer[]> {
    return this.ctx.read('slaTimersFor', async () => {
      const rows = await rowsOfContacts(this.ctx.db, 'sla_timers', portalId, contactIds, (q) =>
        q.orderBy('contact_id').orderBy('kind'),
      );
      return rows.map(toSlaTimer);
    });
  }

  claimBreaches(now: number, limit: number, leaseMs: number): Promise<SlaTimer[]> {
    if (limit <= 0) return Promise.resolve([]);
    return this.ctx.transact('claimSlaBreaches', async (trx) => {
      const due = await trx
        .selectFrom('sla_timers as t')
        .selectAll('t')
        .where('t.closed_at', 'is', null)
        .where('t.due_at', '<=', now)
        .where(({ or, eb, not, exists, selectFrom }) =>
          or([
            eb('t.kind', '!=', 'acceptance'),
            // A decision made in time that the worker has not applied yet is not a breach.
            not(
              exists(
                selectFrom('sales_decisions as d')
                  .select('d.contact_id')
                  .whereRef('d.portal_id', '=', 't.portal_id')
                  .whereRef('d.contact_id', '=', 't.contact_id')
                  .where('d.status', '=', 'pending')
                  .whereRef('d.decided_at', '<=', 't.due_at'),
              ),
            ),
          ]),
        )
        .orderBy('t.due_at')
        .limit(limit)
        .$if(this.ctx.kind === 'postgres', (q) => q.forUpdate().skipLocked())
        .execute();
      const owed = await selectWhere(trx, 'sla_timers', { outcome: 'breached', notified_at: null })
        .where((eb) => eb.or([eb('notify_lease_until', 'is', null), eb('notify_lease_until', '<', now)]))
        .orderBy('due_at')
        .limit(Math.max(0, limit - due.length))
        .$if(this.ctx.kind === 'postgres', (q) => q.forUpdate().skipLocked())
        .execute();
      const out: SlaTimer[] = [];
      for (const row of [...due, ...owed]) {
        const closedAt = row.closed_at === null ? now : Number(row.closed_at);
        await trx
          .updateTable('sla_timers')
          .set({ closed_at: closedAt, outcome: 'breached', notify_lease_until: now + leaseMs })
          .where(timerOf({ portalId: row.portal_id, contactId: row.contact_id, kind: row.kind }))
          .execute();
        out.push(toSlaTimer({ ...row, closed_at: closedAt, outcome: 'breached' }));
      }
      return out;
    });
  }

  markNotified(
    timers: readonly Pick<SlaTimer, 'portalId' | 'contactId' | 'kind'>[],
    at: number,
  ): Promise<void> {
    if (timers.length === 0) return Promise.resolve();
    return this.ctx.transact('markSlaBreachesNotified', async (trx) => {
      for (const t of timers)
        await trx
          .updateTable('sla_timers')
          .set({ notified_at: at, notify_lease_until: null })
          .where(timerOf(t))
          .where('outcome', '=', 'breached')
          .execute();
    });
  }

  removeContacts(removal: ContactRemoval): Promise<void> {
    return this.ctx.transact('removeTimers', (trx) => removeTimersOf(trx, removal));
  }
}
