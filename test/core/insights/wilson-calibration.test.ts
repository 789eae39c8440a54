import { describe, expect, it } from 'vitest';
import {
  calibrationOf,
  checkCadence,
  formatProportion,
  judgePeriod,
  loadPreset,
  outcomesAfter,
  scoreBand,
  wilson,
  withOutcomes,
} from '../../../src/core/index.js';
import { convertedContact, DAY, historyContact, T_NOW, YEAR_AGO } from './fixtures.js';

const model = loadPreset('seed-fit-intent');

describe('wilson', () => {
  it('when given the textbook cases, then it gives the published Wilson intervals', () => {
    const a = wilson(81, 263);
    expect(a.rate).toBeCloseTo(0.30798, 4);
    expect(a.low).toBeCloseTo(0.25529, 4);
    expect(a.high).toBeCloseTo(0.36621, 4);
    expect(wilson(0, 10)).toMatchObject({ rate: 0, low: 0 });
    expect(wilson(0, 10).high).toBeCloseTo(0.27753, 4);
    expect(wilson(10, 10).low).toBeCloseTo(0.72247, 4);
    expect(wilson(10, 10).high).toBe(1);
  });

  it('when n is 0, then there is no rate and no interval', () => {
    expect(wilson(0, 0)).toEqual({ successes: 0, n: 0, rate: null, low: null, high: null });
  });

  it('when the counts are impossible, then the error names them', () => {
    expect(() => wilson(11, 10)).toThrow(/successes must be a whole number from 0 to n \(10\), not 11/);
    expect(() => wilson(1, -1)).toThrow(/n must be a whole number ≥ 0, not -1/);
  });

  it('when fewer than 30 contacts, then it is written as not enough data', () => {
    expect(formatProportion(wilson(3, 12))).toBe('not enough data (n = 12)');
    expect(formatProportion(wilson(81, 263))).toBe('30.8% (95% 25.5–36.6%, n = 263)');
  });
});

describe('outcomesAfter', () => {
  it('when stages, decisions and deals come after the moment, then they count; before it, they do not', () => {
    const c = {
      ...historyContact({ id: 'x', createdAt: 1000, stages: { salesqualifiedlead: 500 } }),
      deals: [{ createdAt: 3000, closedWon: true, closedAt: 4000 }],
    };
    expect(outcomesAfter(c, 1000, 2000)).toEqual({ sql: false, opportunity: false, customer: false });
    expect(outcomesAfter(c, 1000, 3500)).toEqual({ sql: true, opportunity: true, customer: false });
    expect(outcomesAfter(c, 1000, 5000)).toEqual({ sql: true, opportunity: true, customer: true });
    const accepted = { ...c, deals: [], decisions: [{ decision: 'accept' as const, at: 1500 }] };
    expect(outcomesAfter(accepted, 1000, 5000).sql).toBe(true);
  });
});

describe('calibration', () => {
  it('when contacts are judged in a period, then each band shows its n and conversions', () => {
    // Two MQLs (fit 100, intent 70: demo + trial... demo 30 + pricing 20 + comparison 10 = 60) that
    // both convert, and one nurture (no signals) that does not.
    const at = YEAR_AGO + 10 * DAY;
    const mqlSignals = [
      { type: 'demo_requested', at },
      { type: 'pricing_page_viewed', at },
      { type: 'comparison_viewed', at },
    ];
    const contacts = [
      convertedContact({ id: 'a', createdAt: at, signals: mqlSignals }, true),
      convertedContact({ id: 'b', createdAt: at, signals: mqlSignals }, true),
      convertedContact({ id: 'c', createdAt: at }, false),
    ];
    const judged = withOutcomes(judgePeriod(contacts, model, { from: YEAR_AGO, to: T_NOW }), T_NOW);
    const cal = calibrationOf(judged, { from: YEAR_AGO, to: T_NOW, observedUntil: T_NOW, modelVersion: 'v' });
    expect(cal.contacts).toBe(3);
    const mql = cal.byQualification.find((c) => c.key === 'mql')!;
    expect(mql.n).toBe(2);
    expect(mql.rates.customer).toMatchObject({ successes: 2, rate: 1 });
    expect(mql.enoughData).toBe(false);
    const nurture = cal.byQualification.find((c) => c.key === 'nurture')!;
    expect(nurture.rates.sql).toMatchObject({ successes: 0, n: 1 });
    expect(cal.grid.map((c) => [c.key, c.n])).toEqual([
      ['fit 75–100 × intent 0–24', 1],
      ['fit 75–100 × intent 50–74', 2],
    ]);
    expect(cal.byRoute).toEqual([expect.objectContaining({ key: 'demo-request', n: 2 })]);
  });

  it('when a higher intent band converts worse than the one below it, then it is flagged', () => {
    const contacts = [];
    const at = YEAR_AGO + 20 * DAY;
    // 40 contacts with intent 20 (pricing page), 20 of which convert; 40 with intent 30 (demo), 4 convert.
    for (let i = 0; i < 40; i++)
      contacts.push(
        convertedContact(
          { id: `p${i}`, createdAt: at, signals: [{ type: 'pricing_page_viewed', at }] },
          i < 20,
        ),
      );
    for (let i = 0; i < 40; i++)
      contacts.push(
        convertedContact({ id: `d${i}`, createdAt: at, signals: [{ type: 'demo_requested', at }] }, i < 4),
      );
    const judged = withOutcomes(judgePeriod(contacts, model, { from: YEAR_AGO, to: T_NOW }), T_NOW);
    const cal = calibrationOf(judged, { from: YEAR_AGO, to: T_NOW, observedUntil: T_NOW, modelVersion: 'v' });
    expect(scoreBand(20)).toBe('0–24');
    expect(scoreBand(30)).toBe('25–49');
    const flag = cal.flags.find((f) => f.dimension === 'intent' && f.outcome === 'customer')!;
    expect(flag).toMatchObject({ lower: '0–24', higher: '25–49', significant: true });
    expect(flag.message).toBe(
      'intent 25–49 converts to customer no better than intent 0–24: 10.0% of 40 against 50.0% of 40 (the intervals do not overlap)',
    );
  });
});

describe('cadence', () => {
  it('when the last publish is within the minimum period, then a reason is required', () => {
    const last = T_NOW - 20 * DAY;
    expect(checkCadence(last, 60, T_NOW)).toMatchObject({
      reasonRequired: true,
      daysSinceLastPublish: 20,
      freeFrom: last + 60 * DAY,
    });
    expect(checkCadence(last, 60, T_NOW).message).toMatch(/20 days ago; the model asks for 60 days/);
  });

  it('when the period has passed, nothing was published or the minimum is 0, then no reason is needed', () => {
    expect(checkCadence(T_NOW - 61 * DAY, 60, T_NOW).reasonRequired).toBe(false);
    expect(checkCadence(null, 60, T_NOW).reasonRequired).toBe(false);
    expect(checkCadence(T_NOW - DAY, 0, T_NOW).reasonRequired).toBe(false);
  });
});
