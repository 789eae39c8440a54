/**
 * `npm run bench -- --only chaos`: the long fuzz and the chaos run (issue #13).
 *
 * (a) 10,000 bad requests of every class across every endpoint (the fuzz kit of `npm test`, more
 *     rounds from more seeds), on SQLite and on PostgreSQL: 5xx answers, valid events lost, the
 *     process's RSS before and after (after a forced GC), and the latency of the valid signed
 *     request sent right after each class.
 * (b) Chaos against the sandbox: 50% 429 and 10% 5xx on every HubSpot endpoint, two service
 *     instances as processes of their own sharing one PostgreSQL store, one of them killed with
 *     SIGKILL while it holds claimed work and started again. Every HubSpot write is logged per
 *     contact by the sandbox: contacts written, lost (no evaluation, or HubSpot holding other
 *     values than the store's evaluation), written twice (a write that changed nothing, i.e. the
 *     same change sent again), and the HubSpot calls of the busiest 10 s against the portal's limit.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pg from 'pg';
import { createSandbox } from '../../src/sandbox/index.js';
import { freshPostgresDatabase, PUBLIC, SECRET, startStack } from '../service/helpers.js';
import { emptyFigures, fuzzContext, fuzzRound, lostEvents, OPS_TOKEN, percentile } from './fuzz-run.js';

/** A forced GC (exposed at run time), so RSS is compared after garbage is gone. */
function forceGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface FuzzBenchFigures {
  requests: number;
  validRequests: number;
  fiveXx: number;
  judgedWrong: number;
  validEvents: number;
  lostEvents: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  rssGrowthMb: number;
  validAfterP50Ms: number;
  validAfterP95Ms: number;
  seconds: number;
  firstProblems: string[];
  /** p50 / p95 (ms) of the valid request after each class, by endpoint. */
  validAfterByEndpoint: Record<string, [number, number]>;
}

/** (a) `total` bad requests on one database (PostgreSQL when `postgres`). */
export async function fuzzBenchmark(total: number, postgres: boolean): Promise<FuzzBenchFigures> {
  const gc = forceGc();
  const database = postgres ? await freshPostgresDatabase() : undefined;
  const stack = await startStack({
    contacts: 50,
    env: { OPS_TOKEN },
    ...(database ? { databaseUrl: database.url } : {}),
  });
  try {
    const ctx = await fuzzContext(stack);
    const figures = emptyFigures();
    // One warm-up round, so RSS "before" includes what a running service holds anyway.
    await fuzzRound(ctx, 1, emptyFigures(), 300);
    gc();
    await sleep(200);
    const rssBefore = process.memoryUsage().rss;
    const started = Date.now();
    for (let seed = 100; figures.badRequests < total; seed++) await fuzzRound(ctx, seed, figures, total);
    const seconds = (Date.now() - started) / 1000;
    const lost = await lostEvents(stack, figures.sentEvents);
    gc();
    await sleep(500);
    gc();
    const rssAfter = process.memoryUsage().rss;
    return {
      requests: figures.badRequests,
      validRequests: figures.validRequests,
      fiveXx: figures.fiveXx,
      judgedWrong: figures.problems.length,
      validEvents: figures.sentEvents.size,
      lostEvents: lost.length,
      rssBeforeMb: mb(rssBefore),
      rssAfterMb: mb(rssAfter),
      rssGrowthMb: mb(rssAfter - rssBefore),
      validAfterP50Ms: Math.round(percentile(figures.validAfterMs, 50) * 10) / 10,
      validAfterP95Ms: Math.round(percentile(figures.validAfterMs, 95) * 10) / 10,
      seconds: Math.round(seconds),
      firstProblems: [...figures.problems.slice(0, 5), ...lost.slice(0, 5)],
      validAfterByEndpoint: Object.fromEntries(
        [...figures.validAfterMsByEndpoint].map(([endpoint, ms]) => [
          endpoint,
          [Math.round(percentile(ms, 50)), Math.round(percentile(ms, 95))],
        ]),
      ),
    };
  } finally {
    await stack.close();
    await database?.drop();
  }
}

// ---------------------------------------------------------------------------------------------
// (b) chaos

const CHILD = fileURLToPath(new URL('./fixtures/service-process.ts', import.meta.url));

interface Instance {
  child: ChildProcess;
  port: number;
  exited: Promise<NodeJS.Signals | number | null>;
}

async function startInstance(env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`service process exited (${code}) before listening`)));
  });
  return { child, port: (JSON.parse(line) as { port: number }).port, exited };
}

export interface ChaosFigures {
  contacts: number;
  eventsIn: number;
  eventsAccepted: number;
  contactsWritten: number;
  lost: number;
  writtenTwice: number;
  contactsWithMoreThanOneWrite: number;
  tasksTwice: number;
  deadLetters: number;
  hubspotCalls: number;
  injected429: number;
  injected5xx: number;
  maxCallsPer10s: number;
  portalLimitPer10s: number;
  killedHeldClaims: number;
  seconds: number;
  lostIds: string[];
  secondChanges: string[];
  batches: number;
  batchesFailed: number;
  deadReasons: string[];
}

/** (b) the chaos run; undefined without PostgreSQL (two instances need a shared store). */
export async function chaosBenchmark(
  contacts = 600,
  eventsPerContact = 3,
): Promise<ChaosFigures | undefined> {
  const database = await freshPostgresDatabase();
  if (!database) return undefined;
  const limit = 100;
  const sandbox = await createSandbox({
    data: { contacts, seed: 23, now: Date.now() },
    rateLimit: { perInterval: limit },
    outbound: { sleep: async () => {} },
  });
  // Every HubSpot call, timed; every write, per contact: did it change anything?
  const callTimes: number[] = [];
  const record = sandbox.stats.record.bind(sandbox.stats);
  sandbox.stats.record = (endpoint, status) => {
    callTimes.push(Date.now());
    record(endpoint, status);
  };
  const writes = new Map<string, { total: number; noop: number }>();
  /** The properties that changed in a contact's second and later changing writes. */
  const secondChanges = new Set<string>();
  const state = sandbox.state;
  const updateBatch = state.updateBatch.bind(state);
  state.updateBatch = (type, inputs, source) => {
    if (type === 'contacts')
      for (const input of inputs) {
        const before = state.get('contacts', input.id);
        const values = (input.properties ?? {}) as Record<string, string | null>;
        if (!before || !Object.keys(values).some((k) => k.startsWith('lq_'))) continue;
        const changed = Object.entries(values)
          .filter(([k, v]) => (before.properties[k] ?? '') !== (v ?? ''))
          .map(([k]) => k);
        const changes = changed.length > 0;
        if (changes && (writes.get(input.id)?.total ?? 0) > 0) for (const k of changed) secondChanges.add(k);
        const entry = writes.get(input.id) ?? { total: 0, noop: 0 };
        entry.total++;
        if (!changes) entry.noop++;
        writes.set(input.id, entry);
      }
    return updateBatch(type, inputs, source);
  };
  // Tasks created per contact (a routed MQL gets one; two would be a task created twice).
  const tasksFor = new Map<string, number>();
  const countTasks = (type: string, inputs: readonly { associations?: readonly unknown[] }[]) => {
    if (type !== 'tasks') return;
    for (const input of inputs)
      for (const a of (input.associations ?? []) as { to?: { id?: unknown } }[]) {
        const id = String(a.to?.id ?? '');
        tasksFor.set(id, (tasksFor.get(id) ?? 0) + 1);
      }
  };
  const createBatch = state.createBatch.bind(state);
  state.createBatch = (type, inputs, source) => {
    const created = createBatch(type, inputs, source);
    countTasks(type, inputs);
    return created;
  };
  const createEach = state.createEach.bind(state);
  state.createEach = (type, inputs, source) => {
    const result = createEach(type, inputs, source);
    countTasks(type, inputs);
    return result;
  };

  const env = {
    HUBSPOT_ACCESS_TOKEN: sandbox.accessToken,
    HUBSPOT_CLIENT_SECRET: SECRET,
    HUBSPOT_BASE_URL: sandbox.baseUrl,
    PUBLIC_BASE_URL: PUBLIC,
    DATABASE_URL: database.url,
    HUBSPOT_RATE_LIMIT: String(limit),
    HUBSPOT_APP_ID: String(sandbox.appId),
    LOG_LEVEL: 'silent',
    LEASE_MS: '4000',
    // Batches of 100, so both instances hold work at once.
    WORKER_CLAIM_LIMIT: '100',
    // The chaos counts the writes of the events sent; a backfill's rescore would add its own.
    BACKFILL_ON_INSTALL: 'false',
  };
  const instances: Instance[] = [];
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  try {
    instances.push(await startInstance({ ...env, WORKER_ID: 'chaos-a', SETUP: '1' }));
    instances.push(await startInstance({ ...env, WORKER_ID: 'chaos-b' }));
    sandbox.stats.reset();
    callTimes.length = 0;
    sandbox.setFaults({
      '*': { rate429: 0.5, rate500: 0.04, rate502: 0.03, rate503: 0.03, latencyMs: [5, 60] },
    });
    const started = Date.now();

    // The events: a few property changes per contact, delivered to both instances as HubSpot does.
    const ids = sandbox.data!.contacts.map((c) => c.id);
    const events = ids.flatMap((objectId, i) =>
      Array.from({ length: eventsPerContact }, (_, k) =>
        sandbox.events.propertyChange({
          objectId,
          propertyName: ['jobtitle', 'industry', 'city'][k % 3]!,
          propertyValue: `chaos ${i}-${k}`,
        }),
      ),
    );
    const half = Math.ceil(events.length / 2);
    const deliver = (part: typeof events, port: number) =>
      sandbox.sender.deliver(part, {
        targetUrl: `http://127.0.0.1:${port}/hubspot/webhooks`,
        signedUrl: `${PUBLIC}/hubspot/webhooks`,
        clientSecret: SECRET,
        retryDelayMs: () => 50,
      });
    const reports = await Promise.all([
      deliver(events.slice(0, half), instances[0]!.port),
      deliver(events.slice(half), instances[1]!.port),
    ]);
    const eventsAccepted = reports.reduce((n, r) => n + (r.failed === 0 ? r.events : 0), 0);

    // Kill instance B with SIGKILL while it holds claimed work (mid-batch), then start it again.
    let held = 0;
    for (let i = 0; i < 600 && held === 0; i++) {
      const rows = await db.query<{ n: string }>(
        "select count(*) as n from work_queue where worker_id = 'chaos-b' and state = 'claimed'",
      );
      held = Number(rows.rows[0]!.n);
      if (held === 0) await sleep(25);
    }
    await sleep(150);
    instances[1]!.child.kill('SIGKILL');
    await instances[1]!.exited;
    await sleep(1_000);
    instances[1] = await startInstance({ ...env, WORKER_ID: 'chaos-b2' });

    // Until every contact is evaluated and nothing is due or claimed (or 5 minutes pass).
    const deadline = Date.now() + 300_000;
    for (;;) {
      const [{ rows: evaluated }, { rows: busy }] = await Promise.all([
        db.query<{ n: string }>('select count(*) as n from evaluations'),
        db.query<{ n: string }>(
          `select count(*) as n from work_queue where state = 'claimed' or (state = 'pending' and due_at <= ${Date.now()})`,
        ),
      ]);
      if ((Number(evaluated[0]!.n) >= ids.length && Number(busy[0]!.n) === 0) || Date.now() > deadline) break;
      await sleep(250);
    }
    const seconds = (Date.now() - started) / 1000;
    await sleep(2_000); // late writes, if any, would show as written twice

    const { rows: evaluations } = await db.query<{
      contact_id: string;
      fit_score: number;
      qualification: string;
    }>('select contact_id, fit_score, qualification from evaluations');
    const byId = new Map(evaluations.map((e) => [e.contact_id, e]));
    const lostIds = ids.filter((id) => {
      const e = byId.get(id);
      const held = sandbox.state.get('contacts', id)?.properties;
      return (
        !e || held?.lq_fit_score !== String(Number(e.fit_score)) || held?.lq_qualification !== e.qualification
      );
    });
    const { rows: dead } = await db.query<{ n: string }>(
      "select count(*) as n from work_queue where state = 'dead'",
    );
    const deadLetters = await db.query<{ n: string }>('select count(*) as n from dead_letters').then(
      (r) => Number(r.rows[0]!.n),
      () => Number(dead[0]!.n),
    );
    let maxCalls = 0;
    for (let i = 0, j = 0; j < callTimes.length; j++) {
      while (callTimes[j]! - callTimes[i]! >= 10_000) i++;
      maxCalls = Math.max(maxCalls, j - i + 1);
    }
    const stats = sandbox.stats.snapshot();
    return {
      contacts: ids.length,
      eventsIn: events.length,
      eventsAccepted,
      contactsWritten: [...writes.values()].filter((w) => w.total > w.noop).length,
      lost: lostIds.length,
      writtenTwice: [...writes.values()].reduce((n, w) => n + w.noop, 0),
      contactsWithMoreThanOneWrite: [...writes.values()].filter((w) => w.total - w.noop > 1).length,
      tasksTwice: [...tasksFor.values()].filter((n) => n > 1).length,
      deadLetters,
      hubspotCalls: stats.total,
      injected429: stats.byStatus['429'] ?? 0,
      injected5xx: (stats.byStatus['500'] ?? 0) + (stats.byStatus['502'] ?? 0) + (stats.byStatus['503'] ?? 0),
      maxCallsPer10s: maxCalls,
      portalLimitPer10s: limit,
      killedHeldClaims: held,
      seconds: Math.round(seconds),
      lostIds: lostIds.slice(0, 5),
      secondChanges: [...secondChanges].sort(),
      batches: reports.reduce((n, r) => n + r.batches, 0),
      batchesFailed: reports.reduce((n, r) => n + r.failed, 0),
      deadReasons: (
        await db
          .query<{ reason: string; n: string }>(
            'select substr(error, 1, 100) as reason, count(*) as n from dead_letters group by 1',
          )
          .catch(() => ({ rows: [] as { reason: string; n: string }[] }))
      ).rows.map((r) => `${r.n} × ${r.reason}`),
    };
  } finally {
    for (const instance of instances) if (instance.child.exitCode === null) instance.child.kill('SIGTERM');
    await Promise.all(instances.map((i) => i.exited));
    await db.end();
    await sandbox.close();
    await database.drop();
  }
}
