/**
 * Rows in, records out: parses what the database returns (enums, JSON text) into the port's
 * types, so a row that does not fit fails loudly here instead of somewhere downstream.
 */
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { QualificationModelInput } from '../core/model.js';
import type {
  ContactRoutesTable,
  ContactSnapshotsTable,
  EvaluationsTable,
  ModelVersionsTable,
  PendingCallbacksTable,
  SalesDecisionsTable,
  SignalsTable,
  SlaTimersTable,
  TransitionsTable,
  WeeklyReportsTable,
} from './schema.js';
import type {
  ContactSnapshot,
  EvaluationRecord,
  ModelVersionRecord,
  PendingCallback,
  RouteRecord,
  SalesDecisionEntry,
  SalesDecisionRecord,
  SignalRecord,
  SlaTimer,
  TransitionRecord,
  WeeklyReportRecord,
} from './store.port.js';

const PropertiesJson = z.record(z.string(), z.string().nullable());
const ExplanationJson = z.array(z.string());
const DetailsJson = z.record(z.string(), z.unknown());
const ModelJson = z.record(z.string(), z.unknown());
const Qualification = z.enum(['disqualified', 'nurture', 'iql', 'mql']);
const TransitionKind = z.enum(['qualification', 'lifecycle', 'lead_status', 'recycle', 'sales_decision']);
const ModelStatus = z.enum(['draft', 'published', 'archived']);
const Decision = z.enum(['accept', 'return']);
const SlaKind = z.enum(['acceptance', 'follow_up']);
const SlaOutcome = z.enum(['met', 'breached', 'cancelled']).nullable();
const DecisionStatus = z.enum(['pending', 'applied', 'ignored']);
const ReasonsJson = z.array(
  z.object({ reason: z.string(), label: z.string(), count: z.number(), share: z.number() }),
);

function json<T>(schema: z.ZodType<T>, text: string, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`stored ${what} is not valid JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`stored ${what} does not have the expected shape`);
  return parsed.data;
}

/** Nullable epoch-ms column to number | null (PostgreSQL int8 arrives as a number already). */
function time(value: number | null): number | null {
  return value === null ? null : Number(value);
}

/** A `signals` row as a {@link SignalRecord}. */
export function toSignal(row: Selectable<SignalsTable>): SignalRecord {
  return {
    portalId: row.portal_id,
    contactId: row.contact_id,
    type: row.type,
    occurredAt: Number(row.occurred_at),
    source: row.source,
    idempotencyKey: row.idempotency_key,
    recordedAt: Number(row.recorded_at),
  };
}

/** A `contact_snapshots` row as a {@link ContactSnapshot} (JSON parsed). */
export function toSnapshot(row: Selectable<ContactSnapshotsTable>): ContactSnapshot {
  return {
    portalId: row.portal_id,
    contactId: row.contact_id,
    properties: json(PropertiesJson, row.properties, 'snapshot properties'),
    company: row.company === null ? null : json(PropertiesJson, row.company, 'snapshot company'),
    readAt: Number(row.read_at),
  };
}

/** An `evaluations` row as an {@link EvaluationRecord}. */
export function toEvaluation(row: Selectable<EvaluationsTable>): EvaluationRecord {
  return {
    portalId: row.portal_id,
    contactId: row.contact_id,
    modelVersion: row.model_version,
    fitScore: Number(row.fit_score),
    intentScore: Number(row.intent_score),
    qualification: Qualification.parse(row.qualification),
    disqualificationId: row.disqualification_id,
    lifecycleStage: row.lifecycle_stage,
    leadStatus: row.lead_status,
    route: row.route,
    explanation: json(ExplanationJson, row.explanation, 'explanation'),
    evaluatedAt: Number(row.evaluated_at),
  };
}

/** A `transitions` row as a {@link TransitionRecord} (`details` only when stored). */
export function toTransition(row: Selectable<TransitionsTable>): TransitionRecord {
  return {
    portalId: row.portal_id,
    contactId: row.contact_id,
    kind: TransitionKind.parse(row.kind),
    from: row.from_state,
    to: row.to_state,
    at: Number(row.at),
    modelVersion: row.model_version,
    cause: row.cause,
    ...(row.details === null ? {} : { details: json(DetailsJson, row.details, 'transition details') }),
  };
}

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
  };
}

/** A `pending_callbacks` row as a {@link PendingCallback}. */
export function toPendingCallback(row: Selectable<PendingCallbacksTable>): PendingCallback {
  return {
    callbackId: row.callback_id,
    portalId: row.portal_id,
    contactId: row.contact_id,
    action: row.action,
    createdAt: Number(row.created_at),
    completedAt: time(row.completed_at),
  };
}

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

/** A `weekly_reports` row as a {@link WeeklyReportRecord}. */
export function toWeeklyReport(row: Selectable<WeeklyReportsTable>): WeeklyReportRecord {
  return {
    portalId: row.portal_id,
    weekStart: Number(row.week_start),
    weekEnd: Number(row.week_end),
    ownerId: row.owner_id,
    title: row.title,
    body: row.body,
    returned: Number(row.returned),
    topReasons: json(ReasonsJson, row.top_reasons, 'report reasons'),
    createdAt: Number(row.created_at),
    deliveredAt: time(row.delivered_at),
    taskId: row.task_id,
  };
}
