/**
 * Learning from history: calibration of the published model, backtest of a draft, suggestions of
 * what converts, the cadence guard. Pure functions over plain history (history.ts); `now` and
 * every period are arguments.
 */
export * from './wilson.js';
export * from './history.js';
export * from './judge.js';
export * from './calibration.js';
export * from './backtest.js';
export * from './segments.js';
export * from './suggestions.js';
export * from './draft-change.js';
export * from './cadence.js';
export * from './insights.js';
export * from './history-record.js';
export * from './review.js';
