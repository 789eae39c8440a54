/**
 * The history backfill end to end against the sandbox: two years of a portal's changes (form
 * conversions, opt-outs, meetings with outcomes) are played on the sandbox; one service hears them
 * live through webhooks as they happen, another database is filled by `rescore --all --backfill`
 * from HubSpot's property history afterwards. Both must hold exactly the same derived signals.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { loadConfig } from '../../src/config.js';
import { derivedReads } from '../../src/hubspot/crm-history.js';
import { type BackfillDeps, backfillPortal } from '../../src/jobs/backfill.js';
import { DERIVED_SIGNAL_SOURCE } from '../../src/jobs/derive-signals.js';
import type { Service } from '../../src/service.js';
import { createContacts, historyClock, playHistory } from './history-changes.js';
import { captureCli, queryStackDatabase, type Stack, startStack } from './helpers.js';

const TWO_YEARS_MS = 730 * 86_400_000;
const ENV_KEYS = ['HUBSPOT_ACCESS_TOKEN', 'HUBSPOT_BASE_URL', 'DATABASE_URL', 'LOG_LEVEL'] as const;

const stacks: Stack[] = [];
const cleanups: (() => Promise<void>)[] = [];
const savedEnv: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};
afterEach(async () => {
  for (const k of ENV_KEYS) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
  // Services first, the stack that owns the sandbox last.
  for (const s of stacks.reverse()) await s.close();
  stacks.length = 0;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function stack(options: Parameters<typeof startStack>[0]): Promise<Stack> {
  const s = await startStack(options);
  stacks.push(s);
  return s;
}

/** A sandbox whose clock starts two years back, with no contacts of its own, served by a first stack. */
async function historyStack() {
  const clock = historyClock(TWO_YEARS_MS);
  const live = await stack({ contacts: 0, sandbox: { now: clock.now } });
  return { clock, live };
}

/** The derived signals a stack's database holds, as comparable rows. */
async function derivedRows(s: Stack) {
  const rows = await queryStackDatabase<{ contact_id: string; type: string; occurred_at: number; k: string }>(
    s,
    `select contact_id, type, occurred_at, idempotency_key as k from signals
      where source = '${DERIVED_SIGNAL_SOURCE}' order by idempotency_key`,
  );
  return rows.map((r) => ({ ...r, occurred_at: Number(r.occurred_at) }));
}

const capture = captureCli;

/** Points the CLI at the sandbox and at this stack's database. */
function cliEnv(s: Stack): void {
  for (const k of ENV_KEYS) savedEnv[k] = process.env[k];
  const c = s.service.config;
  Object.assign(process.env, {
    HUBSPOT_ACCESS_TOKEN: c.HUBSPOT_ACCESS_TOKEN,
    HUBSPOT_BASE_URL: c.HUBSPOT_BASE_URL,
    DATABASE_URL: c.DATABASE_URL,
    LOG_LEVEL: 'silent',
  });
}

function backfillDeps(service: Service): BackfillDeps {
  return { ...service.scoreDeps, crm: service.crm, store: service.store, reads: derivedReads(service.crm) };
}

describe('history backfill', () => {
  it('when two years of changes are heard live and then backfilled from history, then both hold exactly the same signals', async () => {
    const { clock, live } = await historyStack();
    const ids = createContacts(live.sandbox, 30);
    const played = await playHistory(live.sandbox, clock, ids, {
      seed: 3,
      changesPerContact: 5,
      onStep: async (events) => {
        const report = await live.deliver(events);
        expect(report.failed).toBe(0);
        await live.service.worker.drain();
      },
    });
    expect(played.noShows).toBeGreaterThan(3);
    expect(played.demoRequests).toBeGreaterThan(3);
    expect(played.optOuts).toBeGreaterThan(3);
    const heardLive = await derivedRows(live);
    expect(new Set(heardLive.map((r) => r.type))).toEqual(
      new Set(['demo_requested', 'demo_no_show', 'unsubscribed']),
    );
    // Signals are dated with HubSpot's timestamps, spread over the two years.
    const dates = heardLive.map((r) => r.occurred_at);
    expect(Math.max(...dates) - Math.min(...dates)).toBeGreaterThan(300 * 86_400_000);

    const backfilled = await stack({ sharedSandbox: live.sandbox });
    cliEnv(backfilled);
    live.sandbox.stats.reset();
    const io = capture();
    expect(await runCli(['rescore', '--all', '--backfill', '--portal', live.portalId], io)).toBe(0);
    expect(await derivedRows(backfilled)).toEqual(heardLive);
    expect(io.lines.at(-1)).toMatch(
      new RegExp(
        `^backfilled 30 contacts in [\\d.]+ s \\(\\d+/s\\): ${heardLive.length} derived signals found, ${heardLive.length} new; \\d+ written, 0 refused by HubSpot$`,
      ),
    );
    expect(io.progressLines.at(-1)).toMatch(
      new RegExp(
        `^\\[#{24}\\] 30/30 contacts, ${heardLive.length} signals \\(${heardLive.length} new\\), \\d+ written, \\d+/s, ETA 0s`,
      ),
    );
    // One page: one history read of the 30 contacts, one association read, the meetings' history.
    expect(live.sandbox.stats.count('contacts.batch.read')).toBe(1);
    expect(live.sandbox.stats.count('associations.v4.batch.read')).toBe(1);
    expect(live.sandbox.stats.count('meetings.batch.read')).toBe(Math.ceil(played.meetings / 50));
    // Scoring saw the signals: the same intent as the live service gave each contact.
    const intent = (s: Stack) =>
      queryStackDatabase<{ contact_id: string; intent_score: number }>(
        s,
        'select contact_id, intent_score from evaluations order by contact_id',
      );
    const liveIntent = await intent(live);
    const heard = new Set(liveIntent.map((r) => r.contact_id));
    expect(heard.size).toBeGreaterThan(10);
    // Recent signals still count (older ones have aged out): intent is not all zero.
    expect(liveIntent.some((r) => r.intent_score !== 0)).toBe(true);
    expect((await intent(backfilled)).filter((r) => heard.has(r.contact_id))).toEqual(liveIntent);

    // Finished: a rerun is a no-op without a HubSpot call beyond the count; --restart finds nothing new.
    live.sandbox.stats.reset();
    const again = capture();
    expect(await runCli(['rescore', '--all', '--backfill', '--portal', live.portalId], again)).toBe(0);
    expect(again.lines.at(-1)).toMatch(
      /^the backfill of portal \d+ finished at \S+ \(30 contacts, \d+ signals\); nothing to do: pass --restart to run it again$/,
    );
    expect(live.sandbox.stats.snapshot().total).toBe(1);
    const restarted = capture();
    expect(
      await runCli(['rescore', '--all', '--backfill', '--restart', '--portal', live.portalId], restarted),
    ).toBe(0);
    expect(restarted.lines.at(-1)).toMatch(
      new RegExp(`: ${heardLive.length} derived signals found, 0 new; 0 written, 0 refused by HubSpot$`),
    );
    expect(await derivedRows(backfilled)).toEqual(heardLive);
  });

  it('when a backfill crashes midway, then the next run continues from its checkpoint and records nothing twice', async () => {
    const { clock, live } = await historyStack();
    const ids = createContacts(live.sandbox, 120);
    await playHistory(live.sandbox, clock, ids, { seed: 5, changesPerContact: 4 });

    // The reference: one uninterrupted backfill, pages of 100 (HubSpot's listing limit).
    const reference = await stack({ sharedSandbox: live.sandbox });
    live.sandbox.stats.reset();
    const whole = await backfillPortal(backfillDeps(reference.service), live.portalId, { holder: 'ref' });
    expect(whole).toMatchObject({ status: 'finished', progress: { pages: 2, scored: 120 } });
    // 50 records per history read at most (the sandbox refuses more, as HubSpot does): ⌈120/50⌉.
    expect(live.sandbox.stats.count('contacts.batch.read')).toBe(Math.ceil(120 / 50));
    const expected = await derivedRows(reference);
    expect(expected.length).toBeGreaterThan(40);

    // The crash: the database fails in the middle of the second page's signals.
    const crashing = await stack({ sharedSandbox: live.sandbox });
    const store = crashing.service.store;
    let batches = 0;
    const failingStore = Object.create(store) as typeof store;
    Object.defineProperty(failingStore, 'contacts', {
      value: Object.assign(Object.create(store.contacts) as typeof store.contacts, {
        // The process dies right after the second page's signals are committed, before its checkpoint.
        recordSignals: async (...args: Parameters<typeof store.contacts.recordSignals>) => {
          const created = await store.contacts.recordSignals(...args);
          if (++batches === 2) throw new Error('disk I/O error');
          return created;
        },
      }),
    });
    const deps = { ...backfillDeps(crashing.service), store: failingStore };
    await expect(
      backfillPortal(deps, live.portalId, { holder: 'first', pageSize: 40, concurrency: 1 }),
    ).rejects.toThrow('disk I/O error');
    const checkpoint = await store.backfills.get(live.portalId);
    expect(checkpoint).toMatchObject({ status: 'running', pages: 1, contacts: 40, holder: null });
    expect(checkpoint!.cursor).not.toBeNull();
    const partial = (await derivedRows(crashing)).length;
    expect(partial).toBeGreaterThan(checkpoint!.signalsCreated);

    // Stopped on purpose after the next page (Ctrl-C): the checkpoint moves on, the lease is let go.
    const abort = new AbortController();
    const stopped = await backfillPortal(backfillDeps(crashing.service), live.portalId, {
      holder: 'second',
      pageSize: 40,
      concurrency: 1,
      signal: abort.signal,
      onProgress: () => abort.abort(),
    });
    expect(stopped).toMatchObject({
      status: 'interrupted',
      resumed: true,
      progress: { pages: 2, scored: 80 },
    });

    live.sandbox.stats.reset();
    const resumed = await backfillPortal(backfillDeps(crashing.service), live.portalId, {
      holder: 'third',
      pageSize: 40,
    });
    expect(resumed).toMatchObject({ status: 'finished', resumed: true, progress: { pages: 3, scored: 120 } });
    // Only the last page was read again.
    expect(live.sandbox.stats.count('contacts.list')).toBe(1);
    expect(live.sandbox.stats.count('contacts.batch.read')).toBe(1);
    expect(await derivedRows(crashing)).toEqual(expected);
    const counted = await queryStackDatabase<{ n: number }>(
      crashing,
      `select count(*) as n from signals where source = '${DERIVED_SIGNAL_SOURCE}'`,
    );
    expect(Number(counted[0]!.n)).toBe(expected.length);
  });

  it('when HubSpot fails on one page while another is in flight, then the checkpoint stays in page order and a rerun completes the same signals', async () => {
    const { clock, live } = await historyStack();
    const ids = createContacts(live.sandbox, 120);
    await playHistory(live.sandbox, clock, ids, { seed: 6, changesPerContact: 4 });
    const reference = await stack({ sharedSandbox: live.sandbox });
    await backfillPortal(backfillDeps(reference.service), live.portalId, { holder: 'ref', pageSize: 40 });
    const expected = await derivedRows(reference);

    const s = await stack({ sharedSandbox: live.sandbox });
    const deps = backfillDeps(s.service);
    let historyReads = 0;
    const failingReads = {
      ...deps.reads,
      readHistories: (...args: Parameters<typeof deps.reads.readHistories>) =>
        args[0] === 'contacts' && ++historyReads === 2
          ? Promise.reject(new Error('HubSpot answered 502'))
          : deps.reads.readHistories(...args),
    };
    await expect(
      backfillPortal({ ...deps, reads: failingReads }, live.portalId, {
        holder: 'first',
        pageSize: 40,
        concurrency: 2,
      }),
    ).rejects.toThrow('HubSpot answered 502');
    const checkpoint = await s.service.store.backfills.get(live.portalId);
    expect(checkpoint).toMatchObject({ status: 'running', holder: null });
    // The second page failed: the checkpoint never moves past it, whatever else finished.
    expect(checkpoint!.pages).toBeLessThanOrEqual(1);
    expect(checkpoint!.contacts).toBe(checkpoint!.pages * 40);

    const rerun = await backfillPortal(deps, live.portalId, { holder: 'second', pageSize: 40 });
    expect(rerun).toMatchObject({ status: 'finished', resumed: true, progress: { pages: 3, scored: 120 } });
    expect(await derivedRows(s)).toEqual(expected);
  });

  it('when the service starts for a portal with no finished backfill, then it backfills in the background once; BACKFILL_ON_INSTALL=false leaves it off', async () => {
    const { clock, live } = await historyStack();
    const ids = createContacts(live.sandbox, 20);
    await playHistory(live.sandbox, clock, ids, { seed: 9, changesPerContact: 5 });

    const off = await stack({
      sharedSandbox: live.sandbox,
      env: { BACKFILL_ON_INSTALL: 'false' },
      service: { backfillOnStart: true },
    });
    expect(off.service.installBackfill).toBeNull();
    expect(await off.service.store.backfills.get(off.portalId)).toBeNull();

    const dir = await mkdtemp(join(tmpdir(), 'lq-backfill-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const url = join(dir, 'lq.sqlite');
    const on = await stack({
      sharedSandbox: live.sandbox,
      databaseUrl: url,
      service: { backfillOnStart: true },
    });
    const outcome = await on.service.installBackfill!.done;
    expect(outcome).toMatchObject({ status: 'finished', progress: { scored: 20 } });
    expect(await on.service.store.backfills.get(on.portalId)).toMatchObject({
      status: 'finished',
      contacts: 20,
    });
    const signals = await derivedRows(on);
    expect(signals.length).toBeGreaterThan(5);

    // Restarted on the same database: finished, so nothing is read again.
    await on.close();
    stacks.splice(stacks.indexOf(on), 1);
    live.sandbox.stats.reset();
    const restarted = await stack({
      sharedSandbox: live.sandbox,
      databaseUrl: url,
      service: { backfillOnStart: true },
    });
    expect(await restarted.service.installBackfill!.done).toBeNull();
    expect(live.sandbox.stats.count('contacts.list')).toBe(0);
    expect(await derivedRows(restarted)).toEqual(signals);
  });

  it('when BACKFILL_ON_INSTALL is neither true nor false, then start-up stops naming it; unset, it is on', () => {
    const valid = {
      HUBSPOT_ACCESS_TOKEN: 't',
      HUBSPOT_CLIENT_SECRET: 's',
      PUBLIC_BASE_URL: 'https://lq.example.test',
    };
    expect(() => loadConfig({ ...valid, BACKFILL_ON_INSTALL: 'no' })).toThrow(
      'BACKFILL_ON_INSTALL must be true or false',
    );
    expect(loadConfig(valid).BACKFILL_ON_INSTALL).toBe(true);
    expect(loadConfig({ ...valid, BACKFILL_ON_INSTALL: 'false' }).BACKFILL_ON_INSTALL).toBe(false);
  });

  it('when --backfill comes without --all, or --restart without --backfill, then it is a usage error naming the flag', async () => {
    await expect(runCli(['rescore', '--backfill', '--portal', '1'], capture())).rejects.toMatchObject({
      exitCode: 2,
      message: 'rescore: --backfill goes with --all (rescore --all --backfill --portal <id>)',
    });
    await expect(runCli(['rescore', '--all', '--restart', '--portal', '1'], capture())).rejects.toMatchObject(
      {
        exitCode: 2,
        message: 'rescore: --restart goes with --backfill',
      },
    );
  });
});
