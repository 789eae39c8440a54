/**
 * The contact aggregate's records as rows and rows as records: signals, snapshots, evaluations and
 * transitions (enums checked, JSON parsed on the way out).
 */
import type { Insertable, Selectable } from 'kysely';
import { z } from 'zod';
import type { ContactSnapshotsTable, EvaluationsTable, SignalsTable, TransitionsTable } from '../schema.js';
import { DetailsJson, json } from '../sql/parse.js';
import type { ContactSnapshot, EvaluationRecord, SignalRecord, TransitionRecord } from './contacts.port.js';

const PropertiesJson = z.record(z.string(), z.string().nullable());
const ExplanationJson = z.array(z.string());
const Qualification = z.enum(['disqualified', 'nurture', 'iql', 'mql']);
const TransitionKind = z.enum(['qualification', 'lifecycle', 'lead_status', 'recycle', 'sales_decision']);

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
    nextChangeAt: row.next_change_at === null ? null : Number(row.next_change_at),
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

/** A {@link ContactSnapshot} as a `contact_snapshots` row. */
export function snapshotRow(s: ContactSnapshot): Insertable<ContactSnapshotsTable> {
  return {
    portal_id: s.portalId,
    contact_id: s.contactId,
    properties: JSON.stringify(s.properties),
    company: s.company === null ? null : JSON.stringify(s.company),
    read_at: s.readAt,
  };
}

/** An {@link EvaluationRecord} as an `evaluations` row. */
export function evaluationRow(e: EvaluationRecord): Insertable<EvaluationsTable> {
  return {
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
    next_change_at: e.nextChangeAt,
  };
}

/** A {@link TransitionRecord} as a `transitions` row (`details` as JSON, or NULL). */
export function transitionRow(t: TransitionRecord): Insertable<TransitionsTable> {
  return {
    portal_id: t.portalId,
    contact_id: t.contactId,
    kind: t.kind,
    from_state: t.from,
    to_state: t.to,
    at: t.at,
    model_version: t.modelVersion,
    cause: t.cause,
    details: t.details === undefined ? null : JSON.stringify(t.details),
  };
}
