import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { generateHistorySeed } from '../../src/sandbox/history-seed.js';
import { captureCli, type Stack, startStack } from '../service/helpers.js';

let stack: Stack | undefined;
const saved: Record<string, string | undefined> = {};
const KEYS = [
  'HUBSPOT_ACCESS_TOKEN',
  'HUBSPOT_CLIENT_SECRET',
  'HUBSPOT_BASE_URL',
  'PUBLIC_BASE_URL',
  'DATABASE_URL',
  'LOG_LEVEL',
];

beforeEach(() => {
  for (const k of KEYS) saved[k] = process.env[k];
});
afterEach(async () => {
  for (const k of KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  await stack?.close();
  stack = undefined;
});

/** Points the CLI's environment at the stack's sandbox and database. */
function useStackEnv(s: Stack): void {
  const c = s.service.config;
  Object.assign(process.env, {
    HUBSPOT_ACCESS_TOKEN: c.HUBSPOT_ACCESS_TOKEN,
    HUBSPOT_CLIENT_SECRET: c.HUBSPOT_CLIENT_SECRET,
    HUBSPOT_BASE_URL: c.HUBSPOT_BASE_URL,
    PUBLIC_BASE_URL: c.PUBLIC_BASE_URL,
    DATABASE_URL: c.DATABASE_URL,
    LOG_LEVEL: 'silent',
  });
}

const capture = captureCli;

describe('portal commands', () => {
  it('setup is idempotent: the second run creates nothing', async () => {
    stack = await startStack({ contacts: 1 });
    useStackEnv(stack);
    const io = capture();
    expect(await runCli(['setup'], io)).toBe(0);
    expect(io.lines[0]).toMatch(/^properties created: none; already there: \d+$/);
    expect(io.lines).toContainEqual(expect.stringContaining('marketingqualifiedlead'));
  });

  it('when the token lacks scopes the app needs, then setup names each in one line and fails', async () => {
    stack = await startStack({
      contacts: 1,
      sandbox: {
        accessTokens: ['sandbox-token', 'narrow-token'],
        tokenScopes: {
          'narrow-token': ['oauth', 'crm.objects.contacts.read', 'crm.objects.contacts.write', 'automation'],
        },
      },
    });
    useStackEnv(stack);
    process.env.HUBSPOT_ACCESS_TOKEN = 'narrow-token';
    const io = capture();
    expect(await runCli(['setup'], io)).not.toBe(0);
    const lacking = io.lines
      .join('\n')
      .split('\n')
      .filter((l) => l.includes('the token lacks the scope'));
    expect(lacking.map((l) => /scope "([^"]+)"/.exec(l)?.[1])).toEqual([
      'crm.objects.companies.read',
      'crm.objects.deals.read',
      'crm.objects.deals.write',
      'crm.objects.owners.read',
      'crm.schemas.contacts.write',
    ]);
  });

  it('when the token has every scope and the model names no owners, then setup says so and in plain words which settings are empty and what happens until they are set', async () => {
    stack = await startStack({ contacts: 1 });
    useStackEnv(stack);
    const io = capture();
    expect(await runCli(['setup'], io)).toBe(0);
    expect(io.lines).toContain('token scopes: ok');
    const start = io.lines.indexOf('model settings still empty (3):');
    expect(start).toBeGreaterThan(0);
    expect(io.lines.slice(start + 1)).toEqual([
      '  - No new-business owners: new-business MQLs get no owner and no task until owners are picked for the round robin (settings page, Routing).',
      '  - No escalation owner: when sales misses an SLA (48 h to accept), lq_sla_breached is set and counted, but nobody gets an escalation task.',
      '  - No marketing owner: the weekly report of returned leads and their reasons is not sent to anyone.',
    ]);
  });

  it('rescore --all scores every contact with progress, and a second run writes nothing', async () => {
    stack = await startStack({ contacts: 230 });
    useStackEnv(stack);
    const io = capture();
    expect(await runCli(['rescore', '--all', '--portal', stack.portalId], io)).toBe(0);
    expect(io.lines.at(-1)).toMatch(
      /^rescored 230 contacts in [\d.]+ s \(\d+\/s\): 230 written, 0 refused by HubSpot$/,
    );
    expect(io.progressLines.at(-1)).toMatch(/^\[#{24}\] 230\/230 contacts, 230 written, \d+\/s, ETA 0s/);
    const again = capture();
    expect(await runCli(['rescore', '--all', '--portal', stack.portalId], again)).toBe(0);
    expect(again.lines.at(-1)).toMatch(/: 0 written, 0 refused by HubSpot$/);
  });

  it('rescore --stale lists nothing after a rescore, and names a contact whose new signal was not scored yet', async () => {
    stack = await startStack({ contacts: 20 });
    useStackEnv(stack);
    expect(await runCli(['rescore', '--all', '--portal', stack.portalId], capture())).toBe(0);
    const clean = capture();
    expect(await runCli(['rescore', '--stale', '--portal', stack.portalId], clean)).toBe(0);
    expect(clean.lines.at(-1)).toBe(`0 stale contacts in portal ${stack.portalId}`);

    const [snapshot] = (await stack.service.store.contacts.snapshotPage(stack.portalId, null, 1)).items;
    await stack.service.store.contacts.recordSignal({
      portalId: stack.portalId,
      contactId: snapshot!.contactId,
      type: 'trial_started',
      occurredAt: Date.now() - 60_000,
      source: 'test',
      idempotencyKey: 'stale-1',
      recordedAt: Date.now(),
    });
    const stale = capture();
    expect(await runCli(['rescore', '--stale', '--portal', stack.portalId], stale)).toBe(1);
    expect(stale.lines).toHaveLength(2);
    expect(stale.lines[0]).toMatch(new RegExp(`^${snapshot!.contactId}\tintent \\d+ → \\d+`));
    expect(stale.lines[1]).toBe(`1 stale contact in portal ${stack.portalId}`);
  });

  it('dead-letters lists parked work with its reason, and --replay queues it again', async () => {
    stack = await startStack({ contacts: 1 });
    useStackEnv(stack);
    const store = stack.service.store;
    await store.queue.enqueue([{ portalId: stack.portalId, contactId: '999', reason: 'webhook' }]);
    const [item] = await store.queue.claim('w', 1, 60_000, Date.now());
    await store.queue.fail(
      item!,
      'contacts.batch.update: HubSpot refused the request (400: Property values were not valid)',
      null,
      Date.now(),
    );

    const io = capture();
    expect(await runCli(['dead-letters'], io)).toBe(0);
    expect(io.lines[0]).toBe('id\tportal\tcontact\tattempts\tdied at\terror');
    const [id, portal, contact] = io.lines[1]!.split('\t');
    expect([portal, contact]).toEqual([stack.portalId, '999']);
    expect(io.lines[1]).toContain('Property values were not valid');

    const replay = capture();
    expect(await runCli(['dead-letters', '--replay', id!], replay)).toBe(0);
    expect(await store.queue.stats()).toMatchObject({ pending: 1, dead: 0 });
  });

  it('import-history reads the history portal into the database with progress, and refuses a portal the token is not for', async () => {
    const { data } = generateHistorySeed({ contacts: 150, seed: 2, now: Date.now() });
    stack = await startStack({ sandbox: { data } });
    useStackEnv(stack);
    const io = capture();
    expect(await runCli(['import-history', '--portal', stack.portalId], io)).toBe(0);
    expect(io.lines[0]).toMatch(
      new RegExp(
        `^imported portal ${stack.portalId} in [\\d.]+ s: 150 contacts \\(with their stage dates\\), \\d+ companies, ${data.deals.length} deals$`,
      ),
    );
    expect(io.lines[1]).toBe(`next: npm run cli -- insights --portal ${stack.portalId}`);
    expect(io.progressLines[0]).toMatch(/^contacts: 100 read \(\d+ companies\)/);
    expect(io.progressLines.at(-1)).toMatch(new RegExp(`^deals: ${data.deals.length} kept`));
    const insights = capture();
    expect(await runCli(['insights', '--portal', stack.portalId, '--format', 'json'], insights)).toBe(0);
    expect(JSON.parse(insights.lines.join('\n')).calibration.contacts).toBeGreaterThan(0);

    await expect(runCli(['import-history', '--portal', '999'], capture())).rejects.toThrow(
      `import-history: --portal 999 is not the token's portal (HUBSPOT_ACCESS_TOKEN belongs to portal ${stack.portalId})`,
    );
  });

  it('migrate reports the database is up to date once migrated', async () => {
    stack = await startStack({ contacts: 1 });
    useStackEnv(stack);
    const io = capture();
    expect(await runCli(['migrate'], io)).toBe(0);
    expect(io.lines[0]).toMatch(/is up to date$/);
  });
});
