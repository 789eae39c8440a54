/**
 * The events aggregate's contract: webhook events stored once, the work of each new event queued
 * with it in one transaction, and old events pruned.
 */
import { expect, it, vi } from 'vitest';
import { T0, decisionRequest, signal, transition, webhookEvent, type TestDatabase } from '../helpers.js';
import { storeUnderTest } from './store-under-test.js';

/** Registers the contract; `fresh` makes a new, empty database. */
export function eventsContract(fresh: () => TestDatabase): void {
  const t = storeUnderTest(fresh);

  it('when the same events are delivered twice, then they are stored once and the retry counts as duplicates', async () => {
    const events = [webhookEvent({ eventId: '1' }), webhookEvent({ eventId: '2' })];
    const enqueue = [{ portalId: 'p1', contactId: 'c1', reason: 'webhook' }];

    const first = await t.store.events.accept(events, enqueue);
    const retry = await t.store.events.accept(events, enqueue);

    expect(first).toEqual({ accepted: 2, duplicates: 0, enqueued: 1 });
    expect(retry).toEqual({ accepted: 0, duplicates: 2, enqueued: 1 });
    expect(await t.store.queue.stats()).toEqual({ pending: 1, claimed: 0, dead: 0 });
  });

  it('when a batch repeats an event, then the copy inside the batch is a duplicate too', async () => {
    const result = await t.store.events.accept([webhookEvent(), webhookEvent()], []);

    expect(result).toEqual({ accepted: 1, duplicates: 1, enqueued: 0 });
  });

  it('when events share an eventId but differ in another key field, then each is accepted', async () => {
    const base = webhookEvent({ eventId: '7' });
    const result = await t.store.events.accept(
      [
        base,
        { ...base, propertyName: null },
        { ...base, propertyName: 'email' },
        { ...base, occurredAt: base.occurredAt + 1 },
        { ...base, objectId: 'c2' },
        { ...base, subscriptionId: 's2' },
        { ...base, portalId: 'p2' },
      ],
      [],
    );

    expect(result.accepted).toBe(7);
    expect(result.duplicates).toBe(0);
  });

  it('when events are accepted, then their contacts are queued in the same call, coalesced per contact', async () => {
    await t.store.events.accept(
      [webhookEvent({ eventId: '1', objectId: 'c1' }), webhookEvent({ eventId: '2', objectId: 'c2' })],
      [
        { portalId: 'p1', contactId: 'c1', reason: 'webhook' },
        { portalId: 'p1', contactId: 'c2', reason: 'webhook' },
        { portalId: 'p1', contactId: 'c1', reason: 'webhook' },
      ],
    );

    const items = await t.store.queue.claim('w1', 10, 30_000, t.now);
    expect(items.map((i) => i.contactId).sort()).toEqual(['c1', 'c2']);
  });

  it('when an event carries its own work, then the work is queued only the first time the event arrives', async () => {
    const event = webhookEvent({
      eventId: '7',
      objectId: 'c7',
      enqueue: { portalId: 'p1', contactId: 'c7', reason: 'webhook' },
    });
    const first = await t.store.events.accept([event]);
    expect(first).toEqual({ accepted: 1, duplicates: 0, enqueued: 1 });
    const items = await t.store.queue.claim('w1', 10, 30_000, t.now);
    await t.store.queue.complete(items);

    const again = await t.store.events.accept([event]);
    expect(again).toEqual({ accepted: 0, duplicates: 1, enqueued: 0 });
    expect((await t.store.queue.stats()).pending).toBe(0);
  });

  it('when a webhook event carries a decision and transitions, then they are recorded only the first time it arrives', async () => {
    const event = webhookEvent({
      propertyName: 'hs_lead_status',
      propertyValue: 'BAD_TIMING',
      decision: decisionRequest(),
      transitions: [transition({ kind: 'lifecycle', cause: 'hubspot' })],
    });

    await t.store.events.accept([event, event]);
    await t.store.events.accept([event]);

    expect(await t.store.decisions.pending('p1', ['c1'])).toHaveLength(1);
    expect(await t.store.contacts.transitions('p1', 0, T0 + 10_000_000)).toHaveLength(1);
  });

  it('when old events are pruned, then only events received before the cutoff go and signals and transitions stay', async () => {
    await t.store.events.accept(
      [
        webhookEvent({ eventId: 'old', receivedAt: T0 - 10_000 }),
        webhookEvent({ eventId: 'new', receivedAt: T0 }),
      ],
      [],
    );
    await t.store.contacts.recordSignal(signal({ recordedAt: T0 - 20_000 }));
    await t.store.contacts.recordTransitions([transition({ at: T0 - 20_000 })]);

    const pruned = await t.store.events.prune(T0 - 5_000);

    expect(pruned).toBe(1);
    expect(
      (await t.store.events.accept([webhookEvent({ eventId: 'new', receivedAt: T0 })], [])).duplicates,
    ).toBe(1);
    expect(
      (await t.store.events.accept([webhookEvent({ eventId: 'old', receivedAt: T0 })], [])).accepted,
    ).toBe(1);
    expect((await t.store.contacts.signalsFor('p1', ['c1'], 0)).get('c1')).toHaveLength(1);
    expect(await t.store.contacts.transitions('p1', 0, T0)).toHaveLength(1);
  });

  it('when raw events are older than the retention, then the store prunes them by itself', async () => {
    const day = 24 * 60 * 60 * 1000;
    await t.store.events.accept(
      [
        webhookEvent({ eventId: 'old', receivedAt: T0 - 3 * day }),
        webhookEvent({ eventId: 'recent', receivedAt: T0 - day / 2 }),
      ],
      [],
    );

    const pruning = await t.db.open({ now: () => T0, eventRetentionDays: 1 });

    await vi.waitFor(async () => {
      expect(
        (await pruning.events.accept([webhookEvent({ eventId: 'old', receivedAt: T0 })], [])).accepted,
      ).toBe(1);
    });
    expect((await pruning.events.accept([webhookEvent({ eventId: 'recent' })], [])).duplicates).toBe(1);
  });
}
