/**
 * The scoring batch: one plain object that carries up to 100 contacts of one portal through the
 * steps of `scoreRecords` (load → sales decisions → evaluate → route → plan writes → write →
 * record → notify). Each step reads what earlier steps filled in and adds its own part; nothing
 * else is shared between them.
 */
import type { ContactInput, Evaluation } from '../../core/evaluate.js';
import type { QualificationModel } from '../../core/model.js';
import type { CrmGateway, CrmRecord } from '../../hubspot/crm-gateway.js';
import type { Logger } from '../../logger.js';
import type {
  CallbackStore,
  ContactId,
  ContactStore,
  DealStore,
  DecisionStore,
  EvaluationRecord,
  PortalId,
  RouteRecord,
  RouteStore,
  SalesDecisionRecord,
  SignalRecord,
  SlaStore,
  SlaTimer,
  SalesDecisionEntry,
  WorkQueue,
} from '../../store/store.port.js';
import type { ActiveModels } from '../active-model.js';
import type { FeedbackCounters } from '../feedback/feedback-counters.js';
import type { PlannedRoute } from '../feedback/routing.js';
import type { DecisionBatch, DecisionOutcome } from '../feedback/sales-decisions.js';
import type { CompanyCache } from './company-cache.js';

type Properties = Record<string, string | null>;

export interface ScoreDeps {
  store: {
    contacts: ContactStore;
    decisions: DecisionStore;
    sla: SlaStore;
    routes: RouteStore;
    callbacks: CallbackStore;
    queue: WorkQueue;
    /** Deals owed on accept and the deals read then (without it, no deal is made). */
    deals?: DealStore;
  };
  crm: Pick<
    CrmGateway,
    'readContacts' | 'readCompanies' | 'updateContacts' | 'completeCallbacks' | 'createTasks'
  > &
    Partial<Pick<CrmGateway, 'deals'>>;
  models: ActiveModels;
  companies: CompanyCache;
  clock: () => number;
  onScored?: (counts: { scored: number; written: number; unchanged: number }) => void;
  /**
   * A value that changed on its own (a signal faded or expired) reached HubSpot `lagMs` after the
   * moment the core foresaw for it.
   */
  onScheduledLag?: (lagMs: number) => void;
  /** Where decisions, recycles, routes and tasks are logged (default: not logged). */
  logger?: Logger;
  /** Counts decisions, recycles, routes and tasks (metrics). */
  counters?: FeedbackCounters;
}

export interface ScoreResult {
  evaluations: Map<ContactId, Evaluation>;
  /** Contacts whose HubSpot properties were updated. */
  written: ContactId[];
  unchanged: ContactId[];
  /** Contacts HubSpot does not know (deleted or merged away): nothing to do. */
  missing: ContactId[];
  /** Contacts whose write HubSpot refused, with its message (not worth retrying as is). */
  rejected: { id: ContactId; message: string }[];
  /** Sales decisions settled in this run (applied or ignored), by idempotency key. */
  decisions: Map<string, DecisionOutcome>;
  /** New MQLs routed in this run. */
  routed: RouteRecord[];
}

/** What the store and HubSpot held for the batch's contacts before this run. */
export interface LoadedState {
  /** Companies by id, as the model reads them (cached between runs). */
  companies: Map<string, Properties>;
  signals: Map<ContactId, SignalRecord[]>;
  /** The latest stored evaluation per contact, before this run. */
  previous: Map<ContactId, EvaluationRecord>;
  pendingDecisions: SalesDecisionEntry[];
  latestDecisions: Map<ContactId, SalesDecisionRecord>;
  timers: SlaTimer[];
  routes: Map<ContactId, RouteRecord>;
}

/** What one contact was evaluated on, and the verdict. */
export interface Scored {
  /** The properties the evaluation saw: as read, with the sales decisions applied. */
  properties: Properties;
  company: Properties | null;
  /** What the core was given (properties, company, signals). */
  input: ContactInput;
  evaluation: Evaluation;
  /** When the written values next change on their own (the core's next-change time), or null. */
  nextChangeAt: number | null;
  /** The latest return by sales (before or in this run), for the re-qualification hold. */
  returnedAt: number | null;
}

export interface ScoringBatch {
  portalId: PortalId;
  model: QualificationModel;
  now: number;
  records: readonly CrmRecord[];
  missing: ContactId[];
  loaded: LoadedState;
  /** The batch's pending sales decisions, planned against the contacts as read. */
  decided: DecisionBatch;
  scored: Map<ContactId, Scored>;
  /** New MQLs routed in this run (owner, task, acceptance timer). */
  routes: PlannedRoute[];
  /** Per contact, the property values to write (only those that differ from HubSpot's). */
  changes: Map<ContactId, Record<string, string>>;
  /** Contacts HubSpot refused to write, with its message: nothing about them is recorded. */
  refused: Map<ContactId, string>;
  /** Contacts whose recycle's stage clear HubSpot refused. */
  clearRefused: Set<ContactId>;
  /** Contacts written without their routed owner, because HubSpot refused that owner. */
  ownerRefused: Set<ContactId>;
  written: ContactId[];
  /** Sales decisions settled in this run, by idempotency key. */
  decisions: Map<string, DecisionOutcome>;
}

/** The batch as a result for the callers (worker, actions, rescore). */
export function resultOf(batch: ScoringBatch): ScoreResult {
  const written = new Set(batch.written);
  const evaluations = new Map([...batch.scored].map(([id, s]) => [id, s.evaluation]));
  return {
    evaluations,
    written: batch.written,
    unchanged: batch.records.map((r) => r.id).filter((id) => !written.has(id) && !batch.refused.has(id)),
    missing: batch.missing,
    rejected: [...batch.refused].map(([id, message]) => ({ id, message })),
    decisions: batch.decisions,
    routed: batch.routes.map((r) => r.route),
  };
}
