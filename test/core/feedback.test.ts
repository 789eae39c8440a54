/**
 * The feedback loop's pure decisions: what accept and return do, the high-water mark, who gets a
 * new MQL, when a returned lead may qualify again, and the reporting week.
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/core/evaluate.js';
import {
  applyReturnHold,
  directOwner,
  heldByReturn,
  higherStage,
  planSalesDecision,
  roundRobinPool,
  weekStart,
} from '../../src/core/feedback.js';
import { loadPreset } from '../../src/core/presets/index.js';

const model = loadPreset('seed-fit-intent');
const MQL = 'marketingqualifiedlead';
const facts = (overrides: Partial<Parameters<typeof planSalesDecision>[0]> = {}) => ({
  decision: 'return' as const,
  reason: 'wrong_timing',
  stage: MQL,
  leadStatus: 'NEW',
  highWater: MQL,
  awaitingDecision: true,
  ...overrides,
});

describe('planSalesDecision', () => {
  it.each([
    ['no_budget', 'roi', 'UNQUALIFIED', null],
    ['wrong_timing', 'remind_me', 'BAD_TIMING', null],
    ['no_interest', 'long_term', 'UNQUALIFIED', 'sales_no_interest'],
    ['too_small', null, 'UNQUALIFIED', null],
  ])(
    'when an MQL is returned for %s, then it is recycled to lead with track %s, status %s and signal %s',
    (reason, track, status, signal) => {
      expect(planSalesDecision(facts({ reason }), model)).toMatchObject({
        applies: true,
        recycle: true,
        clearFirst: true,
        stageBefore: MQL,
        stage: 'lead',
        leadStatus: status,
        track,
        signalType: signal,
        highWater: MQL,
      });
    },
  );

  it('when an MQL is accepted, then it moves to SQL and the high-water mark follows', () => {
    expect(planSalesDecision(facts({ decision: 'accept', reason: null }), model)).toMatchObject({
      applies: true,
      recycle: false,
      stage: 'salesqualifiedlead',
      leadStatus: 'NEW',
      highWater: 'salesqualifiedlead',
      why: 'accepted: MQL → SQL',
    });
  });

  it('when the contact is no MQL and nothing awaits its decision, then nothing applies', () => {
    const plan = planSalesDecision(facts({ stage: 'lead', awaitingDecision: false }), model);

    expect(plan).toMatchObject({ applies: false, stage: 'lead', recycle: false });
    expect(plan.why).toBe('the contact is at "lead", not an MQL awaiting a decision: nothing changes');
  });

  it('when a routed customer is returned, then its stage and lead status stay and only the track is set', () => {
    expect(
      planSalesDecision(facts({ stage: 'customer', leadStatus: 'OPEN', reason: 'no_budget' }), model),
    ).toMatchObject({
      applies: true,
      recycle: false,
      stage: 'customer',
      leadStatus: 'OPEN',
      track: 'roi',
    });
  });

  it('when a recycle stopped after clearing the stage, then the retry sets the recycle stage without clearing again', () => {
    expect(planSalesDecision(facts({ stage: null }), model)).toMatchObject({
      applies: true,
      recycle: true,
      clearFirst: false,
      stage: 'lead',
    });
  });

  it('when a return has no reason (a lifecycle or status change), then it counts as other', () => {
    expect(planSalesDecision(facts({ reason: null }), model)).toMatchObject({ reason: 'other', track: null });
  });
});

describe('higherStage', () => {
  it('when stages are compared, then the furthest default stage wins and empty, custom and other stages are ignored', () => {
    expect(higherStage('lead', MQL, 'subscriber')).toBe(MQL);
    expect(higherStage(null, undefined, '', 'other', 'partner_stage')).toBeNull();
    expect(higherStage('customer', 'lead')).toBe('customer');
  });
});

describe('owners of a new MQL', () => {
  const routing = { unavailableOwners: ['2'], newBusinessOwners: ['1', '2', '3', '1'] };

  it.each([
    ['installed-base', { company: '7', contact: '8' }, { owner: '7', source: 'account-owner' }],
    ['installed-base', { company: '2', contact: '8' }, { owner: '8', source: 'contact-owner' }],
    ['installed-base', { company: null, contact: null }, null],
    ['demo-request', { company: '7', contact: '8' }, { owner: '8', source: 'contact-owner' }],
    ['demo-request', { company: '7', contact: null }, null],
    ['new-business', { company: '7', contact: '8' }, null],
  ] as const)(
    'when the route is %s with owners %j, then the direct owner is %j',
    (kind, owners, expected) => {
      expect(directOwner(kind, owners, routing)).toEqual(expected);
    },
  );

  it('when the round robin is built, then it keeps the configured order, once each, without the unavailable', () => {
    expect(roundRobinPool(routing)).toEqual(['1', '3']);
  });
});

describe('the hold after a return', () => {
  const now = Date.UTC(2026, 10, 23, 12);
  const contact = (signalAt: number) => ({
    id: '1',
    properties: { jobtitle: 'VP Sales', country: 'Netherlands', lifecyclestage: 'lead' },
    company: { industry: 'Computer Software', numberofemployees: '250' },
    signals: [
      { type: 'trial_started', occurredAt: signalAt },
      { type: 'pricing_page_viewed', occurredAt: signalAt },
    ],
  });

  it('when sales returned the lead after its last signal, then it stays where it is, with no NEW lead status', () => {
    const e = evaluate(contact(now - 3_600_000), model, now);
    const held = applyReturnHold(e, now - 60_000);

    expect(e.lifecycle.proposed).toBe(MQL);
    expect(heldByReturn(e, now - 60_000)).toBe(true);
    expect(held.lifecycle).toMatchObject({ proposed: 'lead', changed: false });
    expect(held.leadStatus.changed).toBe(false);
    // The record says so too: not an MQL while it waits, and the verdict tells the rep why.
    expect([held.isMql, held.qualification, held.route]).toEqual([false, 'nurture', null]);
    expect(held.explanation[0]).toMatch(
      /^Not MQL: returned by sales on \d{4}-\d{2}-\d{2}; it needs a new signal first \(MQL: /,
    );
    expect(held.explanation.slice(1)).toEqual(e.explanation.slice(1));
  });

  it('when a positive signal came after the return, then it may become an MQL again', () => {
    const e = evaluate(contact(now - 60_000), model, now);

    expect(applyReturnHold(e, now - 3_600_000)).toBe(e);
    expect(applyReturnHold(e, null)).toBe(e);
  });
});

describe('weekStart', () => {
  it('when a time is given, then the week starts on the Monday before at 00:00 UTC, or another weekday if asked', () => {
    const wednesday = Date.UTC(2026, 10, 25, 15, 30);

    expect(new Date(weekStart(wednesday)).toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(weekStart(Date.UTC(2026, 10, 23))).toBe(Date.UTC(2026, 10, 23));
    expect(new Date(weekStart(wednesday, 0)).toISOString()).toBe('2026-11-22T00:00:00.000Z');
    expect(new Date(weekStart(Date.UTC(2026, 10, 22, 23), 1)).toISOString()).toBe('2026-11-16T00:00:00.000Z');
  });
});
