/**
 * What the service knows of HubSpot, for `/readyz`, without asking HubSpot on every probe: every
 * gateway call reports its outcome here, and only when real traffic has been quiet for a minute
 * does a probe trigger one check of its own (shared by concurrent probes, at most one a minute,
 * outside the scoring rate budget). Problems are short categories (`hubspot 503`), never
 * HubSpot's text.
 */
import { upstreamCategory } from '../redact.js';

/** HubSpot as last seen. */
export interface HubSpotState {
  ok: boolean;
  /** Why not ok, or a warning while ok (`hubspot 429`: rate limited, but answering). */
  problem?: string;
  /** What the state rests on: calls the service made for its work, its own check, or nothing yet. */
  source: 'traffic' | 'check' | 'none';
  /** When it was observed (epoch ms), or null. */
  observedAt: number | null;
}

export interface HubSpotHealthOptions {
  clock: () => number;
  /** One cheap call to HubSpot (made without retries and outside the rate budget). */
  check: () => Promise<unknown>;
  /** How long an observation stands before a probe may check again (default 60 s). */
  maxAgeMs?: number;
  /** Longest a probe waits for the check (default 5 s). */
  checkTimeoutMs?: number;
}

/** Whether an answer of HubSpot (or `network` for none) means HubSpot works for this service. */
function judge(status: number | 'network'): { ok: boolean; problem?: string } {
  if (status === 'network' || status >= 500 || status === 401 || status === 403)
    return { ok: false, problem: upstreamCategory('hubspot', status === 'network' ? null : status) };
  if (status === 429) return { ok: true, problem: upstreamCategory('hubspot', 429) };
  // 2xx, and 4xx that refuse one request (a deleted contact) while HubSpot itself answers.
  return { ok: true };
}

/** The last known state of HubSpot, from traffic and, when traffic is quiet, a rare check. */
export class HubSpotHealth {
  private last: HubSpotState = { ok: true, source: 'none', observedAt: null };
  private lastCheckAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | null = null;
  private readonly maxAgeMs: number;
  private readonly checkTimeoutMs: number;

  constructor(private readonly options: HubSpotHealthOptions) {
    this.maxAgeMs = options.maxAgeMs ?? 60_000;
    this.checkTimeoutMs = options.checkTimeoutMs ?? 5_000;
  }

  /** Records the outcome of one HubSpot call (the gateway's `onCall`). */
  record(status: number | 'network'): void {
    this.last = {
      ...judge(status),
      source: 'traffic',
      observedAt: this.options.clock(),
    };
  }

  /**
   * HubSpot's state for a probe: the last observation while it is fresh; otherwise the result of a
   * check, at most one a minute (concurrent probes share it); between checks, the last known state.
   */
  async state(): Promise<HubSpotState> {
    const now = this.options.clock();
    const fresh = this.last.observedAt !== null && now - this.last.observedAt < this.maxAgeMs;
    if (!fresh && this.inFlight === null && now - this.lastCheckAt >= this.maxAgeMs) {
      this.lastCheckAt = now;
      this.inFlight = this.runCheck().finally(() => {
        this.inFlight = null;
      });
    }
    if (this.inFlight !== null) await this.inFlight;
    return this.last;
  }

  private async runCheck(): Promise<void> {
    const started = this.options.clock();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.checkTimeoutMs);
    });
    // A failure was recorded with its status by the gateway, like any call's.
    const done = this.options.check().then(
      () => 'done' as const,
      () => 'done' as const,
    );
    try {
      const outcome = await Promise.race([done, timeout]);
      if (outcome === 'timeout')
        this.last = {
          ok: false,
          problem: 'hubspot timeout',
          source: 'check',
          observedAt: this.options.clock(),
        };
      else if (this.last.observedAt !== null && this.last.observedAt >= started)
        this.last = { ...this.last, source: 'check' };
    } finally {
      clearTimeout(timer);
    }
  }
}
