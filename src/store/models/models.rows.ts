/** The model aggregate's rows as records (status checked, the model's JSON parsed). */
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { QualificationModelInput } from '../../core/model.js';
import type { ModelVersionsTable } from '../schema.js';
import { json, time } from '../sql/parse.js';
import type { ApprovalMode, ModelVersionRecord } from './models.port.js';

const ModelJson = z.record(z.string(), z.unknown());
const ModelStatus = z.enum(['draft', 'published', 'archived']);
export const ApprovalModeSchema: z.ZodType<ApprovalMode> = z.enum(['two-person', 'single-approver']);

/** A `model_versions` row as a {@link ModelVersionRecord}. */
export function toModelVersion(row: Selectable<ModelVersionsTable>): ModelVersionRecord {
  return {
    portalId: row.portal_id,
    version: Number(row.version),
    status: ModelStatus.parse(row.status),
    // Validated by the core's schema before it was stored; the use cases parse it again before use.
    model: json(ModelJson, row.model, 'model') as QualificationModelInput,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    publishedBy: row.published_by,
    publishedAt: time(row.published_at),
    agreedBy: row.agreed_by,
    note: row.note,
    publishReason: row.publish_reason ?? null,
    approval:
      row.approval === null || row.approval === undefined
        ? null
        : {
            mode: ApprovalModeSchema.parse(row.approval),
            requestedAt: Number(row.requested_at ?? row.approved_at),
            approvedBy: row.approved_by ?? '',
            approvedAt: Number(row.approved_at),
          },
  };
}
