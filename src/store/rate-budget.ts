/**
 * One budget of HubSpot calls per portal: every call of the process, and on PostgreSQL every call
 * of every instance, draws from it. Built on rate-limiter-flexible: `RateLimiterPostgres` keeps
 * the counter in a table of the same database (nothing extra to run, unlike Redis), and
 * `RateLimiterMemory` serves the single-process SQLite deployment. `RateLimiterQueue` turns "no
 * budget left" into a FIFO wait, so {@link RateBudget.acquire} waits instead of rejecting.
 *
 * HubSpot counts calls in a *rolling* 10-second window, while rate-limiter-flexible counts fixed
 * windows (a window starts at its first call and lasts its duration). Two back-to-back fixed
 * windows could admit twice the limit within one rolling window, so the budget is cut into `k`
 * short windows ("slices") of `L / k` each, with `floor(points / (k + 1))` calls per slice,
 * where `L` is the window plus a safety margin (5 %, for clock skew between instances and network
 * jitter). Slices never overlap, so any interval of length `L` touches at most `k + 1` of them and
 * admits at most `points` calls: the limit holds for *every* window, not only aligned ones. `k`
 * is chosen to admit as many calls as possible with slices of at least `minSliceMs` (each slice
 * costs a counter reset); with HubSpot's 100 or 190 calls per 10 s that is over 90 % of the limit.
 */
import type { Pool } from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterQueue } from 'rate-limiter-flexible';
import { postgresProblem, toStoreError } from './errors.js';
import type { RateBudget } from './store.port.js';

/** The limit to stay under. */
export interface RateBudgetLimit {
  /** Calls allowed in any window of `windowMs` (HubSpot: 100 or 190 per 10 s, by tier). */
  points: number;
  windowMs: number;
  /** Which budget (one per portal or access token); default `hubspot`. */
  key?: string;
  /** The shortest slice (default 250 ms). */
  minSliceMs?: number;
}

/** Where instances share the counter (PostgreSQL). */
export interface SharedRateBudgetState {
  pool: Pool;
  /** A table with rate-limiter-flexible's layout (`key`, `points`, `expire`), created by migration. */
  tableName: string;
  schemaName?: string;
}

/** How a limit is cut into slices. */
export interface SlicePlan {
  slices: number;
  pointsPerSlice: number;
  sliceMs: number;
}

/** Safety margin on the window, for clock skew between instances and network jitter. */
const WINDOW_MARGIN = 0.05;

/**
 * Rounds up to whole milliseconds that survive the limiter's seconds round trip (`ms / 1000 * 1000`)
 * exactly: the PostgreSQL limiter stores expiry times in a bigint column.
 */
function wholeMs(ms: number): number {
  let whole = Math.ceil(ms);
  while ((whole / 1000) * 1000 !== whole) whole++;
  return whole;
}

/**
 * Cuts `points` per `windowMs` into slices such that no interval of `windowMs × 1.05` admits more
 * than `points` calls, admitting as many calls as possible with slices of at least `minSliceMs`.
 */
export function planSlices(points: number, windowMs: number, minSliceMs = 250): SlicePlan {
  if (!Number.isInteger(points) || points < 2) throw new RangeError('a rate budget needs at least 2 points');
  if (!(windowMs > 0)) throw new RangeError('a rate budget needs a positive window');
  const span = Math.ceil(windowMs * (1 + WINDOW_MARGIN));
  const maxSlices = Math.max(1, Math.min(points - 1, Math.floor(span / minSliceMs)));
  let best: SlicePlan = { slices: 1, pointsPerSlice: Math.floor(points / 2), sliceMs: wholeMs(span) };
  for (let k = 2; k <= maxSlices; k++) {
    const perSlice = Math.floor(points / (k + 1));
    if (perSlice * k > best.pointsPerSlice * best.slices) {
      best = { slices: k, pointsPerSlice: perSlice, sliceMs: wholeMs(span / k) };
    }
  }
  return best;
}

/**
 * Creates a budget: in memory (this process only), or shared through PostgreSQL when `shared` is
 * given. `acquire(cost)` resolves when the calls may be made; it rejects only when the shared
 * counter cannot be reached ({@link StoreUnavailableError}).
 */
export function createRateBudget(limit: RateBudgetLimit, shared?: SharedRateBudgetState): RateBudget {
  const plan = planSlices(limit.points, limit.windowMs, limit.minSliceMs);
  const key = limit.key ?? 'hubspot';
  const common = { points: plan.pointsPerSlice, duration: plan.sliceMs / 1000, keyPrefix: 'lq-budget' };
  const limiter =
    shared === undefined
      ? new RateLimiterMemory(common)
      : new RateLimiterPostgres({
          ...common,
          storeClient: shared.pool,
          storeType: 'pool',
          tableName: shared.tableName,
          tableCreated: true,
          ...(shared.schemaName !== undefined ? { schemaName: shared.schemaName } : {}),
        });
  const queue = new RateLimiterQueue(limiter);

  return {
    limit: { points: limit.points, windowMs: limit.windowMs },
    async acquire(cost = 1): Promise<void> {
      let left = cost;
      while (left > 0) {
        const tokens = Math.min(left, plan.pointsPerSlice);
        try {
          await queue.removeTokens(tokens, key);
        } catch (error) {
          throw toStoreError(
            error,
            shared ? (postgresProblem(error) ?? 'rate budget unreachable') : null,
            'acquiring rate budget',
            'PostgreSQL',
          );
        }
        left -= tokens;
      }
    },
  };
}
