/**
 * Two workers (two store instances, two pools) draining 10,000 jobs from one PostgreSQL queue: none
 * is processed twice, none is lost. Prints the jobs/s for one and for two workers.
 */
import { describe, expect, it } from 'vitest';
import { runDrain } from './drain-bench.js';
import { PG_URL, pgSuiteName } from './helpers.js';

const JOBS = 10_000;

describe.skipIf(PG_URL === undefined)(pgSuiteName('queue drain on PostgreSQL'), () => {
  it('when two workers drain 10,000 jobs, then each job is processed exactly once', async () => {
    const one = await runDrain({ databaseUrl: PG_URL!, jobs: JOBS, workers: 1 });
    const two = await runDrain({ databaseUrl: PG_URL!, jobs: JOBS, workers: 2 });

    const all = two.claimedByWorker.flat();
    expect(all).toHaveLength(JOBS);
    expect(new Set(all).size).toBe(JOBS);
    expect(two.claimedByWorker.every((claimed) => claimed.length > 0)).toBe(true);
    expect(two.left).toEqual({ pending: 0, claimed: 0, dead: 0 });
    expect(new Set(one.claimedByWorker.flat()).size).toBe(JOBS);
    const rate = (run: typeof one) => Math.round(JOBS / run.seconds);
    console.log(
      `queue drain on PostgreSQL, ${JOBS} jobs in batches of 100: 1 worker ${rate(one)} jobs/s, 2 workers ${rate(two)} jobs/s`,
    );
  }, 60_000);
});
