/**
 * What the app writes onto a contact, and the diff that keeps writes to what changed.
 *
 * The property names are contracts: workflows, lists and reports in the portal depend on them.
 */
import type { Evaluation } from '../core/evaluate.js';
import type { PropertyDefinition } from './crm-gateway.js';
import type { QualifyOutputField } from './payloads.js';

export const PROPERTY_GROUP = { name: 'lead_qualification', label: 'Lead qualification' } as const;

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
];

export const LQ_PROPERTY_NAMES: readonly string[] = LQ_PROPERTIES.map((p) => p.name);

/** Is this a property the app itself writes? Changes to it never trigger a rescore. */
export function isOwnProperty(name: string): boolean {
  return name.startsWith('lq_');
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
  return values;
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
  const changes: Record<string, string> = {};
  for (const [name, value] of Object.entries(writtenValues(e)))
    if (!same(current[name], value)) changes[name] = value;
  if (Object.keys(changes).length > 0) changes.lq_scored_at = new Date(now).toISOString();
  return changes;
}

/** The *Qualify contact* action's output fields, so a workflow can branch on them. */
export function qualifyOutputFields(e: Evaluation): Record<QualifyOutputField, string | number | boolean> {
  return {
    fit_score: e.fit.score,
    intent_score: e.intent.score,
    qualification: e.qualification,
    is_mql: e.isMql,
    disqualification_reason: e.disqualification ? e.disqualification.reason : '',
    explanation: e.explanation.join('\n'),
  };
}

/** The same, as the callback API wants them: every value a string. */
export function asCallbackOutputs(
  outputs: Record<string, string | number | boolean>,
): Record<string, string> {
  return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, String(v)]));
}
