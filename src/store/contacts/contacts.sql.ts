/**
 * The contact aggregate's SQL (the {@link ContactStore} port): signals, snapshots, evaluations and
 * transitions; and `insertTransitions`, which the aggregates that record transitions (events,
 * decisions) call inside their own transactions.
 */
import { sql, type Kysely } from 'kysely';
import type { EnqueueRequest } from '../queue/queue.port.js';
import { enqueueWork } from '../queue/queue.sql.js';
import type { Database } from '../schema.js';
import type { SqlContext } from '../sql/context.js';
import {
  byContact,
  chunks,
  dedupeBy,
  fromExcluded,
  removeFromTable,
  rowsOfContacts,
  selectWhere,
  upsert,
  within,
} from '../sql/queries.js';
import type { ContactId, ContactRemoval, Page, PortalId } from '../store.port.js';
import type {
  ContactSnapshot,
  ContactStore,
  EvaluationRecord,
  RecordSignalResult,
  SignalRecord,
  TransitionRecord,
} from './contacts.port.js';
import {
  evaluationRow,
  snapshotRow,
  toEvaluation,
  toSignal,
  toSnapshot,
  toTransition,
  transitionRow,
} from './contacts.rows.js';

/** Records transitions in the caller's transaction. */
export async function insertTransitions(
  db: Kysely<Database>,
  transitions: readonly TransitionRecord[],
): Promise<void> {
  for (const part of chunks(transitions)) {
    await db.insertInto('transitions').values(part.map(transitionRow)).execute();
  }
}

/**
 * Applies a removal to the contact aggregate, in the caller's transaction. Transitions hold no
 * personal data and the funnel is computed from them, so a `deleted` contact keeps them; an
 * `erased` one does not.
 */
export async function removeContactDataOf(db: Kysely<Database>, removal: ContactRemoval): Promise<void> {
  await removeFromTable(db, 'signals', removal, { many: true });
  await removeFromTable(db, 'contact_snapshots', removal, { newest: 'read_at' });
  await removeFromTable(db, 'evaluations', removal, { newest: 'evaluated_at' });
  if (removal.kind !== 'deleted') await removeFromTable(db, 'transitions', removal, { many: true });
}

/** One row per contact: the last given wins. */
const contactKey = (r: { portalId: PortalId; contactId: ContactId }) => [r.portalId, r.contactId];

/** The {@link ContactStore} over SQL. */
export class SqlContactStore implements ContactStore {
  constructor(private readonly ctx: SqlContext) {}

  recordSignal(signal: SignalRecord, enqueue?: EnqueueRequest): Promise<RecordSignalResult> {
    const now = this.ctx.now();
    return this.ctx.transact('recordSignal', async (trx) => {
      const key = { portal_id: signal.portalId, idempotency_key: signal.idempotencyKey };
      const result = await trx
        .insertInto('signals')
        .values({
          ...key,
          contact_id: signal.contactId,
          type: signal.type,
          occurred_at: signal.occurredAt,
          source: signal.source,
          recorded_at: signal.recordedAt,
        })
        .onConflict((oc) => oc.columns(['portal_id', 'idempotency_key']).doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0n) > 0) {
        if (enqueue !== undefined) await enqueueWork(trx, [enqueue], now);
        return { created: true, signal };
      }
      const existing = await selectWhere(trx, 'signals', key).executeTakeFirstOrThrow();
      return { created: false, signal: toSignal(existing) };
    });
  }

  recordSignals(signals: readonly SignalRecord[], enqueueReason?: string): Promise<Set<string>> {
    if (signals.length === 0) return Promise.resolve(new Set());
    const now = this.ctx.now();
    return this.ctx.transact('recordSignals', async (trx) => {
      const created = new Set<string>();
      const enqueue: EnqueueRequest[] = [];
      const unique = dedupeBy(signals, (s) => [s.portalId, s.idempotencyKey]);
      for (const part of chunks(unique)) {
        const rows = await trx
          .insertInto('signals')
          .values(
            part.map((s) => ({
              portal_id: s.portalId,
              idempotency_key: s.idempotencyKey,
              contact_id: s.contactId,
              type: s.type,
              occurred_at: s.occurredAt,
              source: s.source,
              recorded_at: s.recordedAt,
            })),
          )
          .onConflict((oc) => oc.columns(['portal_id', 'idempotency_key']).doNothing())
          .returning(['portal_id', 'idempotency_key', 'contact_id'])
          .execute();
        for (const row of rows) {
          created.add(row.idempotency_key);
          if (enqueueReason !== undefined)
            enqueue.push({ portalId: row.portal_id, contactId: row.contact_id, reason: enqueueReason });
        }
      }
      if (enqueue.length > 0) await enqueueWork(trx, enqueue, now);
      return created;
    });
  }

  signalsFor(
    portalId: PortalId,
    contactIds: readonly ContactId[],
    since: number,
  ): Promise<Map<ContactId, SignalRecord[]>> {
    return this.ctx.read('signalsFor', async () => {
      const byContact = new Map<ContactId, SignalRecord[]>(contactIds.map((id) => [id, []]));
      const rows = await rowsOfContacts(this.ctx.db, 'signals', portalId, contactIds, (q) =>
        q.where('occurred_at', '>=', since).orderBy('occurred_at').orderBy('recorded_at'),
      );
      for (const row of rows) byContact.get(row.contact_id)?.push(toSignal(row));
      return byContact;
    });
  }

  saveSnapshots(snapshots: readonly ContactSnapshot[]): Promise<void> {
    if (snapshots.length === 0) return Promise.resolve();
    return this.ctx.transact('saveSnapshots', async (trx) => {
      const rows = dedupeBy(snapshots, contactKey).map(snapshotRow);
      const update = fromExcluded('contact_snapshots', ['properties', 'company', 'read_at']);
      await upsert(trx, 'contact_snapshots', rows, ['portal_id', 'contact_id'], update);
    });
  }

  snapshotPage(portalId: PortalId, cursor: string | null, limit: number): Promise<Page<ContactSnapshot>> {
    return this.ctx.read('snapshots', async () => {
      const rows = await selectWhere(this.ctx.db, 'contact_snapshots', { portal_id: portalId })
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

  snapshotsOf(
    portalId: PortalId,
    contactIds: readonly ContactId[],
  ): Promise<Map<ContactId, ContactSnapshot>> {
    return byContact(this.ctx, 'contactSnapshots', 'contact_snapshots', portalId, contactIds, toSnapshot);
  }

  contactsOfCompanies(portalId: PortalId, companyIds: readonly string[]): Promise<Map<string, ContactId[]>> {
    return this.ctx.read('contactsOfCompanies', async () => {
      const out = new Map<string, ContactId[]>(companyIds.map((id) => [id, []]));
      if (companyIds.length === 0) return out;
      // Snapshot properties are JSON text on both databases.
      const companyOf =
        this.ctx.kind === 'postgres'
          ? sql<string | null>`(properties::jsonb ->> 'associatedcompanyid')`
          : sql<string | null>`json_extract(properties, '$.associatedcompanyid')`;
      for (const part of chunks([...new Set(companyIds)])) {
        const rows = await this.ctx.db
          .selectFrom('contact_snapshots')
          .select(['contact_id', companyOf.as('company_id')])
          .where('portal_id', '=', portalId)
          .where(companyOf, 'in', part)
          .orderBy('contact_id')
          .execute();
        for (const row of rows) if (row.company_id !== null) out.get(row.company_id)?.push(row.contact_id);
      }
      return out;
    });
  }

  saveEvaluations(
    evaluations: readonly EvaluationRecord[],
    transitions: readonly TransitionRecord[],
  ): Promise<void> {
    return this.ctx.transact('saveEvaluations', async (trx) => {
      const rows = dedupeBy(evaluations, contactKey).map(evaluationRow);
      const update = fromExcluded('evaluations', [
        'model_version',
        'fit_score',
        'intent_score',
        'qualification',
        'disqualification_id',
        'lifecycle_stage',
        'lead_status',
        'route',
        'explanation',
        'evaluated_at',
        'next_change_at',
      ]);
      await upsert(trx, 'evaluations', rows, ['portal_id', 'contact_id'], update);
      await insertTransitions(trx, transitions);
    });
  }

  latestEvaluations(
    portalId: PortalId,
    contactIds: readonly ContactId[],
  ): Promise<Map<ContactId, EvaluationRecord>> {
    return byContact(this.ctx, 'latestEvaluations', 'evaluations', portalId, contactIds, toEvaluation);
  }

  recordTransitions(transitions: readonly TransitionRecord[]): Promise<void> {
    if (transitions.length === 0) return Promise.resolve();
    return this.ctx.transact('recordTransitions', (trx) => insertTransitions(trx, transitions));
  }

  transitions(portalId: PortalId, from: number, to: number): Promise<TransitionRecord[]> {
    return this.ctx.read('transitions', async () => {
      const inPeriod = selectWhere(
        this.ctx.db,
        'transitions',
        { portal_id: portalId },
        within('at', from, to),
      );
      const rows = await inPeriod.orderBy('at').orderBy('seq').execute();
      return rows.map(toTransition);
    });
  }

  removeContacts(removal: ContactRemoval): Promise<void> {
    return this.ctx.transact('removeContacts', (trx) => removeContactDataOf(trx, removal));
  }
}
