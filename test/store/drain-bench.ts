/**
 * Draining the work queue with several workers on PostgreSQL, each a separate store (its own pool),
 * as separate service instances would be. Used by `drain.test.ts` (correctness) and by
 * `npm run bench` (the jobs/s figures).
 */
import { randomBytes } from 'node:crypto';
import { openStore, type QueueStats, type Store } from '../../src/store/index.js';
import { pgExec } from './helpers.js';

/** What one drain did: the contacts each worker claimed, in order, and the time it took. */
export interface DrainRun {
  jobs: number;
  workers: number;
  seconds: number;
  claimedByWorker: string[][];
  /** The queue after the drain (all zero when nothing was lost or left behind). */
  left: QueueStats;
}

/** The figures `npm run bench` prints. */
export interface DrainBenchmark {
  jobs: number;
  workers: number;
  seconds: number;
  jobsPerSecond: number;
}

const BATCH = 100;
const LEASE_MS = 60_000;

async function work(store: Store, workerId: string, claimed: string[]): Promise<void> {
  for (;;) {
    const items = await store.queue.claim(workerId, BATCH, LEASE_MS, Date.now());
    if (items.length === 0) return;
    for (const item of items) claimed.push(item.contactId);
    await store.queue.complete(items);
  }
}

/**
 * Enqueues `jobs` distinct contacts in a fresh schema, then times `workers` workers draining them
 * in batches of 100. The schema is dropped afterwards.
 */
export async function runDrain(options: {
  databaseUrl: string;
  jobs: number;
  workers: number;
}): Promise<DrainRun> {
  const { databaseUrl, jobs, workers } = options;
  const schema = `lq_drain_${randomBytes(6).toString('hex')}`;
  const stores: Store[] = [];
  try {
    for (let w = 0; w < workers; w++) {
      stores.push(await openStore({ databaseUrl, schema, eventRetentionDays: 0, poolSize: 2 }));
    }
    await stores[0]!.queue.enqueue(
      Array.from({ length: jobs }, (_, i) => ({
        portalId: 'p1',
        contactId: `c${i}`,
        reason: 'rescore',
        dueAt: 0,
      })),
    );
    const claimedByWorker = stores.map((): string[] => []);
    const started = process.hrtime.bigint();
    await Promise.all(stores.map((store, w) => work(store, `worker-${w}`, claimedByWorker[w]!)));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { jobs, workers, seconds, claimedByWorker, left: await stores[0]!.queue.stats() };
  } finally {
    await Promise.all(stores.map((s) => s.close()));
    await pgExec(databaseUrl, undefined, [`drop schema if exists "${schema}" cascade`]);
  }
}

/** Jobs per second for `workers` workers draining `jobs` jobs (default 10,000). */
export async function drainBenchmark(options: {
  databaseUrl: string;
  jobs?: number;
  workers: number;
}): Promise<DrainBenchmark> {
  const run = await runDrain({
    databaseUrl: options.databaseUrl,
    jobs: options.jobs ?? 10_000,
    workers: options.workers,
  });
  return {
    jobs: run.jobs,
    workers: run.workers,
    seconds: Math.round(run.seconds * 1000) / 1000,
    jobsPerSecond: Math.round(run.jobs / run.seconds),
  };
}
