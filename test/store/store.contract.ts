/**
 * The store's contract: one suite, run against every adapter (`sqlite.test.ts`,
 * `postgres.test.ts`). Each test gets a fresh, empty database and a store whose clock it controls.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  MIGRATION_NAMES,
  StoreNotFoundError,
  StoreUnavailableError,
  migrate,
  type RouteRecord,
  type SalesDecisionRequest,
  type Store,
  type WorkItem,
} from '../../src/store/index.js';
import {
  T0,
  evaluation,
  maxInAnyWindow,
  sampleModel,
  signal,
  transition,
  webhookEvent,
  type TestDatabase,
} from './helpers.js';

/** Registers the contract suite for one adapter; `fresh` makes a new, empty database. */
export function storeContract(fresh: () => TestDatabase): void {
  let db: TestDatabase;
  let store: Store;
  let now = T0;

  beforeEach(async () => {
    now = T0;
    db = fresh();
    store = await db.open({ now: () => now });
  });
  afterEach(async () => {
    await db.dispose();
  });

  const enqueueOne = (contactId: string, reason = 'webhook', dueAt?: number) =>
    store.enqueue([{ portalId: 'p1', contactId, reason, ...(dueAt !== undefined ? { dueAt } : {}) }]);

  describe('webhook events', () => {
    it('when the same events are delivered twice, then they are stored once and the retry counts as duplicates', async () => {
      const events = [webhookEvent({ eventId: '1' }), webhookEvent({ eventId: '2' })];
      const enqueue = [{ portalId: 'p1', contactId: 'c1', reason: 'webhook' }];

      const first = await store.acceptEvents(events, enqueue);
      const retry = await store.acceptEvents(events, enqueue);

      expect(first).toEqual({ accepted: 2, duplicates: 0, enqueued: 1 });
      expect(retry).toEqual({ accepted: 0, duplicates: 2, enqueued: 1 });
      expect(await store.queueStats()).toEqual({ pending: 1, claimed: 0, dead: 0 });
    });

    it('when a batch repeats an event, then the copy inside the batch is a duplicate too', async () => {
      const result = await store.acceptEvents([webhookEvent(), webhookEvent()], []);

      expect(result).toEqual({ accepted: 1, duplicates: 1, enqueued: 0 });
    });

    it('when events share an eventId but differ in another key field, then each is accepted', async () => {
      const base = webhookEvent({ eventId: '7' });
      const result = await store.acceptEvents(
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
      await store.acceptEvents(
        [webhookEvent({ eventId: '1', objectId: 'c1' }), webhookEvent({ eventId: '2', objectId: 'c2' })],
        [
          { portalId: 'p1', contactId: 'c1', reason: 'webhook' },
          { portalId: 'p1', contactId: 'c2', reason: 'webhook' },
          { portalId: 'p1', contactId: 'c1', reason: 'webhook' },
        ],
      );

      const items = await store.claim('w1', 10, 30_000, now);
      expect(items.map((i) => i.contactId).sort()).toEqual(['c1', 'c2']);
    });

    it('when an event carries its own work, then the work is queued only the first time the event arrives', async () => {
      const event = webhookEvent({
        eventId: '7',
        objectId: 'c7',
        enqueue: { portalId: 'p1', contactId: 'c7', reason: 'webhook' },
      });
      const first = await store.acceptEvents([event]);
      expect(first).toEqual({ accepted: 1, duplicates: 0, enqueued: 1 });
      const items = await store.claim('w1', 10, 30_000, now);
      await store.complete(items);

      const again = await store.acceptEvents([event]);
      expect(again).toEqual({ accepted: 0, duplicates: 1, enqueued: 0 });
      expect((await store.queueStats()).pending).toBe(0);
    });

    it('when old events are pruned, then only events received before the cutoff go and signals and transitions stay', async () => {
      await store.acceptEvents(
        [
          webhookEvent({ eventId: 'old', receivedAt: T0 - 10_000 }),
          webhookEvent({ eventId: 'new', receivedAt: T0 }),
        ],
        [],
      );
      await store.recordSignal(signal({ recordedAt: T0 - 20_000 }));
      await store.recordTransitions([transition({ at: T0 - 20_000 })]);

      const pruned = await store.pruneEvents(T0 - 5_000);

      expect(pruned).toBe(1);
      expect(
        (await store.acceptEvents([webhookEvent({ eventId: 'new', receivedAt: T0 })], [])).duplicates,
      ).toBe(1);
      expect(
        (await store.acceptEvents([webhookEvent({ eventId: 'old', receivedAt: T0 })], [])).accepted,
      ).toBe(1);
      expect((await store.signalsFor('p1', ['c1'], 0)).get('c1')).toHaveLength(1);
      expect(await store.transitions('p1', 0, T0)).toHaveLength(1);
    });
  });

  describe('event retention', () => {
    it('when raw events are older than the retention, then the store prunes them by itself', async () => {
      const day = 24 * 60 * 60 * 1000;
      await store.acceptEvents(
        [
          webhookEvent({ eventId: 'old', receivedAt: T0 - 3 * day }),
          webhookEvent({ eventId: 'recent', receivedAt: T0 - day / 2 }),
        ],
        [],
      );

      const pruning = await db.open({ now: () => T0, eventRetentionDays: 1 });

      await vi.waitFor(async () => {
        expect(
          (await pruning.acceptEvents([webhookEvent({ eventId: 'old', receivedAt: T0 })], [])).accepted,
        ).toBe(1);
      });
      expect((await pruning.acceptEvents([webhookEvent({ eventId: 'recent' })], [])).duplicates).toBe(1);
    });
  });

  describe('signals', () => {
    it('when a signal is recorded twice with one idempotency key, then the first is kept and only it enqueues', async () => {
      const first = await store.recordSignal(signal({ type: 'demo_request' }), {
        portalId: 'p1',
        contactId: 'c1',
        reason: 'signal',
      });
      const claimed = await store.claim('w1', 10, 30_000, now);
      await store.complete(claimed);

      const again = await store.recordSignal(signal({ type: 'pricing_page', recordedAt: T0 + 5 }), {
        portalId: 'p1',
        contactId: 'c1',
        reason: 'signal',
      });

      expect(first).toEqual({ created: true, signal: signal({ type: 'demo_request' }) });
      expect(again).toEqual({ created: false, signal: signal({ type: 'demo_request' }) });
      expect(claimed).toHaveLength(1);
      expect(await store.queueStats()).toMatchObject({ pending: 0, claimed: 0 });
    });

    it('when the same key is used in two portals, then both signals are recorded', async () => {
      const a = await store.recordSignal(signal({ portalId: 'p1' }));
      const b = await store.recordSignal(signal({ portalId: 'p2' }));

      expect([a.created, b.created]).toEqual([true, true]);
    });

    it('when signals are read, then they come grouped by contact, oldest first, since the given time, one portal only', async () => {
      await store.recordSignal(signal({ idempotencyKey: 'a', contactId: 'c1', occurredAt: T0 - 3_000 }));
      await store.recordSignal(signal({ idempotencyKey: 'b', contactId: 'c1', occurredAt: T0 - 1_000 }));
      await store.recordSignal(signal({ idempotencyKey: 'c', contactId: 'c1', occurredAt: T0 - 2_000 }));
      await store.recordSignal(signal({ idempotencyKey: 'd', contactId: 'c1', occurredAt: T0 - 9_000 }));
      await store.recordSignal(signal({ idempotencyKey: 'e', contactId: 'c2', occurredAt: T0 - 1_000 }));
      await store.recordSignal(signal({ idempotencyKey: 'f', contactId: 'c1', portalId: 'p2' }));

      const byContact = await store.signalsFor('p1', ['c1', 'c2', 'c3'], T0 - 5_000);

      expect(byContact.get('c1')?.map((s) => s.idempotencyKey)).toEqual(['a', 'c', 'b']);
      expect(byContact.get('c2')?.map((s) => s.idempotencyKey)).toEqual(['e']);
      expect(byContact.get('c3')).toEqual([]);
    });
  });

  describe('work queue', () => {
    it('when many events for one contact are enqueued, then one item is claimed with the latest reason and the earliest due time', async () => {
      await enqueueOne('c1', 'webhook', T0 + 5_000);
      await enqueueOne('c1', 'signal', T0 + 1_000);
      await enqueueOne('c1', 'rescore', T0 + 9_000);

      expect(await store.claim('w1', 10, 30_000, T0 + 999)).toEqual([]);
      const items = await store.claim('w1', 10, 30_000, T0 + 1_000);

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

      const first = await store.claim('w1', 2, 30_000, T0);
      const rest = await store.claim('w1', 2, 30_000, T0);

      expect(first.map((i) => i.contactId)).toEqual(['early', 'middle']);
      expect(rest.map((i) => i.contactId)).toEqual(['late']);
    });

    it('when claims run concurrently, then no item is handed out twice while its lease runs', async () => {
      await store.enqueue(
        Array.from({ length: 40 }, (_, i) => ({ portalId: 'p1', contactId: `c${i}`, reason: 'webhook' })),
      );

      const batches = await Promise.all(
        Array.from({ length: 6 }, (_, w) => store.claim(`w${w}`, 9, 30_000, T0)),
      );

      const ids = batches.flat().map((i) => i.contactId);
      expect(ids).toHaveLength(40);
      expect(new Set(ids).size).toBe(40);
      expect(await store.claim('w9', 10, 30_000, T0 + 29_999)).toEqual([]);
    });

    it('when a lease expires, then the item is claimed again with one more attempt and the old holder can no longer complete it', async () => {
      await enqueueOne('c1');
      const [stale] = await store.claim('crashed', 1, 1_000, T0);

      const [fresh] = await store.claim('w2', 1, 30_000, T0 + 1_000);
      await store.complete([stale!]);

      expect(fresh).toMatchObject({ contactId: 'c1', attempts: 1 });
      expect(fresh!.leaseId).not.toBe(stale!.leaseId);
      expect(await store.queueStats()).toMatchObject({ pending: 0, claimed: 1 });
      await store.complete([fresh!]);
      expect(await store.queueStats()).toMatchObject({ pending: 0, claimed: 0 });
    });

    it('when work arrives while an item is claimed, then completing it leaves the contact queued for another run', async () => {
      await enqueueOne('c1', 'webhook');
      const [item] = await store.claim('w1', 1, 30_000, T0);
      now = T0 + 100;
      await enqueueOne('c1', 'signal', T0 + 500);
      expect(await store.claim('w2', 1, 30_000, T0 + 600)).toEqual([]);

      await store.complete([item!]);

      expect(await store.claim('w2', 1, 30_000, T0 + 499)).toEqual([]);
      const [again] = await store.claim('w2', 1, 30_000, T0 + 500);
      expect(again).toMatchObject({ contactId: 'c1', reason: 'signal', attempts: 0 });
    });

    it('when an item fails with a retry time, then it is due again then with the attempt counted, and new work does not cut the back-off short', async () => {
      await enqueueOne('c1');
      const [item] = await store.claim('w1', 1, 30_000, T0);

      await store.fail(item!, 'HubSpot 503', T0 + 60_000, T0);
      await enqueueOne('c1', 'webhook', T0);

      expect(await store.claim('w1', 1, 30_000, T0 + 59_999)).toEqual([]);
      const [retry] = await store.claim('w1', 1, 30_000, T0 + 60_000);
      expect(retry).toMatchObject({ contactId: 'c1', attempts: 1 });
    });

    it('when an item fails for good, then it becomes a dead letter with its error and attempts, and a replay queues it again', async () => {
      await enqueueOne('c1', 'webhook');
      const [first] = await store.claim('w1', 1, 30_000, T0);
      await store.fail(first!, 'HubSpot 503', T0 + 1_000, T0);
      const [second] = await store.claim('w1', 1, 30_000, T0 + 1_000);

      await store.fail(second!, 'HubSpot 400: property lq_fit_score does not exist', null, T0 + 1_000);

      const dead = await store.deadLetters('p1');
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
      expect(await store.deadLetters('p2')).toEqual([]);
      expect(await store.queueStats()).toEqual({ pending: 0, claimed: 0, dead: 1 });

      expect(await store.replayDeadLetter(dead[0]!.id, T0 + 2_000)).toBe(true);
      expect(await store.replayDeadLetter(dead[0]!.id, T0 + 2_000)).toBe(false);
      expect(await store.queueStats()).toEqual({ pending: 1, claimed: 0, dead: 0 });
      const [replayed] = await store.claim('w1', 1, 30_000, T0 + 2_000);
      expect(replayed).toMatchObject({ contactId: 'c1', attempts: 0, reason: 'webhook' });
    });

    it('when an item dies while new work for its contact arrived, then the new work stays queued', async () => {
      await enqueueOne('c1', 'webhook');
      const [item] = await store.claim('w1', 1, 30_000, T0);
      await enqueueOne('c1', 'signal', T0 + 10);

      await store.fail(item!, 'boom', null, T0 + 20);

      expect(await store.queueStats()).toEqual({ pending: 1, claimed: 0, dead: 1 });
      expect(await store.claim('w1', 1, 30_000, T0 + 20)).toMatchObject([{ contactId: 'c1', attempts: 0 }]);
    });

    it('when claimed items are released, then they are due at once with their attempts unchanged', async () => {
      await enqueueOne('c1');
      const [lost] = await store.claim('w1', 1, 1_000, T0);
      const items = await store.claim('w1', 1, 30_000, T0 + 1_000);
      now = T0 + 1_000;

      await store.release(items);

      expect(lost).toBeDefined();
      expect(await store.claim('w2', 5, 30_000, T0 + 1_000)).toMatchObject([
        { contactId: 'c1', attempts: 1 },
      ]);
    });

    it('when the queue has pending, claimed and dead items, then the stats count each', async () => {
      await store.enqueue(
        ['a', 'b', 'c', 'd'].map((contactId) => ({ portalId: 'p1', contactId, reason: 'rescore' })),
      );
      const claimed: WorkItem[] = await store.claim('w1', 2, 30_000, T0);
      await store.fail(claimed[0]!, 'boom', null, T0);

      expect(await store.queueStats()).toEqual({ pending: 2, claimed: 1, dead: 1 });
    });

    it('when thousands of contacts are enqueued in one call, then each is queued once', async () => {
      const requests = Array.from({ length: 2_500 }, (_, i) => ({
        portalId: 'p1',
        contactId: `c${i % 2_000}`,
        reason: 'rescore',
      }));

      expect(await store.enqueue(requests)).toBe(2_000);
      expect(await store.queueStats()).toMatchObject({ pending: 2_000 });
    });
  });

  describe('snapshots, evaluations and transitions', () => {
    it('when snapshots are saved twice, then the latest is kept and pages come in contact-id order', async () => {
      const snap = (contactId: string, jobtitle: string) => ({
        portalId: 'p1',
        contactId,
        properties: { jobtitle, email: null },
        company: contactId === 'c2' ? null : { industry: 'COMPUTER_SOFTWARE' },
        readAt: T0,
      });
      await store.saveSnapshots([snap('c3', 'CTO'), snap('c1', 'VP'), snap('c2', 'Intern')]);
      await store.saveSnapshots([snap('c1', 'VP Sales')]);
      await store.saveSnapshots([{ ...snap('c9', 'x'), portalId: 'p2' }]);

      const first = await store.snapshots('p1', null, 2);
      const second = await store.snapshots('p1', first.next, 2);

      expect(first.items.map((s) => s.contactId)).toEqual(['c1', 'c2']);
      expect(first.items[0]).toEqual(snap('c1', 'VP Sales'));
      expect(first.items[1]!.company).toBeNull();
      expect(first.next).toBe('c2');
      expect(second).toEqual({ items: [snap('c3', 'CTO')], next: null });
    });

    it('when evaluations are saved, then the latest per contact is returned and their transitions are kept in order', async () => {
      await store.saveEvaluations(
        [
          evaluation({ contactId: 'c1', qualification: 'iql' }),
          evaluation({ contactId: 'c2', qualification: 'nurture' }),
        ],
        [transition({ contactId: 'c1', from: 'nurture', to: 'iql', at: T0 })],
      );
      await store.saveEvaluations(
        [evaluation({ contactId: 'c1', qualification: 'mql', fitScore: 88.25, evaluatedAt: T0 + 10 })],
        [
          transition({
            contactId: 'c1',
            from: 'iql',
            to: 'mql',
            at: T0 + 10,
            details: { band: 'A1', route: 'sdr' },
          }),
          transition({
            contactId: 'c1',
            kind: 'lifecycle',
            from: 'lead',
            to: 'marketingqualifiedlead',
            at: T0 + 10,
          }),
        ],
      );

      const latest = await store.latestEvaluations('p1', ['c1', 'c2', 'c3']);
      const history = await store.transitions('p1', T0, T0 + 11);

      expect([...latest.keys()].sort()).toEqual(['c1', 'c2']);
      expect(latest.get('c1')).toEqual(
        evaluation({ contactId: 'c1', qualification: 'mql', fitScore: 88.25, evaluatedAt: T0 + 10 }),
      );
      expect(history.map((t) => `${t.kind}:${t.from}->${t.to}`)).toEqual([
        'qualification:nurture->iql',
        'qualification:iql->mql',
        'lifecycle:lead->marketingqualifiedlead',
      ]);
      expect(history[1]!.details).toEqual({ band: 'A1', route: 'sdr' });
      expect(history[0]).not.toHaveProperty('details');
    });

    it('when transitions are read for a period, then the period is half-open and other portals are left out', async () => {
      await store.recordTransitions([
        transition({ at: T0 - 1 }),
        transition({ at: T0 }),
        transition({ at: T0 + 99 }),
        transition({ at: T0 + 100 }),
        transition({ at: T0 + 50, portalId: 'p2' }),
      ]);

      const period = await store.transitions('p1', T0, T0 + 100);

      expect(period.map((t) => t.at)).toEqual([T0, T0 + 99]);
    });
  });

  describe('model versions', () => {
    it('when drafts are saved, then versions are numbered from 1 per portal', async () => {
      const v1 = await store.saveDraft('p1', sampleModel, 'ann@example.com', T0);
      const v2 = await store.saveDraft('p1', sampleModel, 'ann@example.com', T0 + 1);
      const other = await store.saveDraft('p2', sampleModel, 'bob@example.com', T0);

      expect([v1.version, v2.version, other.version]).toEqual([1, 2, 1]);
      expect(v1).toEqual({
        portalId: 'p1',
        version: 1,
        status: 'draft',
        model: sampleModel,
        createdBy: 'ann@example.com',
        createdAt: T0,
        publishedBy: null,
        publishedAt: null,
        agreedBy: null,
        note: null,
      });
      expect(await store.modelVersion('p1', 2)).toEqual(v2);
      expect(await store.modelVersion('p1', 3)).toBeNull();
    });

    it('when a version is published, then it is the only published one and the previous is archived; republishing rolls back', async () => {
      await store.saveDraft('p1', sampleModel, 'ann', T0);
      await store.saveDraft('p1', sampleModel, 'ann', T0);
      expect(await store.publishedModel('p1')).toBeNull();

      await store.publish('p1', 1, { publishedBy: 'ann' }, T0 + 1);
      const v2 = await store.publish(
        'p1',
        2,
        { publishedBy: 'ann', agreedBy: 'sam', note: 'tighter fit' },
        T0 + 2,
      );
      expect(v2).toMatchObject({
        status: 'published',
        publishedBy: 'ann',
        publishedAt: T0 + 2,
        agreedBy: 'sam',
        note: 'tighter fit',
      });
      expect((await store.modelVersions('p1')).map((v) => `${v.version}:${v.status}`)).toEqual([
        '1:archived',
        '2:published',
      ]);

      const rolledBack = await store.publish('p1', 1, { publishedBy: 'ann', note: 'roll back' }, T0 + 3);

      expect(rolledBack).toMatchObject({ version: 1, status: 'published', publishedAt: T0 + 3 });
      expect((await store.publishedModel('p1'))?.version).toBe(1);
      expect((await store.modelVersions('p1')).map((v) => `${v.version}:${v.status}`)).toEqual([
        '1:published',
        '2:archived',
      ]);
    });

    it('when an unknown version is published, then it fails with not found and nothing changes', async () => {
      await store.saveDraft('p1', sampleModel, 'ann', T0);
      await store.publish('p1', 1, { publishedBy: 'ann' }, T0);

      await expect(store.publish('p1', 7, { publishedBy: 'ann' }, T0)).rejects.toBeInstanceOf(
        StoreNotFoundError,
      );
      expect((await store.publishedModel('p1'))?.version).toBe(1);
    });
  });

  describe('workflow callbacks', () => {
    it('when callbacks are added and some completed, then only open ones of the asked contacts are pending', async () => {
      const cb = (callbackId: string, contactId: string) => ({
        callbackId,
        portalId: 'p1',
        contactId,
        action: 'qualify',
        createdAt: T0,
        completedAt: null,
      });
      await store.addPendingCallback(cb('k1', 'c1'));
      await store.addPendingCallback(cb('k1', 'c1'));
      await store.addPendingCallback(cb('k2', 'c1'));
      await store.addPendingCallback(cb('k3', 'c2'));
      await store.addPendingCallback(cb('k4', 'c3'));

      await store.completeCallbacks(['k2'], T0 + 5);

      expect(await store.pendingCallbacks('p1', ['c1', 'c2'])).toEqual([cb('k1', 'c1'), cb('k3', 'c2')]);
    });
  });

  describe('feedback loop', () => {
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

      expect(await store.recordSalesDecision(decision)).toBe(true);
      expect(await store.recordSalesDecision({ ...decision, decision: 'accept' })).toBe(false);
      expect(await store.salesDecisions('p1', T0, T0 + 1)).toEqual([decision]);
      expect(await store.salesDecisions('p1', T0 + 1, T0 + 2)).toEqual([]);
    });

    it('when SLA timers run, then due ones are listed until closed, and a restart reopens a timer', async () => {
      await store.startSlaTimer({
        portalId: 'p1',
        contactId: 'c1',
        kind: 'acceptance',
        startedAt: T0,
        dueAt: T0 + 100,
      });
      await store.startSlaTimer({
        portalId: 'p1',
        contactId: 'c2',
        kind: 'acceptance',
        startedAt: T0,
        dueAt: T0 + 200,
      });

      expect((await store.dueSlaTimers(T0 + 150, 10)).map((t) => t.contactId)).toEqual(['c1']);

      await store.closeSlaTimer('p1', 'c1', 'acceptance', 'breached', T0 + 150);
      await store.closeSlaTimer('p1', 'c1', 'acceptance', 'met', T0 + 160);
      expect(await store.dueSlaTimers(T0 + 150, 10)).toEqual([]);
      expect(await store.slaTimers('p1', T0, T0 + 1)).toEqual([
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

      await store.startSlaTimer({
        portalId: 'p1',
        contactId: 'c1',
        kind: 'acceptance',
        startedAt: T0 + 300,
        dueAt: T0 + 400,
      });
      expect((await store.dueSlaTimers(T0 + 400, 1)).map((t) => `${t.contactId}@${t.dueAt}`)).toEqual([
        `c2@${T0 + 200}`,
      ]);
      expect((await store.dueSlaTimers(T0 + 400, 10)).map((t) => t.contactId)).toEqual(['c2', 'c1']);
    });
  });

  describe('feedback loop: decisions the worker applies, routes, breaches, reports', () => {
    const request = (overrides: Partial<SalesDecisionRequest> = {}): SalesDecisionRequest => ({
      portalId: 'p1',
      contactId: 'c1',
      decision: 'return',
      reason: 'wrong_timing',
      note: null,
      decidedBy: 'hubspot:CRM_UI',
      decidedAt: T0,
      idempotencyKey: 'webhook:1',
      source: 'lead-status',
      trigger: 'BAD_TIMING',
      ...overrides,
    });
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

    it('when a decision is requested twice, then it is pending once, enqueues once, and is not listed until applied', async () => {
      const enqueue = { portalId: 'p1', contactId: 'c1', reason: 'sales-decision' };

      expect(await store.requestSalesDecision(request(), enqueue)).toBe(true);
      expect(await store.requestSalesDecision(request({ decision: 'accept' }), enqueue)).toBe(false);

      expect(await store.queueStats()).toEqual({ pending: 1, claimed: 0, dead: 0 });
      expect(await store.pendingSalesDecisions('p1', ['c1', 'c2'])).toEqual([
        { ...request(), status: 'pending', outcome: null, appliedAt: null },
      ]);
      expect(await store.salesDecisions('p1', T0, T0 + 1)).toEqual([]);
      expect(await store.latestSalesDecisions('p1', ['c1'])).toEqual(new Map());
    });

    it('when a decision is settled, then its transitions and timers change with it, once, and it is listed as applied', async () => {
      await store.startSlaTimer({
        portalId: 'p1',
        contactId: 'c1',
        kind: 'acceptance',
        startedAt: T0 - 10,
        dueAt: T0 + 100,
      });
      await store.requestSalesDecision(request({ decision: 'accept', reason: null, trigger: 'CONNECTED' }));
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

      expect(await store.settleSalesDecisions([settlement])).toEqual(['webhook:1']);
      expect(await store.settleSalesDecisions([settlement])).toEqual([]);

      expect(await store.transitions('p1', T0, T0 + 1)).toHaveLength(1);
      expect(await store.salesDecision('p1', 'webhook:1')).toMatchObject({
        status: 'applied',
        outcome: { stage: 'salesqualifiedlead' },
        appliedAt: T0 + 5,
        trigger: 'CONNECTED',
      });
      expect(await store.salesDecisions('p1', T0, T0 + 1)).toEqual([
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
      expect((await store.latestSalesDecisions('p1', ['c1'])).get('c1')?.decision).toBe('accept');
      expect(
        (await store.slaTimersFor('p1', ['c1'])).map((t) => [t.kind, t.outcome, t.closedAt, t.dueAt]),
      ).toEqual([
        ['acceptance', 'met', T0, T0 + 100],
        ['follow_up', null, null, T0 + 50],
      ]);
    });

    it('when a timer is met after its due time, then it stays open for the breach', async () => {
      await store.startSlaTimer({
        portalId: 'p1',
        contactId: 'c1',
        kind: 'follow_up',
        startedAt: T0,
        dueAt: T0 + 10,
      });

      expect(await store.meetSlaTimer('p1', 'c1', 'follow_up', T0 + 11)).toBe(false);
      expect(await store.meetSlaTimer('p1', 'c1', 'follow_up', T0 + 10)).toBe(true);
      expect(await store.meetSlaTimer('p1', 'c1', 'follow_up', T0 + 10)).toBe(false);
    });

    it('when timers are due, then each breach is handed out once while leased, again after the lease, and never after it was sent', async () => {
      await store.startSlaTimer({
        portalId: 'p1',
        contactId: 'c1',
        kind: 'acceptance',
        startedAt: T0,
        dueAt: T0 + 10,
      });
      await store.startSlaTimer({
        portalId: 'p1',
        contactId: 'c2',
        kind: 'acceptance',
        startedAt: T0,
        dueAt: T0 + 20,
      });
      await store.startSlaTimer({
        portalId: 'p1',
        contactId: 'c3',
        kind: 'acceptance',
        startedAt: T0,
        dueAt: T0 + 999,
      });
      // c2's decision came in time and waits for the worker: not a breach.
      await store.requestSalesDecision(request({ contactId: 'c2', decidedAt: T0 + 15 }));

      const first = await store.claimSlaBreaches(T0 + 100, 10, 1_000);
      expect(first.map((t) => [t.contactId, t.outcome, t.closedAt])).toEqual([['c1', 'breached', T0 + 100]]);
      expect(await store.claimSlaBreaches(T0 + 200, 10, 1_000)).toEqual([]);

      const again = await store.claimSlaBreaches(T0 + 1_200, 10, 1_000);
      expect(again.map((t) => t.contactId).sort()).toEqual(['c1', 'c3']);
      await store.markSlaBreachesNotified(again, T0 + 1_201);
      expect(await store.claimSlaBreaches(T0 + 5_000, 10, 1_000)).toEqual([]);
      expect(await store.dueSlaTimers(T0 + 5_000, 10)).toEqual([
        expect.objectContaining({ contactId: 'c2', closedAt: null }),
      ]);
    });

    it('when a timer is restarted after a breach, then it runs again with no escalation owed', async () => {
      await store.startSlaTimer({
        portalId: 'p1',
        contactId: 'c1',
        kind: 'acceptance',
        startedAt: T0,
        dueAt: T0 + 10,
      });
      await store.claimSlaBreaches(T0 + 100, 10, 1_000);
      await store.startSlaTimer({
        portalId: 'p1',
        contactId: 'c1',
        kind: 'acceptance',
        startedAt: T0 + 200,
        dueAt: T0 + 300,
      });

      expect(await store.claimSlaBreaches(T0 + 5_000, 10, 1_000)).toMatchObject([
        { contactId: 'c1', startedAt: T0 + 200, closedAt: T0 + 5_000 },
      ]);
    });

    it('when routes are saved, then they replace the contact’s previous route, start timers, and owed tasks are leased until marked', async () => {
      await store.saveRoutes(
        [route(), route({ contactId: 'c2', ownerId: null, ownerSource: 'none' })],
        [{ portalId: 'p1', contactId: 'c1', kind: 'acceptance', startedAt: T0, dueAt: T0 + 48 }],
      );
      await store.saveRoutes([route({ kind: 'demo-request', routedAt: T0 + 1 })], []);

      expect((await store.routesFor('p1', ['c1', 'c2', 'c3'])).get('c1')).toEqual(
        route({ kind: 'demo-request', routedAt: T0 + 1 }),
      );
      expect((await store.slaTimersFor('p1', ['c1'])).map((t) => t.dueAt)).toEqual([T0 + 48]);
      expect((await store.claimRoutesAwaitingTask(T0 + 1, T0 + 10, 10, 100)).map((r) => r.contactId)).toEqual(
        [],
      );
      expect((await store.claimRoutesAwaitingTask(T0 + 2, T0 + 10, 10, 100)).map((r) => r.contactId)).toEqual(
        ['c1'],
      );
      expect(await store.claimRoutesAwaitingTask(T0 + 2, T0 + 20, 10, 100)).toEqual([]);
      await store.markRouteTasks([{ portalId: 'p1', contactId: 'c1', taskId: '9000001' }]);
      expect(await store.claimRoutesAwaitingTask(T0 + 2, T0 + 500, 10, 100)).toEqual([]);
      expect((await store.routesFor('p1', ['c1'])).get('c1')?.taskId).toBe('9000001');
    });

    it('when owners are taken round robin, then turns continue across calls, per portal, and skip owners no longer listed', async () => {
      expect(await store.takeRoundRobin('p1', 'new-business', ['a', 'b', 'c'], 2)).toEqual(['a', 'b']);
      expect(await store.takeRoundRobin('p1', 'new-business', ['a', 'b', 'c'], 2)).toEqual(['c', 'a']);
      expect(await store.takeRoundRobin('p2', 'new-business', ['a', 'b', 'c'], 1)).toEqual(['a']);
      // "a" became unavailable: the turn after it starts the list again.
      expect(await store.takeRoundRobin('p1', 'new-business', ['b', 'c'], 3)).toEqual(['b', 'c', 'b']);
      expect(await store.takeRoundRobin('p1', 'new-business', [], 3)).toEqual([]);
    });

    it('when concurrent callers take turns, then no owner is served twice in a row of turns', async () => {
      const turns = await Promise.all(
        Array.from({ length: 6 }, () => store.takeRoundRobin('p1', 'new-business', ['a', 'b', 'c'], 1)),
      );

      expect(turns.flat().sort()).toEqual(['a', 'a', 'b', 'b', 'c', 'c']);
    });

    it('when a weekly report is claimed, then it is stored once, handed out again only after its lease, and never after delivery', async () => {
      const report = {
        portalId: 'p1',
        weekStart: T0,
        weekEnd: T0 + 7 * 86_400_000,
        ownerId: '70000003',
        title: 'Returned leads',
        body: 'Reasons: …',
        returned: 2,
        topReasons: [{ reason: 'no_budget', label: 'No budget', count: 2, share: 1 }],
        createdAt: T0 + 1,
      };

      expect(await store.claimWeeklyReport(report, T0 + 1, 1_000)).toEqual({
        ...report,
        deliveredAt: null,
        taskId: null,
      });
      expect(await store.claimWeeklyReport({ ...report, body: 'changed' }, T0 + 2, 1_000)).toBeNull();
      expect(await store.claimWeeklyReport({ ...report, body: 'changed' }, T0 + 2_000, 1_000)).toMatchObject({
        body: 'Reasons: …',
      });
      await store.markWeeklyReportDelivered('p1', T0, T0 + 2_001, '9000007');
      expect(await store.claimWeeklyReport(report, T0 + 9_000, 1_000)).toBeNull();
      expect(await store.weeklyReports('p1')).toEqual([
        { ...report, deliveredAt: T0 + 2_001, taskId: '9000007' },
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
      await store.recordSalesDecision(applied);
      await store.recordSalesDecision({ ...applied, idempotencyKey: 'k2' });
      await store.recordSalesDecision({ ...applied, portalId: 'p3', decidedAt: T0 + 10 });
      await store.requestSalesDecision(request({ portalId: 'p4' }));

      expect(await store.portalsWithSalesDecisions(T0, T0 + 10)).toEqual(['p2']);
      expect(await store.portalsWithSalesDecisions(T0, T0 + 11)).toEqual(['p2', 'p3']);
    });

    it('when a webhook event carries a decision and transitions, then they are recorded only the first time it arrives', async () => {
      const event = webhookEvent({
        propertyName: 'hs_lead_status',
        propertyValue: 'BAD_TIMING',
        decision: request(),
        transitions: [transition({ kind: 'lifecycle', cause: 'hubspot' })],
      });

      await store.acceptEvents([event, event]);
      await store.acceptEvents([event]);

      expect(await store.pendingSalesDecisions('p1', ['c1'])).toHaveLength(1);
      expect(await store.transitions('p1', 0, T0 + 10_000_000)).toHaveLength(1);
    });

    it('when snapshots are read for contacts, then the latest of each is returned', async () => {
      await store.saveSnapshots([
        {
          portalId: 'p1',
          contactId: 'c1',
          properties: { lifecyclestage: 'lead' },
          company: null,
          readAt: T0,
        },
        { portalId: 'p1', contactId: 'c2', properties: {}, company: { name: 'Acme' }, readAt: T0 },
      ]);

      const snapshots = await store.contactSnapshots('p1', ['c1', 'c3']);
      expect([...snapshots.keys()]).toEqual(['c1']);
      expect(snapshots.get('c1')?.properties).toEqual({ lifecyclestage: 'lead' });
    });
  });

  describe('rate budget', () => {
    it('when more calls are asked for than the budget allows, then acquire waits instead of rejecting and no window is overrun', async () => {
      const budget = store.rateBudget({ points: 4, windowMs: 300, key: `test-${Math.random()}` });
      const times: number[] = [];
      const started = Date.now();

      await Promise.all(Array.from({ length: 8 }, () => budget.acquire().then(() => times.push(Date.now()))));

      expect(budget.limit).toEqual({ points: 4, windowMs: 300 });
      expect(times).toHaveLength(8);
      expect(maxInAnyWindow(times, 300)).toBeLessThanOrEqual(4);
      expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    });
  });

  describe('operations', () => {
    it('when the store is open, then it is healthy', async () => {
      expect(await store.health()).toEqual({ ok: true });
      expect(store.kind).toBe(db.kind);
    });

    it('when the store is closed, then health says so and writes fail as unavailable', async () => {
      await store.close();

      expect(await store.health()).toEqual({ ok: false, problem: 'store closed' });
      await expect(store.acceptEvents([webhookEvent()], [])).rejects.toBeInstanceOf(StoreUnavailableError);
    });

    it('when the store was opened, then migrating again applies nothing', async () => {
      expect(await migrate(db.url, { schema: db.schema })).toEqual([]);
      expect(MIGRATION_NAMES).toEqual(['0001_initial', '0002_feedback_loop', '0003_routing_and_reports']);
    });
  });
}
