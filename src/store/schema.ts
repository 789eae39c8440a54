/**
 * The tables as the query layer sees them (Kysely's `Database` type), after the latest migration.
 *
 * Conventions, the same on both databases: times are epoch milliseconds (`bigint` on PostgreSQL,
 * read back as numbers; `integer` on SQLite); ids are text; JSON is stored as text; an absent
 * property name in the webhook dedupe key is `''`, never NULL (NULLs are distinct in unique keys).
 */
import type { Generated } from 'kysely';

export interface WebhookEventsTable {
  portal_id: string;
  event_id: string;
  subscription_id: string;
  object_id: string;
  occurred_at: number;
  /** `''` when the event has no property (part of the dedupe key, so never NULL). */
  property_name: string;
  subscription_type: string;
  property_value: string | null;
  change_source: string | null;
  source_id: string | null;
  attempt_number: number;
  raw: string;
  received_at: number;
}

export interface SignalsTable {
  portal_id: string;
  idempotency_key: string;
  contact_id: string;
  type: string;
  occurred_at: number;
  source: string;
  recorded_at: number;
}

export interface WorkQueueTable {
  portal_id: string;
  contact_id: string;
  /** `pending` or `claimed`. */
  state: string;
  reason: string;
  enqueued_at: number;
  /** When the row can next be claimed: the due time while pending, the lease expiry while claimed. */
  due_at: number;
  attempts: number;
  lease_id: string | null;
  worker_id: string | null;
  /** Set when work arrived while the row was claimed: it runs again (not before this time) after completion. */
  requeue_at: number | null;
  last_error: string | null;
}

export interface DeadLettersTable {
  id: string;
  portal_id: string;
  contact_id: string;
  reason: string;
  error: string;
  attempts: number;
  died_at: number;
}

export interface ContactSnapshotsTable {
  portal_id: string;
  contact_id: string;
  /** JSON object. */
  properties: string;
  /** JSON object or NULL. */
  company: string | null;
  read_at: number;
}

export interface EvaluationsTable {
  portal_id: string;
  contact_id: string;
  model_version: string;
  fit_score: number;
  intent_score: number;
  qualification: string;
  disqualification_id: string | null;
  lifecycle_stage: string | null;
  lead_status: string | null;
  route: string | null;
  /** JSON array of strings. */
  explanation: string;
  evaluated_at: number;
  /** 0004: when the written values next change on their own; null: never (or not known). */
  next_change_at: number | null;
}

export interface TransitionsTable {
  /** Insertion order, to keep transitions of the same instant in the order they were recorded. */
  seq: Generated<number>;
  portal_id: string;
  contact_id: string;
  kind: string;
  from_state: string | null;
  to_state: string | null;
  at: number;
  model_version: string;
  cause: string;
  /** JSON object or NULL. */
  details: string | null;
}

export interface ModelVersionsTable {
  portal_id: string;
  version: number;
  status: string;
  /** JSON. */
  model: string;
  created_by: string;
  created_at: number;
  published_by: string | null;
  published_at: number | null;
  agreed_by: string | null;
  note: string | null;
  /** 0009: why it was published within the model's minimum period after the last publish. */
  publish_reason: string | null;
  /** 0008: the approval of the version's last publication. */
  requested_at: number | null;
  approved_by: string | null;
  approved_at: number | null;
  approval: string | null;
}

/** 0008: a request to publish (or roll back to) a version, and its approval. */
export interface PublishRequestsTable {
  id: string;
  portal_id: string;
  version: number;
  kind: string;
  note: string | null;
  requested_by: string;
  requested_user: string;
  requested_at: number;
  status: string;
  decided_by: string | null;
  decided_user: string | null;
  decided_at: number | null;
  approval: string | null;
  /** 0009: why it is published within the model's minimum period after the last publish. */
  reason: string | null;
}

/** 0008: whether a portal allows one person to publish alone, and who said so when. */
export interface ApprovalPoliciesTable {
  portal_id: string;
  single_approver: number;
  changed_by: string;
  changed_at: number;
}

/** 0008: "Dispute this score" from the contact card. */
export interface ScoreDisputesTable {
  id: string;
  portal_id: string;
  contact_id: string;
  reason: string;
  disputed_by: string;
  disputed_at: number;
  model_version: string;
  qualification: string | null;
}

/** 0005: the last draft number given out per portal; saving a draft bumps (and so locks) the row. */
export interface ModelVersionCountersTable {
  portal_id: string;
  last_version: number;
}

/** 0005: digests of accepted v3 signatures, kept until their timestamp leaves the window. */
export interface SeenSignaturesTable {
  /** SHA-256 (hex) of the signature. */
  digest: string;
  expires_at: number;
}

export interface PendingCallbacksTable {
  callback_id: string;
  portal_id: string;
  contact_id: string;
  action: string;
  created_at: number;
  completed_at: number | null;
  /** 0006: when HubSpot stops waiting (the BLOCK's expiration); after it the action is not completed. */
  expires_at: number | null;
  /** 0006: HubSpot's message when it refused the completion (the callback is settled all the same). */
  completion_error: string | null;
}

export interface SalesDecisionsTable {
  portal_id: string;
  idempotency_key: string;
  contact_id: string;
  decision: string;
  reason: string | null;
  note: string | null;
  decided_by: string | null;
  decided_at: number;
  /** `pending` (recorded, not yet applied to HubSpot), `applied` or `ignored` (0003). */
  status: Generated<string>;
  /** Where it came from: `workflow-action`, `lead-status`, `lifecycle` (0003). */
  source: string | null;
  /** The lead status or stage a person set that expressed the decision (0003). */
  trigger: string | null;
  /** JSON object: what applying it did (0003). */
  outcome: string | null;
  applied_at: number | null;
}

export interface SlaTimersTable {
  portal_id: string;
  contact_id: string;
  kind: string;
  started_at: number;
  due_at: number;
  closed_at: number | null;
  outcome: string | null;
  /** When the breach's escalation went out (0003); null while it is owed. */
  notified_at: number | null;
  /** Until when one instance holds the escalation of a breach (0003). */
  notify_lease_until: number | null;
}

export interface ContactRoutesTable {
  portal_id: string;
  contact_id: string;
  kind: string;
  owner_id: string | null;
  owner_source: string;
  why: string;
  contact_label: string;
  follow_up_sla_hours: number;
  acceptance_sla_hours: number;
  routed_at: number;
  model_version: string;
  task_body: string;
  /** The HubSpot task made for the owner; null while owed (or when there is no owner). */
  task_id: string | null;
  task_lease_until: number | null;
}

export interface RoundRobinTable {
  portal_id: string;
  /** Which rotation (`new-business`). */
  pool: string;
  /** The owner served last; the next turn goes to the one after it in the configured order. */
  last_owner_id: string | null;
  turns: Generated<number>;
}

export interface WeeklyReportsTable {
  portal_id: string;
  week_start: number;
  week_end: number;
  owner_id: string | null;
  title: string;
  body: string;
  returned: number;
  /** JSON array of `{reason, label, count, share}`. */
  top_reasons: string;
  created_at: number;
  delivered_at: number | null;
  task_id: string | null;
  lease_until: number | null;
}

/** A scratch table for the health check's write probe (always empty). */
export interface StoreProbeTable {
  id: number;
  payload: string;
}

/** The whole schema. */
export interface DealsTable {
  portal_id: string;
  deal_id: string;
  pipeline: string;
  stage: string;
  amount: number | null;
  created_at: number;
  closed_at: number | null;
  /** `won`, `lost`, or null while open. */
  outcome: string | null;
  updated_at: number;
  deleted_at: number | null;
}

export interface DealContactsTable {
  portal_id: string;
  deal_id: string;
  contact_id: string;
}

export interface DealRequestsTable {
  portal_id: string;
  request_key: string;
  contact_id: string;
  company_id: string | null;
  owner_id: string | null;
  pipeline: string;
  stage: string;
  deal_name: string;
  requested_at: number;
  /** `owed`, `created` or `refused`. */
  status: string;
  deal_id: string | null;
  attempts: Generated<number>;
  attempted_at: number | null;
  lease_until: number | null;
  last_error: string | null;
}

export interface BackfillsTable {
  portal_id: string;
  /** `running` or `finished`. */
  status: string;
  cursor: string | null;
  pages: number;
  contacts: number;
  signals_found: number;
  signals_created: number;
  started_at: number;
  finished_at: number | null;
  updated_at: number;
  holder: string | null;
  lease_until: number | null;
}

export interface Database {
  webhook_events: WebhookEventsTable;
  signals: SignalsTable;
  work_queue: WorkQueueTable;
  dead_letters: DeadLettersTable;
  contact_snapshots: ContactSnapshotsTable;
  evaluations: EvaluationsTable;
  transitions: TransitionsTable;
  model_versions: ModelVersionsTable;
  model_version_counters: ModelVersionCountersTable;
  seen_signatures: SeenSignaturesTable;
  publish_requests: PublishRequestsTable;
  approval_policies: ApprovalPoliciesTable;
  score_disputes: ScoreDisputesTable;
  pending_callbacks: PendingCallbacksTable;
  sales_decisions: SalesDecisionsTable;
  sla_timers: SlaTimersTable;
  contact_routes: ContactRoutesTable;
  round_robin: RoundRobinTable;
  weekly_reports: WeeklyReportsTable;
  store_probe: StoreProbeTable;
  deals: DealsTable;
  deal_contacts: DealContactsTable;
  deal_requests: DealRequestsTable;
  backfills: BackfillsTable;
}
