/**
 * Every mapping that takes an outside value as a key (a HubSpot lead status, a lost reason, a
 * property name) answers for the keys it has, never for Object.prototype's: `constructor`,
 * `toString`, `__proto__`, `hasOwnProperty` and `valueOf` are just unknown values. The lint rule
 * `lq/own-keys-only` keeps new lookups of this kind from being written with `record[key]`.
 */
import { describe, expect, it } from 'vitest';
import { loadPreset, weeklyReturnedLeadsReport } from '../../src/core/index.js';
import { defaultNormalizer } from '../../src/core/default-normalizer.js';
import { planSalesDecision } from '../../src/core/feedback.js';
import { readProperty } from '../../src/core/matchers.js';
import { ownValue } from '../../src/core/own.js';
import { parseWebhookEvent, type WebhookEvent } from '../../src/hubspot/payloads.js';
import { decisionOf, feedbackProperty } from '../../src/jobs/accept-webhooks.js';

const PROTOTYPE_NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'] as const;
const model = loadPreset('seed-fit-intent');

function leadStatusEvent(value: string): WebhookEvent {
  const parsed = parseWebhookEvent({
    eventId: 1,
    subscriptionId: 2,
    portalId: 3,
    appId: 4,
    occurredAt: 1_700_000_000_000,
    subscriptionType: 'contact.propertyChange',
    attemptNumber: 0,
    objectId: 5,
    propertyName: 'hs_lead_status',
    propertyValue: value,
    changeSource: 'CRM_UI',
  });
  if (!parsed.success) throw new Error(parsed.problem.message);
  return parsed.data;
}

describe.each(PROTOTYPE_NAMES)('the outside value %s', (name) => {
  it('is no sales decision as a lead status', () => {
    const event = leadStatusEvent(name);
    expect(feedbackProperty(event)).toBe('hs_lead_status');
    expect(decisionOf(event, 'hs_lead_status', model)).toBeNull();
  });

  it('as a lost reason, names no re-nurture track, signal or lead status', () => {
    const plan = planSalesDecision(
      {
        decision: 'return',
        reason: name,
        stage: 'marketingqualifiedlead',
        leadStatus: 'NEW',
        highWater: 'marketingqualifiedlead',
        awaitingDecision: true,
      },
      model,
    );
    expect(plan).toMatchObject({ track: null, signalType: null, leadStatus: 'UNQUALIFIED' });
  });

  it('as a reason in the weekly report, is labelled by itself', () => {
    const report = weeklyReturnedLeadsReport({
      decisions: [{ contactId: '1', decision: 'return', reason: name, note: 'n', decidedAt: 1 }],
      reasonLabels: { no_budget: 'No budget' },
      from: 0,
      to: 10,
    });
    expect(report.topReasons.map((r) => r.label)).toEqual([name]);
    expect(report.body).toContain(`(${name})`);
  });

  it('as a property name, reads no value and has the default kind', () => {
    const ref = `contact.${name}` as const;
    expect(readProperty({ properties: {}, company: {} }, ref)).toBeNull();
    expect(readProperty({ properties: {}, company: {} }, `company.${name}`)).toBeNull();
    expect(defaultNormalizer().kindOf(ref)).toBe('text');
  });

  it('is not found by ownValue in a plain record', () => {
    expect(ownValue({ a: 1 }, name)).toBeUndefined();
    expect(ownValue(JSON.parse(`{"${name}": 7}`) as Record<string, number>, name)).toBe(7);
  });
});
