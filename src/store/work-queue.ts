/**
 * The durable work queue: one table, one contract, both databases.
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
import type { DialectKind } from './migrations/index.js';
import type { Database } from './schema.js';
import type { DeadLetter, EnqueueRequest, QueueStats, WorkItem } from './store.port.js';

const CHUNK = 300;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

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

/** Enqueues (coalescing per contact); returns the number of contacts enqueued. */
export async function enqueueWork(
  db: Kysely<Database>,
  requests: readonly EnqueueRequest[],
  now: number,
): Promise<number> {
  const merged = mergeRequests(requests, now);
  for (const part of chunks(merged)) {
    await db
      .insertInto('work_queue')
      .values(
        part.map((r) => ({
          portal_id: r.portalId,
          contact_id: r.contactId,
          state: 'pending',
          reason: r.reason,
          enqueued_at: now,
          due_at: r.dueAt,
          attempts: 0,
          lease_id: null,
          worker_id: null,
          requeue_at: null,
          last_error: null,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['portal_id', 'contact_id']).doUpdateSet({
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
        }),
      )
      .execute();
  }
  return merged.length;
}

interface ClaimedRow {
  portal_id: string;
  contact_id: string;
  reason: string;
  enqueued_at: number;
  attempts: number;
  lease_id: string;
}

/**
 * Claims up to `limit` due rows. Run it inside the backend's write transaction (on SQLite that is
 * `BEGIN IMMEDIATE`); on PostgreSQL the statement alone is safe under concurrency.
 */
export async function claimWork(
  db: Kysely<Database>,
  kind: DialectKind,
  workerId: string,
  limit: number,
  leaseMs: number,
  now: number,
): Promise<WorkItem[]> {
  if (limit <= 0) return [];
  const leaseId = randomUUID();
  const lock = kind === 'postgres' ? sql`for update skip locked` : sql``;
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
    returning portal_id, contact_id, reason, enqueued_at, attempts, lease_id`.execute(db);
  return result.rows.map((row) => ({
    portalId: row.portal_id,
    contactId: row.contact_id,
    attempts: Number(row.attempts),
    reason: row.reason,
    enqueuedAt: Number(row.enqueued_at),
    leaseId: row.lease_id,
  }));
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

/** Completes items: deletes them, or puts them back to pending when work arrived meanwhile. */
export async function completeWork(
  db: Kysely<Database>,
  items: readonly WorkItem[],
  now: number,
): Promise<void> {
  for (const part of chunks(items)) {
    await db
      .updateTable('work_queue')
      .set((eb) => ({
        state: 'pending',
        due_at: eb.fn.coalesce('requeue_at', eb.val(now)),
        enqueued_at: now,
        attempts: 0,
        lease_id: null,
        worker_id: null,
        requeue_at: null,
        last_error: null,
      }))
      .where(heldBy(part))
      .where('requeue_at', 'is not', null)
      .execute();
    await db.deleteFrom('work_queue').where(heldBy(part)).execute();
  }
}

/** Hands claimed items back untouched: due again at once, attempts unchanged. */
export async function releaseWork(
  db: Kysely<Database>,
  items: readonly WorkItem[],
  now: number,
): Promise<void> {
  for (const part of chunks(items)) {
    await db
      .updateTable('work_queue')
      .set({ state: 'pending', due_at: now, lease_id: null, worker_id: null, requeue_at: null })
      .where(heldBy(part))
      .execute();
  }
}

/** Records a failure: retried at `retryAt`, or moved to the dead letters. Run in a transaction. */
export async function failWork(
  db: Kysely<Database>,
  item: WorkItem,
  error: string,
  retryAt: number | null,
  now: number,
): Promise<void> {
  if (retryAt !== null) {
    await db
      .updateTable('work_queue')
      .set((eb) => ({
        state: 'pending',
        attempts: eb('attempts', '+', 1),
        due_at: retryAt,
        lease_id: null,
        worker_id: null,
        requeue_at: null,
        last_error: error,
      }))
      .where(heldBy([item]))
      .execute();
    return;
  }
  const row = await db
    .selectFrom('work_queue')
    .select(['reason', 'attempts', 'requeue_at'])
    .where(heldBy([item]))
    .executeTakeFirst();
  if (row === undefined) return;
  await db
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
    await db
      .deleteFrom('work_queue')
      .where(heldBy([item]))
      .execute();
  } else {
    // New work arrived while this attempt ran: it is new work, and gets its own attempts.
    await db
      .updateTable('work_queue')
      .set({
        state: 'pending',
        due_at: Number(row.requeue_at),
        enqueued_at: now,
        attempts: 0,
        lease_id: null,
        worker_id: null,
        requeue_at: null,
        last_error: null,
      })
      .where(heldBy([item]))
      .execute();
  }
}

/** Counts of pending and claimed rows and of dead letters. */
export async function queueStats(db: Kysely<Database>): Promise<QueueStats> {
  const rows = await db
    .selectFrom('work_queue')
    .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('state')
    .execute();
  const dead = await db
    .selectFrom('dead_letters')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const count = (state: string) => Number(rows.find((r) => r.state === state)?.n ?? 0);
  return { pending: count('pending'), claimed: count('claimed'), dead: Number(dead.n) };
}

/** Dead letters, newest first. */
export async function deadLetters(db: Kysely<Database>, portalId?: string): Promise<DeadLetter[]> {
  const rows = await db
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
}

/** Moves a dead letter back into the queue (due `now`). Run in a transaction. */
export async function replayDeadLetter(db: Kysely<Database>, id: string, now: number): Promise<boolean> {
  const letter = await db.selectFrom('dead_letters').selectAll().where('id', '=', id).executeTakeFirst();
  if (letter === undefined) return false;
  await enqueueWork(
    db,
    [{ portalId: letter.portal_id, contactId: letter.contact_id, reason: letter.reason, dueAt: now }],
    now,
  );
  await db.deleteFrom('dead_letters').where('id', '=', id).execute();
  return true;
}
