/**
 * The routes aggregate's contract: the latest route per contact with its timers, owed tasks leased
 * until marked, and the round robin shared by concurrent callers.
 */
import { expect, it } from 'vitest';
import type { RouteRecord } from '../../../src/store/index.js';
import { T0, type TestDatabase } from '../helpers.js';
import { storeUnderTest } from './store-under-test.js';

/** Registers the contract; `fresh` makes a new, empty database. */
export function routesContract(fresh: () => TestDatabase): void {
  const t = storeUnderTest(fresh);
  const route = (overrides: Partial<RouteRecord> = {}): RouteRecord => ({
    portalId: 'p1',
    contactId: 'c1',
    kind: 'new-business',
    ownerId: '70000001',
    ownerSource: 'round-robin',
    why: 'new business MQL',
    contactLabel: 'Ann Smit',
    followUpSlaHours: 24,
    acceptanceSlaHours: 48,
    routedAt: T0,
    modelVersion: '1',
    taskBody: 'MQL: fit 100 > 60',
    taskId: null,
    ...overrides,
  });

  it('when routes are saved, then they replace the contact’s previous route, start timers, and owed tasks are leased until marked', async () => {
    await t.store.routes.save(
      [route(), route({ contactId: 'c2', ownerId: null, ownerSource: 'none' })],
      [{ portalId: 'p1', contactId: 'c1', kind: 'acceptance', startedAt: T0, dueAt: T0 + 48 }],
    );
    await t.store.routes.save([route({ kind: 'demo-request', routedAt: T0 + 1 })], []);

    expect((await t.store.routes.routesOf('p1', ['c1', 'c2', 'c3'])).get('c1')).toEqual(
      route({ kind: 'demo-request', routedAt: T0 + 1 }),
    );
    expect((await t.store.sla.timersOf('p1', ['c1'])).map((t) => t.dueAt)).toEqual([T0 + 48]);
    expect(
      (await t.store.routes.claimAwaitingTask(T0 + 1, T0 + 10, 10, 100)).map((r) => r.contactId),
    ).toEqual([]);
    expect(
      (await t.store.routes.claimAwaitingTask(T0 + 2, T0 + 10, 10, 100)).map((r) => r.contactId),
    ).toEqual(['c1']);
    expect(await t.store.routes.claimAwaitingTask(T0 + 2, T0 + 20, 10, 100)).toEqual([]);
    await t.store.routes.markTasks([{ portalId: 'p1', contactId: 'c1', taskId: '9000001' }]);
    expect(await t.store.routes.claimAwaitingTask(T0 + 2, T0 + 500, 10, 100)).toEqual([]);
    expect((await t.store.routes.routesOf('p1', ['c1'])).get('c1')?.taskId).toBe('9000001');
  });

  it('when owners are taken round robin, then turns continue across calls, per portal, and skip owners no longer listed', async () => {
    expect(await t.store.routes.takeRoundRobin('p1', 'new-business', ['a', 'b', 'c'], 2)).toEqual(['a', 'b']);
    expect(await t.store.routes.takeRoundRobin('p1', 'new-business', ['a', 'b', 'c'], 2)).toEqual(['c', 'a']);
    expect(await t.store.routes.takeRoundRobin('p2', 'new-business', ['a', 'b', 'c'], 1)).toEqual(['a']);
    // "a" became unavailable: the turn after it starts the list again.
    expect(await t.store.routes.takeRoundRobin('p1', 'new-business', ['b', 'c'], 3)).toEqual(['b', 'c', 'b']);
    expect(await t.store.routes.takeRoundRobin('p1', 'new-business', [], 3)).toEqual([]);
  });

  it('when concurrent callers take turns, then no owner is served twice in a row of turns', async () => {
    const turns = await Promise.all(
      Array.from({ length: 6 }, () =>
        t.store.routes.takeRoundRobin('p1', 'new-business', ['a', 'b', 'c'], 1),
      ),
    );

    expect(turns.flat().sort()).toEqual(['a', 'a', 'b', 'b', 'c', 'c']);
  });
}
