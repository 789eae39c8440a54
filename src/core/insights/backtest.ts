/**
 * Backtest of a draft: every contact of a past period is judged as of each moment it would have
 * been judged (point in time: see history.ts) under the published model and under the draft. Each
 * contact's first MQL moment under each model gives the MQLs per month; the contacts only the
 * draft makes MQL (added) and those only the published model makes MQL (removed) are shown with
 * what became of them.
 */
import { DAY_MS } from '../intent.js';
import type { QualificationModel } from '../model.js';
import type { ContactInput } from '../evaluation.js';
import { contactAsOf, type HistoryContact, OUTCOMES, type Outcome, outcomesAfter } from './history.js';
import { type EvaluateFn, Judge } from './judge.js';
import type { Rates } from './calibration.js';
import { wilson } from './wilson.js';

/** The average month, in days (365.2425 / 12). */
export const MONTH_DAYS = 30.436875;

export interface BacktestOptions {
  from: number;
  to: number;
  /** Outcomes are observed up to this moment (usually now). */
  observedUntil: number;
  /** Contact ids kept per cohort, to look at. Default 10. */
  sampleSize?: number;
  evaluate?: EvaluateFn;
}

export interface BacktestMonth {
  /** `2026-03` (UTC). */
  month: string;
  published: number;
  draft: number;
}

export interface BacktestCohort {
  contacts: number;
  /** contacts per month of the period. */
  perMonth: number;
  /** How many reached each stage after their MQL moment. */
  converted: Record<Outcome, number>;
  rates: Rates;
  /** A few contact ids of the cohort. */
  sample: string[];
}

export interface Backtest {
  from: number;
  to: number;
  /** The period's length in months. */
  months: number;
  observedUntil: number;
  publishedVersion: string;
  draftVersion: string;
  /** Contacts looked at. */
  contacts: number;
  monthly: BacktestMonth[];
  /** Every MQL under each model. */
  published: BacktestCohort;
  draft: BacktestCohort;
  /** MQL under both, only the draft (added), only the published model (removed). */
  both: BacktestCohort;
  added: BacktestCohort;
  removed: BacktestCohort;
  /** "The draft drops 40 MQLs a month, of which 2 became customers; it adds 12, of which 5 did." */
  summary: string;
}

export function monthKey(at: number): string {
  return new Date(at).toISOString().slice(0, 7);
}

/** The calendar months (UTC) that [from, to) touches, oldest first. */
export function monthsOf(from: number, to: number): string[] {
  const out: string[] = [];
  const d = new Date(from);
  let y = d.getUTCFullYear();
  let m = d.getUTCMonth();
  while (Date.UTC(y, m, 1) < to) {
    out.push(`${y}-${String(m + 1).padStart(2, '0')}`);
    m++;
    if (m === 12) {
      m = 0;
      y++;
    }
  }
  return out;
}

class CohortTally {
  contacts = 0;
  readonly converted: Record<Outcome, number> = { sql: 0, opportunity: 0, customer: 0 };
  readonly sample: string[] = [];
  constructor(private readonly sampleSize: number) {}
  add(contact: HistoryContact, at: number, until: number): void {
    this.contacts++;
    const o = outcomesAfter(contact, at, until);
    for (const k of OUTCOMES) if (o[k]) this.converted[k]++;
    if (this.sample.length < this.sampleSize) this.sample.push(contact.id);
  }
  finish(months: number): BacktestCohort {
    return {
      contacts: this.contacts,
      perMonth: months > 0 ? this.contacts / months : 0,
      converted: { ...this.converted },
      rates: Object.fromEntries(OUTCOMES.map((k) => [k, wilson(this.converted[k], this.contacts)])) as Rates,
      sample: [...this.sample],
    };
  }
}

/** Folds contacts into a backtest one at a time, so a caller can stream them from storage. */
export class BacktestAccumulator {
  private readonly publishedJudge: Judge;
  private readonly draftJudge: Judge;
  private readonly monthly = new Map<string, BacktestMonth>();
  private readonly tallies: Record<'published' | 'draft' | 'both' | 'added' | 'removed', CohortTally>;
  private contacts = 0;

  constructor(
    private readonly publishedModel: QualificationModel,
    private readonly draftModel: QualificationModel,
    private readonly options: BacktestOptions,
  ) {
    if (!(options.from < options.to))
      throw new RangeError(
        `backtest: the period is empty (from ${options.from} is not before to ${options.to})`,
      );
    this.publishedJudge = new Judge(publishedModel, { evaluate: options.evaluate });
    this.draftJudge = new Judge(draftModel, { evaluate: options.evaluate });
    for (const month of monthsOf(options.from, options.to))
      this.monthly.set(month, { month, published: 0, draft: 0 });
    const size = options.sampleSize ?? 10;
    this.tallies = {
      published: new CohortTally(size),
      draft: new CohortTally(size),
      both: new CohortTally(size),
      added: new CohortTally(size),
      removed: new CohortTally(size),
    };
  }

  add(contact: HistoryContact): void {
    const { from, to, observedUntil } = this.options;
    this.contacts++;
    // Both models judge the same moments, mostly: each view is built once.
    const views = new Map<number, ContactInput>();
    const viewAt = (at: number) => {
      let view = views.get(at);
      if (!view) views.set(at, (view = contactAsOf(contact, at)));
      return view;
    };
    const before = this.publishedJudge.judge(contact, from, to, 'first-mql', viewAt);
    const after = this.draftJudge.judge(contact, from, to, 'first-mql', viewAt);
    if (before) {
      this.monthly.get(monthKey(before.at))!.published++;
      this.tallies.published.add(contact, before.at, observedUntil);
    }
    if (after) {
      this.monthly.get(monthKey(after.at))!.draft++;
      this.tallies.draft.add(contact, after.at, observedUntil);
    }
    if (before && after) this.tallies.both.add(contact, Math.min(before.at, after.at), observedUntil);
    else if (after) this.tallies.added.add(contact, after.at, observedUntil);
    else if (before) this.tallies.removed.add(contact, before.at, observedUntil);
  }

  finish(): Backtest {
    const { from, to, observedUntil } = this.options;
    const months = (to - from) / (MONTH_DAYS * DAY_MS);
    const t = this.tallies;
    const result: Omit<Backtest, 'summary'> = {
      from,
      to,
      months,
      observedUntil,
      publishedVersion: this.publishedModel.version,
      draftVersion: this.draftModel.version,
      contacts: this.contacts,
      monthly: [...this.monthly.values()],
      published: t.published.finish(months),
      draft: t.draft.finish(months),
      both: t.both.finish(months),
      added: t.added.finish(months),
      removed: t.removed.finish(months),
    };
    return { ...result, summary: backtestSummary(result) };
  }
}

/** The backtest over a list of contacts. */
export function backtest(
  contacts: Iterable<HistoryContact>,
  publishedModel: QualificationModel,
  draftModel: QualificationModel,
  options: BacktestOptions,
): Backtest {
  const acc = new BacktestAccumulator(publishedModel, draftModel, options);
  for (const c of contacts) acc.add(c);
  return acc.finish();
}

/** A count per month, as people say it: "40", "2.5", "0.3". */
export function perMonth(count: number, months: number): string {
  const x = months > 0 ? count / months : 0;
  if (x === 0) return '0';
  return x >= 10 ? String(Math.round(x)) : String(Math.round(x * 10) / 10);
}

/** The backtest in one or two sentences, in the seeds' words. */
export function backtestSummary(b: Omit<Backtest, 'summary'>): string {
  const m = b.months;
  const customers = (c: BacktestCohort, did: string) =>
    `of which ${perMonth(c.converted.customer, m)} ${did}`;
  const parts: string[] = [];
  if (b.removed.contacts === 0 && b.added.contacts === 0)
    return `The draft makes the same MQLs as the published model (${perMonth(b.published.contacts, m)} a month).`;
  if (b.removed.contacts > 0)
    parts.push(
      `the draft drops ${perMonth(b.removed.contacts, m)} MQLs a month, ${customers(b.removed, 'became customers')}`,
    );
  if (b.added.contacts > 0)
    parts.push(
      `${parts.length > 0 ? 'it' : 'the draft'} adds ${perMonth(b.added.contacts, m)}, ${customers(b.added, parts.length > 0 ? 'did' : 'became customers')}`,
    );
  const text = parts.join('; ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)} (MQLs a month: ${perMonth(b.published.contacts, m)} now, ${perMonth(b.draft.contacts, m)} with the draft).`;
}
