/**
 * Fault injection per endpoint: probabilities of 429, 500, 502 and 503 and added latency, drawn
 * from a seeded generator so a run repeats exactly.
 */
import { createRandom, type Random } from './random.js';

/** Faults for one endpoint key. Rates are probabilities in [0, 1]; their sum should stay ≤ 1. */
export interface EndpointFaults {
  rate429?: number;
  rate500?: number;
  rate502?: number;
  rate503?: number;
  /** Added latency: a fixed number of milliseconds or a `[min, max]` range. */
  latencyMs?: number | readonly [number, number];
  /** The `message` of an injected 5xx body, instead of HubSpot's usual one (to test what is echoed). */
  message?: string;
}

/**
 * Faults by endpoint key. Keys are exact (`contacts.batch.update`), a prefix wildcard
 * (`contacts.*`) or `*` for every endpoint; the most specific key wins.
 */
export type FaultConfig = Record<string, EndpointFaults>;

/** What to do to one request. */
export interface FaultDecision {
  latencyMs: number;
  status?: 429 | 500 | 502 | 503;
  message?: string;
}

/** Draws faults per request from a seeded stream. */
export class FaultInjector {
  private config: FaultConfig;
  private random: Random;
  private readonly seed: number;

  constructor(config: FaultConfig = {}, seed = 1) {
    this.config = { ...config };
    this.seed = seed;
    this.random = createRandom(seed);
  }

  /** Replaces the configuration; with `reseed`, the random stream restarts from the seed. */
  set(config: FaultConfig, reseed = false): void {
    this.config = { ...config };
    if (reseed) this.random = createRandom(this.seed);
  }

  /** The current configuration. */
  get(): FaultConfig {
    return { ...this.config };
  }

  /** The faults that apply to an endpoint key, if any. */
  lookup(key: string): EndpointFaults | undefined {
    if (this.config[key]) return this.config[key];
    const parts = key.split('.');
    for (let i = parts.length - 1; i > 0; i--) {
      const wildcard = `${parts.slice(0, i).join('.')}.*`;
      if (this.config[wildcard]) return this.config[wildcard];
    }
    return this.config['*'];
  }

  /** Decides latency and an injected status for one request to `key`. */
  decide(key: string): FaultDecision {
    const faults = this.lookup(key);
    if (!faults) return { latencyMs: 0 };
    const latency = faults.latencyMs;
    const latencyMs =
      latency === undefined
        ? 0
        : typeof latency === 'number'
          ? latency
          : latency[0] + Math.floor(this.random.next() * (latency[1] - latency[0] + 1));
    let roll = this.random.next();
    for (const [status, rate] of [
      [429, faults.rate429],
      [500, faults.rate500],
      [502, faults.rate502],
      [503, faults.rate503],
    ] as const) {
      if (rate === undefined || rate <= 0) continue;
      if (roll < rate) return { latencyMs, status, ...(faults.message ? { message: faults.message } : {}) };
      roll -= rate;
    }
    return { latencyMs };
  }
}
