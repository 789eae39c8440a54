/**
 * Where a portal's contacts sit on the fit × intent plane: counts per cell of a grid, with the
 * model's MQL bars, so a report can draw the heat map marketing and sales argue over ("how many
 * contacts are just under the intent bar?"). Pure: the caller hands in the latest scores.
 */
import { passes } from './evaluate.js';
import type { Bar } from './model-parts.js';

/** One contact's latest scores, as the store keeps them. */
export interface ScoredPoint {
  fitScore: number;
  intentScore: number;
  qualification: 'disqualified' | 'nurture' | 'iql' | 'mql';
}

export interface ScoreDistribution {
  /** Width of a cell in points: 10 gives a 10 × 10 grid over 0–100. */
  cellSize: number;
  /** Lower bounds of the cells along each axis: [0, 10, …, 90]. */
  cellStarts: number[];
  /** `counts[fitCell][intentCell]`: contacts in that cell (disqualified contacts excluded). */
  counts: number[][];
  /** Contacts counted in the grid (every scored contact that is not disqualified). */
  scored: number;
  disqualified: number;
  mqls: number;
  /** The published model's MQL bars, drawn as lines on the grid. */
  bars: { fit: Bar; intent: Bar };
  /** Contacts past both bars but not MQL (a required criterion or a route held them). */
  aboveBarsNotMql: number;
}

/** Cell index of a score: 0–100 maps onto `100 / cellSize` cells; 100 joins the top cell. */
function cellOf(score: number, cellSize: number, cells: number): number {
  const clamped = Math.min(100, Math.max(0, Number.isFinite(score) ? score : 0));
  return Math.min(cells - 1, Math.floor(clamped / cellSize));
}

/**
 * Counts contacts per fit × intent cell. Disqualified contacts are counted apart: their scores
 * say nothing about the bars, and drawing them would hide the contacts that matter.
 */
export function scoreDistribution(
  points: Iterable<ScoredPoint>,
  bars: { fit: Bar; intent: Bar },
  cellSize = 10,
): ScoreDistribution {
  if (!Number.isInteger(cellSize) || cellSize < 1 || 100 % cellSize !== 0) {
    throw new RangeError(`cellSize must be a whole divisor of 100, not ${cellSize}`);
  }
  const cells = 100 / cellSize;
  const counts = Array.from({ length: cells }, () => new Array<number>(cells).fill(0));
  let scored = 0;
  let disqualified = 0;
  let mqls = 0;
  let aboveBarsNotMql = 0;
  for (const p of points) {
    if (p.qualification === 'disqualified') {
      disqualified += 1;
      continue;
    }
    scored += 1;
    if (p.qualification === 'mql') mqls += 1;
    else if (passes(p.fitScore, bars.fit) && passes(p.intentScore, bars.intent)) aboveBarsNotMql += 1;
    counts[cellOf(p.fitScore, cellSize, cells)]![cellOf(p.intentScore, cellSize, cells)]! += 1;
  }
  return {
    cellSize,
    cellStarts: Array.from({ length: cells }, (_, i) => i * cellSize),
    counts,
    scored,
    disqualified,
    mqls,
    bars: { fit: { ...bars.fit }, intent: { ...bars.intent } },
    aboveBarsNotMql,
  };
}
