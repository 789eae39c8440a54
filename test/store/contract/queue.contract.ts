/**
 * The work queue's contract: coalescing per contact, claims with leases, fenced completion, retries,
 * dead letters and replays.
 */
import { expect, it } from 'vitest';
import type { WorkItem } from '../../../src/store/index.js';
import { T0, type TestDatabase } from '../helpers.js';
import { storeUnderTest } from './store-under-test.js';

/** Registers the contract; `fresh` makes a new, empty database. */
export function queueContract(fresh: () => TestDatabase): void {
  const t = storeUnderTest(fresh);
  const enqueueOne = (contactId: string, reason = 'webhook', dueAt?: number) =>
    t.store.queue.enqueue([{ portalId: 'p1', contactId, reason, ...(dueAt !== undefined ? { dueAt } : {}) }]);

  it('when many events for one contact are enqueued, then one item is claimed with the latest reason and the earliest due time', async () => {
    await enqueueOne('c1', 'webhook', T0 + 5_000);
    await enqueueOne('c1', 'signal', T0 + 1_000);
    await enqueueOne('c1', 'rescore', T0 + 9_000);

    expect(await t.store.queue.claim('w1', 10, 30_000, T0 + 999)).toEqual([]);
    const items = await t.store.queue.claim('w1', 10, 30_000, T0 + 1_000);

    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      portalId: 'p1',
      contactId: 'c1',
      reason: 'rescore',
      attempts: 0,
      enqueuedAt: T0,
    });
  });

  it('when items are claimed, then the oldest due come first and no more than the limit', async () => {
    await enqueueOne('late', 'webhook', T0 - 1_000);
    await enqueueOne('early', 'webhook', T0 - 3_000);
    await enqueueOne('middle', 'webhook', T0 - 2_000);

    const first = await t.store.queue.claim('w1', 2, 30_000, T0);
    const rest = await t.store.queue.claim('w1', 2, 30_000, T0);

    expect(first.map((i) => i.contactId)).toEqual(['early', 'middle']);
    expect(rest.map((i) => i.contactId)).toEqual(['late']);
  });

  it('when claims run concurrently, then no item is handed out twice while its lease runs', async () => {
    await t.store.queue.enqueue(
      Array.from({ length: 40 }, (_, i) => ({ portalId: 'p1', contactId: `c${i}`, reason: 'webhook' })),
    );

    const batches = await Promise.all(
      Array.from({ length: 6 }, (_, w) => t.store.queue.claim(`w${w}`, 9, 30_000, T0)),
    );

    const ids = batches.flat().map((i) => i.contactId);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
    expect(await t.store.queue.claim('w9', 10, 30_000, T0 + 29_999)).toEqual([]);
  });

  it('when a lease expires, then the item is claimed again with one more attempt and the old holder can no longer complete it', async () => {
    await enqueueOne('c1');
    const [stale] = await t.store.queue.claim('crashed', 1, 1_000, T0);

    const [fresh] = await t.store.queue.claim('w2', 1, 30_000, T0 + 1_000);
    await t.store.queue.complete([stale!]);

    expect(fresh).toMatchObject({ contactId: 'c1', attempts: 1 });
    expect(fresh!.leaseId).not.toBe(stale!.leaseId);
    expect(await t.store.queue.stats()).toMatchObject({ pending: 0, claimed: 1 });
    await t.store.queue.complete([fresh!]);
    expect(await t.store.queue.stats()).toMatchObject({ pending: 0, claimed: 0 });
  });

  it('when work arrives while an item is claimed, then completing it leaves the contact queued for another run', async () => {
    await enqueueOne('c1', 'webhook');
    const [item] = await t.store.queue.claim('w1', 1, 30_000, T0);
    t.now = T0 + 100;
    await enqueueOne('c1', 'signal', T0 + 500);
    expect(await t.store.queue.claim('w2', 1, 30_000, T0 + 600)).toEqual([]);

    await t.store.queue.complete([item!]);

    expect(await t.store.queue.claim('w2', 1, 30_000, T0 + 499)).toEqual([]);
    const [again] = await t.store.queue.claim('w2', 1, 30_000, T0 + 500);
    expect(again).toMatchObject({ contactId: 'c1', reason: 'signal', attempts: 0 });
  });

  it('when an item fails with a retry time, then it is due again then with the attempt counted, and new work does not cut the back-off short', async () => {
    await enqueueOne('c1');
    const [item] = await t.store.queue.claim('w1', 1, 30_000, T0);

    await t.store.queue.fail(item!, 'HubSpot 503', T0 + 60_000, T0);
    await enqueueOne('c1', 'webhook', T0);

    expect(await t.store.queue.claim('w1', 1, 30_000, T0 + 59_999)).toEqual([]);
    const [retry] = await t.store.queue.claim('w1', 1, 30_000, T0 + 60_000);
    expect(retry).toMatchObject({ contactId: 'c1', attempts: 1 });
  });

  it('when an item fails for good, then it becomes a dead letter with its error and attempts, and a replay queues it again', async () => {
    await enqueueOne('c1', 'webhook');
    const [first] = await t.store.queue.claim('w1', 1, 30_000, T0);
    await t.store.queue.fail(first!, 'HubSpot 503', T0 + 1_000, T0);
    const [second] = await t.store.queue.claim('w1', 1, 30_000, T0 + 1_000);

    await t.store.queue.fail(second!, 'HubSpot 400: property lq_fit_score does not exist', null, T0 + 1_000);

    const dead = await t.store.queue.deadLetters('p1');
    expect(dead).toEqual([
      {
        id: expect.any(String) as string,
        portalId: 'p1',
        contactId: 'c1',
        reason: 'webhook',
        error: 'HubSpot 400: property lq_fit_score does not exist',
        attempts: 2,
        diedAt: T0 + 1_000,
      },
    ]);
    expect(await t.store.queue.deadLetters('p2')).toEqual([]);
    expect(await t.store.queue.stats()).toEqual({ pending: 0, claimed: 0, dead: 1 });

    expect(await t.store.queue.replayDeadLetter(dead[0]!.id, T0 + 2_000)).toBe(true);
    expect(await t.store.queue.replayDeadLetter(dead[0]!.id, T0 + 2_000)).toBe(false);
    expect(await t.store.queue.stats()).toEqual({ pending: 1, claimed: 0, dead: 0 });
    const [replayed] = await t.store.queue.claim('w1', 1, 30_000, T0 + 2_000);
    expect(replayed).toMatchObject({ contactId: 'c1', attempts: 0, reason: 'webhook' });
  });

  it('when an item dies while new work for its contact arrived, then the new work stays queued', async () => {
    await enqueueOne('c1', 'webhook');
    const [item] = await t.store.queue.claim('w1', 1, 30_000, T0);
    await enqueueOne('c1', 'signal', T0 + 10);

    await t.store.queue.fail(item!, 'boom', null, T0 + 20);

    expect(await t.store.queue.stats()).toEqual({ pending: 1, claimed: 0, dead: 1 });
    expect(await t.store.queue.claim('w1', 1, 30_000, T0 + 20)).toMatchObject([
      { contactId: 'c1', attempts: 0 },
    ]);
  });

  it('when claimed items are released, then they are due at once with their attempts unchanged', async () => {
    await enqueueOne('c1');
    const [lost] = await t.store.queue.claim('w1', 1, 1_000, T0);
    const items = await t.store.queue.claim('w1', 1, 30_000, T0 + 1_000);
    t.now = T0 + 1_000;

    await t.store.queue.release(items);

    expect(lost).toBeDefined();
    expect(await t.store.queue.claim('w2', 5, 30_000, T0 + 1_000)).toMatchObject([
      { contactId: 'c1', attempts: 1 },
    ]);
  });

  it('when the queue has pending, claimed and dead items, then the stats count each', async () => {
    await t.store.queue.enqueue(
      ['a', 'b', 'c', 'd'].map((contactId) => ({ portalId: 'p1', contactId, reason: 'rescore' })),
    );
    const claimed: WorkItem[] = await t.store.queue.claim('w1', 2, 30_000, T0);
    await t.store.queue.fail(claimed[0]!, 'boom', null, T0);

    expect(await t.store.queue.stats()).toEqual({ pending: 2, claimed: 1, dead: 1 });
  });

  it('when thousands of contacts are enqueued in one call, then each is queued once', async () => {
    const requests = Array.from({ length: 2_500 }, (_, i) => ({
      portalId: 'p1',
      contactId: `c${i % 2_000}`,
      reason: 'rescore',
    }));

    expect(await t.store.queue.enqueue(requests)).toBe(2_000);
    expect(await t.store.queue.stats()).toMatchObject({ pending: 2_000 });
  });

  it('when work is scheduled for later, then it is no backlog until due, is claimed then, and a claimed contact keeps its next schedule', async () => {
    await enqueueOne('later', 'scheduled', T0 + 60_000);
    await enqueueOne('now', 'webhook');

    expect(await t.store.queue.stats()).toEqual({ pending: 1, claimed: 0, dead: 0 });
    expect(await t.store.queue.scheduled()).toEqual({ count: 1, nextDueAt: T0 + 60_000 });
    const [claimed] = await t.store.queue.claim('w1', 10, 30_000, T0);
    expect(claimed?.contactId).toBe('now');

    // Scored while claimed: its next change is scheduled; completing keeps it for then.
    await enqueueOne('now', 'scheduled', T0 + 120_000);
    await t.store.queue.complete([claimed!]);
    expect(await t.store.queue.scheduled()).toEqual({ count: 2, nextDueAt: T0 + 60_000 });
    expect(await t.store.queue.claim('w1', 10, 30_000, T0 + 59_999)).toEqual([]);

    t.now = T0 + 60_000;
    expect(await t.store.queue.stats()).toEqual({ pending: 1, claimed: 0, dead: 0 });
    const due = await t.store.queue.claim('w1', 10, 30_000, T0 + 60_000);
    expect(due.map((i) => [i.contactId, i.reason])).toEqual([['later', 'scheduled']]);
  });

  it('when a contact scheduled for later gets an event, then it is due at once (the earliest time wins)', async () => {
    await enqueueOne('c1', 'scheduled', T0 + 60_000);
    await enqueueOne('c1', 'webhook');

    expect(await t.store.queue.scheduled()).toEqual({ count: 0, nextDueAt: null });
    expect((await t.store.queue.claim('w1', 10, 30_000, T0)).map((i) => i.reason)).toEqual(['webhook']);
  });
}
