/**
 * The durable work queue: one table, one contract, both databases. This module is the queue
 * aggregate's SQL (the {@link WorkQueue} port) and `enqueueWork`, which the aggregates that queue
 * work (events, signals, decisions) call inside their own transactions.
 *
 * ## The rules
 * - **One row per contact** (`portal_id`, `contact_id`): enqueueing work for a contact that is
 *   already queued coalesces into that row. A pending row keeps the earliest due time (unless it
 *   is waiting out a retry back-off, whose time is kept: the retry covers the new work too).
 * - **Claim with a lease.** A claim takes due rows (pending and due, or claimed with an expired
 *   lease), oldest due first, and stamps each with a fresh random lease id (the fencing token) and
 *   `due_at = now + leaseMs`. A worker that dies just stops: when its lease runs out the row is
 *   due again, and the next claim counts the lost lease as an attempt. There is no lease renewal:
 *   pick a lease longer than a batch can take.
 * - **Fenced completion.** `complete`, `fail` and `release` only touch rows whose lease id still
 *   matches, so a worker whose lease expired and was re-claimed cannot finish or fail someone
 *   else's claim.
 * - **No event lost while processing.** Work enqueued while a row is claimed sets `requeue_at`;
 *   completing such a row puts it back to pending instead of deleting it.
 * - **Retry, then dead letter.** `fail` with a retry time counts the attempt and makes the row due
 *   then; without one it moves the row to `dead_letters` with the error and the attempt count.
 *
 * ## Why this is as safe as a job engine such as pg-boss, for this queue
 * pg-boss claims with the same statement shape: `SELECT … FOR UPDATE SKIP LOCKED` feeding an
 * `UPDATE … RETURNING`. On PostgreSQL the candidate rows are locked by the claiming transaction
 * and skipped by every concurrent claimer; when the claimer commits, the rows carry a future
 * `due_at` that other claimers' `due_at <= now` filter re-checks (READ COMMITTED re-evaluates
 * a locked row's new version), so no row is handed to two workers while its lease runs. The
 * candidate set is a `MATERIALIZED` CTE so the `LIMIT` cannot be re-evaluated by the planner.
 * On SQLite the claim runs inside `BEGIN IMMEDIATE`, which serialises it against every other
 * writer. Crashes are covered by lease expiry, stale workers by the fencing token. What neither
 * this queue nor pg-boss can promise is "exactly once" execution across a crash (a worker can
 * die after its writes and before `complete`); the work here is idempotent (evaluate, then write
 * only the difference to what HubSpot and the store already hold), so running it twice has the
 * effect of running it once: "exactly once in effect". Owning the queue keeps one contract on
 * both databases (pg-boss is PostgreSQL-only), coalescing per contact in one upsert, and the
 * enqueue in the same transaction as the events it was made for.
 */
import { randomUUID } from 'node:crypto';
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { SqlContext } from '../sql/context.js';
import {
  chunks,
  deleteOfContacts,
  removedIds,
  removeFromTable,
  selectWhere,
  upsert,
} from '../sql/queries.js';
import type { ContactRemoval, PortalId } from '../store.port.js';
import {
  SCHEDULED_WORK_REASON,
  type DeadLetter,
  type EnqueueRequest,
  type QueueStats,
  type WorkItem,
  type WorkQueue,
} from './queue.port.js';

/** Rows per statement of the queue's own writes. */
const CHUNK = 300;

interface MergedRequest {
  portalId: string;
  contactId: string;
  reason: string;
  dueAt: number;
}

/** Merges requests for the same contact (earliest due time, last reason): one row per contact. */
function mergeRequests(requests: readonly EnqueueRequest[], now: number): MergedRequest[] {
  const byKey = new Map<string, MergedRequest>();
  for (const r of requests) {
    const key = JSON.stringify([r.portalId, r.contactId]);
    const dueAt = r.dueAt ?? now;
    const seen = byKey.get(key);
    byKey.set(key, {
      portalId: r.portalId,
      contactId: r.contactId,
      reason: r.reason,
      dueAt: seen === undefined ? dueAt : Math.min(seen.dueAt, dueAt),
    });
  }
  return [...byKey.values()];
}

/** A row pending and unheld, with fresh attempts and no error (callers add what differs). */
const PENDING = {
  state: 'pending',
  attempts: 0,
  lease_id: null,
  worker_id: null,
  requeue_at: null,
  last_error: null,
} as const;

/**
 * Enqueues (coalescing per contact) in the caller's transaction; returns the number of contacts
 * enqueued.
 */
export async function enqueueWork(
  db: Kysely<Database>,
  requests: readonly EnqueueRequest[],
  now: number,
): Promise<number> {
  const merged = mergeRequests(requests, now);
  const rows = merged.map((r) => ({
    ...PENDING,
    portal_id: r.portalId,
    contact_id: r.contactId,
    reason: r.reason,
    enqueued_at: now,
    due_at: r.dueAt,
  }));
  const coalesce = {
    reason: sql<string>`excluded.reason`,
    // Pending: the earliest due time wins, except that a retry's back-off is kept.
    due_at: sql<number>`case
      when work_queue.state = 'pending' and work_queue.attempts = 0 and excluded.due_at < work_queue.due_at
        then excluded.due_at
      else work_queue.due_at end`,
    // Claimed: remember to run again after completion, not before the earliest requested time.
    requeue_at: sql<number | null>`case
      when work_queue.state = 'claimed'
        and (work_queue.requeue_at is null or excluded.due_at < work_queue.requeue_at)
        then excluded.due_at
      else work_queue.requeue_at end`,
  };
  await upsert(db, 'work_queue', rows, ['portal_id', 'contact_id'], coalesce, CHUNK);
  return merged.length;
}

/**
 * Applies a removal to the queue, in the caller's transaction: the work of removed contacts is
 * dropped (a claimed row too: its worker's completion then finds nothing, and scoring a contact
 * HubSpot no longer has records nothing). A merge queues the survivor once in their place.
 * Dead letters go with a deleted contact and follow a merged one.
 */
export async function removeWorkOf(
  db: Kysely<Database>,
  removal: ContactRemoval,
  now: number,
): Promise<void> {
  const ids = removedIds(removal);
  if (ids.length === 0) return;
  const queued = await selectWhere(db, 'work_queue', { portal_id: removal.portalId })
    .where('contact_id', 'in', ids)
    .execute();
  await deleteOfContacts(db, 'work_queue', removal.portalId, ids);
  if (removal.kind === 'merged' && queued.length > 0)
    await enqueueWork(db, [{ portalId: removal.portalId, contactId: removal.into, reason: 'merge' }], now);
  await removeFromTable(db, 'dead_letters', removal, { many: true });
}

interface ClaimedRow {
  portal_id: string;
  contact_id: string;
  reason: string;
  enqueued_at: number;
  attempts: number;
  lease_id: string;
}

/** Rows still held under the items' leases. */
function heldBy(items: readonly WorkItem[]) {
  return (eb: ExpressionBuilder<Database, 'work_queue'>) =>
    eb(
      eb.refTuple('portal_id', 'contact_id', 'lease_id'),
      'in',
      items.map((i) => eb.tuple(i.portalId, i.contactId, i.leaseId)),
    );
}

/** The {@link WorkQueue} over SQL. */
export class SqlWorkQueue implements WorkQueue {
  constructor(private readonly ctx: SqlContext) {}

  enqueue(requests: readonly EnqueueRequest[]): Promise<number> {
    const now = this.ctx.now();
    return this.ctx.transact('enqueue', (trx) => enqueueWork(trx, requests, now));
  }

  /**
   * Claims up to `limit` due rows inside the backend's write transaction (on SQLite that is
   * `BEGIN IMMEDIATE`); on PostgreSQL the statement alone is safe under concurrency.
   */
  claim(workerId: string, limit: number, leaseMs: number, now: number): Promise<WorkItem[]> {
    return this.ctx.transact('claim', async (trx) => {
      if (limit <= 0) return [];
      const leaseId = randomUUID();
      const lock = this.ctx.kind === 'postgres' ? sql`for update skip locked` : sql``;
      const result = await sql<ClaimedRow>`
        with next_work as materialized (
          select portal_id as next_portal_id, contact_id as next_contact_id
          from work_queue
          where due_at <= ${now}
          order by due_at
          limit ${limit}
          ${lock}
        )
        update work_queue set
          attempts = case when state = 'claimed' then attempts + 1 else attempts end,
          state = 'claimed',
          due_at = ${now + leaseMs},
          lease_id = ${leaseId},
          worker_id = ${workerId}
        from next_work
        where portal_id = next_portal_id and contact_id = next_contact_id
        returning portal_id, contact_id, reason, enqueued_at, attempts, lease_id`.execute(trx);
      return result.rows.map((row) => ({
        portalId: row.portal_id,
        contactId: row.contact_id,
        attempts: Number(row.attempts),
        reason: row.reason,
        enqueuedAt: Number(row.enqueued_at),
        leaseId: row.lease_id,
      }));
    });
  }

  /** Completes items: deletes them, or puts them back to pending when work arrived meanwhile. */
  complete(items: readonly WorkItem[]): Promise<void> {
    return this.eachChunk('complete', items, async (trx, part, now) => {
      await trx
        .updateTable('work_queue')
        .set((eb) => ({ ...PENDING, due_at: eb.fn.coalesce('requeue_at', eb.val(now)), enqueued_at: now }))
        .where(heldBy(part))
        .where('requeue_at', 'is not', null)
        .execute();
      await trx.deleteFrom('work_queue').where(heldBy(part)).execute();
    });
  }

  /** Records a failure: retried at `retryAt`, or moved to the dead letters. */
  fail(item: WorkItem, error: string, retryAt: number | null, now: number): Promise<void> {
    return this.ctx.transact('fail', async (trx) => {
      // An update of the item's row, as long as this lease still holds it.
      const held = trx.updateTable('work_queue').where(heldBy([item]));
      if (retryAt !== null) {
        await held
          .set((eb) => ({ ...PENDING, attempts: eb('attempts', '+', 1), due_at: retryAt, last_error: error }))
          .execute();
        return;
      }
      const row = await trx
        .selectFrom('work_queue')
        .select(['reason', 'attempts', 'requeue_at'])
        .where(heldBy([item]))
        .executeTakeFirst();
      if (row === undefined) return;
      await trx
        .insertInto('dead_letters')
        .values({
          id: randomUUID(),
          portal_id: item.portalId,
          contact_id: item.contactId,
          reason: row.reason,
          error,
          attempts: Number(row.attempts) + 1,
          died_at: now,
        })
        .execute();
      if (row.requeue_at === null) {
        await trx
          .deleteFrom('work_queue')
          .where(heldBy([item]))
          .execute();
      } else {
        // New work arrived while this attempt ran: it is new work, and gets its own attempts.
        await held.set({ ...PENDING, due_at: Number(row.requeue_at), enqueued_at: now }).execute();
      }
    });
  }

  /** Hands claimed items back untouched: due again at once, attempts unchanged. */
  release(items: readonly WorkItem[]): Promise<void> {
    return this.eachChunk('release', items, async (trx, part, now) => {
      await trx
        .updateTable('work_queue')
        .set({ state: 'pending', due_at: now, lease_id: null, worker_id: null, requeue_at: null })
        .where(heldBy(part))
        .execute();
    });
  }

  /** Counts of pending and claimed rows and of dead letters; scheduled rows not yet due are left out. */
  stats(): Promise<QueueStats> {
    const now = this.ctx.now();
    return this.ctx.read('queueStats', async () => {
      const rows = await this.ctx.db
        .selectFrom('work_queue')
        .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
        .where((eb) =>
          eb.not(
            eb.and([
              eb('state', '=', 'pending'),
              eb('reason', '=', SCHEDULED_WORK_REASON),
              eb('due_at', '>', now),
            ]),
          ),
        )
        .groupBy('state')
        .execute();
      const dead = await this.ctx.db
        .selectFrom('dead_letters')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const count = (state: string) => Number(rows.find((r) => r.state === state)?.n ?? 0);
      return { pending: count('pending'), claimed: count('claimed'), dead: Number(dead.n) };
    });
  }

  dueCount(now: number, limit: number): Promise<number> {
    return this.ctx.read('dueCount', async () => {
      const result = await sql<{ n: number | string }>`
        select count(*) as n from (select 1 from work_queue where due_at <= ${now} limit ${limit}) as due`.execute(
        this.ctx.db,
      );
      return Number(result.rows[0]?.n ?? 0);
    });
  }

  /** Scheduled rows not yet due: their count and the earliest due time. */
  scheduled(): Promise<{ count: number; nextDueAt: number | null }> {
    const now = this.ctx.now();
    return this.ctx.read('scheduled', async () => {
      const row = await this.ctx.db
        .selectFrom('work_queue')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('due_at').as('next')])
        .where('state', '=', 'pending')
        .where('reason', '=', SCHEDULED_WORK_REASON)
        .where('due_at', '>', now)
        .executeTakeFirstOrThrow();
      return { count: Number(row.n), nextDueAt: row.next === null ? null : Number(row.next) };
    });
  }

  /** Dead letters, newest first. */
  deadLetters(portalId?: PortalId): Promise<DeadLetter[]> {
    return this.ctx.read('deadLetters', async () => {
      const rows = await this.ctx.db
        .selectFrom('dead_letters')
        .selectAll()
        .$if(portalId !== undefined, (q) => q.where('portal_id', '=', portalId ?? ''))
        .orderBy('died_at', 'desc')
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        portalId: r.portal_id,
        contactId: r.contact_id,
        reason: r.reason,
        error: r.error,
        attempts: Number(r.attempts),
        diedAt: Number(r.died_at),
      }));
    });
  }

  /** Moves a dead letter back into the queue (due `now`). */
  replayDeadLetter(id: string, now: number): Promise<boolean> {
    return this.ctx.transact('replayDeadLetter', async (trx) => {
      const letter = await selectWhere(trx, 'dead_letters', { id }).executeTakeFirst();
      if (letter === undefined) return false;
      await enqueueWork(
        trx,
        [{ portalId: letter.portal_id, contactId: letter.contact_id, reason: letter.reason, dueAt: now }],
        now,
      );
      await trx.deleteFrom('dead_letters').where('id', '=', id).execute();
      return true;
    });
  }

  /** Runs `write` on each chunk of `items` in one transaction, at the clock's now; nothing when empty. */
  private eachChunk(
    what: string,
    items: readonly WorkItem[],
    write: (trx: Kysely<Database>, part: WorkItem[], now: number) => Promise<void>,
  ): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    const now = this.ctx.now();
    return this.ctx.transact(what, async (trx) => {
      for (const part of chunks(items, CHUNK)) await write(trx, part, now);
    });
  }

  removeContacts(removal: ContactRemoval, now: number): Promise<void> {
    return this.ctx.transact('removeWork', (trx) => removeWorkOf(trx, removal, now));
  }
}
