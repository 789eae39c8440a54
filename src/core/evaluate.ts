/**
 * `evaluate(contact, model, now)`: the one decision. Pure and deterministic: the same contact,
 * model and `now` always give the same evaluation, and nothing outside is read or written.
 */
import { explain } from './explain.js';
import type { ContactInput, Evaluation, MqlRuleCheck, Route } from './evaluation.js';
import { computeFit, firstDisqualification } from './fit.js';
import {
  computeIntent,
  DAY_MS,
  type EvaluationWarning,
  type IntentResult,
  type SignalInput,
  toEpochMs,
} from './intent.js';
import { decideLeadStatus, decideLifecycle, type Qualification } from './lifecycle.js';
import { readProperty } from './matchers.js';
import type { Bar, QualificationModel } from './model.js';
import { modelIndex } from './model-index.js';

export type { ContactInput, Evaluation, MqlRuleCheck, Route, RouteKind } from './evaluation.js';

export function passes(score: number, bar: Bar): boolean {
  return bar.operator === '>' ? score > bar.value : score >= bar.value;
}

/**
 * Evaluates one contact against a model at `now` (a Date or epoch milliseconds).
 * Disqualified contacts keep their computed scores, for analysis, but are never MQL.
 */
export function evaluate(contact: ContactInput, model: QualificationModel, now: Date | number): Evaluation {
  const nowMs = typeof now === 'number' ? now : now.getTime();
  const signals = contact.signals ?? [];
  const index = modelIndex(model);
  const warnings: EvaluationWarning[] = [];
  const fit = computeFit(contact, model);
  const intent = computeIntent(signals, model, nowMs, warnings);
  const disqualification = firstDisqualification(contact, index.disqualifiers);

  const { mql, installedBase } = model.thresholds;
  const isCustomer = index.customerWhen.some((c) => c(contact).status === 'match');
  const installedBaseSignal =
    isCustomer && installedBase
      ? recentSignal(signals, index.installedBaseTypes, installedBase.windowDays, nowMs)
      : null;
  const missingRequired: string[] = [];
  for (const id of mql.requiredFitCriteria) {
    const part = fit.parts.find((p) => p.ruleId === id);
    if (part?.status !== 'match') missingRequired.push(index.criteria.get(id)?.label ?? id);
  }
  const mqlRule: MqlRuleCheck = {
    fitPasses: passes(fit.score, mql.fit),
    intentPasses: passes(intent.score, mql.intent),
    missingRequired,
    installedBaseSignal: installedBaseSignal
      ? (index.signals.get(installedBaseSignal)?.rule.label ?? installedBaseSignal)
      : null,
  };

  const meetsRule = mqlRule.fitPasses && mqlRule.intentPasses && missingRequired.length === 0;
  let qualification: Qualification;
  if (disqualification) qualification = 'disqualified';
  else if (meetsRule || mqlRule.installedBaseSignal) qualification = 'mql';
  else if (isInformationOnly(intent, index.iqlTypes)) qualification = 'iql';
  else qualification = 'nurture';

  const currentStage = readProperty(contact, 'contact.lifecyclestage');
  const engaged = intent.parts.some((p) => p.counted && p.points > 0);
  const lifecycle = decideLifecycle({ current: currentStage, qualification, engaged });
  const leadStatus = decideLeadStatus({
    current: readProperty(contact, 'contact.hs_lead_status'),
    qualification,
    lifecycle,
  });
  const route = qualification === 'mql' ? decideRoute(model, isCustomer, intent, mqlRule) : null;

  const evaluation: Evaluation = {
    contactId: contact.id,
    modelVersion: model.version,
    evaluatedAt: isoDate(nowMs),
    fit,
    intent,
    disqualification,
    qualification,
    isMql: qualification === 'mql',
    isCustomer,
    mqlRule,
    lifecycle,
    leadStatus,
    route,
    explanation: [],
    warnings,
  };
  evaluation.explanation = explain(evaluation, model);
  return evaluation;
}

/**
 * IQL: interest from information-only signals and nothing else. A live signal of any other type
 * with positive points (a pricing view, a trial) is sales intent, so the contact is never labelled
 * "information only (not for sales)"; it is nurture until it meets the MQL rule.
 */
function isInformationOnly(intent: IntentResult, iqlTypes: ReadonlySet<string>): boolean {
  let information = false;
  for (const p of intent.parts) {
    if (p.decayFactor <= 0) continue;
    if (iqlTypes.has(p.ruleId)) information ||= p.counted;
    else if (p.basePoints > 0) return false;
  }
  return information;
}

/** `now` as ISO text; a batch shares one `now`, so the last conversion is remembered. */
let lastIso = { ms: Number.NaN, iso: '' };
function isoDate(ms: number): string {
  if (ms !== lastIso.ms) lastIso = { ms, iso: new Date(ms).toISOString() };
  return lastIso.iso;
}

/** The type of the most recent listed signal within `windowDays` before `nowMs`, or null. */
function recentSignal(
  signals: readonly SignalInput[],
  types: ReadonlySet<string>,
  windowDays: number,
  nowMs: number,
): string | null {
  let best: { type: string; at: number } | null = null;
  for (const s of signals) {
    if (!types.has(s.type)) continue;
    const at = toEpochMs(s.occurredAt);
    if (!(at <= nowMs) || nowMs - at > windowDays * DAY_MS) continue;
    // The latest one; two at the same moment are told apart by type, so the answer (and the
    // explanation) never depends on the order the signals were read in.
    if (!best || at > best.at || (at === best.at && s.type < best.type)) best = { type: s.type, at };
  }
  return best?.type ?? null;
}

function decideRoute(
  model: QualificationModel,
  isCustomer: boolean,
  intent: IntentResult,
  rule: MqlRuleCheck,
): Route {
  const { slaHours } = model.routing;
  const { demoRequestTypes } = modelIndex(model);
  const acceptanceSlaHours = slaHours.salesAcceptance;
  if (isCustomer)
    return {
      kind: 'installed-base',
      to: 'account-owner',
      followUpSlaHours: slaHours.installedBase,
      acceptanceSlaHours,
      why: rule.installedBaseSignal
        ? `existing customer showing interest (${rule.installedBaseSignal})`
        : 'existing customer',
    };
  const demo = intent.parts.find((p) => p.counted && p.points > 0 && demoRequestTypes.has(p.ruleId));
  if (demo)
    return {
      kind: 'demo-request',
      to: 'sales-owner',
      followUpSlaHours: slaHours.demoRequest,
      acceptanceSlaHours,
      why: `inbound ${demo.label.toLowerCase()}`,
    };
  return {
    kind: 'new-business',
    to: 'new-business-team',
    followUpSlaHours: slaHours.newBusiness,
    acceptanceSlaHours,
    why: 'new business MQL',
  };
}
