import { describe, expect, it } from 'vitest';
import {
  type ContactInput,
  evaluate,
  explainInFull,
  loadPreset,
  PRESETS,
  parseModel,
} from '../../src/core/index.js';
import { daysAgo, explainedPoints, idealContact, NOW } from './helpers.js';

const fitIntent = loadPreset('seed-fit-intent');
const industrial = loadPreset('seed-industrial');

describe('seed-fit-intent: fit 25 + 25 + 25 + 25, MQL = fit > 60 and intent > 50', () => {
  it('when fit is 100 and intent is exactly 50, then it is not an MQL (the bar is strict)', () => {
    const e = evaluate(
      idealContact({
        signals: [
          { type: 'demo_requested', occurredAt: daysAgo(1) },
          { type: 'pricing_page_viewed', occurredAt: daysAgo(2) },
        ],
      }),
      fitIntent,
      NOW,
    );
    expect([e.fit.score, e.intent.score, e.qualification]).toEqual([100, 50, 'nurture']);
    expect(e.explanation[0]).toBe('Not MQL: intent 50 ≤ 50');
    expect(e.lifecycle).toMatchObject({ current: 'lead', proposed: 'lead', changed: false });
  });

  it('when fit is 100 and a demo request and a trial give intent 70, then it is an MQL routed as a demo request', () => {
    const e = evaluate(
      idealContact({
        signals: [
          { type: 'demo_requested', occurredAt: daysAgo(1) },
          { type: 'trial_started', occurredAt: daysAgo(3) },
        ],
      }),
      fitIntent,
      NOW,
    );
    expect([e.fit.score, e.intent.score, e.qualification, e.isMql]).toEqual([100, 70, 'mql', true]);
    expect(e.lifecycle).toMatchObject({ current: 'lead', proposed: 'marketingqualifiedlead', changed: true });
    expect(e.leadStatus).toMatchObject({ current: null, proposed: 'NEW', changed: true });
    expect(e.route).toMatchObject({
      kind: 'demo-request',
      to: 'sales-owner',
      followUpSlaHours: 24,
      acceptanceSlaHours: 48,
    });
    expect(e.explanation).toEqual([
      'MQL: fit 100 > 60 and intent 70 > 50',
      '+40 Trial started (2026-11-20)',
      '+30 Demo requested (2026-11-22)',
      '+25 Industry: Computer Software is in the ICP',
      '+25 Company size: 250 (25–1000)',
      '+25 Region: Netherlands is in the ICP',
      '+25 Decision-maker role: "VP Sales"',
    ]);
    expect(e.modelVersion).toBe('seed-fit-intent@1');
  });

  it('when the region is outside the ICP, then fit is 75, which still passes 60', () => {
    const e = evaluate(
      idealContact({
        properties: { country: 'France' },
        signals: [
          { type: 'trial_started', occurredAt: daysAgo(3) },
          { type: 'pricing_page_viewed', occurredAt: daysAgo(3) },
        ],
      }),
      fitIntent,
      NOW,
    );
    expect([e.fit.score, e.intent.score, e.qualification]).toEqual([75, 60, 'mql']);
    expect(e.route?.kind).toBe('new-business');
    expect(e.route?.followUpSlaHours).toBe(24);
  });

  it('when only two fit criteria match, then fit 50 is below the bar', () => {
    const e = evaluate(
      idealContact({
        properties: { country: 'France', jobtitle: 'Account Manager' },
        signals: [
          { type: 'trial_started', occurredAt: daysAgo(1) },
          { type: 'demo_requested', occurredAt: daysAgo(1) },
        ],
      }),
      fitIntent,
      NOW,
    );
    expect(e.explanation[0]).toBe('Not MQL: fit 50 ≤ 60');
  });

  it('when a value is missing, then the criterion is unknown and the explanation says so', () => {
    const e = evaluate(idealContact({ company: null, properties: { country: null } }), fitIntent, NOW);
    expect(e.fit.parts.map((p) => [p.ruleId, p.status])).toEqual([
      ['industry', 'unknown'],
      ['company_size', 'unknown'],
      ['region', 'unknown'],
      ['decision_maker', 'match'],
    ]);
    expect(e.explanation).toContain('? Unknown, so no points: Industry, Company size, Region');
  });

  it('when the company has no value, then the contact property is used (first known wins)', () => {
    const e = evaluate(
      idealContact({ company: { numberofemployees: null }, properties: { numberofemployees: '100-500' } }),
      fitIntent,
      NOW,
    );
    expect(e.fit.parts.find((p) => p.ruleId === 'company_size')).toMatchObject({
      status: 'match',
      property: 'contact.numberofemployees',
      points: 25,
    });
  });
});

describe('seed-fit-intent: disqualifiers', () => {
  const hot = [
    { type: 'trial_started', occurredAt: daysAgo(1) },
    { type: 'demo_requested', occurredAt: daysAgo(1) },
  ];

  it('when the address is a free mailbox, then the contact is disqualified, keeps its scores, and gets UNQUALIFIED', () => {
    const e = evaluate(
      idealContact({ properties: { email: 'anna@gmail.com' }, signals: hot }),
      fitIntent,
      NOW,
    );
    expect(e.disqualification).toEqual({
      id: 'free_email',
      reason: 'Free e-mail domain',
      detail: 'contact.email: gmail.com',
    });
    expect([e.qualification, e.isMql, e.fit.score, e.intent.score]).toEqual(['disqualified', false, 100, 70]);
    expect(e.leadStatus.proposed).toBe('UNQUALIFIED');
    expect(e.lifecycle.proposed).toBe('lead');
    expect(e.route).toBeNull();
    expect(e.explanation[0]).toBe('Disqualified: Free e-mail domain (gmail.com)');
  });

  it.each([
    ['5', true],
    ['9', true],
    ['10', false],
    ['1-5', true],
    ['5-25', false],
  ])('when the company has %s employees, then disqualified = %s', (employees, disqualified) => {
    const e = evaluate(idealContact({ company: { numberofemployees: employees } }), fitIntent, NOW);
    expect(e.disqualification?.id === 'too_small').toBe(disqualified);
  });

  it('when the employee count is unknown, then it never disqualifies', () => {
    const e = evaluate(idealContact({ company: { numberofemployees: null } }), fitIntent, NOW);
    expect(e.disqualification).toBeNull();
  });

  it('when an exception matches, then the disqualifier does not apply', () => {
    const raw = structuredClone(PRESETS['seed-fit-intent']) as any;
    raw.disqualifiers[1].unless = [
      { property: 'contact.lq_sole_trader', match: { type: 'one-of', values: ['true'] } },
    ];
    const parsed = parseModel(raw);
    if (!parsed.success) throw new Error('model');
    const soleTrader = idealContact({ properties: { email: 'jan@gmail.com', lq_sole_trader: 'true' } });
    expect(evaluate(soleTrader, parsed.model, NOW).disqualification).toBeNull();
    const other = idealContact({ properties: { email: 'jan@gmail.com' } });
    expect(evaluate(other, parsed.model, NOW).disqualification?.id).toBe('free_email');
  });
});

describe('seed-fit-intent: intent signals, ageing and negative scoring', () => {
  const intentOf = (signals: ContactInput['signals']) =>
    evaluate(idealContact({ signals }), fitIntent, NOW).intent;

  it.each([
    [0, 30],
    [30, 30],
    [60, 15],
    [75, 8],
    [89, 1],
    [90, 0],
    [120, 0],
  ])(
    'when a demo was requested %i days ago, then it gives %i points (full for 30 days, none after 90)',
    (days, points) => {
      expect(intentOf([{ type: 'demo_requested', occurredAt: daysAgo(days) }]).score).toBe(points);
    },
  );

  it('when sales heard no interest, then −50 pulls intent down', () => {
    const intent = intentOf([
      { type: 'trial_started', occurredAt: daysAgo(5) },
      { type: 'demo_requested', occurredAt: daysAgo(5) },
      { type: 'sales_no_interest', occurredAt: daysAgo(2) },
    ]);
    expect([intent.raw, intent.score]).toEqual([20, 20]);
  });

  it('when there is one demo no-show, then it costs nothing; the second costs −30', () => {
    expect(
      intentOf([
        { type: 'trial_started', occurredAt: daysAgo(5) },
        { type: 'demo_no_show', occurredAt: daysAgo(4) },
      ]).score,
    ).toBe(40);
    const twice = intentOf([
      { type: 'trial_started', occurredAt: daysAgo(5) },
      { type: 'demo_no_show', occurredAt: daysAgo(10) },
      { type: 'demo_no_show', occurredAt: daysAgo(4) },
    ]);
    expect(twice.score).toBe(10);
    expect(
      twice.parts.filter((p) => p.ruleId === 'demo_no_show').map((p) => [p.occurrence, p.counted, p.points]),
    ).toEqual([
      [1, false, 0],
      [2, true, -30],
    ]);
  });

  it('when a signal type repeats, then by default it counts once, for its freshest occurrence', () => {
    const intent = intentOf([
      { type: 'pricing_page_viewed', occurredAt: daysAgo(70) },
      { type: 'pricing_page_viewed', occurredAt: daysAgo(3) },
      { type: 'pricing_page_viewed', occurredAt: daysAgo(40) },
    ]);
    expect(intent.score).toBe(20);
  });

  it('when negative signals outweigh positive ones, then intent is floored at 0 and says so', () => {
    const e = evaluate(
      idealContact({
        signals: [
          { type: 'pricing_page_viewed', occurredAt: daysAgo(1) },
          { type: 'unsubscribed', occurredAt: daysAgo(1) },
          { type: 'sales_no_interest', occurredAt: daysAgo(1) },
        ],
      }),
      fitIntent,
      NOW,
    );
    expect([e.intent.raw, e.intent.score]).toEqual([-50, 0]);
    expect(e.explanation).toContain('Intent floored at 0 (sum −50)');
  });

  it('when signals add up past 100, then intent is capped at 100 and says so', () => {
    const e = evaluate(
      idealContact({
        signals: ['trial_started', 'demo_requested', 'pricing_page_viewed', 'comparison_viewed'].map(
          (type) => ({ type, occurredAt: daysAgo(1) }),
        ),
      }),
      fitIntent,
      NOW,
    );
    expect([e.intent.raw, e.intent.score]).toEqual([100, 100]);
    const more = structuredClone(PRESETS['seed-fit-intent']) as any;
    more.intent.signals[2].points = 60;
    const parsed = parseModel(more);
    if (!parsed.success) throw new Error('model');
    const capped = evaluate(
      idealContact({
        signals: [
          { type: 'trial_started', occurredAt: daysAgo(1) },
          { type: 'demo_requested', occurredAt: daysAgo(1) },
          { type: 'pricing_page_viewed', occurredAt: daysAgo(1) },
        ],
      }),
      parsed.model,
      NOW,
    );
    expect([capped.intent.raw, capped.intent.score]).toEqual([110, 100]);
    expect(capped.explanation).toContain('Intent capped at 100 (sum 110)');
  });

  it('when signals are in the future, of an unknown type or undated, then they are ignored and counted as such', () => {
    const intent = intentOf([
      { type: 'trial_started', occurredAt: new Date(NOW.getTime() + 3_600_000).toISOString() },
      { type: 'podcast_listened', occurredAt: daysAgo(1) },
      { type: 'demo_requested', occurredAt: 'yesterday' },
      { type: 'demo_requested', occurredAt: daysAgo(200) },
    ]);
    expect(intent.score).toBe(0);
    expect(intent.ignored).toEqual({ expired: 1, future: 1, unknownType: 1, invalidDate: 1, duplicate: 0 });
  });

  it('when only an information signal is present, then the contact is an IQL, never sent to sales', () => {
    const e = evaluate(
      idealContact({ signals: [{ type: 'comparison_viewed', occurredAt: daysAgo(2) }] }),
      fitIntent,
      NOW,
    );
    expect(e.qualification).toBe('iql');
    expect(e.route).toBeNull();
    expect(e.explanation[0]).toBe('IQL, information only (not for sales): intent 10 ≤ 50');
  });

  it('accepts epoch milliseconds as well as ISO dates', () => {
    expect(intentOf([{ type: 'demo_requested', occurredAt: NOW.getTime() - 86_400_000 }]).score).toBe(30);
  });
});

describe('installed base', () => {
  it('when an existing customer viewed pricing in the last 30 days, then it is an MQL for its account manager within 4 hours', () => {
    const e = evaluate(
      idealContact({
        properties: { country: 'France', jobtitle: 'Engineer', lifecyclestage: 'customer' },
        company: { lifecyclestage: 'customer', industry: 'RETAIL' },
        signals: [{ type: 'pricing_page_viewed', occurredAt: daysAgo(10) }],
      }),
      fitIntent,
      NOW,
    );
    expect(e.qualification).toBe('mql');
    expect(e.isCustomer).toBe(true);
    expect(e.route).toMatchObject({ kind: 'installed-base', to: 'account-owner', followUpSlaHours: 4 });
    expect(e.explanation[0]).toBe(
      'MQL (installed base): existing customer, Pricing page viewed in the last 30 days',
    );
    expect(e.lifecycle).toMatchObject({ proposed: 'customer', changed: false });
    expect(e.leadStatus.changed).toBe(false);
  });

  it('when the customer signal is older than 30 days, then the installed-base rule does not apply', () => {
    const e = evaluate(
      idealContact({
        properties: { jobtitle: 'Engineer' },
        company: { lifecyclestage: 'customer' },
        signals: [{ type: 'pricing_page_viewed', occurredAt: daysAgo(31) }],
      }),
      fitIntent,
      NOW,
    );
    expect(e.qualification).not.toBe('mql');
  });
});

describe('lifecycle: forward only, never past MQL, never undone by a score', () => {
  const hot = [
    { type: 'trial_started', occurredAt: daysAgo(1) },
    { type: 'demo_requested', occurredAt: daysAgo(1) },
  ];
  it.each([
    [null, 'marketingqualifiedlead'],
    ['subscriber', 'marketingqualifiedlead'],
    ['lead', 'marketingqualifiedlead'],
    ['marketingqualifiedlead', 'marketingqualifiedlead'],
    ['salesqualifiedlead', 'salesqualifiedlead'],
    ['opportunity', 'opportunity'],
    ['customer', 'customer'],
    ['other', 'other'],
    ['custom_stage_123', 'custom_stage_123'],
  ])('when an MQL is currently %s, then the proposed stage is %s', (current, proposed) => {
    const e = evaluate(
      idealContact({ properties: { lifecyclestage: current }, signals: hot }),
      fitIntent,
      NOW,
    );
    expect(e.lifecycle.proposed).toBe(proposed);
  });

  it('when an MQL no longer qualifies, then it stays MQL (recycling is an explicit step) and says why', () => {
    const e = evaluate(
      idealContact({
        properties: { lifecyclestage: 'marketingqualifiedlead', hs_lead_status: 'IN_PROGRESS' },
      }),
      fitIntent,
      NOW,
    );
    expect(e.lifecycle).toMatchObject({ proposed: 'marketingqualifiedlead', changed: false });
    expect(e.lifecycle.why).toMatch(/recycle/);
    expect(e.leadStatus).toMatchObject({ proposed: 'IN_PROGRESS', changed: false });
  });

  it('when an SQL is disqualified, then neither its stage nor its lead status is touched', () => {
    const e = evaluate(
      idealContact({
        properties: {
          lifecyclestage: 'salesqualifiedlead',
          hs_lead_status: 'CONNECTED',
          email: 'x@gmail.com',
        },
      }),
      fitIntent,
      NOW,
    );
    expect(e.qualification).toBe('disqualified');
    expect(e.lifecycle.changed).toBe(false);
    expect(e.leadStatus).toMatchObject({ proposed: 'CONNECTED', changed: false });
  });

  it('when an MQL already has a lead status from sales, then NEW is not proposed again', () => {
    const e = evaluate(
      idealContact({
        properties: { lifecyclestage: 'marketingqualifiedlead', hs_lead_status: 'ATTEMPTED_TO_CONTACT' },
        signals: hot,
      }),
      fitIntent,
      NOW,
    );
    expect(e.leadStatus).toMatchObject({ proposed: 'ATTEMPTED_TO_CONTACT', changed: false });
  });

  it('when a new contact has no stage and no action, then it becomes a subscriber; with an action, a lead', () => {
    expect(
      evaluate(idealContact({ properties: { lifecyclestage: null } }), fitIntent, NOW).lifecycle.proposed,
    ).toBe('subscriber');
    expect(
      evaluate(
        idealContact({
          properties: { lifecyclestage: 'subscriber' },
          signals: [{ type: 'pricing_page_viewed', occurredAt: daysAgo(1) }],
        }),
        fitIntent,
        NOW,
      ).lifecycle.proposed,
    ).toBe('lead');
  });
});

describe('seed-industrial: all three fit criteria and ≥ 20 engagement points', () => {
  const plantManager = (overrides: Partial<ContactInput> = {}): ContactInput => ({
    id: 'i1',
    properties: {
      email: 'piet@foodco.nl',
      jobtitle: 'Plant Manager',
      lifecyclestage: 'lead',
      ...overrides.properties,
    },
    company: { name: 'FoodCo', industry: 'FOOD_PRODUCTION', numberofemployees: '250', ...overrides.company },
    signals: overrides.signals ?? [
      { type: 'webinar_attended', occurredAt: daysAgo(3) },
      { type: 'whitepaper_downloaded', occurredAt: daysAgo(5) },
    ],
  });

  it('when all three fit criteria match and engagement is 20, then it is an MQL', () => {
    const e = evaluate(plantManager(), industrial, NOW);
    expect([e.fit.score, e.intent.score, e.qualification]).toEqual([100, 20, 'mql']);
    expect(e.explanation[0]).toBe('MQL: all required fit criteria met and intent 20 ≥ 20');
  });

  it('when engagement is 15 from a webinar only, then it is an IQL', () => {
    const e = evaluate(
      plantManager({ signals: [{ type: 'webinar_attended', occurredAt: daysAgo(3) }] }),
      industrial,
      NOW,
    );
    expect(e.qualification).toBe('iql');
    expect(e.explanation[0]).toBe('IQL, information only (not for sales): intent 15 < 20');
  });

  it('when the role does not match, then the verdict names the missing required criterion', () => {
    const e = evaluate(
      plantManager({
        properties: { jobtitle: 'Sales Manager' },
        signals: [{ type: 'demo_requested', occurredAt: daysAgo(1) }],
      }),
      industrial,
      NOW,
    );
    expect(e.explanation[0]).toBe('Not MQL: required Operations role not met');
    expect(
      evaluate(plantManager({ properties: { jobtitle: 'Sales Manager' } }), industrial, NOW).explanation[0],
    ).toBe('IQL, information only (not for sales): required Operations role not met');
  });

  it.each([
    [{ company: { numberofemployees: '30' } }, 'too_small'],
    [{ company: { industry: 'RETAIL' } }, 'wrong_sector'],
    [{ properties: { email: 'piet@hotmail.com' } }, 'free_email'],
    [{ properties: { jobtitle: 'PhD Student' } }, 'academic'],
    [{ properties: { email: 's.jansen@student.uva.nl' } }, 'academic'],
    [{ company: { name: 'Robotix Industrial' } }, 'competitor'],
    [{ properties: { email: 'spy@flowline-automation.com' } }, 'competitor'],
  ] as [Partial<ContactInput>, string][])('when %j, then it is disqualified as %s', (overrides, id) => {
    const e = evaluate(plantManager(overrides), industrial, NOW);
    expect(e.disqualification?.id).toBe(id);
    expect(e.isMql).toBe(false);
  });
});

describe('explanations', () => {
  it('when there are more items than lines, then the smallest are folded so the points still add up', () => {
    const e = evaluate(
      idealContact({
        signals: [
          { type: 'trial_started', occurredAt: daysAgo(1) },
          { type: 'demo_requested', occurredAt: daysAgo(1) },
          { type: 'pricing_page_viewed', occurredAt: daysAgo(1) },
          { type: 'comparison_viewed', occurredAt: daysAgo(1) },
          { type: 'unsubscribed', occurredAt: daysAgo(1) },
        ],
      }),
      fitIntent,
      NOW,
    );
    expect(e.explanation.length).toBeLessThanOrEqual(8);
    expect(e.explanation.at(-1)).toMatch(/^[+−]\d+ from \d+ more (fit|intent) items?$/);
    expect(explainedPoints(e.explanation)).toBe(e.fit.raw + e.intent.raw);
  });

  it('the full breakdown lists every rule, signal and decision', () => {
    const e = evaluate(
      idealContact({
        properties: { country: null },
        signals: [{ type: 'demo_no_show', occurredAt: daysAgo(3) }],
      }),
      fitIntent,
      NOW,
    );
    const text = explainInFull(e, fitIntent);
    expect(text).toContain('0 Region: unknown (no value)  (contact.country)');
    expect(text).toContain('0 Demo no-show (2026-11-20) [does not count: see the counting rule]');
    expect(text).toContain('Lifecycle: lead → lead');
  });
});

describe('installed base with signals at the same moment', () => {
  it('when an existing customer has two qualifying signals at the same instant, then the same one is named whatever their order', () => {
    const model = loadPreset('seed-fit-intent');
    const at = '2026-11-23T11:52:00.000Z';
    const contact = {
      id: 'c1',
      properties: { lifecyclestage: 'evangelist' },
      company: null,
      signals: [
        { type: 'pricing_page_viewed', occurredAt: at },
        { type: 'demo_requested', occurredAt: at },
      ],
    };
    const now = new Date('2026-12-01T00:00:00Z');
    const forward = evaluate(contact, model, now);
    const backward = evaluate({ ...contact, signals: [...contact.signals].reverse() }, model, now);
    expect(forward.mqlRule.installedBaseSignal).toBe('Demo requested');
    expect(backward).toEqual(forward);
  });
});
