/** The backfills aggregate's rows as records. */
import type { Selectable } from 'kysely';
import type { BackfillsTable } from '../schema.js';
import { time } from '../sql/parse.js';
import type { BackfillRecord } from './backfills.port.js';

/** A `backfills` row as a {@link BackfillRecord}. */
export function toBackfill(row: Selectable<BackfillsTable>): BackfillRecord {
  return {
    portalId: row.portal_id,
    status: row.status === 'finished' ? 'finished' : 'running',
    cursor: row.cursor,
    pages: Number(row.pages),
    contacts: Number(row.contacts),
    signalsFound: Number(row.signals_found),
    signalsCreated: Number(row.signals_created),
    startedAt: Number(row.started_at),
    finishedAt: time(row.finished_at),
    updatedAt: Number(row.updated_at),
    holder: row.holder,
    leaseUntil: time(row.lease_until),
  };
}
