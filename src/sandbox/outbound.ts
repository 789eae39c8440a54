/**
 * The sandbox's outgoing HTTP (HubSpot calling the app): one POST with a timeout, timed, never
 * throwing. Dependencies (fetch, clock, sleep) are passed in so tests control them.
 */

/** What the sender needs from the outside world. */
export interface OutboundDeps {
  fetch: typeof fetch;
  /** Wall clock for signature timestamps, epoch ms. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** Default dependencies: global fetch, Date.now and a timer. */
export const defaultOutboundDeps = (): OutboundDeps => ({
  fetch: globalThis.fetch.bind(globalThis),
  now: Date.now,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
});

/** The outcome of one outgoing request. */
export interface OutboundResult {
  /** HTTP status, or null when the connection failed or timed out. */
  status: number | null;
  durationMs: number;
  body: string;
  headers: Record<string, string>;
  /** `timeout` or the connection error message. */
  error?: string;
}

/** Sends one request; a response slower than `timeoutMs` is abandoned and reported as `timeout`. */
export async function sendRequest(
  deps: OutboundDeps,
  input: {
    method: 'POST' | 'GET';
    url: string;
    headers: Record<string, string>;
    body?: string;
    timeoutMs: number;
  },
): Promise<OutboundResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), input.timeoutMs);
  const started = performance.now();
  try {
    const response = await deps.fetch(input.url, {
      method: input.method,
      headers: input.headers,
      ...(input.body !== undefined ? { body: input.body } : {}),
      signal: controller.signal,
    });
    const body = await response.text();
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key] = value;
    });
    return { status: response.status, durationMs: performance.now() - started, body, headers };
  } catch (error) {
    const durationMs = performance.now() - started;
    const message = controller.signal.aborted
      ? 'timeout'
      : error instanceof Error
        ? error.message
        : String(error);
    return { status: null, durationMs, body: '', headers: {}, error: message };
  } finally {
    clearTimeout(timer);
  }
}
