/**
 * Contacts HubSpot deleted, erased (privacy deletion) or merged: each aggregate's
 * `removeContacts`, and the whole removal riding on a webhook event in one transaction. The
 * "nothing remains" checks read every row of every table straight from the database, so a table
 * added later that keeps per-contact data fails them until its aggregate takes part.
 */
import { describe, expect, it } from 'vitest';
import type { ContactRemoval, Store } from '../../../src/store/index.js';
import {
  T0,
  decisionRequest,
  evaluation,
  signal,
  transition,
  type TestDatabase,
  webhookEvent,
} from '../helpers.js';
import { storeUnderTest } from './store-under-test.js';

/** Distinctive ids: as whole numbers they appear nowhere else in the rows. */
const GONE = '7770001';
const KEPT = '7770002';

/** Does a row mention the contact id as a whole number (not inside a longer number)? */
function mentions(row: Record<string, unknown>, id: string): boolean {
  return new RegExp(`(^|[^0-9])${id}([^0-9]|$)`).test(JSON.stringify(row));
}

/** The tables whose rows mention the contact, with how many rows each. */
async function whereMentioned(db: TestDatabase, id: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const { table, row } of await db.everyRow()) if (mentions(row, id)) out[table] = (out[table] ?? 0) + 1;
  return out;
}

/** The tables with rows keyed by the contact (`contact_id`, or `object_id` for raw events), with how many. */
async function whereOwned(db: TestDatabase, id: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const { table, row } of await db.everyRow())
    if (row.contact_id === id || row.object_id === id) out[table] = (out[table] ?? 0) + 1;
  return out;
}

/**
 * Gives a contact data in every aggregate through the ports: a raw event with a decision and a
 * transition, queued work and a dead letter, a signal, a snapshot, an evaluation, a pending
 * callback, timers, a route, and a line in a weekly report.
 */
async function fillEveryAggregate(store: Store, contactId: string, n: number): Promise<void> {
  const key = (what: string) => `${what}-${contactId}`;
  await store.events.accept([
    webhookEvent({
      eventId: String(100 + n),
      objectId: contactId,
      raw: JSON.stringify({
        objectId: Number(contactId),
        propertyName: 'jobtitle',
        propertyValue: 'VP Sales',
      }),
      enqueue: { portalId: 'p1', contactId, reason: 'webhook' },
      decision: decisionRequest({ contactId, idempotencyKey: key('webhook') }),
      transitions: [transition({ contactId, kind: 'lifecycle', from: 'lead', to: 'marketingqualifiedlead' })],
    }),
  ]);
  const claimed = await store.queue.claim('w1', 100, 60_000, T0);
  await store.queue.fail(
    claimed.find((i) => i.contactId === contactId)!,
    'HubSpot refused the write',
    null,
    T0,
  );
  await store.queue.release(claimed.filter((i) => i.contactId !== contactId));
  await store.queue.enqueue([{ portalId: 'p1', contactId, reason: 'signal' }]);
  await store.contacts.recordSignal(signal({ contactId, idempotencyKey: key('signal') }));
  await store.contacts.saveSnapshots([
    {
      portalId: 'p1',
      contactId,
      properties: { email: `person${contactId}@acme.example`, jobtitle: 'VP Sales' },
      company: { name: 'Acme' },
      readAt: T0 + n,
    },
  ]);
  await store.contacts.saveEvaluations(
    [evaluation({ contactId, evaluatedAt: T0 + n })],
    [transition({ contactId, from: 'nurture', to: 'mql' })],
  );
  await store.callbacks.add({
    callbackId: key('cb'),
    portalId: 'p1',
    contactId,
    action: 'qualify',
    createdAt: T0,
    expiresAt: T0 + 86_400_000,
    completedAt: null,
  });
  await store.routes.save(
    [
      {
        portalId: 'p1',
        contactId,
        kind: 'new-business',
        ownerId: '70000001',
        ownerSource: 'round-robin',
        why: 'new business',
        contactLabel: `Person ${contactId}`,
        followUpSlaHours: 24,
        acceptanceSlaHours: 48,
        routedAt: T0 + n,
        modelVersion: '1',
        taskBody: 'MQL: fit 100 > 60',
        taskId: null,
      },
    ],
    [{ portalId: 'p1', contactId, kind: 'acceptance', startedAt: T0 + n, dueAt: T0 + n + 100 }],
  );
  await store.sla.start({ portalId: 'p1', contactId, kind: 'follow_up', startedAt: T0, dueAt: T0 + 100 });
}

/** A weekly report quoting both contacts' notes, as core/funnel.ts writes them. */
async function reportQuoting(store: Store, ids: readonly string[]): Promise<void> {
  await store.reports.claimWeekly(
    {
      portalId: 'p1',
      weekStart: T0,
      weekEnd: T0 + 7 * 86_400_000,
      ownerId: '70000007',
      title: 'Returned leads',
      body: [
        'Returned leads',
        '',
        'Notes from sales:',
        ...ids.map((id) => `  contact ${id} (Wrong timing): call in spring`),
      ].join('\n'),
      returned: ids.length,
      topReasons: [{ reason: 'wrong_timing', label: 'Wrong timing', count: ids.length, share: 1 }],
      createdAt: T0,
    },
    T0,
    1_000,
  );
}

/** The webhook event that carries a removal (e.g. `contact.privacyDeletion`). */
function removalEvent(subscriptionType: string, removal: ContactRemoval, objectId: string) {
  return webhookEvent({
    eventId: `9${subscriptionType.length}`,
    subscriptionType,
    objectId,
    propertyName: null,
    propertyValue: null,
    raw: JSON.stringify({ subscriptionType, objectId: Number(objectId) }),
    removal,
  });
}

/** Registers the contract; `fresh` makes a new, empty database. */
export function removalContract(fresh: () => TestDatabase): void {
  const t = storeUnderTest(fresh);

  describe('the whole store, through a webhook event', () => {
    it('when a contact is erased for privacy, then no row of any table names it but the erasure event, and other contacts keep everything', async () => {
      await fillEveryAggregate(t.store, GONE, 1);
      await fillEveryAggregate(t.store, KEPT, 2);
      await reportQuoting(t.store, [GONE, KEPT]);
      const keptBefore = await whereMentioned(t.db, KEPT);
      expect(Object.keys(await whereMentioned(t.db, GONE)).sort()).toEqual([
        'contact_routes',
        'contact_snapshots',
        'dead_letters',
        'evaluations',
        'pending_callbacks',
        'sales_decisions',
        'signals',
        'sla_timers',
        'transitions',
        'webhook_events',
        'weekly_reports',
        'work_queue',
      ]);

      await t.store.events.accept([
        removalEvent('contact.privacyDeletion', { kind: 'erased', portalId: 'p1', contactIds: [GONE] }, GONE),
      ]);

      expect(await whereMentioned(t.db, GONE)).toEqual({ webhook_events: 1 });
      const left = (await t.db.everyRow()).filter((r) => mentions(r.row, GONE));
      expect(left.map((r) => r.row.subscription_type)).toEqual(['contact.privacyDeletion']);
      expect(await whereMentioned(t.db, KEPT)).toEqual(keptBefore);
      expect((await t.store.reports.weekly('p1'))[0]!.body).toContain(`contact ${KEPT} (Wrong timing)`);
    });

    it('when a contact is deleted, then only its lifecycle history (transitions) and the deletion event remain', async () => {
      await fillEveryAggregate(t.store, GONE, 1);
      await fillEveryAggregate(t.store, KEPT, 2);
      const keptBefore = await whereMentioned(t.db, KEPT);

      await t.store.events.accept([
        removalEvent('object.deletion', { kind: 'deleted', portalId: 'p1', contactIds: [GONE] }, GONE),
      ]);

      expect(await whereMentioned(t.db, GONE)).toEqual({ transitions: 2, webhook_events: 1 });
      expect(await whereMentioned(t.db, KEPT)).toEqual(keptBefore);
    });

    it('when the same removal arrives twice (a HubSpot retry), then the second changes nothing', async () => {
      await fillEveryAggregate(t.store, GONE, 1);
      const removal: ContactRemoval = { kind: 'erased', portalId: 'p1', contactIds: [GONE] };

      await t.store.events.accept([removalEvent('contact.privacyDeletion', removal, GONE)]);
      const after = await t.db.everyRow();
      expect(
        await t.store.events.accept([removalEvent('contact.privacyDeletion', removal, GONE)]),
      ).toMatchObject({
        accepted: 0,
        duplicates: 1,
      });

      expect(await t.db.everyRow()).toEqual(after);
    });

    it('when a contact is merged into another, then its data is the survivor’s, the survivor keeps its own one-per-contact records, and it is queued once', async () => {
      await fillEveryAggregate(t.store, GONE, 1);
      await fillEveryAggregate(t.store, KEPT, 2);
      await reportQuoting(t.store, [GONE]);
      await t.store.sla.close('p1', KEPT, 'follow_up', 'met', T0 + 5);

      await t.store.events.accept([
        removalEvent('contact.merge', { kind: 'merged', portalId: 'p1', from: [GONE], into: KEPT }, KEPT),
      ]);

      // Only raw events are still keyed by the merged-away id (history as received).
      expect(await whereOwned(t.db, GONE)).toEqual({ webhook_events: 1 });
      const signals = await t.store.contacts.signalsFor('p1', [KEPT], 0);
      expect(
        signals
          .get(KEPT)
          ?.map((s) => s.idempotencyKey)
          .sort(),
      ).toEqual([`signal-${GONE}`, `signal-${KEPT}`]);
      expect((await t.store.contacts.snapshotsOf('p1', [KEPT])).get(KEPT)?.readAt).toBe(T0 + 2);
      expect((await t.store.contacts.latestEvaluations('p1', [KEPT])).get(KEPT)?.evaluatedAt).toBe(T0 + 2);
      expect((await t.store.routes.routesOf('p1', [KEPT])).get(KEPT)?.routedAt).toBe(T0 + 2);
      expect(
        (await t.store.sla.timersOf('p1', [KEPT]))
          .map((timer) => [timer.kind, timer.startedAt, timer.outcome])
          .sort(),
      ).toEqual([
        ['acceptance', T0 + 2, null],
        ['follow_up', T0, 'met'],
      ]);
      expect((await t.store.callbacks.pending('p1', [KEPT], T0)).map((c) => c.callbackId).sort()).toEqual([
        `cb-${GONE}`,
        `cb-${KEPT}`,
      ]);
      expect((await t.store.decisions.pending('p1', [KEPT])).map((d) => d.idempotencyKey).sort()).toEqual([
        `webhook-${GONE}`,
        `webhook-${KEPT}`,
      ]);
      expect((await t.store.queue.deadLetters('p1')).map((d) => d.contactId)).toEqual([KEPT, KEPT]);
      expect(await t.store.queue.claim('w1', 100, 60_000, T0 + 20)).toMatchObject([
        { contactId: KEPT, reason: 'merge' },
      ]);
      expect((await t.store.reports.weekly('p1'))[0]!.body).toContain(`contact ${KEPT} (Wrong timing)`);
    });
  });

  describe('each aggregate on its own', () => {
    it('when removeContacts is asked of each aggregate, then each forgets its part and nothing else', async () => {
      await fillEveryAggregate(t.store, GONE, 1);
      await fillEveryAggregate(t.store, KEPT, 2);
      await reportQuoting(t.store, [GONE, KEPT]);
      const keptBefore = await whereMentioned(t.db, KEPT);
      const removal: ContactRemoval = { kind: 'erased', portalId: 'p1', contactIds: [GONE] };
      const parts: [string, () => Promise<void>, string[]][] = [
        [
          'contacts',
          () => t.store.contacts.removeContacts(removal),
          ['signals', 'contact_snapshots', 'evaluations', 'transitions'],
        ],
        ['decisions', () => t.store.decisions.removeContacts(removal), ['sales_decisions']],
        ['callbacks', () => t.store.callbacks.removeContacts(removal), ['pending_callbacks']],
        ['sla', () => t.store.sla.removeContacts(removal), ['sla_timers']],
        ['routes', () => t.store.routes.removeContacts(removal), ['contact_routes']],
        ['queue', () => t.store.queue.removeContacts(removal, T0), ['work_queue', 'dead_letters']],
        ['reports', () => t.store.reports.removeContacts(removal), ['weekly_reports']],
        ['events', () => t.store.events.removeContacts(removal), ['webhook_events']],
      ];

      for (const [aggregate, remove, tables] of parts) {
        const before = await whereMentioned(t.db, GONE);
        await remove();
        const after = await whereMentioned(t.db, GONE);
        for (const table of tables) expect(after[table], `${aggregate}: ${table}`).toBeUndefined();
        for (const [table, count] of Object.entries(after))
          expect(count, `${aggregate} must leave ${table} alone`).toBe(before[table]);
      }

      expect(await whereMentioned(t.db, GONE)).toEqual({});
      expect(await whereMentioned(t.db, KEPT)).toEqual(keptBefore);
    });

    it('when a merge names the survivor among the merged ids, then the survivor’s data is not touched', async () => {
      await fillEveryAggregate(t.store, KEPT, 2);
      const before = await t.db.everyRow();

      await t.store.contacts.removeContacts({ kind: 'merged', portalId: 'p1', from: [KEPT], into: KEPT });

      expect(await t.db.everyRow()).toEqual(before);
    });
  });
}
