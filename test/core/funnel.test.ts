import { describe, expect, it } from 'vitest';
import {
  type FunnelDecision,
  type FunnelTimer,
  type FunnelTransition,
  funnelReport,
  funnelRows,
  median,
  weeklyReturnedLeadsReport,
} from '../../src/core/index.js';

const H = 3_600_000;
const T0 = Date.parse('2026-11-02T00:00:00Z');
const WEEK = 7 * 24 * H;

/** A hand-built history: `n` MQLs, of which some are accepted/returned and some reach later stages. */
function history(spec: {
  mqls: number;
  accepted: number;
  returned?: { reason: string; count: number }[];
  opportunities?: number;
  customers?: number;
  modelVersion?: string;
  route?: string;
  rules?: (i: number) => string[];
  acceptAfterHours?: (i: number) => number;
  offset?: number;
}) {
  const transitions: FunnelTransition[] = [];
  const decisions: FunnelDecision[] = [];
  const offset = spec.offset ?? 0;
  const returned = (spec.returned ?? []).flatMap((r) => Array.from({ length: r.count }, () => r.reason));
  for (let i = 0; i < spec.mqls; i++) {
    const id = `c${offset + i}`;
    const at = T0 + i * 60_000;
    transitions.push({
      contactId: id,
      kind: 'lifecycle',
      from: 'lead',
      to: 'marketingqualifiedlead',
      at,
      modelVersion: spec.modelVersion ?? 'v1',
      cause: 'evaluation',
      details: {
        route: spec.route ?? 'new-business',
        band: 'fit-high/intent-high',
        rules: spec.rules?.(i) ?? [],
      },
    });
    if (i < spec.accepted) {
      decisions.push({
        contactId: id,
        decision: 'accept',
        reason: null,
        note: null,
        decidedAt: at + (spec.acceptAfterHours?.(i) ?? 10) * H,
      });
      transitions.push({
        contactId: id,
        kind: 'lifecycle',
        from: 'marketingqualifiedlead',
        to: 'salesqualifiedlead',
        at: at + 10 * H,
        modelVersion: 'v1',
        cause: 'sales:accept',
      });
      if (i < (spec.opportunities ?? 0))
        transitions.push({
          contactId: id,
          kind: 'lifecycle',
          from: 'salesqualifiedlead',
          to: 'opportunity',
          at: at + 48 * H,
          modelVersion: 'v1',
          cause: 'hubspot',
        });
      if (i < (spec.customers ?? 0))
        transitions.push({
          contactId: id,
          kind: 'lifecycle',
          from: 'opportunity',
          to: 'customer',
          at: at + 96 * H,
          modelVersion: 'v1',
          cause: 'hubspot',
        });
    } else if (i - spec.accepted < returned.length) {
      decisions.push({
        contactId: id,
        decision: 'return',
        reason: returned[i - spec.accepted]!,
        note: null,
        decidedAt: at + 20 * H,
      });
    }
  }
  return { transitions, decisions };
}

describe('funnelReport', () => {
  it('when 180 MQLs gave 47 accepted, then acceptance and MQL→SQL are 26.1%, with a warning below 40%', () => {
    const { transitions, decisions } = history({
      mqls: 180,
      accepted: 47,
      returned: [
        { reason: 'no_budget', count: 60 },
        { reason: 'too_small', count: 40 },
      ],
    });
    const r = funnelReport({ transitions, decisions, timers: [], from: T0, to: T0 + WEEK });
    expect([r.mqls, r.accepted, r.returned, r.undecided, r.sqls]).toEqual([180, 47, 100, 33, 47]);
    expect(r.acceptanceRate).toBeCloseTo(0.2611, 4);
    expect(r.mqlToSql).toBeCloseTo(0.2611, 4);
    expect(funnelRows(r)).toContainEqual(['acceptance rate', '26.1%']);
    expect(r.warnings.map((w) => w.code)).toContain('mql_to_sql_low');
    expect(r.lostReasons).toEqual([
      { reason: 'no_budget', label: 'no_budget', count: 60, share: 0.6 },
      { reason: 'too_small', label: 'too_small', count: 40, share: 0.4 },
    ]);
  });

  it('reproduces the seed case: 50 SQLs of which 21 became opportunities is 42% SQL→Opportunity', () => {
    const { transitions, decisions } = history({ mqls: 150, accepted: 50, opportunities: 21, customers: 7 });
    const r = funnelReport({
      transitions,
      decisions,
      timers: [],
      from: T0,
      to: T0 + WEEK,
      economics: { marketingCost: 25_000, averageDealValue: 12_000, averageCycleDays: 60 },
    });
    expect(r.sqls).toBe(50);
    expect(r.sqlToOpportunity).toBeCloseTo(0.42, 5);
    expect(r.sqlToCustomer).toBeCloseTo(0.14, 5);
    expect(r.costPerSql).toBe(500);
    // (50 SQLs × 12,000 × 14%) / 60 days = 1,400 per day.
    expect(r.pipelineVelocityPerDay).toBeCloseTo(1400, 6);
    expect(r.warnings.map((w) => w.code)).not.toContain('sql_to_opportunity_low');
  });

  it('when a period has no MQLs, then every rate is n/a and nothing divides by zero', () => {
    const r = funnelReport({
      transitions: [],
      decisions: [],
      timers: [],
      from: T0,
      to: T0 + WEEK,
      economics: { marketingCost: 1000 },
    });
    expect([
      r.mqls,
      r.mqlToSql,
      r.sqlToOpportunity,
      r.acceptanceRate,
      r.costPerSql,
      r.medianHoursToAcceptance,
      r.slaBreachRate,
    ]).toEqual([0, null, null, null, null, null, null]);
    expect(funnelRows(r)).toContainEqual(['MQL→SQL', 'n/a']);
    expect(r.warnings).toEqual([]);
  });

  it('counts only MQLs of the period, and later stages whenever they happened', () => {
    const inside = history({ mqls: 10, accepted: 5, opportunities: 2 });
    const before = history({ mqls: 10, accepted: 10, offset: 100 });
    for (const t of before.transitions) t.at -= 2 * WEEK;
    for (const d of before.decisions) d.decidedAt -= 2 * WEEK;
    const r = funnelReport({
      transitions: [...inside.transitions, ...before.transitions],
      decisions: [...inside.decisions, ...before.decisions],
      timers: [],
      from: T0,
      to: T0 + WEEK,
    });
    expect([r.mqls, r.sqls, r.opportunities]).toEqual([10, 5, 2]);
  });

  it('keeps the high-water mark: a recycled SQL still counts as having reached SQL', () => {
    const { transitions, decisions } = history({ mqls: 1, accepted: 1 });
    transitions.push({
      contactId: 'c0',
      kind: 'recycle',
      from: 'salesqualifiedlead',
      to: 'lead',
      at: T0 + 30 * H,
      modelVersion: 'v1',
      cause: 'recycle:wrong_timing',
    });
    transitions.push({
      contactId: 'c0',
      kind: 'lifecycle',
      from: null,
      to: 'lead',
      at: T0 + 30 * H,
      modelVersion: 'v1',
      cause: 'recycle',
    });
    expect(funnelReport({ transitions, decisions, timers: [], from: T0, to: T0 + WEEK }).sqls).toBe(1);
  });

  it('computes the median times and the SLA breach rate from the timers', () => {
    const { transitions, decisions } = history({
      mqls: 4,
      accepted: 3,
      acceptAfterHours: (i) => [2, 30, 10][i]!,
    });
    const timers: FunnelTimer[] = [
      {
        contactId: 'c0',
        kind: 'acceptance',
        startedAt: T0,
        dueAt: T0 + 48 * H,
        closedAt: T0 + 2 * H,
        outcome: 'met',
      },
      {
        contactId: 'c1',
        kind: 'acceptance',
        startedAt: T0 + 60_000,
        dueAt: T0 + 48 * H,
        closedAt: T0 + 30 * H,
        outcome: 'met',
      },
      {
        contactId: 'c3',
        kind: 'acceptance',
        startedAt: T0 + 180_000,
        dueAt: T0 + 48 * H,
        closedAt: T0 + 48 * H,
        outcome: 'breached',
      },
      {
        contactId: 'c0',
        kind: 'follow_up',
        startedAt: T0 + 2 * H,
        dueAt: T0 + 26 * H,
        closedAt: T0 + 5 * H,
        outcome: 'met',
      },
      {
        contactId: 'c1',
        kind: 'follow_up',
        startedAt: T0 + 30 * H,
        dueAt: T0 + 54 * H,
        closedAt: T0 + 31 * H,
        outcome: 'met',
      },
    ];
    const r = funnelReport({ transitions, decisions, timers, from: T0, to: T0 + WEEK });
    expect(r.medianHoursToAcceptance).toBe(10);
    expect(r.medianHoursToFollowUp).toBe(2);
    expect(r.slaBreachRate).toBeCloseTo(1 / 5, 6);
    expect(r.slaBreaches).toBe(1);
    expect(r.warnings.map((w) => w.code)).toContain('sla_breaches');
  });

  it('cuts the funnel by model version and route', () => {
    const a = history({ mqls: 10, accepted: 8, modelVersion: 'v1', route: 'new-business' });
    const b = history({ mqls: 10, accepted: 2, modelVersion: 'v2', route: 'installed-base', offset: 50 });
    const r = funnelReport({
      transitions: [...a.transitions, ...b.transitions],
      decisions: [...a.decisions, ...b.decisions],
      timers: [],
      from: T0,
      to: T0 + WEEK,
    });
    expect(r.byModelVersion.v1!.acceptanceRate).toBe(0.8);
    // Installed-base MQLs are kept apart: in the route cut and their own figures, not the others.
    expect(r.byModelVersion.v2).toBeUndefined();
    expect(Object.keys(r.byRoute)).toEqual(['installed-base', 'new-business']);
    expect(r.byRoute['installed-base']!.acceptanceRate).toBe(0.2);
    expect([r.installedBase.mqls, r.installedBase.accepted, r.mqls, r.accepted]).toEqual([10, 2, 10, 8]);
  });

  it('when "No idea why this is an MQL" is a top reason, then it warns', () => {
    const { transitions, decisions } = history({
      mqls: 10,
      accepted: 5,
      returned: [
        { reason: 'unclear_mql', count: 3 },
        { reason: 'no_budget', count: 2 },
      ],
    });
    const r = funnelReport({
      transitions,
      decisions,
      timers: [],
      from: T0,
      to: T0 + WEEK,
      reasonLabels: { unclear_mql: 'No idea why this is an MQL' },
    });
    expect(r.lostReasons[0]).toEqual({
      reason: 'unclear_mql',
      label: 'No idea why this is an MQL',
      count: 3,
      share: 0.6,
    });
    expect(r.warnings.map((w) => w.code)).toContain('unclear_mql_reason');
  });

  it('shows which rules produce returned leads: webinar MQLs returned 3× as often', () => {
    // 20 decided MQLs: 10 via webinar (6 returned), 10 via demo (0 returned). Overall return rate 30%.
    const { transitions, decisions } = history({
      mqls: 20,
      accepted: 14,
      returned: [{ reason: 'no_interest', count: 6 }],
      rules: (i) =>
        i >= 14 || i < 4 ? ['webinar_attended', 'company_size'] : ['demo_requested', 'company_size'],
    });
    const rules = funnelReport({
      transitions,
      decisions,
      timers: [],
      from: T0,
      to: T0 + WEEK,
    }).rejectingRules;
    expect(rules[0]).toEqual({
      rule: 'webinar_attended',
      mqls: 10,
      returned: 6,
      returnRate: 0.6,
      relative: 2,
    });
    expect(rules.find((r) => r.rule === 'demo_requested')).toMatchObject({ returned: 0, relative: 0 });
    expect(rules.find((r) => r.rule === 'company_size')).toMatchObject({ mqls: 20, relative: 1 });
  });
});

describe('weeklyReturnedLeadsReport', () => {
  it('lists the week’s returned leads by reason with notes', () => {
    const decisions: FunnelDecision[] = [
      { contactId: '1', decision: 'return', reason: 'no_budget', note: 'Q3 budget', decidedAt: T0 + H },
      { contactId: '2', decision: 'return', reason: 'no_budget', note: null, decidedAt: T0 + 2 * H },
      { contactId: '3', decision: 'return', reason: 'wrong_timing', note: null, decidedAt: T0 + 3 * H },
      { contactId: '4', decision: 'accept', reason: null, note: null, decidedAt: T0 + 4 * H },
      { contactId: '5', decision: 'return', reason: 'too_small', note: null, decidedAt: T0 + WEEK + H },
    ];
    const report = weeklyReturnedLeadsReport({
      decisions,
      reasonLabels: { no_budget: 'No budget', wrong_timing: 'Wrong timing' },
      from: T0,
      to: T0 + WEEK,
    });
    expect(report.title).toBe('Returned leads 2026-11-02 – 2026-11-08: 3 returned, 1 accepted');
    expect(report.topReasons.map((r) => [r.label, r.count])).toEqual([
      ['No budget', 2],
      ['Wrong timing', 1],
    ]);
    expect(report.body).toContain('contact 1 (No budget): Q3 budget');
  });

  it('when nothing was returned, then it says so', () => {
    expect(
      weeklyReturnedLeadsReport({ decisions: [], reasonLabels: {}, from: T0, to: T0 + WEEK }).body,
    ).toContain('No leads were returned this week.');
  });
});

describe('median', () => {
  it('is the middle value, or the mean of the two middle values', () => {
    expect([median([]), median([3]), median([5, 1, 3]), median([4, 1, 3, 2])]).toEqual([null, 3, 3, 2.5]);
  });
});
