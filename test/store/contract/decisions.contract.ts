/**
 * The sales decisions aggregate's contract: decisions recorded once, pending until settled with
 * their transitions and timers, then listed as applied.
 */
import { expect, it } from 'vitest';
import { T0, decisionRequest, transition, type TestDatabase } from '../helpers.js';
import { storeUnderTest } from './store-under-test.js';

/** Registers the contract; `fresh` makes a new, empty database. */
export function decisionsContract(fresh: () => TestDatabase): void {
  const t = storeUnderTest(fresh);

  it('when a sales decision is recorded twice, then it is stored once and listed in its period', async () => {
    const decision = {
      portalId: 'p1',
      contactId: 'c1',
      decision: 'return' as const,
      reason: 'no_budget',
      note: null,
      decidedBy: 'sam',
      decidedAt: T0,
      idempotencyKey: 'cb-9',
    };

    expect(await t.store.decisions.record(decision)).toBe(true);
    expect(await t.store.decisions.record({ ...decision, decision: 'accept' })).toBe(false);
    expect(await t.store.decisions.applied('p1', T0, T0 + 1)).toEqual([decision]);
    expect(await t.store.decisions.applied('p1', T0 + 1, T0 + 2)).toEqual([]);
  });

  it('when a decision is requested twice, then it is pending once, enqueues once, and is not listed until applied', async () => {
    const enqueue = { portalId: 'p1', contactId: 'c1', reason: 'sales-decision' };

    expect(await t.store.decisions.request(decisionRequest(), enqueue)).toBe(true);
    expect(await t.store.decisions.request(decisionRequest({ decision: 'accept' }), enqueue)).toBe(false);

    expect(await t.store.queue.stats()).toEqual({ pending: 1, claimed: 0, dead: 0 });
    expect(await t.store.decisions.pending('p1', ['c1', 'c2'])).toEqual([
      { ...decisionRequest(), status: 'pending', outcome: null, appliedAt: null },
    ]);
    expect(await t.store.decisions.applied('p1', T0, T0 + 1)).toEqual([]);
    expect(await t.store.decisions.latest('p1', ['c1'])).toEqual(new Map());
  });

  it('when a decision is settled, then its transitions and timers change with it, once, and it is listed as applied', async () => {
    await t.store.sla.start({
      portalId: 'p1',
      contactId: 'c1',
      kind: 'acceptance',
      startedAt: T0 - 10,
      dueAt: T0 + 100,
    });
    await t.store.decisions.request(
      decisionRequest({ decision: 'accept', reason: null, trigger: 'CONNECTED' }),
    );
    const settlement = {
      portalId: 'p1',
      idempotencyKey: 'webhook:1',
      status: 'applied' as const,
      outcome: { stage: 'salesqualifiedlead' },
      at: T0 + 5,
      transitions: [transition({ kind: 'sales_decision', from: null, to: 'accept', at: T0 })],
      meetTimers: [{ contactId: 'c1', kind: 'acceptance' as const, at: T0 }],
      startTimers: [
        { portalId: 'p1', contactId: 'c1', kind: 'follow_up' as const, startedAt: T0, dueAt: T0 + 50 },
      ],
    };

    expect(await t.store.decisions.settle([settlement])).toEqual(['webhook:1']);
    expect(await t.store.decisions.settle([settlement])).toEqual([]);

    expect(await t.store.contacts.transitions('p1', T0, T0 + 1)).toHaveLength(1);
    expect(await t.store.decisions.get('p1', 'webhook:1')).toMatchObject({
      status: 'applied',
      outcome: { stage: 'salesqualifiedlead' },
      appliedAt: T0 + 5,
      trigger: 'CONNECTED',
    });
    expect(await t.store.decisions.applied('p1', T0, T0 + 1)).toEqual([
      {
        portalId: 'p1',
        contactId: 'c1',
        decision: 'accept',
        reason: null,
        note: null,
        decidedBy: 'hubspot:CRM_UI',
        decidedAt: T0,
        idempotencyKey: 'webhook:1',
      },
    ]);
    expect((await t.store.decisions.latest('p1', ['c1'])).get('c1')?.decision).toBe('accept');
    expect(
      (await t.store.sla.timersOf('p1', ['c1'])).map((t) => [t.kind, t.outcome, t.closedAt, t.dueAt]),
    ).toEqual([
      ['acceptance', 'met', T0, T0 + 100],
      ['follow_up', null, null, T0 + 50],
    ]);
  });

  it('when decisions are applied in a period, then their portals are listed once', async () => {
    const applied = {
      portalId: 'p2',
      contactId: 'c1',
      decision: 'accept' as const,
      reason: null,
      note: null,
      decidedBy: null,
      decidedAt: T0,
      idempotencyKey: 'k1',
    };
    await t.store.decisions.record(applied);
    await t.store.decisions.record({ ...applied, idempotencyKey: 'k2' });
    await t.store.decisions.record({ ...applied, portalId: 'p3', decidedAt: T0 + 10 });
    await t.store.decisions.request(decisionRequest({ portalId: 'p4' }));

    expect(await t.store.decisions.portalsWithDecisions(T0, T0 + 10)).toEqual(['p2']);
    expect(await t.store.decisions.portalsWithDecisions(T0, T0 + 11)).toEqual(['p2', 'p3']);
  });
}
