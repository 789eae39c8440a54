/**
 * The PostgreSQL adapter: the contract, migrations, and what only a networked, shared database
 * has: several instances claiming at once, a shared rate budget, a lost connection.
 *
 * Runs when TEST_DATABASE_URL is set (`.ci/run` sets it); otherwise every test here is reported
 * as skipped, with the reason in its suite name.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError, openStore } from '../../src/store/index.js';
import {
  PG_URL,
  freshPostgres,
  maxInAnyWindow,
  pgSuiteName,
  reusablePostgres,
  webhookEvent,
  type TestDatabase,
} from './helpers.js';
import { migrationContract } from './migration.contract.js';
import { storeContract } from './store.contract.js';
import { closedPort, startTcpProxy, type TcpProxy } from './tcp-proxy.js';

const SECRET = 's3cret-pw';

describe.skipIf(PG_URL === undefined)(pgSuiteName('PostgreSQL store'), () => {
  const databases = reusablePostgres(PG_URL!);
  afterAll(() => databases.dropSchema());
  storeContract(databases.fresh);
});

describe.skipIf(PG_URL === undefined)(pgSuiteName('PostgreSQL migrations'), () => {
  migrationContract(() => freshPostgres(PG_URL!));
});

describe.skipIf(PG_URL === undefined)(pgSuiteName('PostgreSQL specifics'), () => {
  let db: TestDatabase | undefined;
  let proxy: TcpProxy | undefined;
  afterEach(async () => {
    await proxy?.restore();
    await db?.dispose();
    await proxy?.close();
    db = undefined;
    proxy = undefined;
  });

  /** TEST_DATABASE_URL, through `port` on 127.0.0.1 and with a password (trust auth ignores it). */
  function urlVia(port: number): string {
    const url = new URL(PG_URL!);
    url.hostname = '127.0.0.1';
    url.port = String(port);
    url.password = SECRET;
    return url.toString();
  }

  it('when the connection is lost, then writes fail promptly as unavailable, health is not ready, and the store recovers', async () => {
    const target = new URL(PG_URL!);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    db = freshPostgres(urlVia(proxy.port));
    const warnings: unknown[] = [];
    const store = await db.open({ logger: { warn: (obj, msg) => warnings.push({ obj, msg }) } });
    expect((await store.events.accept([webhookEvent({ eventId: '1' })], [])).accepted).toBe(1);

    await proxy.cut();
    const started = Date.now();
    const failure = await store.events.accept([webhookEvent({ eventId: '2' })], []).then(
      () => null,
      (error: unknown) => error,
    );
    const health = await store.health();

    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect((failure as Error).message).toMatch(
      /^PostgreSQL is unavailable: (connection refused|connection lost)/,
    );
    expect((failure as Error).message).toMatch(/acceptEvents was not done$/);
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(health.ok).toBe(false);
    expect(health.problem).toMatch(/connection refused|connection lost/);
    expect(warnings.length).toBeGreaterThan(0);
    expect(JSON.stringify([warnings, (failure as Error).message, health])).not.toContain(SECRET);

    await proxy.restore();
    expect(await store.health()).toEqual({ ok: true });
    expect(await store.events.accept([webhookEvent({ eventId: '2' })], [])).toMatchObject({
      accepted: 1,
      duplicates: 0,
    });
  });

  it('when the server cannot be reached at start, then opening fails promptly as unavailable without the password', async () => {
    const started = Date.now();

    const failure = await openStore({ databaseUrl: urlVia(await closedPort()) }).then(
      () => null,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect((failure as Error).message).toMatch(
      /^PostgreSQL is unavailable: connection refused \(ECONNREFUSED\)/,
    );
    expect((failure as Error).message).not.toContain(SECRET);
    expect(Date.now() - started).toBeLessThan(6_000);
  });

  it('when two instances share the rate budget, then together they never exceed it in any window', async () => {
    db = freshPostgres(PG_URL!);
    const [a, b] = [await db.open(), await db.open()];
    const limit = { points: 20, windowMs: 1_000, key: 'portal-1' };
    const [budgetA, budgetB] = [a.rateBudget(limit), b.rateBudget(limit)];
    const times: number[] = [];
    const started = Date.now();

    await Promise.all([
      ...Array.from({ length: 30 }, () => budgetA.acquire().then(() => times.push(Date.now()))),
      ...Array.from({ length: 30 }, () => budgetB.acquire().then(() => times.push(Date.now()))),
    ]);

    expect(times).toHaveLength(60);
    expect(maxInAnyWindow(times, 1_000)).toBeLessThanOrEqual(20);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
  });
});
