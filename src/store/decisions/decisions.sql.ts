/**
 * The sales decisions aggregate's SQL (the {@link DecisionStore} port); and `insertDecision`, which
 * accepting webhook events calls inside its own transaction. Settling a decision records its
 * transitions and meets and starts its SLA timers in the same transaction.
 */
import type { Kysely } from 'kysely';
import { insertTransitions } from '../contacts/contacts.sql.js';
import type { EnqueueRequest } from '../queue/queue.port.js';
import { enqueueWork } from '../queue/queue.sql.js';
import type { Database } from '../schema.js';
import { meetTimer, startTimers } from '../sla/sla.sql.js';
import type { SqlContext } from '../sql/context.js';
import { removeFromTable, rowsOfContacts, selectWhere, within } from '../sql/queries.js';
import type { ContactId, ContactRemoval, PortalId } from '../store.port.js';
import type {
  DecisionSettlement,
  DecisionStore,
  SalesDecisionEntry,
  SalesDecisionRecord,
  SalesDecisionRequest,
} from './decisions.port.js';
import { toSalesDecision, toSalesDecisionEntry } from './decisions.rows.js';

/**
 * Records a decision once per (portal, idempotency key) in the caller's transaction (or alone);
 * false when the key was already recorded.
 */
export async function insertDecision(
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

/** The {@link DecisionStore} over SQL. */
/** Applies a removal to the sales decisions, in the caller's transaction. */
export function removeDecisionsOf(db: Kysely<Database>, removal: ContactRemoval): Promise<void> {
  return removeFromTable(db, 'sales_decisions', removal, { many: true });
}

export class SqlDecisionStore implements DecisionStore {
  constructor(private readonly ctx: SqlContext) {}

  request(decision: SalesDecisionRequest, enqueue?: EnqueueRequest): Promise<boolean> {
    const now = this.ctx.now();
    return this.ctx.transact('requestSalesDecision', async (trx) => {
      const created = await insertDecision(trx, decision, 'pending');
      if (created && enqueue !== undefined) await enqueueWork(trx, [enqueue], now);
      return created;
    });
  }

  record(decision: SalesDecisionRecord): Promise<boolean> {
    return this.ctx.run('recordSalesDecision', () => insertDecision(this.ctx.db, decision, 'applied'));
  }

  get(portalId: PortalId, idempotencyKey: string): Promise<SalesDecisionEntry | null> {
    return this.ctx.read('salesDecision', async () => {
      const key = { portal_id: portalId, idempotency_key: idempotencyKey };
      const row = await selectWhere(this.ctx.db, 'sales_decisions', key).executeTakeFirst();
      return row === undefined ? null : toSalesDecisionEntry(row);
    });
  }

  pending(portalId: PortalId, contactIds: readonly ContactId[]): Promise<SalesDecisionEntry[]> {
    return this.ctx.read('pendingSalesDecisions', async () => {
      const rows = await rowsOfContacts(this.ctx.db, 'sales_decisions', portalId, contactIds, (q) =>
        q.where('status', '=', 'pending'),
      );
      return rows
        .map(toSalesDecisionEntry)
        .sort((a, b) => a.decidedAt - b.decidedAt || a.idempotencyKey.localeCompare(b.idempotencyKey));
    });
  }

  settle(settlements: readonly DecisionSettlement[]): Promise<string[]> {
    if (settlements.length === 0) return Promise.resolve([]);
    return this.ctx.transact('settleSalesDecisions', async (trx) => {
      const settled: string[] = [];
      for (const s of settlements) {
        const result = await trx
          .updateTable('sales_decisions')
          .set({ status: s.status, outcome: JSON.stringify(s.outcome), applied_at: s.at })
          .where((eb) =>
            eb.and({ portal_id: s.portalId, idempotency_key: s.idempotencyKey, status: 'pending' }),
          )
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) continue;
        settled.push(s.idempotencyKey);
        await insertTransitions(trx, s.transitions);
        for (const t of s.meetTimers) await meetTimer(trx, s.portalId, t.contactId, t.kind, t.at);
        await startTimers(trx, s.startTimers);
      }
      return settled;
    });
  }

  applied(portalId: PortalId, from: number, to: number): Promise<SalesDecisionRecord[]> {
    return this.ctx.read('salesDecisions', async () => {
      const applied = { portal_id: portalId, status: 'applied' };
      const rows = await selectWhere(this.ctx.db, 'sales_decisions', applied, within('decided_at', from, to))
        .orderBy('decided_at')
        .orderBy('idempotency_key')
        .execute();
      return rows.map(toSalesDecision);
    });
  }

  latest(portalId: PortalId, contactIds: readonly ContactId[]): Promise<Map<ContactId, SalesDecisionRecord>> {
    return this.ctx.read('latestSalesDecisions', async () => {
      // Oldest first: the latest decision of each contact is the one set last.
      const rows = await rowsOfContacts(this.ctx.db, 'sales_decisions', portalId, contactIds, (q) =>
        q.where('status', '=', 'applied').orderBy('decided_at').orderBy('idempotency_key'),
      );
      return new Map(rows.map((row) => [row.contact_id, toSalesDecision(row)]));
    });
  }

  portalsWithDecisions(from: number, to: number): Promise<PortalId[]> {
    return this.ctx.read('portalsWithSalesDecisions', async () => {
      const rows = await this.ctx.db
        .selectFrom('sales_decisions')
        .select('portal_id')
        .distinct()
        .where('status', '=', 'applied')
        .where(within('decided_at', from, to))
        .orderBy('portal_id')
        .execute();
      return rows.map((r) => r.portal_id);
    });
  }

  removeContacts(removal: ContactRemoval): Promise<void> {
    return this.ctx.transact('removeDecisions', (trx) => removeDecisionsOf(trx, removal));
  }
}
