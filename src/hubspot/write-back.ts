/**
 * What the app writes onto a contact, and the diff that keeps writes to what changed.
 *
 * The property names are contracts: workflows, lists and reports in the portal depend on them.
 */
import type { Evaluation } from '../core/evaluate.js';
import { type DecisionPlan, HIGH_WATER_STAGES, higherStage } from '../core/feedback.js';
import { cutToHubSpotLimit } from '../core/limits.js';
import { ownValue } from '../core/own.js';
import type { PropertyDefinition } from './crm-gateway.js';
import { ACTION_ERROR_OUTPUTS, type ActionErrorCode, type QualifyOutputField } from './payloads.js';

export const PROPERTY_GROUP = { name: 'lead_qualification', label: 'Lead qualification' } as const;

/** HubSpot's labels of the default lifecycle stages. */
const STAGE_LABELS: Record<(typeof HIGH_WATER_STAGES)[number], string> = {
  subscriber: 'Subscriber',
  lead: 'Lead',
  marketingqualifiedlead: 'Marketing Qualified Lead',
  salesqualifiedlead: 'Sales Qualified Lead',
  opportunity: 'Opportunity',
  customer: 'Customer',
  evangelist: 'Evangelist',
  other: 'Other',
};

/** The properties the app writes (all with the `lq_` prefix), as created by `cli setup`. */
export const LQ_PROPERTIES: readonly PropertyDefinition[] = [
  {
    name: 'lq_fit_score',
    label: 'Fit score',
    type: 'number',
    fieldType: 'number',
    description: 'How well the contact and company match the ICP, 0–100.',
  },
  {
    name: 'lq_intent_score',
    label: 'Intent score',
    type: 'number',
    fieldType: 'number',
    description: 'How strong buying intent is now, 0–100; signals age.',
  },
  {
    name: 'lq_qualification',
    label: 'Qualification',
    type: 'enumeration',
    fieldType: 'select',
    description: 'The shared model’s verdict.',
    options: [
      { label: 'MQL', value: 'mql' },
      { label: 'IQL (information only)', value: 'iql' },
      { label: 'Nurture', value: 'nurture' },
      { label: 'Disqualified', value: 'disqualified' },
    ],
  },
  {
    name: 'lq_explanation',
    label: 'Qualification explanation',
    type: 'string',
    fieldType: 'textarea',
    description: 'Why: every point of both scores, in at most 8 lines.',
  },
  {
    name: 'lq_disqualification_reason',
    label: 'Disqualification reason',
    type: 'string',
    fieldType: 'text',
    description: 'Why the contact can never be an MQL (empty when not disqualified).',
  },
  {
    name: 'lq_model_version',
    label: 'Qualification model version',
    type: 'string',
    fieldType: 'text',
    description: 'The model version that produced these values.',
  },
  {
    name: 'lq_scored_at',
    label: 'Scored at',
    type: 'datetime',
    fieldType: 'date',
    description: 'When the values last changed.',
  },
  {
    name: 'lq_route',
    label: 'Qualification route',
    type: 'enumeration',
    fieldType: 'select',
    description: 'Where an MQL goes: installed base (account owner), demo request, new business.',
    options: [
      { label: 'Installed base', value: 'installed-base' },
      { label: 'Demo request', value: 'demo-request' },
      { label: 'New business', value: 'new-business' },
    ],
  },
  {
    name: 'lq_routed_to',
    label: 'Routed to (owner id)',
    type: 'string',
    fieldType: 'text',
    description: 'The HubSpot owner a new MQL was routed to (empty when no owner was available).',
  },
  {
    name: 'lq_sales_decision',
    label: 'Sales decision',
    type: 'enumeration',
    fieldType: 'select',
    description: 'Whether sales accepted the MQL (now SQL) or returned it (recycled); empty while undecided.',
    options: [
      { label: 'Accepted', value: 'accepted' },
      { label: 'Returned', value: 'returned' },
    ],
  },
  {
    name: 'lq_lost_reason',
    label: 'Lost reason',
    type: 'string',
    fieldType: 'text',
    description: 'Why sales returned the lead: a reason id of the qualification model (e.g. wrong_timing).',
  },
  {
    name: 'lq_lost_reason_note',
    label: 'Lost reason note',
    type: 'string',
    fieldType: 'textarea',
    description: 'What sales wrote when returning the lead (required for "other").',
  },
  {
    name: 'lq_renurture_track',
    label: 'Re-nurture track',
    type: 'string',
    fieldType: 'text',
    description:
      'The nurture track a returned lead goes to, picked by its lost reason (e.g. roi, remind_me); text, as the model names its tracks.',
  },
  {
    name: 'lq_sla_breached',
    label: 'SLA breached',
    type: 'enumeration',
    fieldType: 'select',
    description: 'The last service level this lead missed; empty when none.',
    options: [
      { label: 'Not accepted or returned in time', value: 'acceptance' },
      { label: 'Not followed up in time', value: 'follow_up' },
    ],
  },
  {
    name: 'lq_highest_stage',
    label: 'Highest lifecycle stage reached',
    type: 'enumeration',
    fieldType: 'select',
    description:
      'The furthest default lifecycle stage this contact ever reached; a recycle never lowers it (the funnel stays honest).',
    options: HIGH_WATER_STAGES.map((value) => ({ label: STAGE_LABELS[value], value })),
  },
];

export const LQ_PROPERTY_NAMES: readonly string[] = LQ_PROPERTIES.map((p) => p.name);

/** Is this a property the app itself writes? Changes to it never trigger a rescore. */
export function isOwnProperty(name: string): boolean {
  return name.startsWith('lq_');
}

/**
 * Every text written to HubSpot fits its property limit: longer text is cut with a visible "…" at
 * the end (the store keeps the full explanation as an array). Values already within it are unchanged.
 */
function fitted(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, cutToHubSpotLimit(value)]));
}

/** The values an evaluation puts on the contact (without `lq_scored_at`, which follows a change). */
export function writtenValues(e: Evaluation): Record<string, string> {
  const values: Record<string, string> = {
    lq_fit_score: String(e.fit.score),
    lq_intent_score: String(e.intent.score),
    lq_qualification: e.qualification,
    lq_explanation: e.explanation.join('\n'),
    lq_disqualification_reason: e.disqualification
      ? `${e.disqualification.reason} (${e.disqualification.detail})`
      : '',
    lq_model_version: e.modelVersion,
    lq_route: e.route?.kind ?? '',
  };
  if (e.lifecycle.changed && e.lifecycle.proposed) values.lifecyclestage = e.lifecycle.proposed;
  if (e.leadStatus.changed && e.leadStatus.proposed) values.hs_lead_status = e.leadStatus.proposed;
  return fitted(values);
}

function same(current: string | null | undefined, next: string): boolean {
  const a = (current ?? '').replace(/\r\n/g, '\n').trim();
  return (
    a === next.trim() || (next !== '' && a !== '' && Number(a) === Number(next) && !Number.isNaN(Number(a)))
  );
}

/**
 * The properties to write: only those whose value differs from what HubSpot holds. Empty when
 * nothing changed (then nothing is written, not even `lq_scored_at`).
 */
export function diffForWrite(
  e: Evaluation,
  current: Readonly<Record<string, string | null | undefined>>,
  now: number,
): Record<string, string> {
  const changes = changedValues(writtenValues(e), current);
  const highest = higherStage(current.lq_highest_stage, current.lifecyclestage, e.lifecycle.proposed);
  if (highest !== null && !same(current.lq_highest_stage, highest)) changes.lq_highest_stage = highest;
  if (Object.keys(changes).length > 0) changes.lq_scored_at = new Date(now).toISOString();
  return changes;
}

/** Values that differ from what HubSpot holds (`current`). */
export function changedValues(
  values: Readonly<Record<string, string>>,
  current: Readonly<Record<string, string | null | undefined>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).filter(([name, value]) => !same(ownValue(current, name), value)),
  );
}

/**
 * What a sales decision writes (a recycle writes this after the request that cleared the stage):
 * the decision, reason, note and track, the new stage and lead status when they move, and the
 * high-water mark.
 */
export function decisionValues(plan: DecisionPlan, note: string | null): Record<string, string> {
  const values: Record<string, string> = {
    lq_sales_decision: plan.decision === 'accept' ? 'accepted' : 'returned',
    lq_lost_reason: plan.reason ?? '',
    lq_lost_reason_note: plan.decision === 'return' ? (note ?? '') : '',
    lq_renurture_track: plan.track ?? '',
  };
  if (plan.stage !== plan.stageBefore && plan.stage) values.lifecyclestage = plan.stage;
  if (plan.leadStatus) values.hs_lead_status = plan.leadStatus;
  if (plan.highWater) values.lq_highest_stage = plan.highWater;
  return fitted(values);
}

/**
 * What routing a new MQL writes: the owner (when one was found) and who it was routed to; the
 * previous round's decision, reason, track and breach are cleared (a new MQL starts afresh).
 */
export function routingValues(ownerId: string | null): Record<string, string> {
  return fitted({
    ...(ownerId ? { hubspot_owner_id: ownerId } : {}),
    lq_routed_to: ownerId ?? '',
    lq_sales_decision: '',
    lq_lost_reason: '',
    lq_lost_reason_note: '',
    lq_renurture_track: '',
    lq_sla_breached: '',
  });
}

/**
 * An output value as HubSpot takes it: text. The callback API types output values as strings,
 * so the synchronous answer sends them the same way (`72`, `true`), and a workflow sees the same
 * values whichever way the action finished. HubSpot reads them as the field's declared type.
 */
export function outputValue(value: string | number | boolean): string {
  return String(value);
}

/**
 * The outputs of an action that could not do its job (`FAIL_CONTINUE`): the workflow moves on and
 * shows the message of the action's execution rule for `code`; `message` says exactly what.
 */
export function failureOutputs(
  code: ActionErrorCode,
  message: string,
  outputs: Record<string, string> = {},
): Record<string, string> & { hs_execution_state: 'FAIL_CONTINUE' } {
  return {
    ...outputs,
    hs_execution_state: 'FAIL_CONTINUE',
    [ACTION_ERROR_OUTPUTS.code]: code,
    [ACTION_ERROR_OUTPUTS.message]: cutToHubSpotLimit(message),
  };
}

/** The *Qualify contact* action's output fields, so a workflow can branch on them. */
export function qualifyOutputFields(e: Evaluation): Record<QualifyOutputField, string> {
  return {
    fit_score: outputValue(e.fit.score),
    intent_score: outputValue(e.intent.score),
    qualification: e.qualification,
    is_mql: outputValue(e.isMql),
    disqualification_reason: e.disqualification ? cutToHubSpotLimit(e.disqualification.reason) : '',
    explanation: cutToHubSpotLimit(e.explanation.join('\n')),
  };
}
