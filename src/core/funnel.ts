/**
 * Funnel metrics from the stored history: pure functions over transitions, sales decisions and
 * SLA timers. Cohort-based: the MQLs of a period and what became of them (by now), so a rate is
 * never a ratio of unrelated counts. Every rate with a zero denominator is `null` ("n/a").
 */
import { DAY_MS, HOUR_MS } from './intent.js';
import { stageRank } from './lifecycle.js';
import { ownValue } from './own.js';
import type { ReasonCount } from './weekly-report.js';

export {
  type ReasonCount,
  type ReturnedLeadDecision,
  type WeeklyReport,
  type WeeklyReportInput,
  weeklyReturnedLeadsReport,
} from './weekly-report.js';

export interface FunnelTransition {
  contactId: string;
  kind: 'qualification' | 'lifecycle' | 'lead_status' | 'recycle' | 'sales_decision';
  from: string | null;
  to: string | null;
  at: number;
  modelVersion: string;
  cause: string;
  details?: Record<string, unknown>;
}

export interface FunnelDecision {
  contactId: string;
  decision: 'accept' | 'return';
  reason: string | null;
  note: string | null;
  decidedAt: number;
}

export interface FunnelTimer {
  contactId: string;
  kind: 'acceptance' | 'follow_up';
  startedAt: number;
  dueAt: number;
  closedAt: number | null;
  outcome: 'met' | 'breached' | 'cancelled' | null;
}

/**
 * A HubSpot deal, as the funnel counts it: an opportunity of each of its contacts that became MQL
 * before the deal was created, a customer when it is won.
 */
export interface FunnelDeal {
  dealId: string;
  contactIds: readonly string[];
  createdAt: number;
  amount: number | null;
  /** When it closed (HubSpot's `closedate`); for an open deal, when it is expected to. */
  closedAt: number | null;
  outcome: 'won' | 'lost' | null;
}

/** The route of installed-base MQLs (existing customers): kept apart from new business in every rate. */
export const INSTALLED_BASE_ROUTE = 'installed-base';

export interface Economics {
  /** Total marketing and acquisition cost of the period. */
  marketingCost?: number;
  /** Average deal value of a won SQL. */
  averageDealValue?: number;
  /** Average sales cycle, in days. */
  averageCycleDays?: number;
}

export interface FunnelInput {
  transitions: readonly FunnelTransition[];
  decisions: readonly FunnelDecision[];
  timers: readonly FunnelTimer[];
  /** The MQL cohort: contacts that became MQL with `from <= at < to`. */
  from: number;
  to: number;
  /** Labels of the model's lost reasons, by id. */
  reasonLabels?: Readonly<Record<string, string>>;
  /** Flags for portals without deals: given, each overrides what the deals say. */
  economics?: Economics;
  /** The deals of the cohort's contacts (any time): opportunities, customers, value and cycle. */
  deals?: readonly FunnelDeal[];
}

export interface FunnelFigures {
  mqls: number;
  accepted: number;
  returned: number;
  /** MQLs without a decision yet. */
  undecided: number;
  sqls: number;
  opportunities: number;
  customers: number;
  /** SQLs / MQLs. */
  mqlToSql: number | null;
  /** Opportunities / SQLs. */
  sqlToOpportunity: number | null;
  /** Customers / SQLs. */
  sqlToCustomer: number | null;
  /** Accepted / MQLs handed over. */
  acceptanceRate: number | null;
  /** Median hours from MQL to sales' acceptance. */
  medianHoursToAcceptance: number | null;
  /** Median hours from acceptance to the first follow-up. */
  medianHoursToFollowUp: number | null;
  /** Breached SLA timers / SLA timers that ended (met or breached). */
  slaBreachRate: number | null;
  slaBreaches: number;
  lostReasons: ReasonCount[];
  costPerSql: number | null;
  /** The average value of a won deal (from the won deals, or the flag). */
  averageDealValuePerSql: number | null;
  /** (SQLs × average deal value × SQL→customer rate) / average cycle days, per day. */
  pipelineVelocityPerDay: number | null;
  /** Won deals created after their contact's MQL moment, and their summed amount. */
  wonDeals: number;
  wonDealValue: number;
  /** Average days from a won deal's creation to its close (HubSpot's "days to close"), or the flag. */
  averageCycleDays: number | null;
  /** Where the deal value and the cycle came from: the deals, the flags, or nowhere (n/a). */
  economicsFrom: { dealValue: 'deals' | 'flags' | null; cycleDays: 'deals' | 'flags' | null };
}

export interface FunnelWarning {
  code:
    | 'mql_to_sql_low'
    | 'sql_to_opportunity_low'
    | 'unclear_mql_reason'
    | 'mql_to_sql_very_high'
    | 'sla_breaches';
  message: string;
}

export interface FunnelReport extends FunnelFigures {
  from: number;
  to: number;
  warnings: FunnelWarning[];
  /** The same figures for each model version, route and fit×intent band of the MQLs. */
  byModelVersion: Record<string, FunnelFigures>;
  /** Every route, installed base included. */
  byRoute: Record<string, FunnelFigures>;
  byBand: Record<string, FunnelFigures>;
  /**
   * The installed-base MQLs (existing customers showing interest), apart: the figures above, the
   * warnings and the cuts by version and band are new business only.
   */
  installedBase: FunnelFigures;
  /** For each rule that helped make MQLs: how often those MQLs were returned, against all MQLs. */
  rejectingRules: RuleRejection[];
}

export interface RuleRejection {
  rule: string;
  mqls: number;
  returned: number;
  returnRate: number | null;
  /** returnRate / the cohort's return rate: "returned 3× as often". */
  relative: number | null;
}

/** What became of one MQL of the cohort. */
interface MqlFate {
  contactId: string;
  mqlAt: number;
  modelVersion: string;
  route: string;
  band: string;
  rules: string[];
  decision: FunnelDecision | null;
  sql: boolean;
  opportunity: boolean;
  customer: boolean;
  /** The contact's won deals created at or after its MQL moment. */
  won: FunnelDeal[];
}

const OPPORTUNITY = stageRank('opportunity');
const CUSTOMER = stageRank('customer');
const SQL = stageRank('salesqualifiedlead');

export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function isMqlTransition(t: FunnelTransition): boolean {
  return (
    (t.kind === 'lifecycle' && t.to === 'marketingqualifiedlead') ||
    (t.kind === 'qualification' && t.to === 'mql')
  );
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}

/** The cohort: each contact's first MQL moment in the period, and what happened after it. */
function fates(input: FunnelInput): MqlFate[] {
  const byContact = new Map<string, FunnelTransition[]>();
  for (const t of input.transitions) {
    const list = byContact.get(t.contactId);
    if (list) list.push(t);
    else byContact.set(t.contactId, [t]);
  }
  const decisions = new Map<string, FunnelDecision[]>();
  for (const d of input.decisions) {
    const list = decisions.get(d.contactId);
    if (list) list.push(d);
    else decisions.set(d.contactId, [d]);
  }
  const dealsOf = new Map<string, FunnelDeal[]>();
  for (const d of input.deals ?? [])
    for (const id of new Set(d.contactIds)) dealsOf.set(id, [...(dealsOf.get(id) ?? []), d]);
  const out: MqlFate[] = [];
  for (const [contactId, list] of byContact) {
    list.sort((a, b) => a.at - b.at);
    const mql = list.find(isMqlTransition);
    if (!mql || mql.at < input.from || mql.at >= input.to) continue;
    const later = list.filter((t) => t.at >= mql.at);
    // The high-water mark: the furthest stage reached after becoming MQL, whatever came after.
    const highest = Math.max(-1, ...later.filter((t) => t.kind === 'lifecycle').map((t) => stageRank(t.to)));
    const decision =
      (decisions.get(contactId) ?? [])
        .filter((d) => d.decidedAt >= mql.at)
        .sort((a, b) => a.decidedAt - b.decidedAt)[0] ?? null;
    const details = mql.details ?? {};
    // A deal made after the MQL moment is this MQL's opportunity; a won one makes a customer.
    const deals = (dealsOf.get(contactId) ?? []).filter((d) => d.createdAt >= mql.at);
    const won = deals.filter((d) => d.outcome === 'won');
    out.push({
      contactId,
      mqlAt: mql.at,
      modelVersion: mql.modelVersion,
      route: text(details.route, 'unknown'),
      band: text(details.band, 'unknown'),
      rules: Array.isArray(details.rules)
        ? details.rules.filter((r): r is string => typeof r === 'string')
        : [],
      decision,
      sql: decision?.decision === 'accept' || highest >= SQL,
      opportunity: highest >= OPPORTUNITY || deals.length > 0,
      customer: highest >= CUSTOMER || won.length > 0,
      won,
    });
  }
  return out;
}

function figures(cohort: readonly MqlFate[], input: FunnelInput): FunnelFigures {
  const labels = input.reasonLabels ?? {};
  const accepted = cohort.filter((f) => f.decision?.decision === 'accept');
  const returned = cohort.filter((f) => f.decision?.decision === 'return');
  const sqls = cohort.filter((f) => f.sql).length;
  const opportunities = cohort.filter((f) => f.opportunity).length;
  const customers = cohort.filter((f) => f.customer).length;
  const members = new Set(cohort.map((f) => f.contactId));
  const mqlAt = new Map(cohort.map((f) => [f.contactId, f.mqlAt]));

  const timers = input.timers.filter(
    (t) => members.has(t.contactId) && t.startedAt >= (mqlAt.get(t.contactId) ?? 0),
  );
  const ended = timers.filter((t) => t.outcome === 'met' || t.outcome === 'breached');
  const breaches = ended.filter((t) => t.outcome === 'breached').length;
  const followUps = timers
    .filter((t) => t.kind === 'follow_up' && t.outcome === 'met' && t.closedAt !== null)
    .map((t) => (t.closedAt! - t.startedAt) / HOUR_MS);

  const reasonCounts = new Map<string, number>();
  for (const f of returned) {
    const reason = f.decision?.reason ?? 'other';
    reasonCounts.set(reason, (reasonCounts.get(reason) ?? 0) + 1);
  }
  const lostReasons = [...reasonCounts.entries()]
    .map(([reason, count]) => ({
      reason,
      label: ownValue(labels, reason) ?? reason,
      count,
      share: count / returned.length,
    }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));

  const econ = input.economics ?? {};
  const sqlToCustomer = ratio(customers, sqls);
  // A deal of several MQLs of the cohort counts once.
  const wonDeals = [...new Map(cohort.flatMap((f) => f.won).map((d) => [d.dealId, d])).values()];
  const amounts = wonDeals.flatMap((d) => (d.amount === null ? [] : [d.amount]));
  // Whole days from creation to close, as HubSpot's "days to close": a same-day close is 0.
  const cycles = wonDeals.flatMap((d) =>
    d.closedAt === null ? [] : [Math.floor(Math.max(0, d.closedAt - d.createdAt) / DAY_MS)],
  );
  const dealValue = econ.averageDealValue ?? mean(amounts);
  const cycleDays = econ.averageCycleDays ?? mean(cycles);
  const from = (flag: number | undefined, derived: number | null) =>
    flag !== undefined ? ('flags' as const) : derived !== null ? ('deals' as const) : null;
  return {
    mqls: cohort.length,
    accepted: accepted.length,
    returned: returned.length,
    undecided: cohort.length - accepted.length - returned.length,
    sqls,
    opportunities,
    customers,
    mqlToSql: ratio(sqls, cohort.length),
    sqlToOpportunity: ratio(opportunities, sqls),
    sqlToCustomer,
    acceptanceRate: ratio(accepted.length, cohort.length),
    medianHoursToAcceptance: median(accepted.map((f) => (f.decision!.decidedAt - f.mqlAt) / HOUR_MS)),
    medianHoursToFollowUp: median(followUps),
    slaBreachRate: ratio(breaches, ended.length),
    slaBreaches: breaches,
    lostReasons,
    costPerSql: econ.marketingCost !== undefined && sqls > 0 ? econ.marketingCost / sqls : null,
    averageDealValuePerSql: dealValue,
    pipelineVelocityPerDay:
      dealValue !== null && cycleDays !== null && cycleDays > 0 && sqlToCustomer !== null
        ? (sqls * dealValue * sqlToCustomer) / cycleDays
        : null,
    wonDeals: wonDeals.length,
    wonDealValue: amounts.reduce((a, b) => a + b, 0),
    averageCycleDays: cycleDays,
    economicsFrom: {
      dealValue: from(econ.averageDealValue, mean(amounts)),
      cycleDays: from(econ.averageCycleDays, mean(cycles)),
    },
  };
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

function groupBy(
  cohort: readonly MqlFate[],
  key: (f: MqlFate) => string,
  input: FunnelInput,
): Record<string, FunnelFigures> {
  const groups = new Map<string, MqlFate[]>();
  for (const f of cohort) {
    const k = key(f);
    const list = groups.get(k);
    if (list) list.push(f);
    else groups.set(k, [f]);
  }
  return Object.fromEntries(
    [...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, list]) => [k, figures(list, input)]),
  );
}

/** The thresholds the seeds give for a healthy funnel. */
export const HEALTHY = {
  mqlToSql: 0.4,
  sqlToOpportunity: 0.4,
  mqlToSqlSuspicious: 0.9,
  slaBreachRate: 0.1,
} as const;

function warningsOf(f: FunnelFigures): FunnelWarning[] {
  const out: FunnelWarning[] = [];
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  if (f.mqlToSql !== null && f.mqlToSql < HEALTHY.mqlToSql)
    out.push({
      code: 'mql_to_sql_low',
      message: `MQL→SQL is ${pct(f.mqlToSql)} (below 40%): too many MQLs miss the ICP or the intent bar.`,
    });
  if (f.mqlToSql !== null && f.mqls >= 10 && f.mqlToSql > HEALTHY.mqlToSqlSuspicious)
    out.push({
      code: 'mql_to_sql_very_high',
      message: `MQL→SQL is ${pct(f.mqlToSql)}: the criteria may be too loose (good leads may be missed upstream).`,
    });
  if (f.sqlToOpportunity !== null && f.sqlToOpportunity < HEALTHY.sqlToOpportunity)
    out.push({
      code: 'sql_to_opportunity_low',
      message: `SQL→Opportunity is ${pct(f.sqlToOpportunity)} (below 40%): "just looking" leads get through.`,
    });
  if (f.lostReasons.slice(0, 3).some((r) => r.reason === 'unclear_mql'))
    out.push({
      code: 'unclear_mql_reason',
      message:
        '"No idea why this is an MQL" is among the top three lost reasons: a systemic problem with the model or its explanation.',
    });
  if (f.slaBreachRate !== null && f.slaBreachRate > HEALTHY.slaBreachRate)
    out.push({ code: 'sla_breaches', message: `${pct(f.slaBreachRate)} of SLA timers were breached.` });
  return out;
}

function rejectingRules(cohort: readonly MqlFate[]): RuleRejection[] {
  const decided = cohort.filter((f) => f.decision !== null);
  const overall = ratio(decided.filter((f) => f.decision!.decision === 'return').length, decided.length);
  const byRule = new Map<string, { mqls: number; returned: number }>();
  for (const f of decided)
    for (const rule of new Set(f.rules)) {
      const entry = byRule.get(rule) ?? { mqls: 0, returned: 0 };
      entry.mqls++;
      if (f.decision!.decision === 'return') entry.returned++;
      byRule.set(rule, entry);
    }
  return [...byRule.entries()]
    .map(([rule, { mqls, returned }]) => {
      const returnRate = ratio(returned, mqls);
      return {
        rule,
        mqls,
        returned,
        returnRate,
        relative: returnRate !== null && overall ? returnRate / overall : null,
      };
    })
    .sort((a, b) => (b.relative ?? 0) - (a.relative ?? 0) || b.mqls - a.mqls || a.rule.localeCompare(b.rule));
}

/** The funnel of the MQLs of [from, to), with its cuts, warnings and rejecting rules. */
export function funnelReport(input: FunnelInput): FunnelReport {
  const cohort = fates(input);
  // Existing customers are at "customer" already and need no opportunity: counted with new
  // business, they would lower SQL→Opportunity and raise a false "just looking" warning.
  const newBusiness = cohort.filter((f) => f.route !== INSTALLED_BASE_ROUTE);
  const all = figures(newBusiness, input);
  return {
    from: input.from,
    to: input.to,
    ...all,
    warnings: warningsOf(all),
    byModelVersion: groupBy(newBusiness, (f) => f.modelVersion, input),
    byRoute: groupBy(cohort, (f) => f.route, input),
    byBand: groupBy(newBusiness, (f) => f.band, input),
    installedBase: figures(
      cohort.filter((f) => f.route === INSTALLED_BASE_ROUTE),
      input,
    ),
    rejectingRules: rejectingRules(newBusiness),
  };
}

function pct(x: number | null): string {
  return x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`;
}

function hours(x: number | null): string {
  return x === null ? 'n/a' : `${x.toFixed(1)} h`;
}

function money(x: number | null): string {
  return x === null ? 'n/a' : x.toFixed(2);
}

/** The funnel as rows of [figure, value] for tables and CSV. */
export function funnelRows(r: FunnelFigures): [string, string][] {
  return [
    ['MQLs', String(r.mqls)],
    ['accepted', String(r.accepted)],
    ['returned', String(r.returned)],
    ['undecided', String(r.undecided)],
    ['SQLs', String(r.sqls)],
    ['opportunities', String(r.opportunities)],
    ['customers', String(r.customers)],
    ['MQL→SQL', pct(r.mqlToSql)],
    ['SQL→Opportunity', pct(r.sqlToOpportunity)],
    ['SQL→Customer', pct(r.sqlToCustomer)],
    ['acceptance rate', pct(r.acceptanceRate)],
    ['median time to acceptance', hours(r.medianHoursToAcceptance)],
    ['median time to follow-up', hours(r.medianHoursToFollowUp)],
    ['SLA breach rate', pct(r.slaBreachRate)],
    ['cost per SQL', money(r.costPerSql)],
    ['average deal value per SQL', money(r.averageDealValuePerSql)],
    ['pipeline velocity per day', money(r.pipelineVelocityPerDay)],
    ['won deals', String(r.wonDeals)],
    ['won deal value', money(r.wonDealValue)],
    ['average cycle', r.averageCycleDays === null ? 'n/a' : `${r.averageCycleDays.toFixed(1)} days`],
  ];
}
