/**
 * HubSpot's side of webhooks: delivers events in batches of at most 100 as a JSON array, up to
 * 10 requests in flight, signed v3 (plus v1 for compatibility), retrying on any non-2xx status,
 * connection failure or a response slower than 5 s, with `attemptNumber` counting up
 * (hubspot.md §2.2, §3). Duplicates and out-of-order delivery can be asked for.
 */
import { hubSpotSignatureHeaders } from '../hubspot/signature.js';
import { type OutboundDeps, sendRequest } from './outbound.js';
import type { Random } from './random.js';
import type { WebhookEvent } from './webhook-events.js';

/** Options of one {@link WebhookSender.deliver} call. */
export interface DeliverOptions {
  /** Where to POST. */
  targetUrl: string;
  /** The app's client secret, used to sign. */
  clientSecret: string;
  /** The public URL HubSpot signs when it differs from `targetUrl` (e.g. behind a proxy). */
  signedUrl?: string;
  /** Events per request; HubSpot documents "up to 100" / "under 100". Default 100. */
  batchSize?: number;
  /** Requests in flight at once; HubSpot's default is 10. */
  maxConcurrent?: number;
  /** A response slower than this counts as failed and is retried. Default 5000 ms. */
  timeoutMs?: number;
  /** Retries after the first attempt. HubSpot retries up to 10 times. */
  maxRetries?: number;
  /** Fraction (0–1) of events that are delivered a second time, in a later request. */
  duplicates?: number;
  /** Deliver events in a random (seeded) order instead of the given order. */
  shuffle?: boolean;
  /** Delay before retry number `n` (1-based). Default: 1 s doubling up to 60 s, ±20 % jitter. */
  retryDelayMs?: (retryNumber: number) => number;
  /** Which signatures to send besides v3 (default v1, as HubSpot's webhooks do). */
  legacySignature?: 'v1' | 'none';
}

/** One HTTP attempt of one batch. */
export interface DeliveryAttempt {
  batch: number;
  attemptNumber: number;
  eventIds: number[];
  status: number | null;
  ok: boolean;
  durationMs: number;
  startedAt: number;
  error?: string;
}

/** The result of one {@link WebhookSender.deliver} call. */
export interface DeliveryReport {
  events: number;
  batches: number;
  delivered: number;
  failed: number;
  attempts: DeliveryAttempt[];
}

/** Delivers webhook batches and keeps a log of every attempt. */
export interface WebhookSender {
  deliver(events: readonly WebhookEvent[], options: DeliverOptions): Promise<DeliveryReport>;
  /** Every attempt of every delivery so far. */
  readonly attempts: readonly DeliveryAttempt[];
}

const defaultRetryDelay =
  (random: Random) =>
  (retryNumber: number): number =>
    Math.round(Math.min(1000 * 2 ** (retryNumber - 1), 60_000) * (0.8 + 0.4 * random.next()));

/** Creates a {@link WebhookSender}. */
export function createWebhookSender(deps: OutboundDeps, random: Random): WebhookSender {
  const log: DeliveryAttempt[] = [];

  // Copies always come after their original, in a later request, as a redelivery would.
  const plan = (events: readonly WebhookEvent[], options: DeliverOptions): WebhookEvent[] => {
    const ordered = options.shuffle ? random.shuffle(events) : [...events];
    const rate = options.duplicates ?? 0;
    if (rate <= 0) return ordered;
    const copies = ordered.filter(() => random.chance(rate)).map((event) => ({ ...event }));
    return [...ordered, ...(options.shuffle ? random.shuffle(copies) : copies)];
  };

  const deliver = async (
    events: readonly WebhookEvent[],
    options: DeliverOptions,
  ): Promise<DeliveryReport> => {
    const batchSize = Math.max(1, Math.min(options.batchSize ?? 100, 100));
    const ordered = plan(events, options);
    const batches: WebhookEvent[][] = [];
    for (let i = 0; i < ordered.length; i += batchSize) batches.push(ordered.slice(i, i + batchSize));
    const maxRetries = options.maxRetries ?? 10;
    const retryDelay = options.retryDelayMs ?? defaultRetryDelay(random);
    const attempts: DeliveryAttempt[] = [];
    let delivered = 0;
    let failed = 0;
    let next = 0;

    const sendBatch = async (index: number, batch: WebhookEvent[]): Promise<void> => {
      for (let attemptNumber = 0; attemptNumber <= maxRetries; attemptNumber++) {
        const rawBody = JSON.stringify(batch.map((event) => ({ ...event, attemptNumber })));
        const timestamp = deps.now();
        const headers = {
          'Content-Type': 'application/json',
          'User-Agent': 'HubSpot Connect 2.0 (http://dev.hubspot.com/) (sandbox)',
          ...hubSpotSignatureHeaders({
            clientSecret: options.clientSecret,
            method: 'POST',
            uri: options.signedUrl ?? options.targetUrl,
            rawBody,
            timestamp,
            legacyVersion: options.legacySignature ?? 'v1',
          }),
        };
        const result = await sendRequest(deps, {
          method: 'POST',
          url: options.targetUrl,
          headers,
          body: rawBody,
          timeoutMs: options.timeoutMs ?? 5000,
        });
        const ok = result.status !== null && result.status >= 200 && result.status < 300;
        const attempt: DeliveryAttempt = {
          batch: index,
          attemptNumber,
          eventIds: batch.map((event) => event.eventId),
          status: result.status,
          ok,
          durationMs: result.durationMs,
          startedAt: timestamp,
          ...(result.error ? { error: result.error } : {}),
        };
        attempts.push(attempt);
        log.push(attempt);
        if (ok) {
          delivered++;
          return;
        }
        if (attemptNumber < maxRetries) await deps.sleep(retryDelay(attemptNumber + 1));
      }
      failed++;
    };

    const worker = async (): Promise<void> => {
      while (next < batches.length) {
        const index = next++;
        const batch = batches[index];
        if (batch) await sendBatch(index, batch);
      }
    };
    const workers = Math.max(1, Math.min(options.maxConcurrent ?? 10, batches.length));
    await Promise.all(Array.from({ length: workers }, worker));
    return { events: ordered.length, batches: batches.length, delivered, failed, attempts };
  };

  return {
    deliver,
    get attempts() {
      return log;
    },
  };
}
