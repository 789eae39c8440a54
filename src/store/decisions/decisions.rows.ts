/** The sales decisions aggregate's rows as records (enums checked, the outcome's JSON parsed). */
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { SalesDecisionsTable } from '../schema.js';
import { DetailsJson, json, time } from '../sql/parse.js';
import type { SalesDecisionEntry, SalesDecisionRecord } from './decisions.port.js';

const Decision = z.enum(['accept', 'return']);
const DecisionStatus = z.enum(['pending', 'applied', 'ignored']);

/** A `sales_decisions` row as a {@link SalesDecisionRecord}. */
export function toSalesDecision(row: Selectable<SalesDecisionsTable>): SalesDecisionRecord {
  return {
    portalId: row.portal_id,
    contactId: row.contact_id,
    decision: Decision.parse(row.decision),
    reason: row.reason,
    note: row.note,
    decidedBy: row.decided_by,
    decidedAt: Number(row.decided_at),
    idempotencyKey: row.idempotency_key,
  };
}

/** A `sales_decisions` row with its life (status, source, outcome) as a {@link SalesDecisionEntry}. */
export function toSalesDecisionEntry(row: Selectable<SalesDecisionsTable>): SalesDecisionEntry {
  const outcome = row.outcome === null ? null : json(DetailsJson, row.outcome, 'decision outcome');
  return {
    ...toSalesDecision(row),
    source: row.source ?? 'unknown',
    trigger: row.trigger,
    status: DecisionStatus.parse(row.status),
    outcome,
    appliedAt: time(row.applied_at),
  };
}
