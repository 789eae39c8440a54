/**
 * The feedback loop's decisions, pure: what a sales decision (accept or return) does to a
 * contact, who gets a new MQL, the furthest stage a contact ever reached, and when a returned lead
 * may become an MQL again. Facts and the model in, a plan with its reasons out; the jobs layer
 * reads HubSpot, applies the plan and records it.
 */
import type { Evaluation, RouteKind } from './evaluation.js';
import { toEpochMs } from './intent.js';
import { LIFECYCLE_STAGES, type LifecycleStage, stageRank } from './lifecycle.js';
import type { QualificationModel, Routing } from './model.js';
import { ownValue } from './own.js';

export type SalesDecisionKind = 'accept' | 'return';

const MQL: LifecycleStage = 'marketingqualifiedlead';
const SQL: LifecycleStage = 'salesqualifiedlead';

/**
 * Lead statuses that show sales followed an accepted lead up: when a person sets one of these
 * after acceptance, the follow-up SLA is met. A fixed list (HubSpot's default values), not a
 * model setting: the model maps lead statuses to decisions, this says what counts as contact.
 */
export const FOLLOW_UP_LEAD_STATUSES: readonly string[] = [
  'ATTEMPTED_TO_CONTACT',
  'CONNECTED',
  'IN_PROGRESS',
];

/** The default stages the high-water mark ranges over, in funnel order (`other` is no stage of the funnel). */
export const HIGH_WATER_STAGES: readonly LifecycleStage[] = LIFECYCLE_STAGES.filter((s) => s !== 'other');

/** The lead status a returned lead gets when the model names none for its reason. */
export const DEFAULT_RETURN_LEAD_STATUS = 'UNQUALIFIED';

/**
 * The furthest default stage among `stages` (empty, custom and `other` stages are ignored), or
 * null when there is none. A recycle never lowers it: the funnel counts what was reached.
 */
export function higherStage(...stages: readonly (string | null | undefined)[]): LifecycleStage | null {
  let best: LifecycleStage | null = null;
  for (const stage of stages) {
    if (!stage || !(HIGH_WATER_STAGES as readonly string[]).includes(stage)) continue;
    if (best === null || stageRank(stage) > stageRank(best)) best = stage as LifecycleStage;
  }
  return best;
}

/** Does a stage count as "sales has it" (SQL or later, a default stage)? */
export function isSalesStage(stage: string | null | undefined): boolean {
  return !!stage && stage !== 'other' && stageRank(stage) >= stageRank(SQL);
}

export interface DecisionFacts {
  decision: SalesDecisionKind;
  /** The lost reason of a return (a model reason id); null for an accept. */
  reason: string | null;
  /** The contact's lifecycle stage and lead status now (null when empty). */
  stage: string | null;
  leadStatus: string | null;
  /** The furthest stage recorded so far (`lq_highest_stage`). */
  highWater: string | null;
  /**
   * The contact was routed as an MQL and its acceptance timer still runs. An installed-base MQL
   * keeps its customer stage, so the timer, not the stage, says it awaits a decision.
   */
  awaitingDecision: boolean;
}

export interface DecisionPlan {
  decision: SalesDecisionKind;
  /** False when the contact is no MQL: the decision is recorded and changes nothing. */
  applies: boolean;
  why: string;
  reason: string | null;
  /** The stage before and after (equal when it does not move). */
  stageBefore: string | null;
  stage: string | null;
  /** A recycle: the MQL goes back to the model's recycle stage. */
  recycle: boolean;
  /**
   * Clear the stage in a request of its own before writing `stage` (HubSpot moves a stage back
   * only from empty). False when the stage is empty already (a recycle interrupted after its clear).
   */
  clearFirst: boolean;
  leadStatus: string | null;
  /** The re-nurture track the reason picks (null: none, or an accept). */
  track: string | null;
  /** A signal the reason adds (e.g. no interest → sales_no_interest), or null. */
  signalType: string | null;
  highWater: string | null;
}

/**
 * What a sales decision does. Only an MQL (or a routed contact whose acceptance timer runs) can be
 * accepted or returned. Accept moves MQL → SQL. Return recycles MQL → the model's recycle stage
 * (cleared first, as HubSpot requires for a backward move), sets the model's lead status for the
 * reason, picks the re-nurture track and the reason's signal. A routed contact beyond MQL (an
 * existing customer) keeps its stage and lead status: stages only move forward, and from SQL on
 * the lead status is sales'.
 */
export function planSalesDecision(facts: DecisionFacts, model: QualificationModel): DecisionPlan {
  const { decision, stage, leadStatus } = facts;
  const reason = decision === 'return' ? (facts.reason ?? 'other') : null;
  // An empty stage on a contact awaiting a decision: an earlier recycle cleared it and stopped.
  const isMql = stage === MQL || (stage === null && facts.awaitingDecision);
  const base = {
    decision,
    reason,
    stageBefore: stage,
    stage,
    recycle: false,
    clearFirst: false,
    leadStatus,
    track: null,
    signalType: null,
    highWater: higherStage(facts.highWater, stage),
  };
  if (!isMql && !facts.awaitingDecision)
    return {
      ...base,
      applies: false,
      why: `the contact is ${stage ? `at "${stage}"` : 'without a lifecycle stage'}, not an MQL awaiting a decision: nothing changes`,
    };

  if (decision === 'accept') {
    if (!isMql)
      return {
        ...base,
        applies: true,
        why: `accepted; the stage stays "${stage ?? ''}" (stages only move forward)`,
      };
    return {
      ...base,
      applies: true,
      stage: SQL,
      highWater: higherStage(base.highWater, SQL),
      why: 'accepted: MQL → SQL',
    };
  }

  const { feedback } = model;
  const label = feedback.lostReasons.find((r) => r.id === reason)?.label ?? reason;
  const track = (reason && ownValue(feedback.renurtureTracks, reason)) ?? null;
  const signalType = (reason && ownValue(feedback.reasonSignals, reason)) ?? null;
  const trackText = track ? `, re-nurture track ${track}` : '';
  if (!isMql)
    return {
      ...base,
      applies: true,
      track,
      signalType,
      why: `returned (${label})${trackText}; the stage stays "${stage ?? ''}" (an existing customer is never recycled)`,
    };
  const to = feedback.recycleStage;
  return {
    ...base,
    applies: true,
    stage: to,
    recycle: true,
    clearFirst: stage !== null,
    leadStatus: (reason && ownValue(feedback.returnLeadStatus, reason)) ?? DEFAULT_RETURN_LEAD_STATUS,
    track,
    signalType,
    why: `returned (${label}): recycled MQL → ${to}${trackText}`,
  };
}

/**
 * Is a returned lead held back from becoming an MQL again? Sales returned it at `returnedAt`; the
 * same evidence must not send it straight back. It may qualify again on a positive signal that
 * happened after the return.
 */
export function heldByReturn(e: Evaluation, returnedAt: number | null): boolean {
  if (returnedAt === null || !e.isMql) return false;
  const fresh = e.intent.parts.some((p) => p.counted && p.points > 0 && toEpochMs(p.occurredAt) > returnedAt);
  return !fresh;
}

/**
 * The evaluation with a held return applied: a proposed move to MQL becomes "stays", the lead
 * status stays too (no `NEW` for a lead that is not handed over), and the contact reads as nurture,
 * with a verdict line that says why, so the contact record, workflows and the rep agree. This holds
 * whatever the stage: an existing customer returned on the installed-base route is no MQL either.
 */
export function applyReturnHold(e: Evaluation, returnedAt: number | null): Evaluation {
  if (!heldByReturn(e, returnedAt)) return e;
  const day = new Date(returnedAt ?? 0).toISOString().slice(0, 10);
  const verdict = `Not MQL: returned by sales on ${day}; it needs a new signal first (${e.explanation[0] ?? ''})`;
  const lifecycle = {
    current: e.lifecycle.current,
    proposed: e.lifecycle.current,
    changed: false,
    why: `meets the MQL rule, but sales returned it on ${day}: it waits for a new signal`,
  };
  const leadStatus = {
    current: e.leadStatus.current,
    proposed: e.leadStatus.current,
    changed: false,
    why: 'not handed to sales: the lead status is left as it is',
  };
  return {
    ...e,
    qualification: 'nurture',
    isMql: false,
    route: null,
    lifecycle,
    leadStatus,
    explanation: [verdict, ...e.explanation.slice(1)],
  };
}

export type OwnerSource = 'account-owner' | 'contact-owner' | 'round-robin' | 'none';

/**
 * The owner a new MQL goes to without the round robin, or null when the round robin decides:
 * installed base → the company's owner, else the contact's owner; a demo request → the contact's
 * owner; new business → always the round robin. Owners marked unavailable are skipped.
 */
export function directOwner(
  kind: RouteKind,
  owners: { company: string | null; contact: string | null },
  routing: Pick<Routing, 'unavailableOwners'>,
): { owner: string; source: Exclude<OwnerSource, 'round-robin' | 'none'> } | null {
  const available = (id: string | null): id is string => !!id && !routing.unavailableOwners.includes(id);
  if (kind === 'installed-base') {
    if (available(owners.company)) return { owner: owners.company, source: 'account-owner' };
    if (available(owners.contact)) return { owner: owners.contact, source: 'contact-owner' };
    return null;
  }
  if (kind === 'demo-request' && available(owners.contact))
    return { owner: owners.contact, source: 'contact-owner' };
  return null;
}

/** The new-business owners the round robin serves, in the configured order, without the unavailable. */
export function roundRobinPool(routing: Pick<Routing, 'newBusinessOwners' | 'unavailableOwners'>): string[] {
  return [...new Set(routing.newBusinessOwners)].filter((id) => !routing.unavailableOwners.includes(id));
}

/** Start (inclusive) of the reporting week holding `ms`: `weekday` 00:00 UTC (0 Sunday … 6 Saturday; 1 = ISO). */
export function weekStart(ms: number, weekday = 1): number {
  const day = new Date(ms);
  const midnight = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
  const back = (day.getUTCDay() - weekday + 7) % 7;
  return midnight - back * 86_400_000;
}
