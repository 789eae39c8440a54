import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  backtest,
  type ContactInput,
  evaluate,
  type HistoryContact,
  loadPreset,
  monthsOf,
  parseModel,
  type QualificationModel,
} from '../../../src/core/index.js';
import { convertedContact, DAY, T_NOW, YEAR_AGO } from './fixtures.js';

const published = loadPreset('seed-fit-intent');

/** The preset with a lower intent bar (≥ 20): a pricing-page view alone makes an ideal lead an MQL. */
function lowerBar(): QualificationModel {
  const draft = structuredClone(published);
  draft.version = 'draft';
  draft.thresholds.mql.intent = { operator: '>=', value: 20 };
  const parsed = parseModel(draft);
  if (!parsed.success) throw new Error('invalid draft');
  return parsed.model;
}

describe('backtest', () => {
  it('when the draft lowers the intent bar, then it adds the pricing-page leads and says how many became customers', () => {
    const contacts: HistoryContact[] = [];
    // 24 pricing-page leads over the year (2 a month), 6 of which became customers.
    for (let i = 0; i < 24; i++) {
      const at = YEAR_AGO + i * 15 * DAY + DAY;
      contacts.push(
        convertedContact(
          { id: `p${i}`, createdAt: at, signals: [{ type: 'pricing_page_viewed', at }] },
          i % 4 === 0,
        ),
      );
    }
    // 12 trial + demo leads (MQL under both), all converted.
    for (let i = 0; i < 12; i++) {
      const at = YEAR_AGO + i * 30 * DAY + 2 * DAY;
      contacts.push(
        convertedContact(
          {
            id: `t${i}`,
            createdAt: at,
            signals: [
              { type: 'trial_started', at },
              { type: 'demo_requested', at },
            ],
          },
          true,
        ),
      );
    }
    const b = backtest(contacts, published, lowerBar(), { from: YEAR_AGO, to: T_NOW, observedUntil: T_NOW });
    expect(b.contacts).toBe(36);
    expect(b.published.contacts).toBe(12);
    expect(b.draft.contacts).toBe(36);
    expect(b.both.contacts).toBe(12);
    expect(b.removed.contacts).toBe(0);
    expect(b.added).toMatchObject({ contacts: 24, converted: { sql: 6, opportunity: 6, customer: 6 } });
    expect(b.months).toBeCloseTo(365 / 30.436875, 6);
    expect(b.summary).toBe(
      'The draft adds 2, of which 0.5 became customers (MQLs a month: 1 now, 3 with the draft).',
    );
    expect(b.monthly.reduce((n, m) => n + m.draft, 0)).toBe(36);
    expect(b.monthly.map((m) => m.month)).toEqual(monthsOf(YEAR_AGO, T_NOW));
  });

  it('when the draft removes MQLs and adds others, then both are phrased with their customers', () => {
    const contacts: HistoryContact[] = [];
    for (let i = 0; i < 12; i++) {
      const at = YEAR_AGO + i * 30 * DAY + DAY;
      contacts.push(
        convertedContact(
          { id: `p${i}`, createdAt: at, signals: [{ type: 'pricing_page_viewed', at }] },
          i < 6,
        ),
      );
      contacts.push(
        convertedContact(
          {
            id: `t${i}`,
            createdAt: at,
            industry: 'RETAIL',
            signals: [
              { type: 'trial_started', at },
              { type: 'demo_requested', at },
            ],
          },
          i < 1,
        ),
      );
    }
    // The draft: intent ≥ 20, and Retail no longer counts as an ICP industry... it never did; make
    // the fit bar 80 so that retail (fit 75) falls out.
    const draft = lowerBar();
    draft.thresholds.mql.fit = { operator: '>=', value: 80 };
    const b = backtest(contacts, published, draft, { from: YEAR_AGO, to: T_NOW, observedUntil: T_NOW });
    expect(b.removed.contacts).toBe(12);
    expect(b.added.contacts).toBe(12);
    expect(b.summary).toBe(
      'The draft drops 1 MQLs a month, of which 0.1 became customers; it adds 1, of which 0.5 did (MQLs a month: 1 now, 1 with the draft).',
    );
  });

  it('when the period is empty, then the error says so', () => {
    expect(() =>
      backtest([], published, published, { from: T_NOW, to: T_NOW, observedUntil: T_NOW }),
    ).toThrow(/the period is empty/);
  });
});

/** A history with values that carry their own date (`title@<ms>`), so any leak can be seen. */
const historyArb = fc
  .record({
    created: fc.integer({ min: 0, max: 400 }),
    signals: fc.array(
      fc.record({
        type: fc.constantFrom(
          'pricing_page_viewed',
          'demo_requested',
          'trial_started',
          'sales_no_interest',
          'podcast',
        ),
        day: fc.integer({ min: -100, max: 500 }),
      }),
      { maxLength: 8 },
    ),
    titles: fc.array(
      fc.record({
        title: fc.constantFrom('VP Sales', 'Intern', 'Director'),
        day: fc.integer({ min: -50, max: 500 }),
      }),
      {
        maxLength: 4,
      },
    ),
    industries: fc.array(
      fc.record({
        industry: fc.constantFrom('COMPUTER_SOFTWARE', 'RETAIL', 'INTERNET'),
        day: fc.integer({ min: -50, max: 500 }),
      }),
      { maxLength: 3 },
    ),
    stages: fc.array(
      fc.record({
        stage: fc.constantFrom('lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'customer'),
        day: fc.integer({ min: -50, max: 500 }),
      }),
      { maxLength: 4 },
    ),
  })
  .map(({ created, signals, titles, industries, stages }) => {
    const at = (day: number) => YEAR_AGO - 30 * DAY + day * DAY;
    const contact: HistoryContact = {
      id: 'c',
      createdAt: at(created),
      properties: {
        email: 'a@acme.example',
        jobtitle: 'CEO (now)',
        country: 'NL',
        lifecyclestage: 'customer',
        hs_lead_status: 'OPEN_DEAL',
      },
      company: { industry: 'COMPUTER_SOFTWARE', numberofemployees: '250', lifecyclestage: 'customer' },
      history: {
        contact: { jobtitle: titles.map((t) => ({ value: `${t.title}@${at(t.day)}`, at: at(t.day) })) },
        company: {
          industry: industries.map((t) => ({ value: `${t.industry}@${at(t.day)}`, at: at(t.day) })),
        },
      },
      signals: signals.map((s, i) => ({ type: s.type, occurredAt: at(s.day), sourceId: `s${i}` })),
      stageEntered: Object.fromEntries(stages.map((s) => [s.stage, at(s.day)])),
    };
    return contact;
  });

function datedAt(value: unknown): number | null {
  return typeof value === 'string' && value.includes('@') ? Number(value.split('@')[1]) : null;
}

describe('backtest point in time (property)', () => {
  it('when any history is backtested, then evaluate never sees a signal or a property value dated after the judgement moment', () => {
    const draft = lowerBar();
    fc.assert(
      fc.property(historyArb, (contact) => {
        const seen: { view: ContactInput; now: number }[] = [];
        const spy = (view: ContactInput, model: QualificationModel, now: number) => {
          seen.push({ view, now });
          return evaluate(view, model, now);
        };
        backtest([contact], published, draft, {
          from: YEAR_AGO,
          to: T_NOW,
          observedUntil: T_NOW,
          evaluate: spy,
        });
        for (const { view, now } of seen) {
          for (const s of view.signals ?? []) expect(Number(s.occurredAt)).toBeLessThanOrEqual(now);
          const title = datedAt(view.properties.jobtitle);
          if (view.properties.jobtitle !== null) expect(title).not.toBeNull();
          if (title !== null) expect(title).toBeLessThanOrEqual(now);
          const industry = datedAt(view.company?.industry);
          if (industry !== null) expect(industry).toBeLessThanOrEqual(now);
          else expect(view.company?.industry ?? null).toBeNull();
          // What happened later (stage, lead status) is never read as it is now.
          const stage = view.properties.lifecyclestage;
          if (stage !== null && stage !== undefined)
            expect(contact.stageEntered[String(stage)]).toBeLessThanOrEqual(now);
          expect(view.properties.hs_lead_status).toBeNull();
          expect(view.company?.lifecyclestage).toBeNull();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('when data dated after an MQL moment is added, then the backtest finds the same moment', () => {
    fc.assert(
      fc.property(historyArb, fc.integer({ min: 1, max: 200 }), (contact, later) => {
        const first = backtest([contact], published, published, {
          from: YEAR_AGO,
          to: T_NOW,
          observedUntil: T_NOW,
        });
        const month = first.monthly.find((m) => m.published > 0)?.month;
        if (!month) return;
        const mqlMoments: number[] = [];
        backtest([contact], published, published, {
          from: YEAR_AGO,
          to: T_NOW,
          observedUntil: T_NOW,
          evaluate: (v, m, now) => {
            const e = evaluate(v, m, now);
            if (e.isMql) mqlMoments.push(now);
            return e;
          },
        });
        const moment = mqlMoments[0]!;
        const extended: HistoryContact = {
          ...contact,
          signals: [...contact.signals, { type: 'sales_no_interest', occurredAt: moment + later * 60_000 }],
          history: {
            ...contact.history,
            contact: {
              jobtitle: [
                ...(contact.history?.contact?.jobtitle ?? []),
                { value: 'Intern', at: moment + later },
              ],
            },
          },
        };
        const again = backtest([extended], published, published, {
          from: YEAR_AGO,
          to: T_NOW,
          observedUntil: T_NOW,
        });
        expect(again.monthly).toEqual(first.monthly);
      }),
      { numRuns: 200 },
    );
  });
});
