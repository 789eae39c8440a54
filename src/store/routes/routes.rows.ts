/** The routes aggregate's records as rows and rows as records. */
import type { Insertable, Selectable } from 'kysely';
import type { ContactRoutesTable } from '../schema.js';
import type { RouteRecord } from './routes.port.js';

/** A `contact_routes` row as a {@link RouteRecord}. */
export function toRoute(row: Selectable<ContactRoutesTable>): RouteRecord {
  return {
    portalId: row.portal_id,
    contactId: row.contact_id,
    kind: row.kind,
    ownerId: row.owner_id,
    ownerSource: row.owner_source,
    why: row.why,
    contactLabel: row.contact_label,
    followUpSlaHours: Number(row.follow_up_sla_hours),
    acceptanceSlaHours: Number(row.acceptance_sla_hours),
    routedAt: Number(row.routed_at),
    modelVersion: row.model_version,
    taskBody: row.task_body,
    taskId: row.task_id,
  };
}

/** A {@link RouteRecord} as a `contact_routes` row, its task not leased. */
export function routeRow(r: RouteRecord): Insertable<ContactRoutesTable> {
  return {
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
  };
}
