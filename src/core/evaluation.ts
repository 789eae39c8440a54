/**
 * The shapes of an evaluation: what `evaluate` takes and gives. Types only, so the modules that
 * build an evaluation (evaluate.ts) and those that read one (explain.ts, feedback.ts, next-change.ts)
 * depend on this file and not on each other.
 */
import type { Disqualification, FitResult } from './fit.js';
import type { EvaluationWarning, IntentResult, SignalInput } from './intent.js';
import type { LeadStatusDecision, LifecycleDecision, Qualification } from './lifecycle.js';
import type { ContactFacts } from './matchers.js';

/** A contact as read from HubSpot, plus the signals the app has recorded for it. */
export interface ContactInput extends ContactFacts {
  id: string;
  signals?: readonly SignalInput[];
}

export type RouteKind = 'installed-base' | 'demo-request' | 'new-business';

export interface Route {
  kind: RouteKind;
  /** Who takes it: the account's owner, a sales owner directly, or the new-business team. */
  to: 'account-owner' | 'sales-owner' | 'new-business-team';
  /** Hours for the first follow-up after acceptance. */
  followUpSlaHours: number;
  /** Hours sales has to accept or return the MQL. */
  acceptanceSlaHours: number;
  why: string;
}

export interface MqlRuleCheck {
  fitPasses: boolean;
  intentPasses: boolean;
  /** Labels of required fit criteria that did not match. */
  missingRequired: string[];
  /** An existing customer with a qualifying signal inside the installed-base window. */
  installedBaseSignal: string | null;
}

export interface Evaluation {
  contactId: string;
  modelVersion: string;
  /** `now` as an ISO date-time. */
  evaluatedAt: string;
  fit: FitResult;
  intent: IntentResult;
  disqualification: Disqualification | null;
  qualification: Qualification;
  isMql: boolean;
  /** The contact (or its company) is an existing customer per the model's installed-base rule. */
  isCustomer: boolean;
  mqlRule: MqlRuleCheck;
  lifecycle: LifecycleDecision;
  leadStatus: LeadStatusDecision;
  route: Route | null;
  /** At most 8 short lines a sales rep can read in 30 seconds. Every point of both scores is accounted for. */
  explanation: string[];
  /**
   * What in the input was not used and a person should know about (signals of an unknown type,
   * dated in the future or with an unreadable date); empty when nothing was left out.
   */
  warnings: EvaluationWarning[];
}
