/**
 * The settings page's funnel module (`hubspot-app/src/app/settings/funnel.ts`), pure: reading the
 * service's JSON defensively, the wording of rates and times, the rules worth showing, and whole
 * days in the portal's time zone. The tab itself is tested in settings-page.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PRESET, loadPreset } from '../../src/core/index.js';
import { SETTINGS_ROUTES } from '../../src/http/settings-routes.js';

// Loaded by path: the page is bundled by HubSpot, outside the service's TypeScript project.
const MODULE = new URL('../../hubspot-app/src/app/settings/funnel.ts', import.meta.url).href;
const API = new URL('../../hubspot-app/src/app/settings/settings-api.ts', import.meta.url).href;
let funnel: any;
let api: any;
beforeAll(async () => {
  [funnel, api] = await Promise.all([import(MODULE), import(API)]);
});

it('every path the settings page calls, the funnel too, is a route of the service', () => {
  expect(api.SETTINGS_PATHS.funnel).toBe(SETTINGS_ROUTES.funnel);
  expect(Object.values(SETTINGS_ROUTES)).toEqual(expect.arrayContaining(Object.values(api.SETTINGS_PATHS)));
});

describe('reading the funnel JSON', () => {
  it('when fields are missing, of the wrong type or not finite, then counts are 0, rates null, and lists empty', () => {
    const read = funnel.readFunnel({
      mqls: '12',
      sqls: -3,
      accepted: 2.6,
      mqlToSql: 'NaN',
      sqlToOpportunity: null,
      acceptanceRate: 0.25,
      lostReasons: [{ reason: 'no_budget', count: 2, share: 1 }, 'junk', { count: 1 }],
      warnings: [{ code: 'mql_to_sql_low', message: 'low' }, null],
      byModelVersion: { 'v@1': { mqls: 4, mqlToSql: 0.5 }, 'v@0': 'junk' },
      rejectingRules: [{ rule: 'industry', mqls: 5, returned: 2, relative: 2 }],
      reasonLabels: { no_budget: 'No budget', broken: 3 },
      from: '2026-11-01T00:00:00.000Z',
      to: 1_700_000_000_000,
    });
    expect(read).toMatchObject({
      mqls: 0,
      sqls: 0,
      accepted: 3,
      mqlToSql: null,
      sqlToOpportunity: null,
      acceptanceRate: 0.25,
      medianHoursToAcceptance: null,
      from: Date.UTC(2026, 10, 1),
      to: 1_700_000_000_000,
      reasonLabels: { no_budget: 'No budget' },
      byRoute: {},
    });
    // A reason without a label is named by the model's labels, or by its id.
    expect(read.lostReasons).toEqual([
      { reason: 'no_budget', label: 'No budget', count: 2, share: 1 },
      { reason: 'other', label: 'other', count: 1, share: null },
    ]);
    expect(read.warnings).toEqual([{ code: 'mql_to_sql_low', message: 'low' }]);
    expect(read.byModelVersion['v@1']).toMatchObject({ mqls: 4, mqlToSql: 0.5, lostReasons: [] });
    expect(read.byModelVersion['v@0']).toMatchObject({ mqls: 0, mqlToSql: null });
    expect(read.rejectingRules).toEqual([
      { rule: 'industry', mqls: 5, returned: 2, returnRate: null, relative: 2 },
    ]);
    expect(funnel.readFunnel(null)).toMatchObject({ mqls: 0, warnings: [], rejectingRules: [], from: null });
  });
});

describe('wording', () => {
  it('rates read as percentages with at most one decimal, or n/a', () => {
    expect([0, 0.25, 1 / 3, 0.0625 + 0.03125, 1, null, Number.NaN, Infinity].map(funnel.formatRate)).toEqual([
      '0%',
      '25%',
      '33.3%',
      '9.4%',
      '100%',
      'n/a',
      'n/a',
      'n/a',
    ]);
  });

  it('times read in minutes, hours or days, or n/a', () => {
    expect([0.5, 5, 23.25, 47.9, 60, null, Number.NaN].map(funnel.formatHours)).toEqual([
      '30 min',
      '5 h',
      '23.3 h',
      '47.9 h',
      '2.5 days',
      'n/a',
      'n/a',
    ]);
  });

  it('rules are shown from 1.5× and 5 MQLs, most returned first, phrased for marketing', () => {
    const rule = (name: string, mqls: number, returned: number, relative: number | null) => ({
      rule: name,
      mqls,
      returned,
      returnRate: mqls ? returned / mqls : null,
      relative,
    });
    const shown = funnel.rejectingRulesToShow([
      rule('industry', 40, 8, 1),
      rule('pricing_page_viewed', 5, 2, 1.5),
      rule('demo_requested', 4, 2, 2.5),
      rule('webinar_attended', 10, 6, 3),
      rule('region', 6, 0, null),
    ]);
    expect(shown.map((r: { rule: string }) => r.rule)).toEqual(['webinar_attended', 'pricing_page_viewed']);
    expect(shown.map(funnel.describeRejection)).toEqual([
      "Leads that qualified through 'webinar_attended' are returned 3.0× as often (6 of 10)",
      "Leads that qualified through 'pricing_page_viewed' are returned 1.5× as often (2 of 5)",
    ]);
  });

  it('rules are named as the model names them: fit criteria by id, intent signals by type', () => {
    const labels = funnel.ruleLabels(loadPreset(DEFAULT_PRESET));
    expect(labels).toMatchObject({ industry: 'Industry', demo_requested: 'Demo requested' });
    expect(funnel.ruleLabels(null)).toEqual({});
  });

  it('every warning code has a title, and an unknown one a general title', () => {
    for (const code of [
      'mql_to_sql_low',
      'sql_to_opportunity_low',
      'unclear_mql_reason',
      'mql_to_sql_very_high',
      'sla_breaches',
    ])
      expect(funnel.warningTitle(code)).not.toBe('Check the funnel');
    expect(funnel.warningTitle('something_new')).toBe('Check the funnel');
  });
});

describe('periods in the portal’s time zone', () => {
  it('a day starts at local midnight, also on and around summer-time changes', () => {
    const start = (year: number, month: number, date: number, zone: string) =>
      new Date(funnel.startOfDay({ year, month, date }, zone)).toISOString();
    expect(start(2026, 9, 1, 'America/New_York')).toBe('2026-10-01T04:00:00.000Z');
    expect(start(2026, 10, 2, 'America/New_York')).toBe('2026-11-02T05:00:00.000Z');
    expect(start(2026, 2, 8, 'America/New_York')).toBe('2026-03-08T05:00:00.000Z');
    expect(start(2026, 2, 9, 'America/New_York')).toBe('2026-03-09T04:00:00.000Z');
    // Auckland moves to summer time on 27 September 2026, at 02:00 (UTC+12 → +13).
    expect(start(2026, 8, 27, 'Pacific/Auckland')).toBe('2026-09-26T12:00:00.000Z');
    expect(start(2026, 8, 28, 'Pacific/Auckland')).toBe('2026-09-27T11:00:00.000Z');
    expect(start(2026, 0, 1, 'UTC')).toBe('2026-01-01T00:00:00.000Z');
    // An unknown zone falls back to UTC rather than failing.
    expect(start(2026, 0, 1, 'Not/AZone')).toBe('2026-01-01T00:00:00.000Z');
  });

  it('chosen days include both ends; a missing or reversed day is a problem at its field', () => {
    const day = (month: number, date: number) => ({ year: 2026, month, date });
    expect(funnel.chosenPeriod(day(11, 1), day(11, 31), 'UTC')).toEqual({
      from: Date.UTC(2026, 11, 1),
      to: Date.UTC(2027, 0, 1),
    });
    expect(funnel.chosenPeriod(day(10, 5), day(10, 5), 'UTC')).toEqual({
      from: Date.UTC(2026, 10, 5),
      to: Date.UTC(2026, 10, 6),
    });
    expect(funnel.chosenPeriod(null, day(10, 5), 'UTC')).toMatchObject({ problem: 'from' });
    expect(funnel.chosenPeriod(day(10, 5), null, 'UTC')).toMatchObject({ problem: 'to' });
    expect(funnel.chosenPeriod(day(10, 6), day(10, 5), 'UTC')).toEqual({
      problem: 'to',
      message: 'The last day cannot be before the first day.',
    });
  });

  it('an instant is shown as its day in the zone', () => {
    const at = Date.UTC(2026, 10, 23, 3, 0);
    expect(funnel.formatDay(at, 'UTC')).toBe('2026-11-23');
    expect(funnel.formatDay(at, 'America/New_York')).toBe('2026-11-22');
    expect(funnel.dayOf(at, 'Asia/Tokyo')).toEqual({ year: 2026, month: 10, date: 23 });
    expect(funnel.lastDays(7, at)).toEqual({ from: at - 7 * 86_400_000, to: at });
  });
});
