/**
 * The one implementation of the {@link Store} port, over Kysely: the same queries run on SQLite
 * and PostgreSQL, with the few dialect differences kept in the backends and the queue's claim.
 *
 * Every method translates "the database is unavailable" errors (full disk, lost connection) into
 * {@link StoreUnavailableError}, and remembers a failed write so that {@link SqlStore.health}
 * reports not-ready until a write succeeds again (a read-only probe cannot see a full disk).
 */
import { randomInt } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Backend, StoreLogger } from './backend.js';
import { toStoreError } from './errors.js';
import type { QualificationModelInput } from '../core/model.js';
import {
  toEvaluation,
  toModelVersion,
  toPendingCallback,
  toSalesDecision,
  toSignal,
  toSlaTimer,
  toSnapshot,
  toTransition,
} from './rows.js';
import type { Database } from './schema.js';
import {
  StoreNotFoundError,
  type AcceptEventsResult,
  type ContactId,
  type ContactSnapshot,
  type DeadLetter,
  type EnqueueRequest,
  type EvaluationRecord,
  type ModelVersionRecord,
  type Page,
  type PendingCallback,
  type PortalId,
  type QueueStats,
  type RateBudget,
  type RecordSignalResult,
  type SalesDecisionRecord,
  type SignalRecord,
  type SlaKind,
  type SlaTimer,
  type Store,
  type StoreHealth,
  type TransitionRecord,
  type WebhookEventRecord,
  type WorkItem,
} from './store.port.js';
import * as queue from './work-queue.js';

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
const CHUNK = 200;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

class HealthTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HealthTimeout(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** The {@link Store} over a {@link Backend}. Build it with `openStore`. */
export class SqlStore implements Store {
  readonly kind: 'sqlite' | 'postgres';
  private readonly db: Kysely<Database>;
  private writeProblem: string | null = null;
  private closed = false;
  private readonly pruneTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly backend: Backend,
    private readonly options: SqlStoreOptions,
  ) {
    this.kind = backend.kind;
    this.db = backend.db;
    const days = options.eventRetentionDays ?? 0;
    if (days > 0) {
      const prune = () => {
        this.pruneEvents(options.now() - days * DAY_MS).catch((error: unknown) => {
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

  private async run<T>(what: string, fn: () => Promise<T>, write = true): Promise<T> {
    try {
      const result = await fn();
      if (write) this.writeProblem = null;
      return result;
    } catch (error) {
      const problem = this.closed ? 'store closed' : this.backend.problem(error);
      if (problem !== null && write) this.writeProblem = problem;
      throw toStoreError(error, problem, what, this.backend.label);
    }
  }

  private read<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return this.run(what, fn, false);
  }

  // Webhooks ---------------------------------------------------------------------------------

  acceptEvents(
    events: readonly WebhookEventRecord[],
    enqueue: readonly EnqueueRequest[] = [],
  ): Promise<AcceptEventsResult> {
    const now = this.options.now();
    const keyOf = (e: {
      portal_id: string;
      event_id: string;
      subscription_id: string;
      object_id: string;
      occurred_at: number | string | bigint;
      property_name: string;
    }) =>
      [e.portal_id, e.event_id, e.subscription_id, e.object_id, String(e.occurred_at), e.property_name].join(
        '\u0000',
      );
    return this.run('acceptEvents', () =>
      this.backend.transaction(async (trx) => {
        let accepted = 0;
        const fresh: EnqueueRequest[] = [];
        for (const part of chunks(events)) {
          const inserted = await trx
            .insertInto('webhook_events')
            .values(
              part.map((e) => ({
                portal_id: e.portalId,
                event_id: e.eventId,
                subscription_id: e.subscriptionId,
                object_id: e.objectId,
                occurred_at: e.occurredAt,
                property_name: e.propertyName ?? '',
                subscription_type: e.subscriptionType,
                property_value: e.propertyValue,
                change_source: e.changeSource,
                source_id: e.sourceId,
                attempt_number: e.attemptNumber,
                raw: e.raw,
                received_at: e.receivedAt,
              })),
            )
            .onConflict((oc) =>
              oc
                .columns([
                  'portal_id',
                  'event_id',
                  'subscription_id',
                  'object_id',
                  'occurred_at',
                  'property_name',
                ])
                .doNothing(),
            )
            .returning([
              'portal_id',
              'event_id',
              'subscription_id',
              'object_id',
              'occurred_at',
              'property_name',
            ])
            .execute();
          accepted += inserted.length;
          // Work rides on new events only: a duplicate delivery was already queued the first time.
          const insertedKeys = new Set(inserted.map(keyOf));
          for (const e of part) {
            if (!e.enqueue) continue;
            const key = keyOf({
              portal_id: e.portalId,
              event_id: e.eventId,
              subscription_id: e.subscriptionId,
              object_id: e.objectId,
              occurred_at: e.occurredAt,
              property_name: e.propertyName ?? '',
            });
            if (insertedKeys.has(key)) fresh.push(e.enqueue);
          }
        }
        const requests = [...enqueue, ...fresh];
        const enqueued = requests.length > 0 ? await queue.enqueueWork(trx, requests, now) : 0;
        return { accepted, duplicates: events.length - accepted, enqueued };
      }),
    );
  }

  pruneEvents(before: number): Promise<number> {
    return this.run('pruneEvents', async () => {
      const result = await this.db
        .deleteFrom('webhook_events')
        .where('received_at', '<', before)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }

  // Signals ----------------------------------------------------------------------------------

  recordSignal(signal: SignalRecord, enqueue?: EnqueueRequest): Promise<RecordSignalResult> {
    const now = this.options.now();
    return this.run('recordSignal', () =>
      this.backend.transaction(async (trx) => {
        const result = await trx
          .insertInto('signals')
          .values({
            portal_id: signal.portalId,
            idempotency_key: signal.idempotencyKey,
            contact_id: signal.contactId,
            type: signal.type,
            occurred_at: signal.occurredAt,
            source: signal.source,
            recorded_at: signal.recordedAt,
          })
          .onConflict((oc) => oc.columns(['portal_id', 'idempotency_key']).doNothing())
          .executeTakeFirst();
        if (Number(result.numInsertedOrUpdatedRows ?? 0n) > 0) {
          if (enqueue !== undefined) await queue.enqueueWork(trx, [enqueue], now);
          return { created: true, signal };
        }
        const existing = await trx
          .selectFrom('signals')
          .selectAll()
          .where('portal_id', '=', signal.portalId)
          .where('idempotency_key', '=', signal.idempotencyKey)
          .executeTakeFirstOrThrow();
        return { created: false, signal: toSignal(existing) };
      }),
    );
  }

  signalsFor(
    portalId: PortalId,
    contactIds: readonly ContactId[],
    since: number,
  ): Promise<Map<ContactId, SignalRecord[]>> {
    return this.read('signalsFor', async () => {
      const byContact = new Map<ContactId, SignalRecord[]>(contactIds.map((id) => [id, []]));
      for (const part of chunks([...new Set(contactIds)])) {
        const rows = await this.db
          .selectFrom('signals')
          .selectAll()
          .where('portal_id', '=', portalId)
          .where('contact_id', 'in', part)
          .where('occurred_at', '>=', since)
          .orderBy('occurred_at')
          .orderBy('recorded_at')
          .execute();
        for (const row of rows) byContact.get(row.contact_id)?.push(toSignal(row));
      }
      return byContact;
    });
  }

  // Queue ------------------------------------------------------------------------------------

  enqueue(requests: readonly EnqueueRequest[]): Promise<number> {
    const now = this.options.now();
    return this.run('enqueue', () =>
      this.backend.transaction((trx) => queue.enqueueWork(trx, requests, now)),
    );
  }

  claim(workerId: string, limit: number, leaseMs: number, now: number): Promise<WorkItem[]> {
    return this.run('claim', () =>
      this.backend.transaction((trx) => queue.claimWork(trx, this.kind, workerId, limit, leaseMs, now)),
    );
  }

  complete(items: readonly WorkItem[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    const now = this.options.now();
    return this.run('complete', () => this.backend.transaction((trx) => queue.completeWork(trx, items, now)));
  }

  fail(item: WorkItem, error: string, retryAt: number | null, now: number): Promise<void> {
    return this.run('fail', () =>
      this.backend.transaction((trx) => queue.failWork(trx, item, error, retryAt, now)),
    );
  }

  release(items: readonly WorkItem[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    const now = this.options.now();
    return this.run('release', () => this.backend.transaction((trx) => queue.releaseWork(trx, items, now)));
  }

  queueStats(): Promise<QueueStats> {
    return this.read('queueStats', () => queue.queueStats(this.db));
  }

  deadLetters(portalId?: PortalId): Promise<DeadLetter[]> {
    return this.read('deadLetters', () => queue.deadLetters(this.db, portalId));
  }

  replayDeadLetter(id: string, now: number): Promise<boolean> {
    return this.run('replayDeadLetter', () =>
      this.backend.transaction((trx) => queue.replayDeadLetter(trx, id, now)),
    );
  }

  // Snapshots and evaluations -----------------------------------------------------------------

  saveSnapshots(snapshots: readonly ContactSnapshot[]): Promise<void> {
    if (snapshots.length === 0) return Promise.resolve();
    return this.run('saveSnapshots', () =>
      this.backend.transaction(async (trx) => {
        for (const part of chunks(dedupeBy(snapshots, (s) => [s.portalId, s.contactId]))) {
          await trx
            .insertInto('contact_snapshots')
            .values(
              part.map((s) => ({
                portal_id: s.portalId,
                contact_id: s.contactId,
                properties: JSON.stringify(s.properties),
                company: s.company === null ? null : JSON.stringify(s.company),
                read_at: s.readAt,
              })),
            )
            .onConflict((oc) =>
              oc.columns(['portal_id', 'contact_id']).doUpdateSet({
                properties: sql<string>`excluded.properties`,
                company: sql<string | null>`excluded.company`,
                read_at: sql<number>`excluded.read_at`,
              }),
            )
            .execute();
        }
      }),
    );
  }

  snapshots(portalId: PortalId, cursor: string | null, limit: number): Promise<Page<ContactSnapshot>> {
    return this.read('snapshots', async () => {
      const rows = await this.db
        .selectFrom('contact_snapshots')
        .selectAll()
        .where('portal_id', '=', portalId)
        .$if(cursor !== null, (q) => q.where('contact_id', '>', cursor ?? ''))
        .orderBy('contact_id')
        .limit(limit + 1)
        .execute();
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(toSnapshot),
        next: rows.length > limit && last !== undefined ? last.contact_id : null,
      };
    });
  }

  saveEvaluations(
    evaluations: readonly EvaluationRecord[],
    transitions: readonly TransitionRecord[],
  ): Promise<void> {
    return this.run('saveEvaluations', () =>
      this.backend.transaction(async (trx) => {
        for (const part of chunks(dedupeBy(evaluations, (e) => [e.portalId, e.contactId]))) {
          await trx
            .insertInto('evaluations')
            .values(
              part.map((e) => ({
                portal_id: e.portalId,
                contact_id: e.contactId,
                model_version: e.modelVersion,
                fit_score: e.fitScore,
                intent_score: e.intentScore,
                qualification: e.qualification,
                disqualification_id: e.disqualificationId,
                lifecycle_stage: e.lifecycleStage,
                lead_status: e.leadStatus,
                route: e.route,
                explanation: JSON.stringify(e.explanation),
                evaluated_at: e.evaluatedAt,
              })),
            )
            .onConflict((oc) =>
              oc.columns(['portal_id', 'contact_id']).doUpdateSet({
                model_version: sql<string>`excluded.model_version`,
                fit_score: sql<number>`excluded.fit_score`,
                intent_score: sql<number>`excluded.intent_score`,
                qualification: sql<string>`excluded.qualification`,
                disqualification_id: sql<string | null>`excluded.disqualification_id`,
                lifecycle_stage: sql<string | null>`excluded.lifecycle_stage`,
                lead_status: sql<string | null>`excluded.lead_status`,
                route: sql<string | null>`excluded.route`,
                explanation: sql<string>`excluded.explanation`,
                evaluated_at: sql<number>`excluded.evaluated_at`,
              }),
            )
            .execute();
        }
        await insertTransitions(trx, transitions);
      }),
    );
  }

  latestEvaluations(
    portalId: PortalId,
    contactIds: readonly ContactId[],
  ): Promise<Map<ContactId, EvaluationRecord>> {
    return this.read('latestEvaluations', async () => {
      const out = new Map<ContactId, EvaluationRecord>();
      for (const part of chunks([...new Set(contactIds)])) {
        const rows = await this.db
          .selectFrom('evaluations')
          .selectAll()
          .where('portal_id', '=', portalId)
          .where('contact_id', 'in', part)
          .execute();
        for (const row of rows) out.set(row.contact_id, toEvaluation(row));
      }
      return out;
    });
  }

  recordTransitions(transitions: readonly TransitionRecord[]): Promise<void> {
    if (transitions.length === 0) return Promise.resolve();
    return this.run('recordTransitions', () =>
      this.backend.transaction((trx) => insertTransitions(trx, transitions)),
    );
  }

  transitions(portalId: PortalId, from: number, to: number): Promise<TransitionRecord[]> {
    return this.read('transitions', async () => {
      const rows = await this.db
        .selectFrom('transitions')
        .selectAll()
        .where('portal_id', '=', portalId)
        .where('at', '>=', from)
        .where('at', '<', to)
        .orderBy('at')
        .orderBy('seq')
        .execute();
      return rows.map(toTransition);
    });
  }

  // Models -----------------------------------------------------------------------------------

  async saveDraft(
    portalId: PortalId,
    model: QualificationModelInput,
    createdBy: string,
    now: number,
  ): Promise<ModelVersionRecord> {
    // Two instances saving at once may pick the same number on PostgreSQL: the loser tries again.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.run('saveDraft', () =>
          this.backend.transaction(async (trx) => {
            const top = await trx
              .selectFrom('model_versions')
              .select((eb) => eb.fn.max('version').as('version'))
              .where('portal_id', '=', portalId)
              .executeTakeFirst();
            const row = {
              portal_id: portalId,
              version: Number(top?.version ?? 0) + 1,
              status: 'draft',
              model: JSON.stringify(model),
              created_by: createdBy,
              created_at: now,
              published_by: null,
              published_at: null,
              agreed_by: null,
              note: null,
            };
            await trx.insertInto('model_versions').values(row).execute();
            return toModelVersion(row);
          }),
        );
      } catch (error) {
        if (attempt >= 5 || !isUniqueViolation(error)) throw error;
      }
    }
  }

  publish(
    portalId: PortalId,
    version: number,
    by: { publishedBy: string; agreedBy?: string | null; note?: string | null },
    now: number,
  ): Promise<ModelVersionRecord> {
    return this.run('publish', () =>
      this.backend.transaction(async (trx) => {
        // On PostgreSQL, lock the portal's versions so two publishes cannot both leave theirs published.
        const versions = await trx
          .selectFrom('model_versions')
          .select(['version', 'status'])
          .where('portal_id', '=', portalId)
          .$if(this.kind === 'postgres', (q) => q.forUpdate())
          .execute();
        const target = versions.find((v) => Number(v.version) === version);
        if (target === undefined) {
          throw new StoreNotFoundError(`portal ${portalId} has no model version ${version}`);
        }
        if (target.status !== 'published') {
          await trx
            .updateTable('model_versions')
            .set({ status: 'archived' })
            .where('portal_id', '=', portalId)
            .where('status', '=', 'published')
            .execute();
          await trx
            .updateTable('model_versions')
            .set({
              status: 'published',
              published_by: by.publishedBy,
              published_at: now,
              agreed_by: by.agreedBy ?? null,
              note: by.note ?? null,
            })
            .where('portal_id', '=', portalId)
            .where('version', '=', version)
            .execute();
        }
        const row = await trx
          .selectFrom('model_versions')
          .selectAll()
          .where('portal_id', '=', portalId)
          .where('version', '=', version)
          .executeTakeFirstOrThrow();
        return toModelVersion(row);
      }),
    );
  }

  publishedModel(portalId: PortalId): Promise<ModelVersionRecord | null> {
    return this.read('publishedModel', async () => {
      const row = await this.db
        .selectFrom('model_versions')
        .selectAll()
        .where('portal_id', '=', portalId)
        .where('status', '=', 'published')
        .executeTakeFirst();
      return row === undefined ? null : toModelVersion(row);
    });
  }

  modelVersions(portalId: PortalId): Promise<ModelVersionRecord[]> {
    return this.read('modelVersions', async () => {
      const rows = await this.db
        .selectFrom('model_versions')
        .selectAll()
        .where('portal_id', '=', portalId)
        .orderBy('version')
        .execute();
      return rows.map(toModelVersion);
    });
  }

  modelVersion(portalId: PortalId, version: number): Promise<ModelVersionRecord | null> {
    return this.read('modelVersion', async () => {
      const row = await this.db
        .selectFrom('model_versions')
        .selectAll()
        .where('portal_id', '=', portalId)
        .where('version', '=', version)
        .executeTakeFirst();
      return row === undefined ? null : toModelVersion(row);
    });
  }

  // Workflow-action callbacks ----------------------------------------------------------------

  addPendingCallback(callback: PendingCallback): Promise<void> {
    return this.run('addPendingCallback', async () => {
      await this.db
        .insertInto('pending_callbacks')
        .values({
          callback_id: callback.callbackId,
          portal_id: callback.portalId,
          contact_id: callback.contactId,
          action: callback.action,
          created_at: callback.createdAt,
          completed_at: callback.completedAt,
        })
        .onConflict((oc) => oc.column('callback_id').doNothing())
        .execute();
    });
  }

  pendingCallbacks(portalId: PortalId, contactIds: readonly ContactId[]): Promise<PendingCallback[]> {
    return this.read('pendingCallbacks', async () => {
      const out: PendingCallback[] = [];
      for (const part of chunks([...new Set(contactIds)])) {
        const rows = await this.db
          .selectFrom('pending_callbacks')
          .selectAll()
          .where('portal_id', '=', portalId)
          .where('contact_id', 'in', part)
          .where('completed_at', 'is', null)
          .orderBy('created_at')
          .orderBy('callback_id')
          .execute();
        out.push(...rows.map(toPendingCallback));
      }
      return out;
    });
  }

  completeCallbacks(callbackIds: readonly string[], now: number): Promise<void> {
    if (callbackIds.length === 0) return Promise.resolve();
    return this.run('completeCallbacks', () =>
      this.backend.transaction(async (trx) => {
        for (const part of chunks(callbackIds)) {
          await trx
            .updateTable('pending_callbacks')
            .set({ completed_at: now })
            .where('callback_id', 'in', part)
            .where('completed_at', 'is', null)
            .execute();
        }
      }),
    );
  }

  // Feedback loop ----------------------------------------------------------------------------

  recordSalesDecision(decision: SalesDecisionRecord): Promise<boolean> {
    return this.run('recordSalesDecision', async () => {
      const result = await this.db
        .insertInto('sales_decisions')
        .values({
          portal_id: decision.portalId,
          idempotency_key: decision.idempotencyKey,
          contact_id: decision.contactId,
          decision: decision.decision,
          reason: decision.reason,
          note: decision.note,
          decided_by: decision.decidedBy,
          decided_at: decision.decidedAt,
        })
        .onConflict((oc) => oc.columns(['portal_id', 'idempotency_key']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
    });
  }

  salesDecisions(portalId: PortalId, from: number, to: number): Promise<SalesDecisionRecord[]> {
    return this.read('salesDecisions', async () => {
      const rows = await this.db
        .selectFrom('sales_decisions')
        .selectAll()
        .where('portal_id', '=', portalId)
        .where('decided_at', '>=', from)
        .where('decided_at', '<', to)
        .orderBy('decided_at')
        .orderBy('idempotency_key')
        .execute();
      return rows.map(toSalesDecision);
    });
  }

  startSlaTimer(timer: Omit<SlaTimer, 'closedAt' | 'outcome'>): Promise<void> {
    return this.run('startSlaTimer', async () => {
      await this.db
        .insertInto('sla_timers')
        .values({
          portal_id: timer.portalId,
          contact_id: timer.contactId,
          kind: timer.kind,
          started_at: timer.startedAt,
          due_at: timer.dueAt,
          closed_at: null,
          outcome: null,
        })
        .onConflict((oc) =>
          oc.columns(['portal_id', 'contact_id', 'kind']).doUpdateSet({
            started_at: sql<number>`excluded.started_at`,
            due_at: sql<number>`excluded.due_at`,
            closed_at: null,
            outcome: null,
          }),
        )
        .execute();
    });
  }

  closeSlaTimer(
    portalId: PortalId,
    contactId: ContactId,
    kind: SlaKind,
    outcome: 'met' | 'breached' | 'cancelled',
    at: number,
  ): Promise<void> {
    return this.run('closeSlaTimer', async () => {
      await this.db
        .updateTable('sla_timers')
        .set({ closed_at: at, outcome })
        .where('portal_id', '=', portalId)
        .where('contact_id', '=', contactId)
        .where('kind', '=', kind)
        .where('closed_at', 'is', null)
        .execute();
    });
  }

  dueSlaTimers(now: number, limit: number): Promise<SlaTimer[]> {
    return this.read('dueSlaTimers', async () => {
      const rows = await this.db
        .selectFrom('sla_timers')
        .selectAll()
        .where('closed_at', 'is', null)
        .where('due_at', '<=', now)
        .orderBy('due_at')
        .limit(limit)
        .execute();
      return rows.map(toSlaTimer);
    });
  }

  slaTimers(portalId: PortalId, from: number, to: number): Promise<SlaTimer[]> {
    return this.read('slaTimers', async () => {
      const rows = await this.db
        .selectFrom('sla_timers')
        .selectAll()
        .where('portal_id', '=', portalId)
        .where('started_at', '>=', from)
        .where('started_at', '<', to)
        .orderBy('started_at')
        .orderBy('contact_id')
        .execute();
      return rows.map(toSlaTimer);
    });
  }

  // Rate budget ------------------------------------------------------------------------------

  rateBudget(limit: { points: number; windowMs: number; key?: string }): RateBudget {
    return this.backend.rateBudget(limit);
  }

  // Operations -------------------------------------------------------------------------------

  async health(): Promise<StoreHealth> {
    if (this.closed) return { ok: false, problem: 'store closed' };
    try {
      await withTimeout(sql`select 1`.execute(this.db), HEALTH_TIMEOUT_MS);
      // A read cannot see a full disk: after a failed write, only a committed write clears it.
      if (this.writeProblem !== null) await withTimeout(this.writeProbe(), HEALTH_TIMEOUT_MS);
      this.writeProblem = null;
      return { ok: true };
    } catch (error) {
      if (error instanceof HealthTimeout)
        return { ok: false, problem: `database did not answer within ${HEALTH_TIMEOUT_MS} ms` };
      return {
        ok: false,
        problem: this.backend.problem(error) ?? this.writeProblem ?? 'unexpected database error',
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
    await this.db.deleteFrom('store_probe').where('id', '=', id).execute();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.pruneTimer !== undefined) clearInterval(this.pruneTimer);
    await this.backend.close();
  }
}

function dedupeBy<T>(items: readonly T[], key: (item: T) => readonly string[]): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) byKey.set(JSON.stringify(key(item)), item);
  return [...byKey.values()];
}

async function insertTransitions(
  db: Kysely<Database>,
  transitions: readonly TransitionRecord[],
): Promise<void> {
  for (const part of chunks(transitions)) {
    await db
      .insertInto('transitions')
      .values(
        part.map((t) => ({
          portal_id: t.portalId,
          contact_id: t.contactId,
          kind: t.kind,
          from_state: t.from,
          to_state: t.to,
          at: t.at,
          model_version: t.modelVersion,
          cause: t.cause,
          details: t.details === undefined ? null : JSON.stringify(t.details),
        })),
      )
      .execute();
  }
}
