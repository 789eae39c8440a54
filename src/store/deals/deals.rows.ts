/** The deals aggregate's records as rows and rows as records. */
import type { Insertable, Selectable } from 'kysely';
import type { DealRequestsTable, DealsTable } from '../schema.js';
import { time } from '../sql/parse.js';
import type { DealRecord, DealRequest, DealRequestRecord } from './deals.port.js';

const OUTCOMES = new Set(['won', 'lost']);
const STATUSES = new Set(['owed', 'created', 'refused']);

/** A `deals` row and its contacts as a {@link DealRecord}. */
export function toDeal(row: Selectable<DealsTable>, contactIds: string[]): DealRecord {
  if (row.outcome !== null && !OUTCOMES.has(row.outcome))
    throw new Error(`stored deal outcome "${row.outcome}" is neither won nor lost`);
  return {
    portalId: row.portal_id,
    dealId: row.deal_id,
    contactIds: [...contactIds].sort(),
    pipeline: row.pipeline,
    stage: row.stage,
    amount: row.amount === null ? null : Number(row.amount),
    createdAt: Number(row.created_at),
    closedAt: time(row.closed_at),
    outcome: row.outcome as DealRecord['outcome'],
    updatedAt: Number(row.updated_at),
  };
}

/** A {@link DealRecord} as a `deals` row (live). */
export function dealRow(d: DealRecord): Insertable<DealsTable> {
  return {
    portal_id: d.portalId,
    deal_id: d.dealId,
    pipeline: d.pipeline,
    stage: d.stage,
    amount: d.amount,
    created_at: d.createdAt,
    closed_at: d.closedAt,
    outcome: d.outcome,
    updated_at: d.updatedAt,
    deleted_at: null,
  };
}

/** A `deal_requests` row as a {@link DealRequestRecord}. */
export function toDealRequest(row: Selectable<DealRequestsTable>): DealRequestRecord {
  if (!STATUSES.has(row.status)) throw new Error(`stored deal request status "${row.status}" is unknown`);
  return {
    portalId: row.portal_id,
    key: row.request_key,
    contactId: row.contact_id,
    companyId: row.company_id,
    ownerId: row.owner_id,
    pipeline: row.pipeline,
    stage: row.stage,
    name: row.deal_name,
    requestedAt: Number(row.requested_at),
    status: row.status as DealRequestRecord['status'],
    dealId: row.deal_id,
    attempts: Number(row.attempts),
    attemptedAt: time(row.attempted_at),
    lastError: row.last_error,
  };
}

/** A new {@link DealRequest} as an owed `deal_requests` row. */
export function dealRequestRow(r: DealRequest): Insertable<DealRequestsTable> {
  return {
    portal_id: r.portalId,
    request_key: r.key,
    contact_id: r.contactId,
    company_id: r.companyId,
    owner_id: r.ownerId,
    pipeline: r.pipeline,
    stage: r.stage,
    deal_name: r.name,
    requested_at: r.requestedAt,
    status: 'owed',
    deal_id: null,
    attempted_at: null,
    lease_until: null,
    last_error: null,
  };
}
