/**
 * The SLA timers aggregate's contract: timers started, met, closed and restarted; breaches handed
 * out once per lease until their escalation is sent.
 */
import { expect, it } from 'vitest';
import { T0, decisionRequest, type TestDatabase } from '../helpers.js';
import { storeUnderTest } from './store-under-test.js';

/** Registers the contract; `fresh` makes a new, empty database. */
export function slaContract(fresh: () => TestDatabase): void {
  const t = storeUnderTest(fresh);

  it('when SLA timers run, then due ones are listed until closed, and a restart reopens a timer', async () => {
    await t.store.sla.start({
      portalId: 'p1',
      contactId: 'c1',
      kind: 'acceptance',
      startedAt: T0,
      dueAt: T0 + 100,
    });
    await t.store.sla.start({
      portalId: 'p1',
      contactId: 'c2',
      kind: 'acceptance',
      startedAt: T0,
      dueAt: T0 + 200,
    });

    expect((await t.store.sla.due(T0 + 150, 10)).map((t) => t.contactId)).toEqual(['c1']);

    await t.store.sla.close('p1', 'c1', 'acceptance', 'breached', T0 + 150);
    await t.store.sla.close('p1', 'c1', 'acceptance', 'met', T0 + 160);
    expect(await t.store.sla.due(T0 + 150, 10)).toEqual([]);
    expect(await t.store.sla.startedBetween('p1', T0, T0 + 1)).toEqual([
      {
        portalId: 'p1',
        contactId: 'c1',
        kind: 'acceptance',
        startedAt: T0,
        dueAt: T0 + 100,
        closedAt: T0 + 150,
        outcome: 'breached',
      },
      {
        portalId: 'p1',
        contactId: 'c2',
        kind: 'acceptance',
        startedAt: T0,
        dueAt: T0 + 200,
        closedAt: null,
        outcome: null,
      },
    ]);

    await t.store.sla.start({
      portalId: 'p1',
      contactId: 'c1',
      kind: 'acceptance',
      startedAt: T0 + 300,
      dueAt: T0 + 400,
    });
    expect((await t.store.sla.due(T0 + 400, 1)).map((t) => `${t.contactId}@${t.dueAt}`)).toEqual([
      `c2@${T0 + 200}`,
    ]);
    expect((await t.store.sla.due(T0 + 400, 10)).map((t) => t.contactId)).toEqual(['c2', 'c1']);
  });

  it('when a timer is met after its due time, then it stays open for the breach', async () => {
    await t.store.sla.start({
      portalId: 'p1',
      contactId: 'c1',
      kind: 'follow_up',
      startedAt: T0,
      dueAt: T0 + 10,
    });

    expect(await t.store.sla.meet('p1', 'c1', 'follow_up', T0 + 11)).toBe(false);
    expect(await t.store.sla.meet('p1', 'c1', 'follow_up', T0 + 10)).toBe(true);
    expect(await t.store.sla.meet('p1', 'c1', 'follow_up', T0 + 10)).toBe(false);
  });

  it('when timers are due, then each breach is handed out once while leased, again after the lease, and never after it was sent', async () => {
    await t.store.sla.start({
      portalId: 'p1',
      contactId: 'c1',
      kind: 'acceptance',
      startedAt: T0,
      dueAt: T0 + 10,
    });
    await t.store.sla.start({
      portalId: 'p1',
      contactId: 'c2',
      kind: 'acceptance',
      startedAt: T0,
      dueAt: T0 + 20,
    });
    await t.store.sla.start({
      portalId: 'p1',
      contactId: 'c3',
      kind: 'acceptance',
      startedAt: T0,
      dueAt: T0 + 999,
    });
    // c2's decision came in time and waits for the worker: not a breach.
    await t.store.decisions.request(decisionRequest({ contactId: 'c2', decidedAt: T0 + 15 }));

    const first = await t.store.sla.claimBreaches(T0 + 100, 10, 1_000);
    expect(first.map((t) => [t.contactId, t.outcome, t.closedAt])).toEqual([['c1', 'breached', T0 + 100]]);
    expect(await t.store.sla.claimBreaches(T0 + 200, 10, 1_000)).toEqual([]);

    const again = await t.store.sla.claimBreaches(T0 + 1_200, 10, 1_000);
    expect(again.map((t) => t.contactId).sort()).toEqual(['c1', 'c3']);
    await t.store.sla.markNotified(again, T0 + 1_201);
    expect(await t.store.sla.claimBreaches(T0 + 5_000, 10, 1_000)).toEqual([]);
    expect(await t.store.sla.due(T0 + 5_000, 10)).toEqual([
      expect.objectContaining({ contactId: 'c2', closedAt: null }),
    ]);
  });

  it('when a timer is restarted after a breach, then it runs again with no escalation owed', async () => {
    await t.store.sla.start({
      portalId: 'p1',
      contactId: 'c1',
      kind: 'acceptance',
      startedAt: T0,
      dueAt: T0 + 10,
    });
    await t.store.sla.claimBreaches(T0 + 100, 10, 1_000);
    await t.store.sla.start({
      portalId: 'p1',
      contactId: 'c1',
      kind: 'acceptance',
      startedAt: T0 + 200,
      dueAt: T0 + 300,
    });

    expect(await t.store.sla.claimBreaches(T0 + 5_000, 10, 1_000)).toMatchObject([
      { contactId: 'c1', startedAt: T0 + 200, closedAt: T0 + 5_000 },
    ]);
  });
}
