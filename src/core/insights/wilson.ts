/**
 * Wilson score interval for a binomial proportion. Hand-written (a dozen lines) rather than a
 * statistics dependency: the core may import only zod, i18n-iso-countries and re2js.
 */

/** z for a two-sided 95% interval. */
export const Z_95 = 1.959963984540054;

/** Below this many contacts a rate is "not enough data": no rate, no lift, never a guess. */
export const MIN_SUPPORT = 30;

export interface Proportion {
  /** Contacts that converted. */
  successes: number;
  /** Contacts in the group. */
  n: number;
  /** successes / n, or null when n is 0. */
  rate: number | null;
  /** The 95% Wilson interval, [0, 1]; null when n is 0. */
  low: number | null;
  high: number | null;
}

/**
 * The observed rate `successes / n` with its Wilson interval (95% by default). Unlike the normal
 * approximation it stays inside [0, 1] and behaves at 0 and n successes.
 */
export function wilson(successes: number, n: number, z = Z_95): Proportion {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`wilson: n must be a whole number ≥ 0, not ${n}`);
  if (!Number.isInteger(successes) || successes < 0 || successes > n)
    throw new RangeError(`wilson: successes must be a whole number from 0 to n (${n}), not ${successes}`);
  if (n === 0) return { successes, n, rate: null, low: null, high: null };
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At 0 and n successes the bound is exactly 0 or 1; rounding would leave 0.9999999999999999.
  const low = successes === 0 ? 0 : Math.max(0, centre - half);
  const high = successes === n ? 1 : Math.min(1, centre + half);
  return { successes, n, rate: p, low, high };
}

/** "12.5% (95% 8.1–18.6%, n = 120)" or "not enough data (n = 12)". */
export function formatProportion(p: Proportion, minSupport = MIN_SUPPORT): string {
  if (p.n < minSupport || p.rate === null) return `not enough data (n = ${p.n})`;
  return `${percent(p.rate)} (95% ${percent(p.low!, false)}–${percent(p.high!)}, n = ${p.n})`;
}

/** 0.1234 → "12.3%"; `sign` false leaves out the % sign. */
export function percent(x: number, sign = true): string {
  return `${(x * 100).toFixed(1)}${sign ? '%' : ''}`;
}
