/**
 * The funnel report as the settings page shows it: the service's JSON (`GET /settings/api/funnel`,
 * the core's `FunnelReport` plus the lost reasons' labels) read defensively, the periods the page
 * offers, and the wording of rates, times and the rules whose MQLs sales returns. Pure: no React,
 * no request. A rate the service could not compute (a zero denominator) is `null` and reads "n/a";
 * nothing here ever shows NaN or Infinity.
 */
import type { Model } from './model';

export interface ReasonCount {
  reason: string;
  label: string;
  count: number;
  /** Share of the returned leads, 0–1. */
  share: number | null;
}

export interface FunnelFigures {
  mqls: number;
  accepted: number;
  returned: number;
  undecided: number;
  sqls: number;
  opportunities: number;
  customers: number;
  mqlToSql: number | null;
  sqlToOpportunity: number | null;
  sqlToCustomer: number | null;
  acceptanceRate: number | null;
  medianHoursToAcceptance: number | null;
  medianHoursToFollowUp: number | null;
  slaBreachRate: number | null;
  slaBreaches: number;
  lostReasons: ReasonCount[];
  costPerSql: number | null;
  averageDealValuePerSql: number | null;
  pipelineVelocityPerDay: number | null;
}

export interface FunnelWarning {
  code: string;
  message: string;
}

export interface RuleRejection {
  rule: string;
  mqls: number;
  returned: number;
  returnRate: number | null;
  /** The rule's return rate against the cohort's: 3 means "returned 3× as often". */
  relative: number | null;
}

export interface Funnel extends FunnelFigures {
  /** The MQL cohort's period, ms since the epoch: `from <= MQL moment < to`. */
  from: number | null;
  to: number | null;
  warnings: FunnelWarning[];
  byModelVersion: Record<string, FunnelFigures>;
  byRoute: Record<string, FunnelFigures>;
  byBand: Record<string, FunnelFigures>;
  rejectingRules: RuleRejection[];
  reasonLabels: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Reading the service's answer

type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** A finite number, or null (JSON turns NaN and Infinity into null; anything else is not a number). */
export const numberOrNull = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

export const countOf = (value: unknown): number => Math.max(0, Math.round(numberOrNull(value) ?? 0));

export const textOf = (value: unknown, fallback = ''): string =>
  typeof value === 'string' ? value : fallback;

/** An ISO date or ms since the epoch, as ms. */
export function instantOf(value: unknown): number | null {
  if (typeof value === 'string') {
    const at = Date.parse(value);
    return Number.isNaN(at) ? null : at;
  }
  return numberOrNull(value);
}

function figuresOf(raw: unknown, labels: Record<string, string>): FunnelFigures {
  const f = isObject(raw) ? raw : {};
  const lostReasons = (Array.isArray(f.lostReasons) ? f.lostReasons : []).filter(isObject).map((r) => {
    const reason = textOf(r.reason, 'other');
    return {
      reason,
      label: textOf(r.label) || labels[reason] || reason,
      count: countOf(r.count),
      share: numberOrNull(r.share),
    };
  });
  return {
    mqls: countOf(f.mqls),
    accepted: countOf(f.accepted),
    returned: countOf(f.returned),
    undecided: countOf(f.undecided),
    sqls: countOf(f.sqls),
    opportunities: countOf(f.opportunities),
    customers: countOf(f.customers),
    mqlToSql: numberOrNull(f.mqlToSql),
    sqlToOpportunity: numberOrNull(f.sqlToOpportunity),
    sqlToCustomer: numberOrNull(f.sqlToCustomer),
    acceptanceRate: numberOrNull(f.acceptanceRate),
    medianHoursToAcceptance: numberOrNull(f.medianHoursToAcceptance),
    medianHoursToFollowUp: numberOrNull(f.medianHoursToFollowUp),
    slaBreachRate: numberOrNull(f.slaBreachRate),
    slaBreaches: countOf(f.slaBreaches),
    lostReasons,
    costPerSql: numberOrNull(f.costPerSql),
    averageDealValuePerSql: numberOrNull(f.averageDealValuePerSql),
    pipelineVelocityPerDay: numberOrNull(f.pipelineVelocityPerDay),
  };
}

function groupsOf(raw: unknown, labels: Record<string, string>): Record<string, FunnelFigures> {
  if (!isObject(raw)) return {};
  return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, figuresOf(value, labels)]));
}

/** The service's funnel JSON, with every field present and every number finite or null. */
export function readFunnel(raw: unknown): Funnel {
  const r = isObject(raw) ? raw : {};
  const reasonLabels = Object.fromEntries(
    Object.entries(isObject(r.reasonLabels) ? r.reasonLabels : {}).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
  return {
    ...figuresOf(r, reasonLabels),
    from: instantOf(r.from),
    to: instantOf(r.to),
    warnings: (Array.isArray(r.warnings) ? r.warnings : [])
      .filter(isObject)
      .map((w) => ({ code: textOf(w.code, 'warning'), message: textOf(w.message) })),
    byModelVersion: groupsOf(r.byModelVersion, reasonLabels),
    byRoute: groupsOf(r.byRoute, reasonLabels),
    byBand: groupsOf(r.byBand, reasonLabels),
    rejectingRules: (Array.isArray(r.rejectingRules) ? r.rejectingRules : []).filter(isObject).map((x) => ({
      rule: textOf(x.rule, '?'),
      mqls: countOf(x.mqls),
      returned: countOf(x.returned),
      returnRate: numberOrNull(x.returnRate),
      relative: numberOrNull(x.relative),
    })),
    reasonLabels,
  };
}

// ---------------------------------------------------------------------------------------------
// Wording

/** `33.3%`, `40%`, or `n/a`. */
export function formatRate(rate: number | null): string {
  if (rate === null || !Number.isFinite(rate)) return 'n/a';
  return `${Number((rate * 100).toFixed(1))}%`;
}

/** `45 min`, `5.5 h`, `3.2 days`, or `n/a`. */
export function formatHours(hours: number | null): string {
  if (hours === null || !Number.isFinite(hours)) return 'n/a';
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${Number(hours.toFixed(1))} h`;
  return `${Number((hours / 24).toFixed(1))} days`;
}

export function formatAmount(amount: number): string {
  return amount.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 });
}

const WARNING_TITLES: Record<string, string> = {
  mql_to_sql_low: 'MQL→SQL is below 40%',
  mql_to_sql_very_high: 'MQL→SQL is unusually high',
  sql_to_opportunity_low: 'SQL→Opportunity is below 40%',
  unclear_mql_reason: '"No idea why this is an MQL" is a top lost reason',
  sla_breaches: 'Sales misses the SLA',
};

export function warningTitle(code: string): string {
  return WARNING_TITLES[code] ?? 'Check the funnel';
}

/** The chart of the funnel: how many of the period's MQLs reached each stage. */
export function funnelChartRows(f: FunnelFigures): { stage: string; leads: number }[] {
  return [
    { stage: 'MQL', leads: f.mqls },
    { stage: 'SQL', leads: f.sqls },
    { stage: 'Opportunity', leads: f.opportunities },
    { stage: 'Customer', leads: f.customers },
  ];
}

/** The chart of why sales returned leads, most frequent first. */
export function lostReasonRows(f: FunnelFigures): { reason: string; leads: number }[] {
  return f.lostReasons.map((r) => ({ reason: r.label, leads: r.count }));
}

/** A rule is worth showing when its MQLs come back this much more often than all MQLs… */
export const REJECTING_RELATIVE = 1.5;
/** …and it helped make enough MQLs for that to mean something. */
export const REJECTING_MIN_MQLS = 5;

export function rejectingRulesToShow(rules: readonly RuleRejection[]): RuleRejection[] {
  return rules
    .filter((r) => r.relative !== null && r.relative >= REJECTING_RELATIVE && r.mqls >= REJECTING_MIN_MQLS)
    .sort((a, b) => b.relative! - a.relative! || b.mqls - a.mqls || a.rule.localeCompare(b.rule));
}

/** "Leads that qualified through 'webinar_attended' are returned 3.0× as often (6 of 10)". */
export function describeRejection(r: RuleRejection): string {
  return `Leads that qualified through '${r.rule}' are returned ${(r.relative ?? 0).toFixed(1)}× as often (${r.returned} of ${r.mqls})`;
}

/** The model's names for its rules: fit criteria by id, intent signals by type. */
export function ruleLabels(model: Model | null | undefined): Record<string, string> {
  if (!model) return {};
  return {
    ...Object.fromEntries(model.intent.signals.map((s) => [s.type, s.label])),
    ...Object.fromEntries(model.fit.criteria.map((c) => [c.id, c.label])),
  };
}

// ---------------------------------------------------------------------------------------------
// Periods, in the portal's time zone

export type PeriodChoice = '7' | '28' | '90' | 'custom';

export const PERIOD_OPTIONS: { label: string; value: PeriodChoice }[] = [
  { label: 'Last 7 days', value: '7' },
  { label: 'Last 28 days', value: '28' },
  { label: 'Last 90 days', value: '90' },
  { label: 'Choose dates…', value: 'custom' },
];

/** A calendar day as HubSpot's DateInput gives it: month 0–11. */
export interface Day {
  year: number;
  month: number;
  date: number;
}

const DAY_MS = 86_400_000;

/** The period that ends now and started `days` days ago. */
export function lastDays(days: number, now: number): { from: number; to: number } {
  return { from: now - days * DAY_MS, to: now };
}

function zoneOr(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}

/** The calendar day and time of an instant in a time zone. */
function partsIn(at: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zoneOr(timeZone),
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: part('year'),
    month: part('month') - 1,
    date: part('day'),
    hour: part('hour'),
    minute: part('minute'),
    second: part('second'),
  };
}

/** The calendar day an instant falls on in a time zone. */
export function dayOf(at: number, timeZone: string): Day {
  const { year, month, date } = partsIn(at, timeZone);
  return { year, month, date };
}

/** How far a time zone's clock is ahead of UTC at an instant, in ms. */
function offsetAt(at: number, timeZone: string): number {
  const p = partsIn(at, timeZone);
  return Date.UTC(p.year, p.month, p.date, p.hour, p.minute, p.second) - Math.floor(at / 1000) * 1000;
}

/** The instant a calendar day starts in a time zone (midnight, or the first moment after a DST gap). */
export function startOfDay(day: Day, timeZone: string): number {
  const wall = Date.UTC(day.year, day.month, day.date);
  const first = wall - offsetAt(wall, timeZone);
  return wall - offsetAt(first, timeZone);
}

export function nextDay(day: Day): Day {
  const next = new Date(Date.UTC(day.year, day.month, day.date + 1));
  return { year: next.getUTCFullYear(), month: next.getUTCMonth(), date: next.getUTCDate() };
}

const compareDays = (a: Day, b: Day) => a.year - b.year || a.month - b.month || a.date - b.date;

/**
 * The period of two chosen days, both included, in the portal's time zone; or why it cannot be
 * asked for.
 */
export function chosenPeriod(
  fromDay: Day | null,
  toDay: Day | null,
  timeZone: string,
): { from: number; to: number } | { problem: 'from' | 'to'; message: string } {
  if (!fromDay) return { problem: 'from', message: 'Choose the first day.' };
  if (!toDay) return { problem: 'to', message: 'Choose the last day.' };
  if (compareDays(fromDay, toDay) > 0)
    return { problem: 'to', message: 'The last day cannot be before the first day.' };
  return { from: startOfDay(fromDay, timeZone), to: startOfDay(nextDay(toDay), timeZone) };
}

/** `2026-11-23` in a time zone. */
export function formatDay(at: number, timeZone: string): string {
  const { year, month, date } = dayOf(at, timeZone);
  return `${year}-${String(month + 1).padStart(2, '0')}-${String(date).padStart(2, '0')}`;
}
