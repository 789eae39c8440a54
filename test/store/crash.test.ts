/**
 * Crash safety: a worker process that holds claimed jobs is killed with SIGKILL; after its lease
 * runs out the jobs are claimed again and, in effect, processed exactly once. None is lost, and
 * the dead worker's leases can no longer complete anything.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store, WorkItem } from '../../src/store/index.js';
import {
  PG_URL,
  evaluation,
  freshPostgres,
  freshSqlite,
  pgSuiteName,
  sleep,
  type TestDatabase,
} from './helpers.js';

const CHILD = fileURLToPath(new URL('./fixtures/claim-and-hang.ts', import.meta.url));
const JOBS = 50;
const CHILD_CLAIMS = 30;
const LEASE_MS = 500;

/** Starts the child worker; resolves with its claims and a way to SIGKILL it. */
async function claimInChild(db: TestDatabase): Promise<{ items: WorkItem[]; kill: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: {
      ...process.env,
      STORE_URL: db.url,
      STORE_SCHEMA: db.schema ?? '',
      CLAIM_LIMIT: String(CHILD_CLAIMS),
      LEASE_MS: String(LEASE_MS),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`child worker exited (${code}) before claiming`)));
  });
  return {
    items: JSON.parse(line) as WorkItem[],
    async kill() {
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
    },
  };
}

/** "Processes" items the way the worker does: idempotent writes, then complete. Counts each run. */
async function processItems(
  store: Store,
  items: readonly WorkItem[],
  runs: Map<string, number>,
): Promise<void> {
  await store.contacts.saveEvaluations(
    items.map((i) => evaluation({ portalId: i.portalId, contactId: i.contactId })),
    [],
  );
  for (const i of items) runs.set(i.contactId, (runs.get(i.contactId) ?? 0) + 1);
  await store.queue.complete(items);
}

function crashSuite(fresh: () => TestDatabase): void {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.dispose();
    db = undefined;
  });

  it('when a worker holding claimed jobs is killed, then after its lease they are processed exactly once and none is lost', async () => {
    db = fresh();
    const store = await db.open();
    const contacts = Array.from({ length: JOBS }, (_, i) => `c${i}`);
    await store.queue.enqueue(
      contacts.map((contactId) => ({ portalId: 'p1', contactId, reason: 'webhook' })),
    );
    const runs = new Map<string, number>();

    const beforeChild = Date.now();
    const child = await claimInChild(db);
    expect(child.items).toHaveLength(CHILD_CLAIMS);
    // While the child's lease runs, its jobs are not handed out again (asked as of a time the lease
    // surely covers, however slowly the child started).
    const others = await store.queue.claim('parent', JOBS, 30_000, beforeChild);
    expect(others.map((i) => i.contactId).sort()).toEqual(
      contacts.filter((c) => !child.items.some((i) => i.contactId === c)).sort(),
    );
    await processItems(store, others, runs);

    await child.kill();
    await sleep(LEASE_MS + 50);
    const reclaimed = await store.queue.claim('parent', JOBS, 30_000, Date.now());
    // The dead worker's leases are void: completing with them changes nothing.
    await store.queue.complete(child.items);
    expect(await store.queue.stats()).toMatchObject({ claimed: CHILD_CLAIMS });
    await processItems(store, reclaimed, runs);

    expect(reclaimed.map((i) => i.contactId).sort()).toEqual(child.items.map((i) => i.contactId).sort());
    expect(reclaimed.every((i) => i.attempts === 1)).toBe(true);
    expect([...runs.keys()].sort()).toEqual([...contacts].sort());
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    expect(await store.queue.stats()).toEqual({ pending: 0, claimed: 0, dead: 0 });
    expect((await store.contacts.latestEvaluations('p1', contacts)).size).toBe(JOBS);
  });
}

describe('crash safety on SQLite', () => {
  crashSuite(freshSqlite);
});

describe.skipIf(PG_URL === undefined)(pgSuiteName('crash safety on PostgreSQL'), () => {
  crashSuite(() => freshPostgres(PG_URL!));
});
