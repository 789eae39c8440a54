/**
 * The backfills aggregate's contract: a portal's checkpoint is taken by one holder at a time,
 * continued from where it stopped, finished once, and started over only when asked.
 */
import { expect, it } from 'vitest';
import { T0, type TestDatabase } from '../helpers.js';
import { storeUnderTest } from './store-under-test.js';

const LEASE = 60_000;
const progress = { cursor: 'after-100', pages: 1, contacts: 100, signalsFound: 7, signalsCreated: 5 };

/** Registers the contract; `fresh` makes a new, empty database. */
export function backfillsContract(fresh: () => TestDatabase): void {
  const t = storeUnderTest(fresh);

  it('when a portal has no backfill, then a claim starts one from the first page', async () => {
    expect(await t.store.backfills.get('p1')).toBeNull();
    const claim = await t.store.backfills.claim('p1', 'cli-1', T0, LEASE);
    expect(claim).toEqual({
      claimed: true,
      resumed: false,
      record: {
        portalId: 'p1',
        status: 'running',
        cursor: null,
        pages: 0,
        contacts: 0,
        signalsFound: 0,
        signalsCreated: 0,
        startedAt: T0,
        finishedAt: null,
        updatedAt: T0,
        holder: 'cli-1',
        leaseUntil: T0 + LEASE,
      },
    });
  });

  it('when the holder stopped after a page, then the next claim continues from that checkpoint', async () => {
    await t.store.backfills.claim('p1', 'cli-1', T0, LEASE);
    expect(await t.store.backfills.checkpoint('p1', 'cli-1', progress, T0 + 10, LEASE)).toBe(true);
    await t.store.backfills.release('p1', 'cli-1');
    const claim = await t.store.backfills.claim('p1', 'cli-2', T0 + 20, LEASE);
    expect(claim).toMatchObject({
      claimed: true,
      resumed: true,
      record: { ...progress, status: 'running', startedAt: T0, holder: 'cli-2', leaseUntil: T0 + 20 + LEASE },
    });
  });

  it('when another holder’s lease is live, then the claim is refused, restart or not; once it runs out, it is taken over', async () => {
    await t.store.backfills.claim('p1', 'service-a', T0, LEASE);
    await t.store.backfills.checkpoint('p1', 'service-a', progress, T0 + 5, LEASE);
    for (const restart of [false, true])
      expect(await t.store.backfills.claim('p1', 'cli-1', T0 + 10, LEASE, { restart })).toMatchObject({
        claimed: false,
        reason: 'held',
        record: { holder: 'service-a' },
      });
    // service-a crashed: its lease runs out and the work continues from its checkpoint.
    const taken = await t.store.backfills.claim('p1', 'cli-1', T0 + 5 + LEASE + 1, LEASE);
    expect(taken).toMatchObject({ claimed: true, resumed: true, record: { cursor: 'after-100' } });
    // The old holder, back, can no longer save or finish.
    expect(await t.store.backfills.checkpoint('p1', 'service-a', progress, T0 + LEASE * 2, LEASE)).toBe(
      false,
    );
    expect(await t.store.backfills.finish('p1', 'service-a', T0 + LEASE * 2)).toBe(false);
  });

  it('when it is finished, then a claim is refused as finished unless restarted, which resets it', async () => {
    await t.store.backfills.claim('p1', 'cli-1', T0, LEASE);
    await t.store.backfills.checkpoint('p1', 'cli-1', { ...progress, cursor: null }, T0 + 5, LEASE);
    expect(await t.store.backfills.finish('p1', 'cli-1', T0 + 6)).toBe(true);
    expect(await t.store.backfills.get('p1')).toMatchObject({
      status: 'finished',
      finishedAt: T0 + 6,
      holder: null,
      leaseUntil: null,
      contacts: 100,
    });
    expect(await t.store.backfills.claim('p1', 'cli-2', T0 + 7, LEASE)).toMatchObject({
      claimed: false,
      reason: 'finished',
    });
    expect(await t.store.backfills.claim('p1', 'cli-2', T0 + 8, LEASE, { restart: true })).toMatchObject({
      claimed: true,
      resumed: false,
      record: { status: 'running', cursor: null, contacts: 0, startedAt: T0 + 8, finishedAt: null },
    });
  });

  it('when the same holder claims again while its lease lasts, then it keeps its checkpoint', async () => {
    await t.store.backfills.claim('p1', 'cli-1', T0, LEASE);
    await t.store.backfills.checkpoint('p1', 'cli-1', progress, T0 + 1, LEASE);
    expect(await t.store.backfills.claim('p1', 'cli-1', T0 + 2, LEASE)).toMatchObject({
      claimed: true,
      resumed: true,
      record: { cursor: 'after-100' },
    });
    expect(await t.store.backfills.get('p2')).toBeNull();
  });

  it('when 5 holders claim one portal at once, then exactly one gets it', async () => {
    const claims = await Promise.all(
      Array.from({ length: 5 }, (_, i) => t.store.backfills.claim('p1', `h${i}`, T0, LEASE)),
    );
    expect(claims.filter((c) => c.claimed)).toHaveLength(1);
  });
}
