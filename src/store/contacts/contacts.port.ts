/**
 * The contact aggregate: what the store knows of each contact between runs: its intent signals,
 * the inputs of its last evaluation (snapshot), the evaluation itself, and every change of state
 * (transitions, kept forever: the funnel is computed from them).
 */
import type { EnqueueRequest } from '../queue/queue.port.js';
import type { ContactId, ContactRemoval, Page, PortalId } from '../store.port.js';

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
  /** When the written values next change on their own (the core's next-change time); null: never. */
  nextChangeAt: number | null;
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

export interface ContactStore {
  // Signals
  /** Records a signal once per (portal, idempotency key) and enqueues its contact, atomically. */
  recordSignal(signal: SignalRecord, enqueue?: EnqueueRequest): Promise<RecordSignalResult>;
  /**
   * Records many signals in one transaction, each once per (portal, idempotency key), and
   * enqueues the contacts of the new ones with `enqueueReason` when given. Returns the
   * idempotency keys that were new.
   */
  recordSignals(signals: readonly SignalRecord[], enqueueReason?: string): Promise<Set<string>>;
  /** All signals of these contacts since `since` (epoch ms), oldest first, grouped by contact. */
  signalsFor(
    portalId: PortalId,
    contactIds: readonly ContactId[],
    since: number,
  ): Promise<Map<ContactId, SignalRecord[]>>;

  // Snapshots
  saveSnapshots(snapshots: readonly ContactSnapshot[]): Promise<void>;
  /** Snapshots of a portal in contact-id order, a page at a time (for previews and rescoring). */
  snapshotPage(portalId: PortalId, cursor: string | null, limit: number): Promise<Page<ContactSnapshot>>;
  /** The last snapshots of these contacts. */
  snapshotsOf(portalId: PortalId, contactIds: readonly ContactId[]): Promise<Map<ContactId, ContactSnapshot>>;
  /**
   * The contacts whose last snapshot names one of these companies as theirs
   * (`associatedcompanyid`), by company: who to rescore when HubSpot can no longer list a
   * company's contacts (it was deleted or merged away). Reads the portal's snapshots: for rare events.
   */
  contactsOfCompanies(portalId: PortalId, companyIds: readonly string[]): Promise<Map<string, ContactId[]>>;

  // Evaluations and transitions
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

  /**
   * Applies a removal to signals, snapshots, evaluations and transitions (transitions stay for a
   * `deleted` contact: the funnel counts them; an `erased` one loses them too).
   */
  removeContacts(removal: ContactRemoval): Promise<void>;
}
