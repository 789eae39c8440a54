/**
 * Sales decisions, applied by the scorer to the contacts it has just read: a decision is recorded
 * first (pending; by the *Sales decision* action, or from a lead status or stage a person set),
 * then applied here with the contact's current state, so both ways of deciding behave the same and
 * a retry converges instead of doing things twice.
 *
 *   decide → core.planSalesDecision (accept: MQL → SQL; return: recycle, lead status, track, signal)
 *   write  → the recycle's clear goes out first, on its own; the rest rides on the scoring write
 *   record → settle the decision with its transitions and timers, all or nothing
 */
import { HOUR_MS } from '../../core/intent.js';
import { type DecisionPlan, FOLLOW_UP_LEAD_STATUSES, planSalesDecision } from '../../core/feedback.js';
import type { QualificationModel } from '../../core/model.js';
import type { CrmRecord } from '../../hubspot/crm-gateway.js';
import { decisionValues, outputValue } from '../../hubspot/write-back.js';
import type {
  ContactId,
  DecisionSettlement,
  PortalId,
  RouteRecord,
  SalesDecisionEntry,
  SignalRecord,
  SlaTimer,
  TransitionRecord,
} from '../../store/store.port.js';

/** What applying a decision did, as stored with it and answered to the workflow action. */
export interface DecisionOutcome {
  [key: string]: unknown;
  decision: 'accept' | 'return';
  applied: boolean;
  reason: string | null;
  /** The stage before and after. */
  stageBefore: string | null;
  stage: string | null;
  leadStatus: string | null;
  track: string | null;
  recycled: boolean;
  why: string;
}

/** One pending decision, planned against the contact as read. */
export interface PlannedDecision {
  entry: SalesDecisionEntry;
  plan: DecisionPlan;
  /** The lead status HubSpot held before this decision. */
  leadStatusBefore: string | null;
  /** Property values to write (compared with what HubSpot holds before writing). */
  values: Record<string, string>;
  outcome: DecisionOutcome;
  /** A signal the reason adds, recorded once the write went through. */
  signal: SignalRecord | null;
}

export interface DecisionBatch {
  /** The properties the evaluation should see: as read, with the decisions applied. */
  effective: Map<ContactId, Record<string, string | null>>;
  /** Planned decisions per contact, oldest first. */
  planned: Map<ContactId, PlannedDecision[]>;
  /** Contacts to recycle: their stage is cleared in a request of its own before the main write. */
  clears: ContactId[];
  /** The latest return per contact (applied before or now), for the re-qualification hold. */
  returnedAt: Map<ContactId, number>;
}

/** Facts of the contacts the decisions need, loaded by the scorer. */
export interface DecisionContext {
  pending: readonly SalesDecisionEntry[];
  timers: readonly SlaTimer[];
  /** The latest applied decision per contact, before this batch. */
  latest: ReadonlyMap<ContactId, { decision: 'accept' | 'return'; decidedAt: number }>;
}

/** Plans the pending decisions of a batch against the contacts as read; nothing is written here. */
export function planDecisions(
  model: QualificationModel,
  records: readonly CrmRecord[],
  context: DecisionContext,
): DecisionBatch {
  const effective = new Map<ContactId, Record<string, string | null>>();
  const planned = new Map<ContactId, PlannedDecision[]>();
  const clears: ContactId[] = [];
  const returnedAt = new Map<ContactId, number>();
  for (const [id, latest] of context.latest)
    if (latest.decision === 'return') returnedAt.set(id, latest.decidedAt);

  const byContact = new Map<ContactId, SalesDecisionEntry[]>();
  for (const entry of context.pending)
    byContact.set(entry.contactId, [...(byContact.get(entry.contactId) ?? []), entry]);

  for (const record of records) {
    const properties: Record<string, string | null> = { ...record.properties };
    effective.set(record.id, properties);
    const entries = byContact.get(record.id);
    if (!entries) continue;
    let awaiting = context.timers.some(
      (t) => t.contactId === record.id && t.kind === 'acceptance' && t.closedAt === null,
    );
    const list: PlannedDecision[] = [];
    for (const entry of entries) {
      const leadStatusBefore = properties.hs_lead_status ?? null;
      const plan = planSalesDecision(
        {
          decision: entry.decision,
          reason: entry.reason,
          stage: properties.lifecyclestage ?? null,
          leadStatus: properties.hs_lead_status ?? null,
          highWater: properties.lq_highest_stage ?? null,
          awaitingDecision: awaiting,
        },
        model,
      );
      const values = plan.applies ? decisionValues(plan, entry.note) : {};
      if (plan.clearFirst && !clears.includes(record.id)) clears.push(record.id);
      // Later decisions of the batch see this one's effect (a second decision finds an SQL, say).
      Object.assign(properties, values);
      if (plan.applies) awaiting = false;
      if (plan.applies && plan.decision === 'return') returnedAt.set(record.id, entry.decidedAt);
      list.push({
        entry,
        plan,
        leadStatusBefore,
        values,
        outcome: {
          decision: plan.decision,
          applied: plan.applies,
          reason: plan.reason,
          stageBefore: plan.stageBefore,
          stage: plan.stage,
          leadStatus: plan.leadStatus,
          track: plan.track,
          recycled: plan.recycle,
          why: plan.why,
          ...(entry.trigger ? { trigger: entry.trigger } : {}),
        },
        signal:
          plan.applies && plan.signalType
            ? {
                portalId: entry.portalId,
                contactId: record.id,
                type: plan.signalType,
                occurredAt: entry.decidedAt,
                source: 'sales-decision',
                idempotencyKey: `decision:${entry.idempotencyKey}`,
                recordedAt: entry.decidedAt,
              }
            : null,
      });
    }
    planned.set(record.id, list);
  }
  return { effective, planned, clears, returnedAt };
}

/**
 * The store's side of applied decisions: the decision settled with its transitions (the decision,
 * the stage change or the recycle, the lead status), the acceptance timer met, and on accept the
 * follow-up timer started (met at once when the lead status already shows contact).
 */
export function settlementOf(
  portalId: PortalId,
  contactId: ContactId,
  p: PlannedDecision,
  context: {
    modelVersion: string;
    route: RouteRecord | undefined;
    /** Follow-up hours when the contact has no stored route. */
    fallbackFollowUpHours: number;
    /** The lead status HubSpot holds after the write. */
    leadStatusNow: string | null;
    now: number;
  },
): DecisionSettlement {
  const { entry, plan } = p;
  const at = entry.decidedAt;
  const base = {
    portalId,
    contactId,
    at,
    modelVersion: context.modelVersion,
    details: {
      reason: plan.reason,
      note: entry.note,
      route: context.route?.kind ?? null,
      owner: context.route?.ownerId ?? null,
      source: entry.source,
      highWater: plan.highWater,
    },
  };
  const settlement: DecisionSettlement = {
    portalId,
    idempotencyKey: entry.idempotencyKey,
    status: plan.applies ? 'applied' : 'ignored',
    outcome: p.outcome,
    at: context.now,
    transitions: [],
    meetTimers: [],
    startTimers: [],
  };
  if (!plan.applies) return settlement;

  const transitions: TransitionRecord[] = [
    {
      ...base,
      kind: 'sales_decision',
      from: plan.stageBefore,
      to: plan.decision,
      cause: `sales:${plan.decision}`,
    },
  ];
  if (plan.recycle)
    transitions.push({
      ...base,
      kind: 'recycle',
      from: 'marketingqualifiedlead',
      to: plan.stage,
      cause: `recycle:${plan.reason ?? 'other'}`,
      details: { ...base.details, track: plan.track },
    });
  else if (plan.stage !== plan.stageBefore)
    transitions.push({
      ...base,
      kind: 'lifecycle',
      from: plan.stageBefore,
      to: plan.stage,
      cause: `sales:${plan.decision}`,
    });
  if (plan.leadStatus !== p.leadStatusBefore)
    transitions.push({
      ...base,
      kind: 'lead_status',
      from: p.leadStatusBefore,
      to: plan.leadStatus,
      cause: `recycle:${plan.reason ?? 'other'}`,
    });

  const meetTimers: DecisionSettlement['meetTimers'][number][] = [{ contactId, kind: 'acceptance', at }];
  const startTimers: DecisionSettlement['startTimers'][number][] = [];
  if (plan.decision === 'accept') {
    const hours = context.route?.followUpSlaHours ?? context.fallbackFollowUpHours;
    startTimers.push({ portalId, contactId, kind: 'follow_up', startedAt: at, dueAt: at + hours * HOUR_MS });
    // A lead status that shows contact (set with the decision, or already there) meets the follow-up.
    const shown = [entry.trigger, context.leadStatusNow].find(
      (s) => s && FOLLOW_UP_LEAD_STATUSES.includes(s),
    );
    if (shown) meetTimers.push({ contactId, kind: 'follow_up', at });
  }
  return { ...settlement, transitions, meetTimers, startTimers };
}

/** The *Sales decision* action's output fields for an outcome. */
export function salesDecisionOutputs(outcome: DecisionOutcome): Record<string, string> {
  return {
    decision: outcome.decision,
    applied: outputValue(outcome.applied),
    lifecycle_stage: outcome.stage ?? '',
    renurture_track: outcome.track ?? '',
    explanation: outcome.why,
  };
}

/** Reads a stored outcome back (it was written by {@link settlementOf}). */
export function asDecisionOutcome(value: Record<string, unknown> | null): DecisionOutcome | null {
  if (!value || (value.decision !== 'accept' && value.decision !== 'return')) return null;
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    ...value,
    decision: value.decision,
    applied: value.applied === true,
    reason: text(value.reason),
    stageBefore: text(value.stageBefore),
    stage: text(value.stage),
    leadStatus: text(value.leadStatus),
    track: text(value.track),
    recycled: value.recycled === true,
    why: text(value.why) ?? '',
  };
}
