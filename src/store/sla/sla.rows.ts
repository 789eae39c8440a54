/** The SLA timers aggregate's rows as records (enums checked). */
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { SlaTimersTable } from '../schema.js';
import { time } from '../sql/parse.js';
import type { SlaTimer } from './sla.port.js';

const SlaKind = z.enum(['acceptance', 'follow_up']);
const SlaOutcome = z.enum(['met', 'breached', 'cancelled']).nullable();

/** An `sla_timers` row as an {@link SlaTimer}. */
export function toSlaTimer(row: Selectable<SlaTimersTable>): SlaTimer {
  return {
    portalId: row.portal_id,
    contactId: row.contact_id,
    kind: SlaKind.parse(row.kind),
    startedAt: Number(row.started_at),
    dueAt: Number(row.due_at),
    closedAt: time(row.closed_at),
    outcome: SlaOutcome.parse(row.outcome),
  };
}
