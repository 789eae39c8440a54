/**
 * A manual clock for tests and benchmarks: the sandbox reads time only through `now()`.
 */

/** A clock whose time moves only when told. */
export interface ManualClock {
  now: () => number;
  /** Moves time forward by `ms`. */
  advance(ms: number): void;
  /** Sets the time (epoch ms). */
  set(ms: number): void;
}

/** Creates a {@link ManualClock} starting at `start` (epoch ms). */
export function createManualClock(start = Date.UTC(2025, 5, 1)): ManualClock {
  let time = start;
  return {
    now: () => time,
    advance: (ms) => {
      time += ms;
    },
    set: (ms) => {
      time = ms;
    },
  };
}
