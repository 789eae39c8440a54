/**
 * The store port: what the use cases need from persistence, shaped by them (not by SQL).
 *
 * Two adapters implement it (SQLite, the zero-set-up default; PostgreSQL, for several instances)
 * and one contract test suite runs against both. Every method is atomic on its own; methods that
 * both record data and enqueue work do so in one transaction, so an acknowledged event is never
 * lost between the two.
 *
 * Times are epoch milliseconds (numbers) in and out; ids from HubSpot are strings.
 */
import type { QualificationModelInput } from '../core/model.js';

export type PortalId = string;
export type ContactId = string;

/** One accepted HubSpot webhook event, as the webhook route parsed it. */
export interface WebhookEventRecord {
  portalId: PortalId;
  /** HubSpot's `eventId`: not unique on its own (HubSpot says so), part of the dedupe key. */
  eventId: string;
  subscriptionId: string;
  subscriptionType: string;
  objectId: string;
  /** `occurredAt`, epoch ms. */
  occurredAt: number;
  propertyName: string | null;
  propertyValue: string | null;
  changeSource: string | null;
  sourceId: string | null;
  attemptNumber: number;
  /** The raw event JSON, kept for audit and replay (subject to retention). */
  raw: string;
  receivedAt: number;
  /** Work this event calls for; queued only when the event is new (not a duplicate delivery). */
  enqueue?: EnqueueRequest | null;
  /** A sales decision this event expresses, recorded as pending when the event is new. */
  decision?: SalesDecisionRequest | null;
  /** Transitions this event is (e.g. a stage a person set), recorded when the event is new. */
  transitions?: readonly TransitionRecord[];
}

export interface AcceptEventsResult {
  /** Events stored for the first time. */
  accepted: number;
  /** Events already stored (HubSpot retries, duplicate deliveries). */
  duplicates: number;
  /** Contacts enqueued for (re)scoring. */
  enqueued: number;
}

/** A recorded intent signal. */
export interface SignalRecord {
  portalId: PortalId;
  contactId: ContactId;
  type: string;
  occurredAt: number;
  /** Where it came from: `workflow-action`, `webhook`, `sales-decision`, `import`, … */
  source: string;
  /** Makes recording idempotent, e.g. the workflow action's `callbackId`. Unique per portal. */
  idempotencyKey: string;
  recordedAt: number;
}

export interface RecordSignalResult {
  /** False when a signal with the same idempotency key was already stored (nothing changed). */
  created: boolean;
  signal: SignalRecord;
}

/** A unit of queued work: (re)score one contact of one portal. Work per contact is coalesced. */
export interface WorkItem {
  portalId: PortalId;
  contactId: ContactId;
  /** Attempts made so far, before this claim. */
  attempts: number;
  /** Why the work exists, e.g. `webhook`, `signal`, `model-published`, `rescore` (the latest reason). */
  reason: string;
  enqueuedAt: number;
  /** The claim's fencing token: completion and failure only count for the current holder. */
  leaseId: string;
}

export interface EnqueueRequest {
  portalId: PortalId;
  contactId: ContactId;
  reason: string;
  /** Not before this time (default: now). */
  dueAt?: number;
}

export interface QueueStats {
  pending: number;
  claimed: number;
  dead: number;
}

export interface DeadLetter {
  id: string;
  portalId: PortalId;
  contactId: ContactId;
  reason: string;
  error: string;
  attempts: number;
  diedAt: number;
}

/** What was last read from HubSpot for a contact: the input of its last evaluation. */
export interface ContactSnapshot {
  portalId: PortalId;
  contactId: ContactId;
  properties: Record<string, string | null>;
  company: Record<string, string | null> | null;
  readAt: number;
}

/** The latest evaluation per contact, as far as the funnel, preview and write-back need it. */
export interface EvaluationRecord {
  portalId: PortalId;
  contactId: ContactId;
  modelVersion: string;
  fitScore: number;
  intentScore: number;
  qualification: 'disqualified' | 'nurture' | 'iql' | 'mql';
  disqualificationId: string | null;
  lifecycleStage: string | null;
  leadStatus: string | null;
  route: string | null;
  explanation: string[];
  evaluatedAt: number;
}

export type TransitionKind = 'qualification' | 'lifecycle' | 'lead_status' | 'recycle' | 'sales_decision';

/** One change of state, kept forever: the funnel metrics are computed from these. */
export interface TransitionRecord {
  portalId: PortalId;
  contactId: ContactId;
  kind: TransitionKind;
  from: string | null;
  to: string | null;
  at: number;
  modelVersion: string;
  /** What caused it: `evaluation`, `sales:accept`, `recycle:no_budget`, … */
  cause: string;
  /** Free-form facts for reports (route, reason, fit×intent band), JSON-serialisable. */
  details?: Record<string, unknown>;
}

export type ModelStatus = 'draft' | 'published' | 'archived';

export interface ModelVersionRecord {
  portalId: PortalId;
  /** Monotonic per portal, starting at 1. */
  version: number;
  status: ModelStatus;
  /** The model as JSON (validated by the core's schema before it is stored). */
  model: QualificationModelInput;
  createdBy: string;
  createdAt: number;
  publishedBy: string | null;
  publishedAt: number | null;
  /** The sales counterpart who agreed to this version, if any. */
  agreedBy: string | null;
  note: string | null;
}

/** A workflow action answered with BLOCK, to be completed later through the callback API. */
export interface PendingCallback {
  callbackId: string;
  portalId: PortalId;
  contactId: ContactId;
  action: string;
  createdAt: number;
  /** Not yet completed: null. */
  completedAt: number | null;
}

export interface SalesDecisionRecord {
  portalId: PortalId;
  contactId: ContactId;
  decision: 'accept' | 'return';
  reason: string | null;
  note: string | null;
  decidedBy: string | null;
  decidedAt: number;
  /** Idempotency (callbackId, or the webhook event key). */
  idempotencyKey: string;
}

/**
 * A decision's life: `pending` once recorded (the worker applies it with the contact's current
 * state), then `applied`, or `ignored` when it could not apply (the contact was no MQL).
 */
export type SalesDecisionStatus = 'pending' | 'applied' | 'ignored';

/** A decision to record as pending, with where it came from. */
export interface SalesDecisionRequest extends SalesDecisionRecord {
  /** `workflow-action`, `lead-status` (a person changed hs_lead_status) or `lifecycle` (a person set SQL or later). */
  source: string;
  /** The lead status or stage the person set (webhook sources), else null. */
  trigger?: string | null;
}

/** A recorded decision with its status and what applying it did. */
export interface SalesDecisionEntry extends SalesDecisionRequest {
  status: SalesDecisionStatus;
  /** JSON-serialisable facts of the application (stage, track, why), null while pending. */
  outcome: Record<string, unknown> | null;
  appliedAt: number | null;
}

/** Settles a pending decision, with what it changed in the store, all or nothing. */
export interface DecisionSettlement {
  portalId: PortalId;
  idempotencyKey: string;
  status: 'applied' | 'ignored';
  outcome: Record<string, unknown>;
  at: number;
  /** Recorded only if this call settles the decision (it was still pending). */
  transitions: readonly TransitionRecord[];
  /** Timers to close as met (when open and due at or after `at`). */
  meetTimers: readonly { contactId: ContactId; kind: SlaKind; at: number }[];
  /** Timers to (re)start. */
  startTimers: readonly Omit<SlaTimer, 'closedAt' | 'outcome'>[];
}

/** Where a new MQL went: the route, the owner (null: none available) and the owner's task. */
export interface RouteRecord {
  portalId: PortalId;
  contactId: ContactId;
  kind: string;
  ownerId: string | null;
  /** `account-owner`, `contact-owner`, `round-robin` or `none`. */
  ownerSource: string;
  why: string;
  /** The contact's name or e-mail, for task titles. */
  contactLabel: string;
  followUpSlaHours: number;
  acceptanceSlaHours: number;
  routedAt: number;
  modelVersion: string;
  /** The task's text (the explanation), kept so the task can be made again after a failure. */
  taskBody: string;
  /** The HubSpot task's id; null while it is owed (or when there is no owner). */
  taskId: string | null;
}

export interface WeeklyReportReason {
  reason: string;
  label: string;
  count: number;
  share: number;
}

/** One week's returned-leads report of a portal, kept so it is sent once. */
export interface WeeklyReportRecord {
  portalId: PortalId;
  /** The week, `weekStart <= decidedAt < weekEnd`. */
  weekStart: number;
  weekEnd: number;
  /** The marketing owner it is addressed to (null: none configured, kept but not delivered). */
  ownerId: string | null;
  title: string;
  body: string;
  returned: number;
  topReasons: WeeklyReportReason[];
  createdAt: number;
  deliveredAt: number | null;
  taskId: string | null;
}

export type SlaKind = 'acceptance' | 'follow_up';

export interface SlaTimer {
  portalId: PortalId;
  contactId: ContactId;
  kind: SlaKind;
  startedAt: number;
  dueAt: number;
  /** Met, breached or cancelled: closed; null while running. */
  closedAt: number | null;
  outcome: 'met' | 'breached' | 'cancelled' | null;
}

export interface Page<T> {
  items: T[];
  /** Pass back to get the next page; null at the end. */
  next: string | null;
}

export interface StoreHealth {
  ok: boolean;
  /** A short, non-secret description when not ok (e.g. "disk full", "connection refused"). */
  problem?: string;
}

export interface Store {
  /** Which adapter: `sqlite` or `postgres`. */
  readonly kind: 'sqlite' | 'postgres';

  // Webhooks ---------------------------------------------------------------------------------
  /**
   * Stores webhook events (deduplicated by portal, eventId, subscriptionId, objectId,
   * occurredAt and propertyName) and, in the same transaction, queues the work of each event that
   * was new (its `enqueue`) plus everything in `enqueue`.
   */
  acceptEvents(
    events: readonly WebhookEventRecord[],
    enqueue?: readonly EnqueueRequest[],
  ): Promise<AcceptEventsResult>;
  /** Deletes raw events received before `before`; returns how many. Signals and transitions are kept. */
  pruneEvents(before: number): Promise<number>;

  // Signals ----------------------------------------------------------------------------------
  /** Records a signal once per (portal, idempotency key) and enqueues its contact, atomically. */
  recordSignal(signal: SignalRecord, enqueue?: EnqueueRequest): Promise<RecordSignalResult>;
  /** All signals of these contacts since `since` (epoch ms), oldest first, grouped by contact. */
  signalsFor(
    portalId: PortalId,
    contactIds: readonly ContactId[],
    since: number,
  ): Promise<Map<ContactId, SignalRecord[]>>;

  // Queue ------------------------------------------------------------------------------------
  /** Enqueues work; work for a contact already queued is coalesced into one item. */
  enqueue(requests: readonly EnqueueRequest[]): Promise<number>;
  /**
   * Claims up to `limit` due items (pending, or claimed with an expired lease) for `leaseMs`.
   * Two concurrent callers never receive the same item while its lease runs.
   */
  claim(workerId: string, limit: number, leaseMs: number, now: number): Promise<WorkItem[]>;
  /** Finishes items. Work enqueued for a contact while it was claimed stays queued. */
  complete(items: readonly WorkItem[]): Promise<void>;
  /**
   * Gives an item back after a failure: retried at `retryAt`, or parked as a dead letter with
   * the error when `retryAt` is null.
   */
  fail(item: WorkItem, error: string, retryAt: number | null, now: number): Promise<void>;
  /** Hands claimed items back untouched (graceful shutdown): they are due again at once. */
  release(items: readonly WorkItem[]): Promise<void>;
  queueStats(): Promise<QueueStats>;
  deadLetters(portalId?: PortalId): Promise<DeadLetter[]>;
  /** Moves a dead letter back into the queue; false when there is no such dead letter. */
  replayDeadLetter(id: string, now: number): Promise<boolean>;

  // Snapshots and evaluations -----------------------------------------------------------------
  saveSnapshots(snapshots: readonly ContactSnapshot[]): Promise<void>;
  /** Snapshots of a portal in contact-id order, a page at a time (for previews and rescoring). */
  snapshots(portalId: PortalId, cursor: string | null, limit: number): Promise<Page<ContactSnapshot>>;
  /** Stores the latest evaluations and the transitions they caused, in one transaction. */
  saveEvaluations(
    evaluations: readonly EvaluationRecord[],
    transitions: readonly TransitionRecord[],
  ): Promise<void>;
  latestEvaluations(
    portalId: PortalId,
    contactIds: readonly ContactId[],
  ): Promise<Map<ContactId, EvaluationRecord>>;
  recordTransitions(transitions: readonly TransitionRecord[]): Promise<void>;
  /** Transitions of a portal with `from <= at < to`, oldest first. */
  transitions(portalId: PortalId, from: number, to: number): Promise<TransitionRecord[]>;

  // Models -----------------------------------------------------------------------------------
  /** Saves a new draft version (the next version number) and returns it. */
  saveDraft(
    portalId: PortalId,
    model: QualificationModelInput,
    createdBy: string,
    now: number,
  ): Promise<ModelVersionRecord>;
  /**
   * Publishes a version: it becomes the only published one; the previously published version is
   * archived. Rolling back is publishing an earlier version again.
   */
  publish(
    portalId: PortalId,
    version: number,
    by: { publishedBy: string; agreedBy?: string | null; note?: string | null },
    now: number,
  ): Promise<ModelVersionRecord>;
  /** The published version, or null when the portal has none (the default preset applies). */
  publishedModel(portalId: PortalId): Promise<ModelVersionRecord | null>;
  modelVersions(portalId: PortalId): Promise<ModelVersionRecord[]>;
  modelVersion(portalId: PortalId, version: number): Promise<ModelVersionRecord | null>;

  // Workflow-action callbacks ----------------------------------------------------------------
  addPendingCallback(callback: PendingCallback): Promise<void>;
  pendingCallbacks(portalId: PortalId, contactIds: readonly ContactId[]): Promise<PendingCallback[]>;
  completeCallbacks(callbackIds: readonly string[], now: number): Promise<void>;

  // Feedback loop ----------------------------------------------------------------------------
  /** Records an applied decision once per idempotency key; false when it was already recorded. */
  recordSalesDecision(decision: SalesDecisionRecord): Promise<boolean>;
  /** Decisions of a portal that took effect (applied), with `from <= decidedAt < to`, oldest first. */
  salesDecisions(portalId: PortalId, from: number, to: number): Promise<SalesDecisionRecord[]>;
  /** Starts (or restarts) the timer of this kind for the contact. */
  startSlaTimer(timer: Omit<SlaTimer, 'closedAt' | 'outcome'>): Promise<void>;
  closeSlaTimer(
    portalId: PortalId,
    contactId: ContactId,
    kind: SlaKind,
    outcome: 'met' | 'breached' | 'cancelled',
    at: number,
  ): Promise<void>;
  /** Running timers due at or before `now`. */
  dueSlaTimers(now: number, limit: number): Promise<SlaTimer[]>;
  /** Timers of a portal started with `from <= startedAt < to` (open or closed), oldest first. */
  slaTimers(portalId: PortalId, from: number, to: number): Promise<SlaTimer[]>;

  // Feedback loop: decisions applied by the worker, routes, breaches, reports (0003) ------------
  /**
   * Records a decision as pending once per (portal, idempotency key) and enqueues its contact,
   * atomically; false when the key was already recorded (nothing changes).
   */
  requestSalesDecision(decision: SalesDecisionRequest, enqueue?: EnqueueRequest): Promise<boolean>;
  /** One decision by its idempotency key, whatever its status, or null. */
  salesDecision(portalId: PortalId, idempotencyKey: string): Promise<SalesDecisionEntry | null>;
  /** Pending decisions of these contacts, oldest first. */
  pendingSalesDecisions(portalId: PortalId, contactIds: readonly ContactId[]): Promise<SalesDecisionEntry[]>;
  /**
   * Settles pending decisions with their transitions and timer changes, each all or nothing.
   * Returns the keys this call settled (a decision settled before is left alone, its transitions
   * are not recorded twice).
   */
  settleSalesDecisions(settlements: readonly DecisionSettlement[]): Promise<string[]>;
  /** The latest applied decision per contact (by `decidedAt`). */
  latestSalesDecisions(
    portalId: PortalId,
    contactIds: readonly ContactId[],
  ): Promise<Map<ContactId, SalesDecisionRecord>>;
  /** Closes a running timer as met when `at` is not after its due time; true when it did. */
  meetSlaTimer(portalId: PortalId, contactId: ContactId, kind: SlaKind, at: number): Promise<boolean>;
  /** All timers (open or closed) of these contacts. */
  slaTimersFor(portalId: PortalId, contactIds: readonly ContactId[]): Promise<SlaTimer[]>;
  /**
   * Breaches due timers and hands out the breaches whose escalation is owed, leased for `leaseMs`
   * so no other instance sends them meanwhile. A timer is due when it runs past `dueAt` and no
   * pending decision made in time waits for the worker. A breach whose escalation was handed out
   * but never marked sent comes back when its lease expires.
   */
  claimSlaBreaches(now: number, limit: number, leaseMs: number): Promise<SlaTimer[]>;
  /** The escalations of these breaches went out. */
  markSlaBreachesNotified(
    timers: readonly Pick<SlaTimer, 'portalId' | 'contactId' | 'kind'>[],
    at: number,
  ): Promise<void>;
  /** Saves routes (the latest per contact) and starts their acceptance timers, in one transaction. */
  saveRoutes(
    routes: readonly RouteRecord[],
    timers: readonly Omit<SlaTimer, 'closedAt' | 'outcome'>[],
  ): Promise<void>;
  routesFor(portalId: PortalId, contactIds: readonly ContactId[]): Promise<Map<ContactId, RouteRecord>>;
  /** Routes with an owner whose task is still owed, routed before `routedBefore`, leased for `leaseMs`. */
  claimRoutesAwaitingTask(
    routedBefore: number,
    now: number,
    limit: number,
    leaseMs: number,
  ): Promise<RouteRecord[]>;
  markRouteTasks(
    tasks: readonly { portalId: PortalId; contactId: ContactId; taskId: string }[],
  ): Promise<void>;
  /**
   * The next `count` owners of a round robin over `candidates` (in their order), continuing after
   * the owner served last in this portal's `pool`; shared by every instance on the database.
   */
  takeRoundRobin(
    portalId: PortalId,
    pool: string,
    candidates: readonly string[],
    count: number,
  ): Promise<string[]>;
  /** Portals with applied decisions in `from <= decidedAt < to`. */
  portalsWithSalesDecisions(from: number, to: number): Promise<PortalId[]>;
  /**
   * Takes a week's report for sending: stores it when the week has none yet, or hands back the
   * stored one when it is still unsent and nobody holds it; null when it was sent or is held.
   * Held for `leaseMs`.
   */
  claimWeeklyReport(
    report: Omit<WeeklyReportRecord, 'deliveredAt' | 'taskId'>,
    now: number,
    leaseMs: number,
  ): Promise<WeeklyReportRecord | null>;
  markWeeklyReportDelivered(
    portalId: PortalId,
    weekStart: number,
    at: number,
    taskId: string | null,
  ): Promise<void>;
  /** A portal's weekly reports, newest first. */
  weeklyReports(portalId: PortalId): Promise<WeeklyReportRecord[]>;
  /** The last snapshots of these contacts. */
  contactSnapshots(
    portalId: PortalId,
    contactIds: readonly ContactId[],
  ): Promise<Map<ContactId, ContactSnapshot>>;

  // Rate budget ------------------------------------------------------------------------------
  /**
   * A budget of HubSpot calls: in this process on SQLite; on PostgreSQL shared by every instance
   * that uses the same database and `key`. No rolling window of `windowMs` admits more than `points`.
   */
  rateBudget(limit: { points: number; windowMs: number; key?: string }): RateBudget;

  // Operations -------------------------------------------------------------------------------
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}

/** A shared budget of HubSpot calls: all callers (and, on PostgreSQL, all instances) draw from it. */
export interface RateBudget {
  /** Waits until a call may be made (never rejects for lack of budget; it waits). */
  acquire(cost?: number): Promise<void>;
  /** Calls per window and the window length. */
  readonly limit: { points: number; windowMs: number };
}

/** Raised by an adapter when the database cannot do what was asked (full disk, lost connection). */
export class StoreUnavailableError extends Error {
  readonly code = 'store_unavailable';
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}

/** Raised when asked to act on something the store does not hold (e.g. publishing an unknown model version). */
export class StoreNotFoundError extends Error {
  readonly code = 'not_found';
  constructor(message: string) {
    super(message);
    this.name = 'StoreNotFoundError';
  }
}
