/**
 * The funnel from HubSpot's deals: a deal created after the MQL moment is an opportunity, a won
 * one a customer with its amount and close date; deal value, cycle and velocity come from the won
 * deals unless a flag overrides them; installed-base MQLs stay apart and raise no warning.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type FunnelDeal,
  type FunnelDecision,
  type FunnelTransition,
  funnelReport,
  funnelRows,
} from '../../src/core/index.js';

const H = 3_600_000;
const DAY = 24 * H;
const T0 = Date.parse('2026-11-02T00:00:00Z');

function mql(contactId: string, at: number, route = 'new-business'): FunnelTransition {
  return {
    contactId,
    kind: 'qualification',
    from: 'nurture',
    to: 'mql',
    at,
    modelVersion: '1',
    cause: 'evaluation',
    details: { route, band: 'fit-high/intent-high', rules: [] },
  };
}

const accept = (contactId: string, at: number): FunnelDecision => ({
  contactId,
  decision: 'accept',
  reason: null,
  note: null,
  decidedAt: at,
});

function deal(
  dealId: string,
  contactIds: string[],
  createdAt: number,
  extra: Partial<FunnelDeal> = {},
): FunnelDeal {
  return { dealId, contactIds, createdAt, amount: null, closedAt: null, outcome: null, ...extra };
}

describe('the funnel from deals', () => {
  it('when deals are given, then opportunities are deals made after the MQL moment and customers won ones; the figures match a hand count', () => {
    // Six new-business MQLs, five accepted.
    const contacts = ['a', 'b', 'c', 'd', 'e', 'f'];
    const transitions = contacts.map((c, i) => mql(c, T0 + i * H));
    const decisions = contacts.slice(0, 5).map((c, i) => accept(c, T0 + i * H + 2 * H));
    const deals = [
      // a: a deal made before it became MQL does not count; its later deal is won (10,000; 20 days).
      deal('d0', ['a'], T0 - 30 * DAY, { outcome: 'won', amount: 99_999, closedAt: T0 - DAY }),
      deal('d1', ['a'], T0 + 3 * H, { outcome: 'won', amount: 10_000, closedAt: T0 + 3 * H + 20 * DAY }),
      // b: open deal → opportunity only.
      deal('d2', ['b'], T0 + 5 * H),
      // c: lost deal → opportunity, no customer.
      deal('d3', ['c'], T0 + 6 * H, { outcome: 'lost', closedAt: T0 + 9 * DAY }),
      // d and e share one won deal (30,000; 40 days): two customers, one deal.
      deal('d4', ['d', 'e'], T0 + 8 * H, { outcome: 'won', amount: 30_000, closedAt: T0 + 8 * H + 40 * DAY }),
    ];
    const r = funnelReport({ transitions, decisions, timers: [], from: T0, to: T0 + DAY, deals });

    // Hand count: SQLs a–e (5); opportunities a, b, c, d, e (5); customers a, d, e (3).
    expect([r.mqls, r.sqls, r.opportunities, r.customers]).toEqual([6, 5, 5, 3]);
    expect(r.sqlToOpportunity).toBe(1);
    expect(r.sqlToCustomer).toBeCloseTo(3 / 5, 9);
    // Won deals d1 and d4: value (10,000 + 30,000) / 2, cycle (20 + 40) / 2 days.
    expect([r.wonDeals, r.wonDealValue, r.averageDealValuePerSql, r.averageCycleDays]).toEqual([
      2, 40_000, 20_000, 30,
    ]);
    // Velocity: 5 SQLs × 20,000 × 3/5 / 30 days = 2,000 a day.
    expect(r.pipelineVelocityPerDay).toBeCloseTo(2_000, 6);
    expect(r.economicsFrom).toEqual({ dealValue: 'deals', cycleDays: 'deals' });
    expect(r.warnings.map((w) => w.code)).not.toContain('sql_to_opportunity_low');
    expect(funnelRows(r)).toContainEqual(['won deal value', '40000.00']);
  });

  it('when flags are given beside deals, then each flag overrides what the deals say; without deals, the flags alone count', () => {
    const transitions = [mql('a', T0)];
    const decisions = [accept('a', T0 + H)];
    const deals = [deal('d1', ['a'], T0 + H, { outcome: 'won', amount: 8_000, closedAt: T0 + H + 10 * DAY })];
    const flagged = funnelReport({
      transitions,
      decisions,
      timers: [],
      from: T0,
      to: T0 + DAY,
      deals,
      economics: { averageCycleDays: 40 },
    });
    expect([flagged.averageDealValuePerSql, flagged.averageCycleDays]).toEqual([8_000, 40]);
    expect(flagged.economicsFrom).toEqual({ dealValue: 'deals', cycleDays: 'flags' });
    const none = funnelReport({ transitions, decisions, timers: [], from: T0, to: T0 + DAY });
    expect([none.customers, none.averageDealValuePerSql, none.pipelineVelocityPerDay]).toEqual([
      0,
      null,
      null,
    ]);
    expect(none.economicsFrom).toEqual({ dealValue: null, cycleDays: null });
  });

  it('when installed-base MQLs are accepted without new deals, then they stay apart and raise no "just looking" warning', () => {
    const newBusiness = ['a', 'b', 'c'];
    const installed = ['x1', 'x2', 'x3', 'x4', 'x5', 'x6'];
    const transitions = [
      ...newBusiness.map((c, i) => mql(c, T0 + i * H)),
      ...installed.map((c, i) => mql(c, T0 + i * H, 'installed-base')),
    ];
    const decisions = [...newBusiness, ...installed].map((c, i) => accept(c, T0 + 10 * H + i));
    const deals = newBusiness.map((c, i) => deal(`d${i}`, [c], T0 + 12 * H));
    const r = funnelReport({ transitions, decisions, timers: [], from: T0, to: T0 + DAY, deals });
    expect([r.mqls, r.sqls, r.opportunities, r.sqlToOpportunity]).toEqual([3, 3, 3, 1]);
    expect([r.installedBase.mqls, r.installedBase.sqls, r.installedBase.opportunities]).toEqual([6, 6, 0]);
    expect(r.warnings).toEqual([]);
    expect(Object.keys(r.byRoute)).toEqual(['installed-base', 'new-business']);
  });

  it('when any deals are added, then no count goes down and customers never exceed opportunities (property)', () => {
    const ids = ['a', 'b', 'c', 'd'];
    const dealArb = fc.record({
      contact: fc.constantFrom(...ids),
      offsetHours: fc.integer({ min: -48, max: 48 }),
      outcome: fc.constantFrom<FunnelDeal['outcome']>('won', 'lost', null),
      amount: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(dealArb, { maxLength: 12 }), (specs) => {
        const transitions = ids.map((c, i) => mql(c, T0 + i * H));
        const decisions = ids.slice(0, 3).map((c) => accept(c, T0 + 5 * H));
        const deals = specs.map((s, i) =>
          deal(`d${i}`, [s.contact], T0 + s.offsetHours * H, {
            outcome: s.outcome,
            amount: s.amount,
            closedAt: s.outcome ? T0 + 60 * H : null,
          }),
        );
        const without = funnelReport({ transitions, decisions, timers: [], from: T0, to: T0 + DAY });
        const withDeals = funnelReport({ transitions, decisions, timers: [], from: T0, to: T0 + DAY, deals });
        expect(withDeals.opportunities).toBeGreaterThanOrEqual(without.opportunities);
        expect(withDeals.customers).toBeGreaterThanOrEqual(without.customers);
        expect(withDeals.customers).toBeLessThanOrEqual(withDeals.opportunities);
        const counted = new Set(
          deals.filter((d) => d.outcome === 'won' && d.createdAt >= T0 + ids.indexOf(d.contactIds[0]!) * H),
        );
        expect(withDeals.wonDeals).toBe(counted.size);
      }),
      { numRuns: 300 },
    );
  });
});
