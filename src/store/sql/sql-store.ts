/**
 * The one implementation of the {@link Store} port, over Kysely: the same queries run on SQLite
 * and PostgreSQL, with the few dialect differences kept in the backends and in the locking of the
 * claims. It assembles the aggregates (each in `<aggregate>/<aggregate>.sql.ts`) over one shared
 * {@link SqlContext}, and holds what concerns the database as a whole: the rate budget, health
 * with its write probe, the hourly prune of old webhook events, and closing.
 */
import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { Backend, StoreLogger } from '../backend.js';
import { SqlBackfillStore } from '../backfills/backfills.sql.js';
import { SqlCallbackStore } from '../callbacks/callbacks.sql.js';
import { SqlContactStore } from '../contacts/contacts.sql.js';
import { SqlDealStore } from '../deals/deals.sql.js';
import { SqlDecisionStore } from '../decisions/decisions.sql.js';
import { SqlEventStore } from '../events/events.sql.js';
import { SqlModelStore } from '../models/models.sql.js';
import { SqlWorkQueue } from '../queue/queue.sql.js';
import { SqlReplayStore } from '../replays/replays.sql.js';
import { SqlApprovalStore } from '../approvals/approvals.sql.js';
import { SqlDisputeStore } from '../disputes/disputes.sql.js';
import { SqlReportStore } from '../reports/reports.sql.js';
import { SqlRouteStore } from '../routes/routes.sql.js';
import { SqlSlaStore } from '../sla/sla.sql.js';
import type { RateBudget, Store, StoreHealth } from '../store.port.js';
import { SqlContext } from './context.js';

/** Options of {@link SqlStore}. */
export interface SqlStoreOptions {
  /** The clock for times the callers do not pass (enqueue defaults, completion). */
  now: () => number;
  logger?: StoreLogger;
  /** Raw webhook events older than this are pruned hourly; 0 or undefined keeps them. */
  eventRetentionDays?: number;
}

const HEALTH_TIMEOUT_MS = 2_000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

class HealthTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HealthTimeout(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The {@link Store} over a {@link Backend}. Build it with `openStore`. */
export class SqlStore implements Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly events: SqlEventStore;
  readonly queue: SqlWorkQueue;
  readonly contacts: SqlContactStore;
  readonly models: SqlModelStore;
  readonly decisions: SqlDecisionStore;
  readonly callbacks: SqlCallbackStore;
  readonly sla: SqlSlaStore;
  readonly routes: SqlRouteStore;
  readonly reports: SqlReportStore;
  readonly replays: SqlReplayStore;
  readonly approvals: SqlApprovalStore;
  readonly disputes: SqlDisputeStore;
  readonly deals: SqlDealStore;
  readonly backfills: SqlBackfillStore;
  private readonly ctx: SqlContext;
  private readonly pruneTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly backend: Backend,
    options: SqlStoreOptions,
  ) {
    const ctx = new SqlContext(backend, options.now);
    this.ctx = ctx;
    this.kind = ctx.kind;
    this.events = new SqlEventStore(ctx);
    this.queue = new SqlWorkQueue(ctx);
    this.contacts = new SqlContactStore(ctx);
    this.models = new SqlModelStore(ctx);
    this.decisions = new SqlDecisionStore(ctx);
    this.callbacks = new SqlCallbackStore(ctx);
    this.sla = new SqlSlaStore(ctx);
    this.routes = new SqlRouteStore(ctx);
    this.reports = new SqlReportStore(ctx);
    this.replays = new SqlReplayStore(ctx);
    this.approvals = new SqlApprovalStore(ctx);
    this.disputes = new SqlDisputeStore(ctx);
    this.deals = new SqlDealStore(ctx);
    this.backfills = new SqlBackfillStore(ctx);
    const days = options.eventRetentionDays ?? 0;
    if (days > 0) {
      const prune = () => {
        this.events.prune(options.now() - days * DAY_MS).catch((error: unknown) => {
          options.logger?.warn(
            { problem: backend.problem(error) ?? 'unexpected error' },
            'pruning old webhook events failed; will retry',
          );
        });
      };
      this.pruneTimer = setInterval(prune, PRUNE_EVERY_MS);
      this.pruneTimer.unref();
      prune();
    }
  }

  rateBudget(limit: { points: number; windowMs: number; key?: string }): RateBudget {
    return this.backend.rateBudget(limit);
  }

  async health(): Promise<StoreHealth> {
    if (this.ctx.closed) return { ok: false, problem: 'store closed' };
    try {
      await withTimeout(sql`select 1`.execute(this.ctx.db), HEALTH_TIMEOUT_MS);
      // A read cannot see a full disk: after a failed write, only a committed write clears it.
      if (this.ctx.writeProblem !== null) await withTimeout(this.writeProbe(), HEALTH_TIMEOUT_MS);
      this.ctx.writeProblem = null;
      return { ok: true };
    } catch (error) {
      if (error instanceof HealthTimeout)
        return { ok: false, problem: `database did not answer within ${HEALTH_TIMEOUT_MS} ms` };
      return {
        ok: false,
        problem: this.backend.problem(error) ?? this.ctx.writeProblem ?? 'unexpected database error',
      };
    }
  }

  /**
   * Commits a write of 64 KiB and deletes it again. It must commit: a rolled-back write may never
   * reach the file, and so never meet a full disk.
   */
  private async writeProbe(): Promise<void> {
    const id = randomInt(1, 2 ** 31);
    await this.backend.transaction(async (trx) => {
      await trx
        .insertInto('store_probe')
        .values({ id, payload: 'x'.repeat(65_536) })
        .execute();
    });
    await this.ctx.db.deleteFrom('store_probe').where('id', '=', id).execute();
  }

  async close(): Promise<void> {
    if (this.ctx.closed) return;
    this.ctx.closed = true;
    if (this.pruneTimer !== undefined) clearInterval(this.pruneTimer);
    await this.backend.close();
  }
}
