import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ContactInput,
  evaluate,
  loadPreset,
  MAX_EXPLANATION_LINES,
  type PresetName,
  type SignalInput,
  stageRank,
} from '../../src/core/index.js';
import { explainedPoints, NOW } from './helpers.js';

const DAY = 86_400_000;
const presets: PresetName[] = ['seed-fit-intent', 'seed-industrial'];

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });

const signalTypes = [
  'pricing_page_viewed',
  'demo_requested',
  'trial_started',
  'comparison_viewed',
  'email_engaged',
  'sales_no_interest',
  'demo_no_show',
  'unsubscribed',
  'webinar_attended',
  'whitepaper_downloaded',
  'unknown_type',
];

const signalArb: fc.Arbitrary<SignalInput> = fc.record({
  type: fc.constantFrom(...signalTypes),
  // From 150 days ago to 2 days ahead, to the minute.
  occurredAt: fc
    .integer({ min: -150 * 24 * 60, max: 2 * 24 * 60 })
    .map((m) => new Date(NOW.getTime() + m * 60_000).toISOString()),
});

const contactArb: fc.Arbitrary<ContactInput> = fc.record({
  id: fc.string({ minLength: 1, maxLength: 8 }),
  properties: fc.record({
    email: maybe(
      fc.constantFrom(
        'a@acme.nl',
        'b@gmail.com',
        'c@mit.edu',
        'd@flowline-automation.com',
        'nonsense',
        'e@student.uva.nl',
      ),
    ),
    jobtitle: maybe(
      fc.oneof(
        fc.constantFrom('CEO', 'VP Sales', 'Plant Manager', 'Intern', 'Student', 'Assistant to the CEO'),
        fc.string(),
      ),
    ),
    country: maybe(fc.constantFrom('Netherlands', 'NL', 'Germany', 'France', 'United States')),
    numberofemployees: maybe(
      fc.constantFrom('1-5', '5-25', '25-50', '50-100', '100-500', '500-1000', '1000+'),
    ),
    lifecyclestage: maybe(
      fc.constantFrom(
        'subscriber',
        'lead',
        'marketingqualifiedlead',
        'salesqualifiedlead',
        'opportunity',
        'customer',
        'evangelist',
        'other',
      ),
    ),
    hs_lead_status: maybe(fc.constantFrom('NEW', 'OPEN', 'IN_PROGRESS', 'UNQUALIFIED', 'CONNECTED')),
  }),
  company: maybe(
    fc.record({
      name: maybe(fc.constantFrom('Acme', 'Robotix Industrial', 'FoodCo')),
      industry: maybe(
        fc.constantFrom(
          'COMPUTER_SOFTWARE',
          'INTERNET',
          'FOOD_PRODUCTION',
          'PHARMACEUTICALS',
          'RETAIL',
          'HIGHER_EDUCATION',
        ),
      ),
      numberofemployees: maybe(
        fc.oneof(fc.integer({ min: 0, max: 5000 }).map(String), fc.constantFrom('n/a', '1000+')),
      ),
      lifecyclestage: maybe(fc.constantFrom('lead', 'customer')),
    }),
  ),
  signals: fc.array(signalArb, { maxLength: 12 }),
});

const positiveTypes: Record<PresetName, string[]> = {
  'seed-fit-intent': ['pricing_page_viewed', 'demo_requested', 'trial_started', 'comparison_viewed'],
  'seed-industrial': ['demo_requested', 'webinar_attended', 'whitepaper_downloaded', 'pricing_page_viewed'],
};

describe.each(presets)('properties of evaluate with the %s preset', (name) => {
  const model = loadPreset(name);

  it('scores are whole numbers in 0–100, and the parts add up to the unclamped sums', () => {
    fc.assert(
      fc.property(contactArb, (contact) => {
        const e = evaluate(contact, model, NOW);
        for (const result of [e.fit, e.intent]) {
          expect(Number.isInteger(result.score)).toBe(true);
          expect(result.score).toBeGreaterThanOrEqual(0);
          expect(result.score).toBeLessThanOrEqual(100);
          expect(result.parts.reduce((s, p) => s + p.points, 0)).toBe(result.raw);
          expect(result.score).toBe(Math.min(100, Math.max(0, result.raw)));
        }
      }),
    );
  });

  it('the explanation has at most 8 lines and accounts for every point of both scores', () => {
    fc.assert(
      fc.property(contactArb, (contact) => {
        const e = evaluate(contact, model, NOW);
        expect(e.explanation.length).toBeLessThanOrEqual(MAX_EXPLANATION_LINES);
        expect(explainedPoints(e.explanation)).toBe(e.fit.raw + e.intent.raw);
      }),
    );
  });

  it('adding a positive signal never lowers intent', () => {
    fc.assert(
      fc.property(
        contactArb,
        fc.constantFrom(...positiveTypes[name]),
        fc.integer({ min: 0, max: 120 * 24 }),
        (contact, type, hoursAgo) => {
          const before = evaluate(contact, model, NOW).intent.score;
          const signals = [
            ...(contact.signals ?? []),
            { type, occurredAt: new Date(NOW.getTime() - hoursAgo * 3_600_000).toISOString() },
          ];
          expect(evaluate({ ...contact, signals }, model, NOW).intent.score).toBeGreaterThanOrEqual(before);
        },
      ),
    );
  });

  it('a disqualified contact is never an MQL and never routed', () => {
    fc.assert(
      fc.property(contactArb, (contact) => {
        const e = evaluate(contact, model, NOW);
        if (e.disqualification) {
          expect(e.qualification).toBe('disqualified');
          expect(e.isMql).toBe(false);
          expect(e.route).toBeNull();
          expect(e.lifecycle.changed && e.lifecycle.proposed === 'marketingqualifiedlead').toBe(false);
        }
      }),
    );
  });

  it('evaluation is deterministic and does not depend on the order of signals', () => {
    fc.assert(
      fc.property(contactArb, (contact) => {
        const a = evaluate(contact, model, NOW);
        const b = evaluate(structuredClone(contact), model, NOW);
        const reversed = evaluate(
          { ...contact, signals: [...(contact.signals ?? [])].reverse() },
          model,
          NOW,
        );
        expect(b).toEqual(a);
        expect(reversed).toEqual(a);
      }),
    );
  });

  it('a signal outside its window (expired or in the future) changes nothing but its warning', () => {
    fc.assert(
      fc.property(
        contactArb,
        fc.constantFrom(...signalTypes),
        fc.oneof(fc.integer({ min: 91, max: 1000 }), fc.integer({ min: -30, max: -1 })),
        (contact, type, daysAgo) => {
          const before = evaluate(contact, model, NOW);
          const signals = [
            ...(contact.signals ?? []),
            { type, occurredAt: new Date(NOW.getTime() - daysAgo * DAY).toISOString() },
          ];
          const after = evaluate({ ...contact, signals }, model, NOW);
          expect({ ...after, intent: { ...after.intent, ignored: null }, warnings: null }).toEqual({
            ...before,
            intent: { ...before.intent, ignored: null },
            warnings: null,
          });
        },
      ),
    );
  });

  it('the lifecycle stage never moves backwards and a score never sets SQL or later', () => {
    fc.assert(
      fc.property(contactArb, (contact) => {
        const { lifecycle } = evaluate(contact, model, NOW);
        if (!lifecycle.changed) {
          expect(lifecycle.proposed).toBe(lifecycle.current);
          return;
        }
        expect(stageRank(lifecycle.proposed)).toBeGreaterThan(stageRank(lifecycle.current));
        expect(['subscriber', 'lead', 'marketingqualifiedlead']).toContain(lifecycle.proposed);
      }),
    );
  });
});
