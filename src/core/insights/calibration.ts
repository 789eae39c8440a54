/**
 * Calibration: do higher scores really convert better? Every contact judged in a period (as it
 * was known then, under the model) is cut by fit band × intent band, by qualification and by
 * route, and for each cut the observed conversion to SQL, opportunity and customer is given with
 * its n and 95% Wilson interval. Bands where a higher score does not convert better are flagged.
 */
import type { Judgement } from './judge.js';
import { OUTCOME_LABELS, OUTCOMES, type Outcome, type Outcomes, outcomesAfter } from './history.js';
import { MIN_SUPPORT, percent, type Proportion, wilson } from './wilson.js';

export const SCORE_BANDS = ['0–24', '25–49', '50–74', '75–100'] as const;
export type ScoreBand = (typeof SCORE_BANDS)[number];

export function scoreBand(score: number): ScoreBand {
  return SCORE_BANDS[Math.min(3, Math.max(0, Math.floor(score / 25)))]!;
}

export type Rates = Record<Outcome, Proportion>;

export interface CalibrationCell {
  /** `fit 75–100 × intent 50–74`, `mql`, `new-business`, … */
  key: string;
  n: number;
  rates: Rates;
  /** n ≥ 30: the rates mean something. Below, read them as "not enough data". */
  enoughData: boolean;
}

export interface CalibrationFlag {
  dimension: 'fit' | 'intent' | 'fit × intent';
  outcome: Outcome;
  lower: string;
  higher: string;
  /** The higher band's interval lies wholly below the lower band's. */
  significant: boolean;
  message: string;
}

export interface Calibration {
  from: number;
  to: number;
  /** Outcomes were observed up to this moment. */
  observedUntil: number;
  modelVersion: string;
  /** Contacts judged in the period. */
  contacts: number;
  overall: CalibrationCell;
  grid: CalibrationCell[];
  byFit: CalibrationCell[];
  byIntent: CalibrationCell[];
  byQualification: CalibrationCell[];
  /** MQLs only, by the route they took. */
  byRoute: CalibrationCell[];
  flags: CalibrationFlag[];
}

/** A judged contact and what became of it. */
export interface JudgedOutcome {
  judgement: Judgement;
  outcomes: Outcomes;
}

/** The outcomes of judged contacts, observed from each judgement moment until `observedUntil`. */
export function withOutcomes(judgements: readonly Judgement[], observedUntil: number): JudgedOutcome[] {
  return judgements.map((judgement) => ({
    judgement,
    outcomes: outcomesAfter(judgement.contact, judgement.at, observedUntil),
  }));
}

class Tally {
  n = 0;
  readonly hits: Record<Outcome, number> = { sql: 0, opportunity: 0, customer: 0 };
  add(o: Outcomes): void {
    this.n++;
    for (const k of OUTCOMES) if (o[k]) this.hits[k]++;
  }
  cell(key: string): CalibrationCell {
    const rates = Object.fromEntries(OUTCOMES.map((k) => [k, wilson(this.hits[k], this.n)])) as Rates;
    return { key, n: this.n, rates, enoughData: this.n >= MIN_SUPPORT };
  }
}

function cells(map: Map<string, Tally>, order?: readonly string[]): CalibrationCell[] {
  const keys = order ? order.filter((k) => map.has(k)) : [...map.keys()].sort();
  return keys.map((k) => map.get(k)!.cell(k));
}

function tally(map: Map<string, Tally>, key: string, o: Outcomes): void {
  let t = map.get(key);
  if (!t) map.set(key, (t = new Tally()));
  t.add(o);
}

const gridKey = (fit: ScoreBand, intent: ScoreBand) => `fit ${fit} × intent ${intent}`;

/** The calibration of the judged contacts of [from, to). */
export function calibrationOf(
  judged: readonly JudgedOutcome[],
  options: { from: number; to: number; observedUntil: number; modelVersion: string },
): Calibration {
  const all = new Tally();
  const grid = new Map<string, Tally>();
  const byFit = new Map<string, Tally>();
  const byIntent = new Map<string, Tally>();
  const byQualification = new Map<string, Tally>();
  const byRoute = new Map<string, Tally>();
  for (const { judgement, outcomes } of judged) {
    const e = judgement.evaluation;
    const fit = scoreBand(e.fit.score);
    const intent = scoreBand(e.intent.score);
    all.add(outcomes);
    tally(grid, gridKey(fit, intent), outcomes);
    tally(byFit, fit, outcomes);
    tally(byIntent, intent, outcomes);
    tally(byQualification, e.qualification, outcomes);
    if (e.route) tally(byRoute, e.route.kind, outcomes);
  }
  const gridOrder = SCORE_BANDS.flatMap((f) => SCORE_BANDS.map((i) => gridKey(f, i)));
  const fitCells = cells(byFit, SCORE_BANDS);
  const intentCells = cells(byIntent, SCORE_BANDS);
  const gridCells = cells(grid, gridOrder);
  return {
    from: options.from,
    to: options.to,
    observedUntil: options.observedUntil,
    modelVersion: options.modelVersion,
    contacts: all.n,
    overall: all.cell('all'),
    grid: gridCells,
    byFit: fitCells,
    byIntent: intentCells,
    byQualification: cells(byQualification, ['mql', 'nurture', 'iql', 'disqualified']),
    byRoute: cells(byRoute),
    flags: [...bandFlags('fit', fitCells), ...bandFlags('intent', intentCells), ...gridFlags(gridCells)],
  };
}

/** Adjacent bands (both with enough data) where the higher one converts no better. */
function bandFlags(dimension: 'fit' | 'intent', bands: readonly CalibrationCell[]): CalibrationFlag[] {
  const out: CalibrationFlag[] = [];
  for (let i = 1; i < bands.length; i++) {
    const flag = compare(dimension, bands[i - 1]!, bands[i]!, `${dimension} `);
    out.push(...flag);
  }
  return out;
}

/** In the grid: for each fit band, along intent; for each intent band, along fit. */
function gridFlags(grid: readonly CalibrationCell[]): CalibrationFlag[] {
  const byKey = new Map(grid.map((c) => [c.key, c]));
  const out: CalibrationFlag[] = [];
  for (const f of SCORE_BANDS)
    for (let i = 1; i < SCORE_BANDS.length; i++) {
      const lower = byKey.get(gridKey(f, SCORE_BANDS[i - 1]!));
      const higher = byKey.get(gridKey(f, SCORE_BANDS[i]!));
      if (lower && higher) out.push(...compare('fit × intent', lower, higher, ''));
    }
  for (const intent of SCORE_BANDS)
    for (let i = 1; i < SCORE_BANDS.length; i++) {
      const lower = byKey.get(gridKey(SCORE_BANDS[i - 1]!, intent));
      const higher = byKey.get(gridKey(SCORE_BANDS[i]!, intent));
      if (lower && higher) out.push(...compare('fit × intent', lower, higher, ''));
    }
  return out;
}

function compare(
  dimension: CalibrationFlag['dimension'],
  lower: CalibrationCell,
  higher: CalibrationCell,
  prefix: string,
): CalibrationFlag[] {
  if (!lower.enoughData || !higher.enoughData) return [];
  const out: CalibrationFlag[] = [];
  for (const outcome of OUTCOMES) {
    const lo = lower.rates[outcome];
    const hi = higher.rates[outcome];
    if (lo.rate === null || hi.rate === null || hi.rate > lo.rate) continue;
    // Both zero says nothing about the order of the bands.
    if (hi.rate === 0 && lo.rate === 0) continue;
    const significant = hi.high! < lo.low!;
    out.push({
      dimension,
      outcome,
      lower: lower.key,
      higher: higher.key,
      significant,
      message:
        `${prefix}${higher.key} converts to ${OUTCOME_LABELS[outcome]} no better than ${prefix}${lower.key}: ` +
        `${percent(hi.rate)} of ${hi.n} against ${percent(lo.rate)} of ${lo.n}` +
        (significant ? ' (the intervals do not overlap)' : ' (the intervals overlap: watch it)'),
    });
  }
  return out;
}
