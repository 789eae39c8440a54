/**
 * The backfills aggregate's SQL (the {@link BackfillStore} port): one row per portal. A claim reads
 * and writes the row in one transaction (the row locked on PostgreSQL; SQLite's write transaction
 * holds the lock from its first read), so two callers never both take one portal's backfill.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { SqlContext } from '../sql/context.js';
import { selectWhere } from '../sql/queries.js';
import type { PortalId } from '../store.port.js';
import type { BackfillClaim, BackfillProgress, BackfillRecord, BackfillStore } from './backfills.port.js';
import { toBackfill } from './backfills.rows.js';

/** The {@link BackfillStore} over SQL. */
export class SqlBackfillStore implements BackfillStore {
  constructor(private readonly ctx: SqlContext) {}

  async get(portalId: PortalId): Promise<BackfillRecord | null> {
    const row = await this.ctx.read('backfillOf', () =>
      selectWhere(this.ctx.db, 'backfills', { portal_id: portalId }).executeTakeFirst(),
    );
    return row ? toBackfill(row) : null;
  }

  claim(
    portalId: PortalId,
    holder: string,
    now: number,
    leaseMs: number,
    options: { restart?: boolean } = {},
  ): Promise<BackfillClaim> {
    return this.ctx.transact('claimBackfill', async (trx) => {
      const lease = { holder, lease_until: now + leaseMs, updated_at: now };
      // The first claim inserts; concurrent ones find the row (on PostgreSQL, waiting for its lock).
      const inserted = await trx
        .insertInto('backfills')
        .values({ portal_id: portalId, ...fresh(now), ...lease })
        .onConflict((oc) => oc.column('portal_id').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0)
        return { claimed: true, record: await read(trx, portalId), resumed: false };
      const row = await selectWhere(trx, 'backfills', { portal_id: portalId })
        .$if(this.ctx.kind === 'postgres', (q) => q.forUpdate())
        .executeTakeFirstOrThrow();
      const current = toBackfill(row);
      const heldByOther =
        current.holder !== null &&
        current.holder !== holder &&
        current.leaseUntil !== null &&
        current.leaseUntil > now;
      if (heldByOther) return { claimed: false, record: current, reason: 'held' };
      if (current.status === 'finished' && !options.restart)
        return { claimed: false, record: current, reason: 'finished' };
      const restart = options.restart === true || current.status === 'finished';
      await trx
        .updateTable('backfills')
        .set(restart ? { ...fresh(now), ...lease } : lease)
        .where('portal_id', '=', portalId)
        .execute();
      return { claimed: true, record: await read(trx, portalId), resumed: !restart };
    });
  }

  async checkpoint(
    portalId: PortalId,
    holder: string,
    progress: BackfillProgress,
    now: number,
    leaseMs: number,
  ): Promise<boolean> {
    const result = await this.ctx.run('checkpointBackfill', () =>
      this.ctx.db
        .updateTable('backfills')
        .set({
          cursor: progress.cursor,
          pages: progress.pages,
          contacts: progress.contacts,
          signals_found: progress.signalsFound,
          signals_created: progress.signalsCreated,
          updated_at: now,
          lease_until: now + leaseMs,
        })
        .where((eb) => eb.and({ portal_id: portalId, holder, status: 'running' }))
        .executeTakeFirst(),
    );
    return Number(result.numUpdatedRows) > 0;
  }

  async finish(portalId: PortalId, holder: string, now: number): Promise<boolean> {
    const result = await this.ctx.run('finishBackfill', () =>
      this.ctx.db
        .updateTable('backfills')
        .set({
          status: 'finished',
          cursor: null,
          finished_at: now,
          updated_at: now,
          holder: null,
          lease_until: null,
        })
        .where((eb) => eb.and({ portal_id: portalId, holder, status: 'running' }))
        .executeTakeFirst(),
    );
    return Number(result.numUpdatedRows) > 0;
  }

  async release(portalId: PortalId, holder: string): Promise<void> {
    await this.ctx.run('releaseBackfill', () =>
      this.ctx.db
        .updateTable('backfills')
        .set({ holder: null, lease_until: null })
        .where((eb) => eb.and({ portal_id: portalId, holder }))
        .execute(),
    );
  }
}

/** A backfill started at `now`: first page, nothing counted. */
function fresh(now: number) {
  return {
    status: 'running',
    cursor: null,
    pages: 0,
    contacts: 0,
    signals_found: 0,
    signals_created: 0,
    started_at: now,
    finished_at: null,
  } as const;
}

async function read(db: Kysely<Database>, portalId: PortalId): Promise<BackfillRecord> {
  return toBackfill(await selectWhere(db, 'backfills', { portal_id: portalId }).executeTakeFirstOrThrow());
}
