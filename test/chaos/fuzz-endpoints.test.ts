/**
 * The short fuzz of every endpoint (part of `npm test`; the long one is `npm run bench -- --only
 * chaos`): every class of bad request (malformed, truncated, huge and deep JSON; wrong content
 * types and encodings; missing, wrong, stale, future, replayed and wrong-version signatures; another
 * portal; prototype keys; hostile strings; wrong types in every field; batches mixing valid and
 * invalid events; wrong methods) at the webhooks, the workflow actions and their option fetches,
 * the settings API (approvals, diff, model check, catalog, insights and backtest too), the contact
 * card API and the ops routes. Never a 5xx; every invalid request is refused with a 4xx
 * naming the field (or, for action input, HubSpot's 200 FAIL_CONTINUE naming it); every valid event
 * in a mixed batch is stored once, as received; a valid signed request right after each class is
 * answered correctly. On SQLite and, with TEST_DATABASE_URL, on PostgreSQL, from fixed seeds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { freshPostgresDatabase, type Stack, startStack } from '../service/helpers.js';
import { emptyFigures, fuzzContext, fuzzRound, lostEvents, OPS_TOKEN, percentile } from './fuzz-run.js';

const SEED = 20_261_213;

let stack: Stack | undefined;
let dropDatabase: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stack?.close();
  await dropDatabase?.();
  stack = undefined;
  dropDatabase = undefined;
});

const DATABASES = [
  { name: 'SQLite', skip: false, open: () => Promise.resolve(undefined) },
  { name: 'PostgreSQL', skip: !process.env.TEST_DATABASE_URL, open: () => freshPostgresDatabase() },
];

describe.each(DATABASES)('fuzzing every endpoint on $name', (database) => {
  it.skipIf(database.skip)(
    'when every class of bad request hits every endpoint, then none is a 5xx, each is refused naming its field, no valid event is lost and the next valid request is answered',
    async () => {
      const pg = await database.open();
      dropDatabase = pg?.drop;
      stack = await startStack({
        contacts: 20,
        env: { OPS_TOKEN },
        ...(pg ? { databaseUrl: pg.url } : {}),
      });
      const ctx = await fuzzContext(stack);
      const figures = emptyFigures();
      const started = Date.now();

      await fuzzRound(ctx, SEED, figures);

      expect(figures.problems).toEqual([]);
      expect(figures.fiveXx).toBe(0);
      expect(await lostEvents(stack, figures.sentEvents)).toEqual([]);
      expect(figures.sentEvents.size).toBeGreaterThan(40);
      console.log(
        `endpoint fuzz on ${database.name}: ${figures.badRequests} bad + ${figures.validRequests} valid requests, ` +
          `statuses ${JSON.stringify(Object.fromEntries([...figures.statuses].sort(([a], [b]) => a - b)))}, ` +
          `${figures.sentEvents.size} valid events all stored; valid right after a class: p50 ` +
          `${percentile(figures.validAfterMs, 50).toFixed(1)} ms, p95 ${percentile(figures.validAfterMs, 95).toFixed(1)} ms; ${Date.now() - started} ms`,
      );
    },
    60_000,
  );
});
