/**
 * The Insights tab's and the backtest's data as the settings page shows them: the service's JSON
 * (`GET /settings/api/insights`, `POST /settings/api/backtest`, made by the core's calibration,
 * suggestions and backtest) read defensively, the periods offered, the rows of the charts and
 * tables, the wording of rates with their 95% interval, and "Add to draft": a suggestion's draft
 * change applied to the draft being edited. Pure: no React, no request.
 */
import { countOf, instantOf, isObject, numberOrNull, textOf } from './funnel';
import type { Draft, FitCriterion, IntentSignal } from './model';

export type Outcome = 'sql' | 'opportunity' | 'customer';
export const OUTCOMES: readonly Outcome[] = ['sql', 'opportunity', 'customer'];
export const OUTCOME_LABELS: Record<Outcome, string> = {
  sql: 'SQL',
  opportunity: 'Opportunity',
  customer: 'Customer',
};

/** Below this many contacts a rate is "not enough data" (the core's rule). */
export const MIN_SUPPORT = 30;

export interface Proportion {
  successes: number;
  n: number;
  rate: number | null;
  low: number | null;
  high: number | null;
}

export interface CalibrationCell {
  key: string;
  n: number;
  rates: Record<Outcome, Proportion>;
  enoughData: boolean;
}

export interface CalibrationFlag {
  dimension: string;
  outcome: Outcome;
  lower: string;
  higher: string;
  significant: boolean;
  message: string;
}

export interface Calibration {
  from: number | null;
  to: number | null;
  modelVersion: string;
  contacts: number;
  overall: CalibrationCell;
  grid: CalibrationCell[];
  byFit: CalibrationCell[];
  byIntent: CalibrationCell[];
  byQualification: CalibrationCell[];
  byRoute: CalibrationCell[];
  flags: CalibrationFlag[];
}

export interface Segment {
  kind: string;
  value: string;
  label: string;
}

/** A suggestion's change to a draft, as the core makes it (src/core/insights/draft-change.ts). */
export type DraftChange =
  | { op: 'add-criterion'; criterion: FitCriterion }
  | { op: 'add-value'; criterionId: string; value: string; label: string; fallback: FitCriterion }
  | { op: 'signal-points'; signalType: string; delta: number; signal: IntentSignal }
  | { op: 'count-twice'; signalTypes: string[] };

export interface Suggestion {
  segment: Segment;
  direction: 'more' | 'less';
  support: number;
  conversion: Proportion;
  lift: number | null;
  /** In the seeds' words. */
  text: string;
  /** What "Add to draft" changes, in words. */
  change: string;
  /** The change itself; null when the service sent none the page can apply. */
  draftChange: DraftChange | null;
}

export interface Suggestions {
  status: 'ok' | 'not_enough_data';
  outcome: Outcome;
  contacts: number;
  converted: number;
  base: Proportion;
  suggestions: Suggestion[];
  notEnoughData: { segment: Segment; support: number }[];
  message: string | null;
}

export interface Insights {
  calibration: Calibration;
  suggestions: Suggestions;
}

export interface BacktestCohort {
  contacts: number;
  perMonth: number;
  converted: Record<Outcome, number>;
}

export interface Backtest {
  months: number;
  publishedVersion: string;
  draftVersion: string;
  contacts: number;
  monthly: { month: string; published: number; draft: number }[];
  published: BacktestCohort;
  draft: BacktestCohort;
  both: BacktestCohort;
  added: BacktestCohort;
  removed: BacktestCohort;
  summary: string;
}

// ---------------------------------------------------------------------------------------------
// Reading the service's answers

const listOf = (value: unknown): Record<string, unknown>[] =>
  (Array.isArray(value) ? value : []).filter(isObject);

const outcomeOf = (value: unknown): Outcome =>
  OUTCOMES.includes(value as Outcome) ? (value as Outcome) : 'customer';

function proportionOf(raw: unknown): Proportion {
  const p = isObject(raw) ? raw : {};
  const n = countOf(p.n);
  return {
    successes: Math.min(n, countOf(p.successes)),
    n,
    rate: n > 0 ? numberOrNull(p.rate) : null,
    low: n > 0 ? numberOrNull(p.low) : null,
    high: n > 0 ? numberOrNull(p.high) : null,
  };
}

function cellOf(raw: unknown): CalibrationCell {
  const c = isObject(raw) ? raw : {};
  const rates = isObject(c.rates) ? c.rates : {};
  const n = countOf(c.n);
  return {
    key: textOf(c.key, '?'),
    n,
    rates: {
      sql: proportionOf(rates.sql),
      opportunity: proportionOf(rates.opportunity),
      customer: proportionOf(rates.customer),
    },
    enoughData: c.enoughData === true && n >= MIN_SUPPORT,
  };
}

function segmentOf(raw: unknown): Segment {
  const s = isObject(raw) ? raw : {};
  return { kind: textOf(s.kind), value: textOf(s.value), label: textOf(s.label) || textOf(s.value) };
}

/** A draft change the page knows how to apply, or null. */
function draftChangeOf(raw: unknown): DraftChange | null {
  if (!isObject(raw)) return null;
  const criterion = (value: unknown) =>
    isObject(value) && typeof value.id === 'string' && isObject(value.match)
      ? (value as unknown as FitCriterion)
      : null;
  switch (raw.op) {
    case 'add-criterion': {
      const c = criterion(raw.criterion);
      return c ? { op: 'add-criterion', criterion: c } : null;
    }
    case 'add-value': {
      const fallback = criterion(raw.fallback);
      return fallback && typeof raw.criterionId === 'string' && typeof raw.value === 'string'
        ? {
            op: 'add-value',
            criterionId: raw.criterionId,
            value: raw.value,
            label: textOf(raw.label, raw.value),
            fallback,
          }
        : null;
    }
    case 'signal-points': {
      const signal = raw.signal;
      return typeof raw.signalType === 'string' &&
        numberOrNull(raw.delta) !== null &&
        isObject(signal) &&
        typeof signal.type === 'string'
        ? {
            op: 'signal-points',
            signalType: raw.signalType,
            delta: raw.delta as number,
            signal: signal as unknown as IntentSignal,
          }
        : null;
    }
    case 'count-twice':
      return Array.isArray(raw.signalTypes)
        ? { op: 'count-twice', signalTypes: raw.signalTypes.filter((t) => typeof t === 'string') }
        : null;
    default:
      return null;
  }
}

/** The insights JSON, read defensively: missing lists are empty, counts whole, rates finite or null. */
export function readInsights(raw: unknown): Insights {
  const body = isObject(raw) ? raw : {};
  const c = isObject(body.calibration) ? body.calibration : {};
  const s = isObject(body.suggestions) ? body.suggestions : {};
  return {
    calibration: {
      from: instantOf(c.from),
      to: instantOf(c.to),
      modelVersion: textOf(c.modelVersion),
      contacts: countOf(c.contacts),
      overall: cellOf(c.overall),
      grid: listOf(c.grid).map(cellOf),
      byFit: listOf(c.byFit).map(cellOf),
      byIntent: listOf(c.byIntent).map(cellOf),
      byQualification: listOf(c.byQualification).map(cellOf),
      byRoute: listOf(c.byRoute).map(cellOf),
      flags: listOf(c.flags)
        .filter((f) => typeof f.message === 'string')
        .map((f) => ({
          dimension: textOf(f.dimension),
          outcome: outcomeOf(f.outcome),
          lower: textOf(f.lower),
          higher: textOf(f.higher),
          significant: f.significant === true,
          message: f.message as string,
        })),
    },
    suggestions: {
      status: s.status === 'ok' ? 'ok' : 'not_enough_data',
      outcome: outcomeOf(s.outcome),
      contacts: countOf(s.contacts),
      converted: countOf(s.converted),
      base: proportionOf(s.base),
      suggestions: listOf(s.suggestions).map((x) => ({
        segment: segmentOf(x.segment),
        direction: x.direction === 'less' ? 'less' : 'more',
        support: countOf(x.support),
        conversion: proportionOf(x.conversion),
        lift: numberOrNull(x.lift),
        text: textOf(x.text),
        change: textOf(x.change),
        draftChange: draftChangeOf(x.draftChange),
      })),
      notEnoughData: listOf(s.notEnoughData).map((x) => ({
        segment: segmentOf(x.segment),
        support: countOf(x.support),
      })),
      message: typeof s.message === 'string' ? s.message : null,
    },
  };
}

function cohortOf(raw: unknown): BacktestCohort {
  const c = isObject(raw) ? raw : {};
  const converted = isObject(c.converted) ? c.converted : {};
  return {
    contacts: countOf(c.contacts),
    perMonth: Math.max(0, numberOrNull(c.perMonth) ?? 0),
    converted: {
      sql: countOf(converted.sql),
      opportunity: countOf(converted.opportunity),
      customer: countOf(converted.customer),
    },
  };
}

/** The backtest JSON, read defensively. */
export function readBacktest(raw: unknown): Backtest {
  const b = isObject(raw) ? raw : {};
  return {
    months: Math.max(0, numberOrNull(b.months) ?? 0),
    publishedVersion: textOf(b.publishedVersion),
    draftVersion: textOf(b.draftVersion),
    contacts: countOf(b.contacts),
    monthly: listOf(b.monthly).map((m) => ({
      month: textOf(m.month),
      published: countOf(m.published),
      draft: countOf(m.draft),
    })),
    published: cohortOf(b.published),
    draft: cohortOf(b.draft),
    both: cohortOf(b.both),
    added: cohortOf(b.added),
    removed: cohortOf(b.removed),
    summary: textOf(b.summary),
  };
}

// ---------------------------------------------------------------------------------------------
// Periods and wording

const MONTH_MS = 30.436875 * 86_400_000;

export type InsightsPeriod = '3' | '6' | '12' | '24';

export const INSIGHTS_PERIOD_OPTIONS: { label: string; value: InsightsPeriod }[] = [
  { label: 'Last 3 months', value: '3' },
  { label: 'Last 6 months', value: '6' },
  { label: 'Last 12 months', value: '12' },
  { label: 'Last 24 months', value: '24' },
];

export const OUTCOME_OPTIONS = OUTCOMES.map((value) => ({ label: `Became ${OUTCOME_LABELS[value]}`, value }));

/** The backtest looks this many months back (the service allows 1–36). */
export const BACKTEST_MONTH_OPTIONS = [3, 6, 12].map((m) => ({ label: `Last ${m} months`, value: m }));

/** The period that ends now and started `months` average months ago. */
export function lastMonths(months: number, now: number): { from: number; to: number } {
  return { from: now - months * MONTH_MS, to: now };
}

const percent = (x: number, sign = true) => `${(x * 100).toFixed(1)}${sign ? '%' : ''}`;

/** `12.5% (95% 8.1–18.6%, n = 120)`, `not enough data (n = 12)`, or `no contacts`. */
export function formatProportion(p: Proportion): string {
  if (p.n === 0 || p.rate === null) return 'no contacts';
  if (p.n < MIN_SUPPORT) return `not enough data (n = ${p.n})`;
  const interval =
    p.low !== null && p.high !== null ? `95% ${percent(p.low, false)}–${percent(p.high)}, ` : '';
  return `${percent(p.rate)} (${interval}n = ${p.n})`;
}

const QUALIFICATION_NAMES: Record<string, string> = {
  mql: 'MQL',
  iql: 'IQL',
  nurture: 'Nurture',
  disqualified: 'Disqualified',
};

/** A calibration cell's name for people: "MQL", "fit 75–100 × intent 50–74", "new-business". */
export function cellLabel(key: string): string {
  return QUALIFICATION_NAMES[key] ?? key;
}

/**
 * The chart of conversion by score band: one bar per band with enough data, for fit and for
 * intent, in percent. Bands with fewer than 30 contacts are left out (`left` names them).
 */
export function bandChartRows(
  c: Calibration,
  outcome: Outcome,
): { rows: { band: string; score: string; converted: number }[]; left: string[] } {
  const rows: { band: string; score: string; converted: number }[] = [];
  const left: string[] = [];
  for (const [score, cells] of [
    ['Fit', c.byFit],
    ['Intent', c.byIntent],
  ] as const)
    for (const cell of cells) {
      const rate = cell.rates[outcome].rate;
      if (cell.enoughData && rate !== null)
        rows.push({ band: cell.key, score, converted: Number((rate * 100).toFixed(1)) });
      else left.push(`${score.toLowerCase()} ${cell.key} (n = ${cell.n})`);
    }
  return { rows, left };
}

/** The flags worth a warning, those whose intervals do not overlap first. */
export function flagsToShow(flags: readonly CalibrationFlag[]): CalibrationFlag[] {
  return [...flags].sort((a, b) => Number(b.significant) - Number(a.significant));
}

// ---------------------------------------------------------------------------------------------
// Add to draft

/** The model's highest number of values in one matcher (the core's limit). */
const MATCHER_VALUES_MAX = 500;
const clampPoints = (x: number) => Math.max(-100, Math.min(100, x));

/**
 * The draft with a suggestion's change made, or null when the draft already has it. Like the
 * core's applyDraftChange, on the draft being edited rather than on the model in force.
 */
export function addToDraft(draft: Draft, change: DraftChange): Draft | null {
  const { model } = draft;
  const criteria = model.fit.criteria;
  const signals = model.intent.signals;
  const withCriteria = (next: FitCriterion[]): Draft => ({
    ...draft,
    model: { ...model, fit: { ...model.fit, criteria: next } },
  });
  const withSignals = (next: IntentSignal[]): Draft => ({
    ...draft,
    model: { ...model, intent: { ...model.intent, signals: next } },
  });
  const addCriterion = (c: FitCriterion) =>
    criteria.some((x) => x.id === c.id) ? null : withCriteria([...criteria, c]);
  switch (change.op) {
    case 'add-criterion':
      return addCriterion(change.criterion);
    case 'add-value': {
      const target = criteria.find((c) => c.id === change.criterionId);
      const values = target?.match.values;
      if (target && Array.isArray(values)) {
        if (values.includes(change.value)) return null;
        if (values.length < MATCHER_VALUES_MAX)
          return withCriteria(
            criteria.map((c) =>
              c === target ? { ...c, match: { ...c.match, values: [...values, change.value] } } : c,
            ),
          );
      }
      return addCriterion(change.fallback);
    }
    case 'signal-points': {
      const target = signals.find((s) => s.type === change.signalType);
      if (!target) return withSignals([...signals, change.signal]);
      const points = clampPoints(target.points + change.delta);
      if (points === target.points) return null;
      return withSignals(signals.map((s) => (s === target ? { ...s, points } : s)));
    }
    case 'count-twice': {
      // A signal without `counting` counts once (the model's default: from 1, max 1).
      const once = (s: IntentSignal) => {
        const counting = (s.counting ?? {}) as { from?: unknown; max?: unknown };
        return s.points > 0 && (counting.from ?? 1) === 1 && (counting.max ?? 1) === 1;
      };
      const changing = signals.filter((s) => change.signalTypes.includes(s.type) && once(s));
      if (changing.length === 0) return null;
      return withSignals(
        signals.map((s) => (changing.includes(s) ? { ...s, counting: { from: 1, max: 2 } } : s)),
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The backtest

/** A count per month as people say it: "40", "2.5", "0.3" (as the core words its summary). */
export function formatPerMonth(count: number, months: number): string {
  const x = months > 0 ? count / months : 0;
  if (x === 0) return '0';
  return x >= 10 ? String(Math.round(x)) : String(Math.round(x * 10) / 10);
}

/** The line chart of MQLs per month under the model in force and under the draft. */
export function backtestChartRows(b: Backtest): { month: string; model: string; mqls: number }[] {
  return b.monthly.flatMap((m) => [
    { month: m.month, model: 'Published', mqls: m.published },
    { month: m.month, model: 'Draft', mqls: m.draft },
  ]);
}

/** The cohorts the table shows: what the draft drops, adds and keeps, and what became of them. */
export function backtestCohorts(b: Backtest): { label: string; cohort: BacktestCohort }[] {
  return [
    { label: 'Dropped by the draft', cohort: b.removed },
    { label: 'Added by the draft', cohort: b.added },
    { label: 'MQL under both', cohort: b.both },
    { label: 'All MQLs, published', cohort: b.published },
    { label: 'All MQLs, draft', cohort: b.draft },
  ];
}
