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
  toRoute,
  toSalesDecision,
  toSalesDecisionEntry,
  toSignal,
  toSlaTimer,
  toSnapshot,
  toTransition,
  toWeeklyReport,
} from './rows.js';
import type { Database } from './schema.js';
import {
  StoreNotFoundError,
  type AcceptEventsResult,
  type ContactId,
  type ContactSnapshot,
  type DeadLetter,
  type DecisionSettlement,
  type EnqueueRequest,
  type EvaluationRecord,
  type ModelVersionRecord,
  type Page,
  type PendingCallback,
  type PortalId,
  type QueueStats,
  type RateBudget,
  type RecordSignalResult,
  type RouteRecord,
  type SalesDecisionEntry,
  type SalesDecisionRecord,
  type SalesDecisionRequest,
  type SignalRecord,
  type SlaKind,
  type SlaTimer,
  type Store,
  type StoreHealth,
  type TransitionRecord,
  type WebhookEventRecord,
  type WeeklyReportRecord,
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
        const decisions: SalesDecisionRequest[] = [];
        const transitions: TransitionRecord[] = [];
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
            if (!e.enqueue && !e.decision && !e.transitions?.length) continue;
            const key = keyOf({
              portal_id: e.portalId,
              event_id: e.eventId,
              subscription_id: e.subscriptionId,
              object_id: e.objectId,
              occurred_at: e.occurredAt,
              property_name: e.propertyName ?? '',
            });
            if (!insertedKeys.has(key)) continue;
            insertedKeys.delete(key); // a copy of the event later in the batch is a duplicate
            if (e.enqueue) fresh.push(e.enqueue);
            if (e.decision) decisions.push(e.decision);
            if (e.transitions) transitions.push(...e.transitions);
          }
        }
        for (const d of decisions) await insertDecision(trx, d, 'pending');
        await insertTransitions(trx, transitions);
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
    return this.run('recordSalesDecision', () => insertDecision(this.db, decision, 'applied'));
  }

  salesDecisions(portalId: PortalId, from: number, to: number): Promise<SalesDecisionRecord[]> {
    return this.read('salesDecisions', async () => {
      const rows = await this.db
        .selectFrom('sales_decisions')
        .selectAll()
        .where('portal_id', '=', portalId)
        .where('status', '=', 'applied')
        .where('decided_at', '>=', from)
        .where('decided_at', '<', to)
        .orderBy('decided_at')
        .orderBy('idempotency_key')
        .execute();
      return rows.map(toSalesDecision);
    });
  }

  startSlaTimer(timer: Omit<SlaTimer, 'closedAt' | 'outcome'>): Promise<void> {
    return this.run('startSlaTimer', () => startTimers(this.db, [timer]));
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

  // Feedback loop (0003) ----------------------------------------------------------------------

  requestSalesDecision(decision: SalesDecisionRequest, enqueue?: EnqueueRequest): Promise<boolean> {
    const now = this.options.now();
    return this.run('requestSalesDecision', () =>
      this.backend.transaction(async (trx) => {
        const created = await insertDecision(trx, decision, 'pending');
        if (created && enqueue !== undefined) await queue.enqueueWork(trx, [enqueue], now);
        return created;
      }),
    );
  }

  salesDecision(portalId: PortalId, idempotencyKey: string): Promise<SalesDecisionEntry | null> {
    return this.read('salesDecision', async () => {
      const row = await this.db
        .selectFrom('sales_decisions')
        .selectAll()
        .where('portal_id', '=', portalId)
        .where('idempotency_key', '=', idempotencyKey)
        .executeTakeFirst();
      return row === undefined ? null : toSalesDecisionEntry(row);
    });
  }

  pendingSalesDecisions(portalId: PortalId, contactIds: readonly ContactId[]): Promise<SalesDecisionEntry[]> {
    return this.read('pendingSalesDecisions', async () => {
      const out: SalesDecisionEntry[] = [];
      for (const part of chunks([...new Set(contactIds)])) {
        const rows = await this.db
          .selectFrom('sales_decisions')
          .selectAll()
          .where('portal_id', '=', portalId)
          .where('contact_id', 'in', part)
          .where('status', '=', 'pending')
          .execute();
        out.push(...rows.map(toSalesDecisionEntry));
      }
      return out.sort(
        (a, b) => a.decidedAt - b.decidedAt || a.idempotencyKey.localeCompare(b.idempotencyKey),
      );
    });
  }

  settleSalesDecisions(settlements: readonly DecisionSettlement[]): Promise<string[]> {
    if (settlements.length === 0) return Promise.resolve([]);
    return this.run('settleSalesDecisions', () =>
      this.backend.transaction(async (trx) => {
        const settled: string[] = [];
        for (const s of settlements) {
          const result = await trx
            .updateTable('sales_decisions')
            .set({ status: s.status, outcome: JSON.stringify(s.outcome), applied_at: s.at })
            .where('portal_id', '=', s.portalId)
            .where('idempotency_key', '=', s.idempotencyKey)
            .where('status', '=', 'pending')
            .executeTakeFirst();
          if (Number(result.numUpdatedRows) === 0) continue;
          settled.push(s.idempotencyKey);
          await insertTransitions(trx, s.transitions);
          for (const t of s.meetTimers) await meetTimer(trx, s.portalId, t.contactId, t.kind, t.at);
          await startTimers(trx, s.startTimers);
        }
        return settled;
      }),
    );
  }

  latestSalesDecisions(
    portalId: PortalId,
    contactIds: readonly ContactId[],
  ): Promise<Map<ContactId, SalesDecisionRecord>> {
    return this.read('latestSalesDecisions', async () => {
      const out = new Map<ContactId, SalesDecisionRecord>();
      for (const part of chunks([...new Set(contactIds)])) {
        const rows = await this.db
          .selectFrom('sales_decisions')
          .selectAll()
          .where('portal_id', '=', portalId)
          .where('contact_id', 'in', part)
          .where('status', '=', 'applied')
          .orderBy('decided_at')
          .orderBy('idempotency_key')
          .execute();
        for (const row of rows) out.set(row.contact_id, toSalesDecision(row));
      }
      return out;
    });
  }

  meetSlaTimer(portalId: PortalId, contactId: ContactId, kind: SlaKind, at: number): Promise<boolean> {
    return this.run('meetSlaTimer', () => meetTimer(this.db, portalId, contactId, kind, at));
  }

  slaTimersFor(portalId: PortalId, contactIds: readonly ContactId[]): Promise<SlaTimer[]> {
    return this.read('slaTimersFor', async () => {
      const out: SlaTimer[] = [];
      for (const part of chunks([...new Set(contactIds)])) {
        const rows = await this.db
          .selectFrom('sla_timers')
          .selectAll()
          .where('portal_id', '=', portalId)
          .where('contact_id', 'in', part)
          .orderBy('contact_id')
          .orderBy('kind')
          .execute();
        out.push(...rows.map(toSlaTimer));
      }
      return out;
    });
  }

  claimSlaBreaches(now: number, limit: number, leaseMs: number): Promise<SlaTimer[]> {
    if (limit <= 0) return Promise.resolve([]);
    return this.run('claimSlaBreaches', () =>
      this.backend.transaction(async (trx) => {
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
          .$if(this.kind === 'postgres', (q) => q.forUpdate().skipLocked())
          .execute();
        const owed = await trx
          .selectFrom('sla_timers')
          .selectAll()
          .where('outcome', '=', 'breached')
          .where('notified_at', 'is', null)
          .where((eb) => eb.or([eb('notify_lease_until', 'is', null), eb('notify_lease_until', '<', now)]))
          .orderBy('due_at')
          .limit(Math.max(0, limit - due.length))
          .$if(this.kind === 'postgres', (q) => q.forUpdate().skipLocked())
          .execute();
        const out: SlaTimer[] = [];
        for (const row of [...due, ...owed]) {
          const closedAt = row.closed_at === null ? now : Number(row.closed_at);
          await trx
            .updateTable('sla_timers')
            .set({ closed_at: closedAt, outcome: 'breached', notify_lease_until: now + leaseMs })
            .where('portal_id', '=', row.portal_id)
            .where('contact_id', '=', row.contact_id)
            .where('kind', '=', row.kind)
            .execute();
          out.push(toSlaTimer({ ...row, closed_at: closedAt, outcome: 'breached' }));
        }
        return out;
      }),
    );
  }

  markSlaBreachesNotified(
    timers: readonly Pick<SlaTimer, 'portalId' | 'contactId' | 'kind'>[],
    at: number,
  ): Promise<void> {
    if (timers.length === 0) return Promise.resolve();
    return this.run('markSlaBreachesNotified', () =>
      this.backend.transaction(async (trx) => {
        for (const t of timers)
          await trx
            .updateTable('sla_timers')
            .set({ notified_at: at, notify_lease_until: null })
            .where('portal_id', '=', t.portalId)
            .where('contact_id', '=', t.contactId)
            .where('kind', '=', t.kind)
            .where('outcome', '=', 'breached')
            .execute();
      }),
    );
  }

  saveRoutes(
    routes: readonly RouteRecord[],
    timers: readonly Omit<SlaTimer, 'closedAt' | 'outcome'>[],
  ): Promise<void> {
    if (routes.length === 0 && timers.length === 0) return Promise.resolve();
    return this.run('saveRoutes', () =>
      this.backend.transaction(async (trx) => {
        for (const part of chunks(dedupeBy(routes, (r) => [r.portalId, r.contactId]))) {
          await trx
            .insertInto('contact_routes')
            .values(
              part.map((r) => ({
                portal_id: r.portalId,
                contact_id: r.contactId,
                kind: r.kind,
                owner_id: r.ownerId,
                owner_source: r.ownerSource,
                why: r.why,
                contact_label: r.contactLabel,
                follow_up_sla_hours: r.followUpSlaHours,
                acceptance_sla_hours: r.acceptanceSlaHours,
                routed_at: r.routedAt,
                model_version: r.modelVersion,
                task_body: r.taskBody,
                task_id: r.taskId,
                task_lease_until: null,
              })),
            )
            .onConflict((oc) =>
              oc.columns(['portal_id', 'contact_id']).doUpdateSet({
                kind: sql<string>`excluded.kind`,
                owner_id: sql<string | null>`excluded.owner_id`,
                owner_source: sql<string>`excluded.owner_source`,
                why: sql<string>`excluded.why`,
                contact_label: sql<string>`excluded.contact_label`,
                follow_up_sla_hours: sql<number>`excluded.follow_up_sla_hours`,
                acceptance_sla_hours: sql<number>`excluded.acceptance_sla_hours`,
                routed_at: sql<number>`excluded.routed_at`,
                model_version: sql<string>`excluded.model_version`,
                task_body: sql<string>`excluded.task_body`,
                task_id: sql<string | null>`excluded.task_id`,
                task_lease_until: null,
              }),
            )
            .execute();
        }
        await startTimers(trx, timers);
      }),
    );
  }

  routesFor(portalId: PortalId, contactIds: readonly ContactId[]): Promise<Map<ContactId, RouteRecord>> {
    return this.read('routesFor', async () => {
      const out = new Map<ContactId, RouteRecord>();
      for (const part of chunks([...new Set(contactIds)])) {
        const rows = await this.db
          .selectFrom('contact_routes')
          .selectAll()
          .where('portal_id', '=', portalId)
          .where('contact_id', 'in', part)
          .execute();
        for (const row of rows) out.set(row.contact_id, toRoute(row));
      }
      return out;
    });
  }

  claimRoutesAwaitingTask(
    routedBefore: number,
    now: number,
    limit: number,
    leaseMs: number,
  ): Promise<RouteRecord[]> {
    if (limit <= 0) return Promise.resolve([]);
    return this.run('claimRoutesAwaitingTask', () =>
      this.backend.transaction(async (trx) => {
        const rows = await trx
          .selectFrom('contact_routes')
          .selectAll()
          .where('task_id', 'is', null)
          .where('owner_id', 'is not', null)
          .where('routed_at', '<', routedBefore)
          .where((eb) => eb.or([eb('task_lease_until', 'is', null), eb('task_lease_until', '<', now)]))
          .orderBy('routed_at')
          .limit(limit)
          .$if(this.kind === 'postgres', (q) => q.forUpdate().skipLocked())
          .execute();
        for (const row of rows)
          await trx
            .updateTable('contact_routes')
            .set({ task_lease_until: now + leaseMs })
            .where('portal_id', '=', row.portal_id)
            .where('contact_id', '=', row.contact_id)
            .execute();
        return rows.map(toRoute);
      }),
    );
  }

  markRouteTasks(
    tasks: readonly { portalId: PortalId; contactId: ContactId; taskId: string }[],
  ): Promise<void> {
    if (tasks.length === 0) return Promise.resolve();
    return this.run('markRouteTasks', () =>
      this.backend.transaction(async (trx) => {
        for (const t of tasks)
          await trx
            .updateTable('contact_routes')
            .set({ task_id: t.taskId, task_lease_until: null })
            .where('portal_id', '=', t.portalId)
            .where('contact_id', '=', t.contactId)
            .execute();
      }),
    );
  }

  takeRoundRobin(
    portalId: PortalId,
    pool: string,
    candidates: readonly string[],
    count: number,
  ): Promise<string[]> {
    if (candidates.length === 0 || count <= 0) return Promise.resolve([]);
    return this.run('takeRoundRobin', () =>
      this.backend.transaction(async (trx) => {
        await trx
          .insertInto('round_robin')
          .values({ portal_id: portalId, pool, last_owner_id: null })
          .onConflict((oc) => oc.columns(['portal_id', 'pool']).doNothing())
          .execute();
        const row = await trx
          .selectFrom('round_robin')
          .selectAll()
          .where('portal_id', '=', portalId)
          .where('pool', '=', pool)
          .$if(this.kind === 'postgres', (q) => q.forUpdate())
          .executeTakeFirstOrThrow();
        // Continue after the owner served last; an owner no longer in the list restarts the turn.
        const last = row.last_owner_id === null ? -1 : candidates.indexOf(row.last_owner_id);
        const owners = Array.from(
          { length: count },
          (_, i) => candidates[(last + 1 + i) % candidates.length]!,
        );
        await trx
          .updateTable('round_robin')
          .set({ last_owner_id: owners.at(-1) ?? null, turns: sql<number>`turns + ${count}` })
          .where('portal_id', '=', portalId)
          .where('pool', '=', pool)
          .execute();
        return owners;
      }),
    );
  }

  portalsWithSalesDecisions(from: number, to: number): Promise<PortalId[]> {
    return this.read('portalsWithSalesDecisions', async () => {
      const rows = await this.db
        .selectFrom('sales_decisions')
        .select('portal_id')
        .distinct()
        .where('status', '=', 'applied')
        .where('decided_at', '>=', from)
        .where('decided_at', '<', to)
        .orderBy('portal_id')
        .execute();
      return rows.map((r) => r.portal_id);
    });
  }

  claimWeeklyReport(
    report: Omit<WeeklyReportRecord, 'deliveredAt' | 'taskId'>,
    now: number,
    leaseMs: number,
  ): Promise<WeeklyReportRecord | null> {
    return this.run('claimWeeklyReport', () =>
      this.backend.transaction(async (trx) => {
        const inserted = await trx
          .insertInto('weekly_reports')
          .values({
            portal_id: report.portalId,
            week_start: report.weekStart,
            week_end: report.weekEnd,
            owner_id: report.ownerId,
            title: report.title,
            body: report.body,
            returned: report.returned,
            top_reasons: JSON.stringify(report.topReasons),
            created_at: report.createdAt,
            delivered_at: null,
            task_id: null,
            lease_until: now + leaseMs,
          })
          .onConflict((oc) => oc.columns(['portal_id', 'week_start']).doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0)
          return { ...report, deliveredAt: null, taskId: null };
        const row = await trx
          .selectFrom('weekly_reports')
          .selectAll()
          .where('portal_id', '=', report.portalId)
          .where('week_start', '=', report.weekStart)
          .$if(this.kind === 'postgres', (q) => q.forUpdate())
          .executeTakeFirstOrThrow();
        if (row.delivered_at !== null || (row.lease_until !== null && Number(row.lease_until) > now))
          return null;
        await trx
          .updateTable('weekly_reports')
          .set({ lease_until: now + leaseMs })
          .where('portal_id', '=', report.portalId)
          .where('week_start', '=', report.weekStart)
          .execute();
        // The stored text is what is sent: the report is made once per week.
        return toWeeklyReport(row);
      }),
    );
  }

  markWeeklyReportDelivered(
    portalId: PortalId,
    weekStart: number,
    at: number,
    taskId: string | null,
  ): Promise<void> {
    return this.run('markWeeklyReportDelivered', async () => {
      await this.db
        .updateTable('weekly_reports')
        .set({ delivered_at: at, task_id: taskId, lease_until: null })
        .where('portal_id', '=', portalId)
        .where('week_start', '=', weekStart)
        .execute();
    });
  }

  weeklyReports(portalId: PortalId): Promise<WeeklyReportRecord[]> {
    return this.read('weeklyReports', async () => {
      const rows = await this.db
        .selectFrom('weekly_reports')
        .selectAll()
        .where('portal_id', '=', portalId)
        .orderBy('week_start', 'desc')
        .execute();
      return rows.map(toWeeklyReport);
    });
  }

  contactSnapshots(
    portalId: PortalId,
    contactIds: readonly ContactId[],
  ): Promise<Map<ContactId, ContactSnapshot>> {
    return this.read('contactSnapshots', async () => {
      const out = new Map<ContactId, ContactSnapshot>();
      for (const part of chunks([...new Set(contactIds)])) {
        const rows = await this.db
          .selectFrom('contact_snapshots')
          .selectAll()
          .where('portal_id', '=', portalId)
          .where('contact_id', 'in', part)
          .execute();
        for (const row of rows) out.set(row.contact_id, toSnapshot(row));
      }
      return out;
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

/** What a restarted timer resets: it runs again from its new start, with no breach owed. */
const RESTART_TIMER = {
  started_at: sql<number>`excluded.started_at`,
  due_at: sql<number>`excluded.due_at`,
  closed_at: null,
  outcome: null,
  notified_at: null,
  notify_lease_until: null,
};

async function startTimers(
  db: Kysely<Database>,
  timers: readonly Omit<SlaTimer, 'closedAt' | 'outcome'>[],
): Promise<void> {
  for (const part of chunks(dedupeBy(timers, (t) => [t.portalId, t.contactId, t.kind]))) {
    await db
      .insertInto('sla_timers')
      .values(
        part.map((t) => ({
          portal_id: t.portalId,
          contact_id: t.contactId,
          kind: t.kind,
          started_at: t.startedAt,
          due_at: t.dueAt,
          closed_at: null,
          outcome: null,
          notified_at: null,
          notify_lease_until: null,
        })),
      )
      .onConflict((oc) => oc.columns(['portal_id', 'contact_id', 'kind']).doUpdateSet(RESTART_TIMER))
      .execute();
  }
}

async function meetTimer(
  db: Kysely<Database>,
  portalId: PortalId,
  contactId: ContactId,
  kind: SlaKind,
  at: number,
): Promise<boolean> {
  const result = await db
    .updateTable('sla_timers')
    .set({ closed_at: at, outcome: 'met' })
    .where('portal_id', '=', portalId)
    .where('contact_id', '=', contactId)
    .where('kind', '=', kind)
    .where('closed_at', 'is', null)
    .where('due_at', '>=', at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

async function insertDecision(
  db: Kysely<Database>,
  decision: SalesDecisionRecord & { source?: string; trigger?: string | null },
  status: 'pending' | 'applied',
): Promise<boolean> {
  const result = await db
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
      status,
      source: decision.source ?? null,
      trigger: decision.trigger ?? null,
      outcome: null,
      applied_at: status === 'applied' ? decision.decidedAt : null,
    })
    .onConflict((oc) => oc.columns(['portal_id', 'idempotency_key']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
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
