import { afterEach, describe, expect, it } from 'vitest';
import { HISTORY_CONTACT_PROPERTIES } from '../../src/core/index.js';
import { historyPropertiesFor, importHistory } from '../../src/jobs/history-import.js';
import { historyFromStore, insightsFromStore } from '../../src/jobs/insights.js';
import { CONVERTING_INDUSTRIES, generateHistorySeed } from '../../src/sandbox/history-seed.js';
import { freshPostgresDatabase, type Stack, startStack } from './helpers.js';
import { call } from './settings-calls.js';

const DAY = 86_400_000;

let stack: Stack | undefined;
let dropDatabase: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
  await dropDatabase?.();
  dropDatabase = undefined;
});

/** A service and a sandbox seeded with two years of history ending now. */
async function historyStack(contacts: number, seed: number, databaseUrl?: string) {
  const now = Date.now();
  const history = generateHistorySeed({ contacts, seed, now });
  stack = await startStack({ sandbox: { data: history.data }, ...(databaseUrl ? { databaseUrl } : {}) });
  const { crm, store, models } = stack.service;
  const deps = { crm, store, models, clock: Date.now };
  return { s: stack, history, deps, now };
}

/** Every deal the store keeps for the portal's contacts, by id. */
async function storedDeals(s: Stack, contactIds: string[]) {
  const deals = await s.service.store.deals.dealsOfContacts(s.portalId, contactIds);
  return new Map(deals.map((d) => [d.dealId, d]));
}

describe('history import: HubSpot → store → insights', () => {
  it('when a two-year history portal is imported, then insights calibrate with real n per band and the top suggestion is the planted pattern', async () => {
    const { s, history, deps, now } = await historyStack(2000, 42);
    s.sandbox.stats.reset();
    const progress: string[] = [];
    const result = await importHistory(deps, s.portalId, {
      onProgress: (p) => progress.push(`${p.phase} ${p.contacts} ${p.deals}`),
    });
    const deals = history.data.deals;
    expect(result).toMatchObject({ contacts: 2000, deals: deals.length });
    expect(progress.at(-1)).toBe(`deals 2000 ${deals.length}`);
    // 20 pages of contacts, a company read per page, the deals listed and their contacts read.
    const calls = s.sandbox.stats.snapshot().total;
    expect(calls).toBeLessThanOrEqual(20 + 20 + Math.ceil(deals.length / 100) * 2);
    console.log(
      `import of 2000 contacts and ${deals.length} deals: ${calls} HubSpot calls in ${result.now - result.startedAt} ms`,
    );

    // Every snapshot holds the contact's creation and stage dates as HubSpot has them.
    const snapshots = await s.service.store.contacts.snapshotsOf(
      s.portalId,
      history.history.map((h) => h.id),
    );
    expect(snapshots.size).toBe(2000);
    for (const h of history.history.slice(0, 50)) {
      const snap = snapshots.get(h.id)!;
      expect(Date.parse(snap.properties.createdate!)).toBe(h.createdAt);
      for (const [stage, at] of Object.entries(h.stageEntered))
        expect(Date.parse(snap.properties[`hs_v2_date_entered_${stage}`]!)).toBe(at);
    }

    const from = now - 365 * DAY;
    const insights = await call(
      s,
      'GET',
      `/settings/api/insights?from=${new Date(from).toISOString().slice(0, 10)}&outcome=customer`,
    );
    expect(insights.status).toBe(200);
    const { calibration, suggestions } = insights.json;
    expect(calibration.contacts).toBeGreaterThan(300);
    // Real n in every fit band, adding up to the contacts judged; higher fit converts better.
    const byFit = calibration.byFit as { key: string; n: number; rates: any }[];
    expect(byFit.reduce((sum, c) => sum + c.n, 0)).toBe(calibration.contacts);
    expect(byFit.filter((c) => c.n >= 30).length).toBeGreaterThanOrEqual(3);
    expect(calibration.overall.rates.customer.successes).toBeGreaterThan(10);
    const top = suggestions.suggestions[0];
    console.log(
      `insights of the last year: ${calibration.contacts} judged, customer ${calibration.overall.rates.customer.successes}; ` +
        `by fit ${byFit.map((c) => `${c.key} n=${c.n} ${c.rates.customer.successes}`).join(', ')}; top: ${top.text}`,
    );
    const planted =
      (top.segment.kind === 'industry' && CONVERTING_INDUSTRIES.has(top.segment.value)) ||
      (top.segment.kind === 'size' && ['50-199', '200-999', '1-9'].includes(top.segment.value));
    expect(planted, JSON.stringify(top.segment)).toBe(true);
    const converting = suggestions.suggestions.filter(
      (x: any) =>
        x.direction === 'more' && x.segment.kind === 'industry' && CONVERTING_INDUSTRIES.has(x.segment.value),
    );
    expect(converting.length).toBeGreaterThan(0);
  });

  /** Imports twice around a deal won in HubSpot meanwhile; on PostgreSQL when `pg` is given. */
  async function reimport(pg?: { url: string; drop: () => Promise<void> }) {
    dropDatabase = pg?.drop;
    const { s, history, deps, now } = await historyStack(300, 5, pg?.url);
    await importHistory(deps, s.portalId);
    const ids = history.history.map((h) => h.id);
    const before = await storedDeals(s, ids);
    const first = await insightsFromStore(deps, s.portalId, { from: now - 365 * DAY, to: now, now });

    // A contact judged in the period that never became an opportunity wins a deal in HubSpot.
    const judged = new Set(
      (await historyFromStore(s.service.store, s.portalId, 0, now))
        .filter((h) => h.createdAt >= now - 300 * DAY && h.stageEntered.opportunity === undefined)
        .map((h) => h.id),
    );
    const contactId = [...judged][0]!;
    s.sandbox.state.create(
      'deals',
      {
        dealname: 'won since',
        pipeline: 'default',
        dealstage: 'closedwon',
        amount: '9000',
        closedate: new Date(Date.now() - 60_000).toISOString(),
      },
      { changeSource: 'CRM_UI' },
      [
        {
          to: { id: contactId },
          types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }],
        },
      ],
    );

    const again = await importHistory(deps, s.portalId);
    expect(again.contacts).toBe(300);
    expect((await s.service.store.contacts.snapshotsOf(s.portalId, ids)).size).toBe(300);
    const after = await storedDeals(s, ids);
    expect(after.size).toBe(before.size + 1);
    for (const [id, deal] of before)
      expect(after.get(id)).toMatchObject({ ...deal, updatedAt: expect.any(Number) });
    const second = await insightsFromStore(deps, s.portalId, {
      from: now - 365 * DAY,
      to: now,
      now: Date.now(),
    });
    expect(second.calibration.contacts).toBe(first.calibration.contacts);
    expect(second.calibration.overall.rates.customer.successes).toBe(
      first.calibration.overall.rates.customer.successes + 1,
    );
  }

  it('when the import runs again, then it keeps the same snapshots and deals, and a deal won since counts as a customer', () =>
    reimport());

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'when the import runs again on PostgreSQL, then it keeps the same deals, and a deal won since counts as a customer',
    async () => reimport(await freshPostgresDatabase()),
  );

  it('when a small portal is imported, then the won and lost deals and the customers match a count by hand', async () => {
    const { s, history, deps } = await historyStack(60, 3);
    await importHistory(deps, s.portalId);
    // By hand, from the seed: a deal per contact that became an opportunity; won when it became a
    // customer; the rest lost or still open.
    const opportunities = history.history.filter((h) => h.stageEntered.opportunity !== undefined);
    const customers = history.history.filter((h) => h.stageEntered.customer !== undefined);
    const kept = [
      ...(
        await storedDeals(
          s,
          history.history.map((h) => h.id),
        )
      ).values(),
    ];
    expect(kept).toHaveLength(opportunities.length);
    expect(kept.filter((d) => d.outcome === 'won')).toHaveLength(customers.length);
    const stored = await historyFromStore(s.service.store, s.portalId, 0, Date.now());
    const withWon = stored.filter((h) => (h.deals ?? []).some((d) => d.closedWon === true)).map((h) => h.id);
    expect(withWon.sort()).toEqual(customers.map((h) => h.id).sort());
    console.log(
      `60-contact portal (seed 3): ${opportunities.length} opportunities → ${kept.length} deals, ` +
        `${customers.length} customers → ${withWon.length} won, ${kept.filter((d) => d.outcome === 'lost').length} lost, ` +
        `${kept.filter((d) => d.outcome === null).length} open`,
    );
  });
});

describe('history properties', () => {
  it('when a model reads no company property, then the history still reads the company segments and every stage date', async () => {
    const { parseModel, PRESETS } = await import('../../src/core/index.js');
    const input = structuredClone(PRESETS['seed-fit-intent']) as any;
    input.fit.criteria = input.fit.criteria.filter((c: any) => c.id === 'decision_maker');
    input.disqualifiers = [];
    delete input.thresholds.installedBase;
    const parsed = parseModel(input);
    if (!parsed.success) throw new Error(JSON.stringify(parsed.problems));
    const read = historyPropertiesFor(parsed.model);
    for (const name of HISTORY_CONTACT_PROPERTIES) expect(read.contact).toContain(name);
    expect(read.contact).toEqual(expect.arrayContaining(['associatedcompanyid', 'jobtitle', 'country']));
    expect(read.company).toEqual(expect.arrayContaining(['industry', 'numberofemployees', 'country']));
  });
});
