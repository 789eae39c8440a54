import { afterEach, describe, expect, it } from 'vitest';
import { CliError, type CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run.js';
import { hubSpotSignatureHeaders } from '../../src/hubspot/signature.js';
import { PUBLIC, SECRET, type Stack, startStack } from './helpers.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const H = 3_600_000;

/** 10 MQLs yesterday: 3 accepted (1 became an opportunity), 5 returned (3 no budget, 2 unclear), 2 open. */
async function seedHistory(s: Stack) {
  const store = s.service.store;
  const t0 = Date.now() - 24 * H;
  for (let i = 0; i < 10; i++) {
    const contactId = `f${i}`;
    const at = t0 + i * 60_000;
    await store.contacts.recordTransitions([
      {
        portalId: s.portalId,
        contactId,
        kind: 'lifecycle',
        from: 'lead',
        to: 'marketingqualifiedlead',
        at,
        modelVersion: 'seed-fit-intent@1',
        cause: 'evaluation',
        details: { route: 'new-business', band: 'fit-high/intent-high', rules: ['industry'] },
      },
    ]);
    if (i < 3)
      await store.decisions.record({
        portalId: s.portalId,
        contactId,
        decision: 'accept',
        reason: null,
        note: null,
        decidedAt: at + 5 * H,
        decidedBy: 'rep',
        idempotencyKey: `d${i}`,
      });
    else if (i < 8)
      await store.decisions.record({
        portalId: s.portalId,
        contactId,
        decision: 'return',
        reason: i < 6 ? 'no_budget' : 'unclear_mql',
        note: null,
        decidedAt: at + 7 * H,
        decidedBy: 'rep',
        idempotencyKey: `d${i}`,
      });
  }
  await store.contacts.recordTransitions([
    {
      portalId: s.portalId,
      contactId: 'f0',
      kind: 'lifecycle',
      from: 'salesqualifiedlead',
      to: 'opportunity',
      at: t0 + 10 * H,
      modelVersion: 'seed-fit-intent@1',
      cause: 'hubspot',
    },
  ]);
}

describe('funnel reports', () => {
  it('the settings API serves the funnel of a period as JSON, signed and scoped to the portal', async () => {
    stack = await startStack({ contacts: 1 });
    await seedHistory(stack);
    const query = `?from=${encodeURIComponent(new Date(Date.now() - 7 * 24 * H).toISOString())}&portalId=${stack.portalId}&userId=1`;
    const headers = hubSpotSignatureHeaders({
      clientSecret: SECRET,
      method: 'GET',
      uri: `${PUBLIC}/settings/api/funnel${query}`,
      rawBody: '',
      timestamp: Date.now(),
    });
    const response = await fetch(`${stack.url}/settings/api/funnel${query}`, { headers });
    expect(response.status).toBe(200);
    const report = (await response.json()) as any;
    expect(report).toMatchObject({
      mqls: 10,
      accepted: 3,
      returned: 5,
      undecided: 2,
      sqls: 3,
      opportunities: 1,
    });
    expect(report.acceptanceRate).toBeCloseTo(0.3, 6);
    expect(report.lostReasons).toEqual([
      { reason: 'no_budget', label: 'No budget', count: 3, share: 0.6 },
      { reason: 'unclear_mql', label: 'No idea why this is an MQL', count: 2, share: 0.4 },
    ]);
    expect(report.warnings.map((w: { code: string }) => w.code)).toEqual([
      'mql_to_sql_low',
      'sql_to_opportunity_low',
      'unclear_mql_reason',
    ]);
  });

  it('cli report prints the same funnel as a table, CSV or JSON from the store alone', async () => {
    stack = await startStack({ contacts: 1 });
    await seedHistory(stack);
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = stack.service.config.DATABASE_URL;
    try {
      const lines: string[] = [];
      const io: CliIo = { out: (l) => lines.push(l), err: (l) => lines.push(l), now: () => new Date() };
      expect(
        await runCli(['report', '--portal', stack.portalId, '--format', 'table', '--cost', '3000'], io),
      ).toBe(0);
      expect(lines).toContainEqual(expect.stringMatching(/^ {2}MQL→SQL\s+30\.0%$/));
      expect(lines).toContainEqual(expect.stringMatching(/^ {2}cost per SQL\s+1000\.00$/));
      expect(lines).toContainEqual(expect.stringMatching(/3\s+60\.0%\s+No budget$/));
      expect(lines.some((l) => l.startsWith('Warning: "No idea why this is an MQL"'))).toBe(true);

      lines.length = 0;
      expect(await runCli(['report', '--portal', stack.portalId, '--format', 'csv'], io)).toBe(0);
      expect(lines[0]).toBe('figure,value');
      expect(lines).toContain('acceptance rate,30.0%');

      lines.length = 0;
      expect(await runCli(['report', '--portal', stack.portalId, '--format', 'json'], io)).toBe(0);
      expect(JSON.parse(lines.join('\n'))).toMatchObject({ mqls: 10, sqls: 3 });

      await expect(runCli(['report', '--portal', stack.portalId, '--format', 'xml'], io)).rejects.toThrow(
        CliError,
      );
      await expect(runCli(['report'], io)).rejects.toThrow('--portal');
    } finally {
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
    }
  });
});
