/**
 * Lifecycle stage and lead status rules, in HubSpot's internal values.
 *
 * The engine may move a contact forward up to MQL. SQL and later are sales' decisions: a score
 * never sets or undoes them. The engine never moves a stage backwards; recycling is an explicit,
 * logged step of its own. Lead status is sales' day-to-day state: the engine proposes `NEW` when a
 * contact becomes an MQL and `UNQUALIFIED` when marketing disqualifies it, and otherwise leaves it.
 */

/** HubSpot's default lifecycle stages, in funnel order. */
export const LIFECYCLE_STAGES = [
  'subscriber',
  'lead',
  'marketingqualifiedlead',
  'salesqualifiedlead',
  'opportunity',
  'customer',
  'evangelist',
  'other',
] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** HubSpot's default lead status values. */
export const LEAD_STATUSES = [
  'NEW',
  'OPEN',
  'IN_PROGRESS',
  'OPEN_DEAL',
  'UNQUALIFIED',
  'ATTEMPTED_TO_CONTACT',
  'CONNECTED',
  'BAD_TIMING',
] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export type Qualification = 'disqualified' | 'nurture' | 'iql' | 'mql';

/** The position of a stage in the funnel, or -1 for an empty or custom stage. */
export function stageRank(stage: string | null): number {
  return stage === null ? -1 : LIFECYCLE_STAGES.indexOf(stage as LifecycleStage);
}

const MQL_RANK = stageRank('marketingqualifiedlead');
const SQL_RANK = stageRank('salesqualifiedlead');
const LEAD_RANK = stageRank('lead');

export interface LifecycleDecision {
  /** The stage HubSpot holds now (null when empty). */
  current: string | null;
  /** The stage the engine wants; equal to `current` when it changes nothing. */
  proposed: string | null;
  changed: boolean;
  why: string;
}

export interface LeadStatusDecision {
  current: string | null;
  proposed: string | null;
  changed: boolean;
  why: string;
}

export interface LifecycleFacts {
  current: string | null;
  qualification: Qualification;
  /** The contact has at least one live signal with positive points (it took an action). */
  engaged: boolean;
}

function keepStage(current: string | null, why: string): LifecycleDecision {
  return { current, proposed: current, changed: false, why };
}

function moveStage(current: string | null, to: LifecycleStage, why: string): LifecycleDecision {
  return { current, proposed: to, changed: true, why };
}

/** Decides the lifecycle stage: forward only, never past MQL, never for custom stages. */
export function decideLifecycle({ current, qualification, engaged }: LifecycleFacts): LifecycleDecision {
  const rank = stageRank(current);
  if (current !== null && rank === -1)
    return keepStage(current, `"${current}" is a custom stage; the engine leaves it to people`);
  if (current === 'other') return keepStage(current, '"other" is set by people; the engine leaves it');
  if (rank >= SQL_RANK) return keepStage(current, `${current} is owned by sales; a score never changes it`);

  if (qualification === 'mql') {
    if (rank === MQL_RANK) return keepStage(current, 'already an MQL');
    return moveStage(current, 'marketingqualifiedlead', 'meets the MQL rule');
  }
  if (qualification === 'disqualified') {
    if (rank === MQL_RANK)
      return keepStage(
        current,
        'disqualified, but stages never move back on their own: recycle it to move it back',
      );
    return keepStage(current, 'disqualified: no stage change');
  }
  // nurture or iql: at most Lead (took an action) or Subscriber (known, no action yet).
  if (rank === MQL_RANK)
    return keepStage(
      current,
      'no longer meets the MQL rule, but stages never move back on their own: recycle it',
    );
  if (engaged && rank < LEAD_RANK) return moveStage(current, 'lead', 'took an action (a positive signal)');
  if (current === null)
    return moveStage(current, 'subscriber', 'known contact without a qualifying action yet');
  return keepStage(current, `stays ${current}`);
}

export interface LeadStatusFacts {
  current: string | null;
  qualification: Qualification;
  lifecycle: LifecycleDecision;
}

function keepStatus(current: string | null, why: string): LeadStatusDecision {
  return { current, proposed: current, changed: false, why };
}

function setStatus(current: string | null, to: LeadStatus, why: string): LeadStatusDecision {
  return current === to ? keepStatus(current, why) : { current, proposed: to, changed: true, why };
}

/** Proposes `NEW` for a new MQL and `UNQUALIFIED` for a disqualified contact marketing still owns. */
export function decideLeadStatus({ current, qualification, lifecycle }: LeadStatusFacts): LeadStatusDecision {
  if (stageRank(lifecycle.current) >= SQL_RANK)
    return keepStatus(current, 'sales owns lead status from SQL on');
  if (qualification === 'disqualified') return setStatus(current, 'UNQUALIFIED', 'disqualified');
  if (qualification === 'mql') {
    if (lifecycle.changed && lifecycle.proposed === 'marketingqualifiedlead')
      return setStatus(current, 'NEW', 'new MQL for sales');
    if (current === null) return setStatus(current, 'NEW', 'MQL without a lead status');
    return keepStatus(current, 'MQL; sales is working it');
  }
  return keepStatus(current, 'not an MQL; lead status is left to sales');
}
