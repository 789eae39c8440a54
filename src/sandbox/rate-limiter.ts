/**
 * HubSpot's API limits per access token ("app"): a rolling 10-second burst limit, a daily
 * limit, and the search endpoints' own per-second limit (hubspot.md §6). Time comes from an
 * injected clock so tests move it without sleeping.
 */

/** Limits; defaults are a Professional portal's (190 / 10 s, 625,000 / day, search 5 / s). */
export interface RateLimitOptions {
  /** Requests per rolling interval per token (Free/Starter: 100). */
  perInterval?: number;
  intervalMs?: number;
  /** Requests per day per token (reset at midnight in `dailyResetUtcOffsetMinutes`). */
  daily?: number;
  dailyResetUtcOffsetMinutes?: number;
  /** Search requests per second per token. */
  searchPerSecond?: number;
  /** Turns all limits off (responses still carry headers). */
  enabled?: boolean;
}

/** HubSpot's rate-limit policy names, as its 429 bodies carry them. */
export type RateLimitPolicy = 'TEN_SECONDLY_ROLLING' | 'DAILY' | 'SECONDLY';

/** The limiter's decision for one request. */
export type RateLimitDecision =
  | { allowed: true; headers: Record<string, string> }
  | { allowed: false; policy: RateLimitPolicy; headers: Record<string, string>; retryAfterMs: number };

/** Current usage of one token. */
export interface RateLimitUsage {
  inInterval: number;
  today: number;
  searchesInSecond: number;
}

class Window {
  private readonly times: number[] = [];
  private head = 0;

  constructor(private readonly spanMs: number) {}

  count(now: number): number {
    while (this.head < this.times.length && (this.times[this.head] ?? 0) <= now - this.spanMs) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  oldest(): number | undefined {
    return this.times[this.head];
  }

  add(now: number): void {
    this.times.push(now);
  }
}

interface TokenState {
  interval: Window;
  search: Window;
  day: number;
  today: number;
}

/** Per-token limiter. */
export class RateLimiter {
  private readonly now: () => number;
  private readonly perInterval: number;
  private readonly intervalMs: number;
  private readonly daily: number;
  private readonly dayOffsetMs: number;
  private readonly searchPerSecond: number;
  private readonly enabled: boolean;
  private readonly tokens = new Map<string, TokenState>();

  constructor(now: () => number, options: RateLimitOptions = {}) {
    this.now = now;
    this.perInterval = options.perInterval ?? 190;
    this.intervalMs = options.intervalMs ?? 10_000;
    this.daily = options.daily ?? 625_000;
    this.dayOffsetMs = (options.dailyResetUtcOffsetMinutes ?? 0) * 60_000;
    this.searchPerSecond = options.searchPerSecond ?? 5;
    this.enabled = options.enabled ?? true;
  }

  /** The configured limits. */
  get limits(): { perInterval: number; intervalMs: number; daily: number; searchPerSecond: number } {
    return {
      perInterval: this.perInterval,
      intervalMs: this.intervalMs,
      daily: this.daily,
      searchPerSecond: this.searchPerSecond,
    };
  }

  /**
   * Counts a request if allowed. Standard requests use the rolling and daily limits and get the
   * `X-HubSpot-RateLimit-*` headers; search requests use the per-second and daily limits and get
   * no headers, as on HubSpot.
   */
  take(token: string, kind: 'standard' | 'search'): RateLimitDecision {
    const now = this.now();
    const state = this.state(token, now);
    const inInterval = state.interval.count(now);
    const searches = state.search.count(now);
    const headers = (used: number, usedToday: number): Record<string, string> =>
      kind === 'search'
        ? {}
        : {
            'X-HubSpot-RateLimit-Interval-Milliseconds': String(this.intervalMs),
            'X-HubSpot-RateLimit-Max': String(this.perInterval),
            'X-HubSpot-RateLimit-Remaining': String(Math.max(0, this.perInterval - used)),
            'X-HubSpot-RateLimit-Daily': String(this.daily),
            'X-HubSpot-RateLimit-Daily-Remaining': String(Math.max(0, this.daily - usedToday)),
          };
    if (this.enabled) {
      if (state.today >= this.daily) {
        const nextDay = (state.day + 1) * 86_400_000 - this.dayOffsetMs;
        return {
          allowed: false,
          policy: 'DAILY',
          headers: headers(inInterval, state.today),
          retryAfterMs: nextDay - now,
        };
      }
      if (kind === 'search' && searches >= this.searchPerSecond) {
        const retryAfterMs = (state.search.oldest() ?? now) + 1000 - now;
        return { allowed: false, policy: 'SECONDLY', headers: {}, retryAfterMs };
      }
      if (kind === 'standard' && inInterval >= this.perInterval) {
        const retryAfterMs = (state.interval.oldest() ?? now) + this.intervalMs - now;
        return {
          allowed: false,
          policy: 'TEN_SECONDLY_ROLLING',
          headers: headers(inInterval, state.today),
          retryAfterMs,
        };
      }
    }
    state.today++;
    if (kind === 'search') state.search.add(now);
    else state.interval.add(now);
    return { allowed: true, headers: headers(kind === 'search' ? inInterval : inInterval + 1, state.today) };
  }

  /** Usage of one token right now. */
  usage(token: string): RateLimitUsage {
    const now = this.now();
    const state = this.state(token, now);
    return {
      inInterval: state.interval.count(now),
      today: state.today,
      searchesInSecond: state.search.count(now),
    };
  }

  /** Forgets all usage. */
  reset(): void {
    this.tokens.clear();
  }

  private state(token: string, now: number): TokenState {
    const day = Math.floor((now + this.dayOffsetMs) / 86_400_000);
    let state = this.tokens.get(token);
    if (!state) {
      state = { interval: new Window(this.intervalMs), search: new Window(1000), day, today: 0 };
      this.tokens.set(token, state);
    }
    if (state.day !== day) {
      state.day = day;
      state.today = 0;
    }
    return state;
  }
}

/** HubSpot's 429 body fields for a policy (message texts as the SDK's RetryDecorator matches them). */
export function rateLimitBody(policy: RateLimitPolicy): {
  message: string;
  errorType: 'RATE_LIMIT';
  policyName: RateLimitPolicy;
  category: 'RATE_LIMITS';
} {
  const message =
    policy === 'DAILY'
      ? 'You have reached your daily limit.'
      : policy === 'SECONDLY'
        ? 'You have reached your secondly limit.'
        : 'You have reached your ten_secondly_rolling limit.';
  return { message, errorType: 'RATE_LIMIT', policyName: policy, category: 'RATE_LIMITS' };
}
