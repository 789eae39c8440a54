/**
 * The contact aggregate's contract: signals recorded once (and enqueued with them), snapshots,
 * evaluations and the transitions they cause.
 */
import { describe, expect, it } from 'vitest';
import { T0, evaluation, signal, transition, type TestDatabase } from '../helpers.js';
import { storeUnderTest } from './store-under-test.js';

/** Registers the contract; `fresh` makes a new, empty database. */
export function contactsContract(fresh: () => TestDatabase): void {
  const t = storeUnderTest(fresh);

  describe('signals', () => {
    it('when a signal is recorded twice with one idempotency key, then the first is kept and only it enqueues', async () => {
      const first = await t.store.contacts.recordSignal(signal({ type: 'demo_request' }), {
        portalId: 'p1',
        contactId: 'c1',
        reason: 'signal',
      });
      const claimed = await t.store.queue.claim('w1', 10, 30_000, t.now);
      await t.store.queue.complete(claimed);

      const again = await t.store.contacts.recordSignal(
        signal({ type: 'pricing_page', recordedAt: T0 + 5 }),
        {
          portalId: 'p1',
          contactId: 'c1',
          reason: 'signal',
        },
      );

      expect(first).toEqual({ created: true, signal: signal({ type: 'demo_request' }) });
      expect(again).toEqual({ created: false, signal: signal({ type: 'demo_request' }) });
      expect(claimed).toHaveLength(1);
      expect(await t.store.queue.stats()).toMatchObject({ pending: 0, claimed: 0 });
    });

    it('when signals are recorded in a batch, then each key is stored once, only the new ones are returned and only their contacts enqueued', async () => {
      await t.store.contacts.recordSignal(signal({ idempotencyKey: 'k1', contactId: 'c1' }));
      const batch = [
        signal({ idempotencyKey: 'k1', contactId: 'c1', type: 'other' }),
        signal({ idempotencyKey: 'k2', contactId: 'c2' }),
        signal({ idempotencyKey: 'k2', contactId: 'c2' }),
        signal({ idempotencyKey: 'k3', contactId: 'c3', occurredAt: T0 - 5 }),
      ];
      expect(await t.store.contacts.recordSignals(batch, 'derived-signal')).toEqual(new Set(['k2', 'k3']));
      expect(await t.store.contacts.recordSignals(batch, 'derived-signal')).toEqual(new Set());
      const claimed = await t.store.queue.claim('w1', 10, 30_000, t.now);
      expect(claimed.map((c) => [c.contactId, c.reason]).sort()).toEqual([
        ['c2', 'derived-signal'],
        ['c3', 'derived-signal'],
      ]);
      const stored = await t.store.contacts.signalsFor('p1', ['c1', 'c2', 'c3'], 0);
      expect([...stored.values()].flat().map((s) => [s.idempotencyKey, s.type])).toEqual([
        ['k1', 'demo_request'],
        ['k2', 'demo_request'],
        ['k3', 'demo_request'],
      ]);
      expect(await t.store.contacts.recordSignals([])).toEqual(new Set());
    });

    it('when the same key is used in two portals, then both signals are recorded', async () => {
      const a = await t.store.contacts.recordSignal(signal({ portalId: 'p1' }));
      const b = await t.store.contacts.recordSignal(signal({ portalId: 'p2' }));

      expect([a.created, b.created]).toEqual([true, true]);
    });

    it('when signals are read, then they come grouped by contact, oldest first, since the given time, one portal only', async () => {
      await t.store.contacts.recordSignal(
        signal({ idempotencyKey: 'a', contactId: 'c1', occurredAt: T0 - 3_000 }),
      );
      await t.store.contacts.recordSignal(
        signal({ idempotencyKey: 'b', contactId: 'c1', occurredAt: T0 - 1_000 }),
      );
      await t.store.contacts.recordSignal(
        signal({ idempotencyKey: 'c', contactId: 'c1', occurredAt: T0 - 2_000 }),
      );
      await t.store.contacts.recordSignal(
        signal({ idempotencyKey: 'd', contactId: 'c1', occurredAt: T0 - 9_000 }),
      );
      await t.store.contacts.recordSignal(
        signal({ idempotencyKey: 'e', contactId: 'c2', occurredAt: T0 - 1_000 }),
      );
      await t.store.contacts.recordSignal(signal({ idempotencyKey: 'f', contactId: 'c1', portalId: 'p2' }));

      const byContact = await t.store.contacts.signalsFor('p1', ['c1', 'c2', 'c3'], T0 - 5_000);

      expect(byContact.get('c1')?.map((s) => s.idempotencyKey)).toEqual(['a', 'c', 'b']);
      expect(byContact.get('c2')?.map((s) => s.idempotencyKey)).toEqual(['e']);
      expect(byContact.get('c3')).toEqual([]);
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
      await t.store.contacts.saveSnapshots([snap('c3', 'CTO'), snap('c1', 'VP'), snap('c2', 'Intern')]);
      await t.store.contacts.saveSnapshots([snap('c1', 'VP Sales')]);
      await t.store.contacts.saveSnapshots([{ ...snap('c9', 'x'), portalId: 'p2' }]);

      const first = await t.store.contacts.snapshotPage('p1', null, 2);
      const second = await t.store.contacts.snapshotPage('p1', first.next, 2);

      expect(first.items.map((s) => s.contactId)).toEqual(['c1', 'c2']);
      expect(first.items[0]).toEqual(snap('c1', 'VP Sales'));
      expect(first.items[1]!.company).toBeNull();
      expect(first.next).toBe('c2');
      expect(second).toEqual({ items: [snap('c3', 'CTO')], next: null });
    });

    it('when snapshots are read for contacts, then the latest of each is returned', async () => {
      await t.store.contacts.saveSnapshots([
        {
          portalId: 'p1',
          contactId: 'c1',
          properties: { lifecyclestage: 'lead' },
          company: null,
          readAt: T0,
        },
        { portalId: 'p1', contactId: 'c2', properties: {}, company: { name: 'Acme' }, readAt: T0 },
      ]);

      const snapshots = await t.store.contacts.snapshotsOf('p1', ['c1', 'c3']);
      expect([...snapshots.keys()]).toEqual(['c1']);
      expect(snapshots.get('c1')?.properties).toEqual({ lifecyclestage: 'lead' });
    });

    it('when contacts are looked up by the company of their last snapshot, then each company gets its own, of its portal only', async () => {
      const snap = (portalId: string, contactId: string, associatedcompanyid: string | null) => ({
        portalId,
        contactId,
        properties: { associatedcompanyid, jobtitle: 'CTO' },
        company: null,
        readAt: T0,
      });
      await t.store.contacts.saveSnapshots([
        snap('p1', 'c2', '500'),
        snap('p1', 'c1', '500'),
        snap('p1', 'c3', '600'),
        snap('p1', 'c4', null),
        snap('p2', 'c9', '500'),
      ]);
      // c3 moved to another company since: its latest snapshot counts.
      await t.store.contacts.saveSnapshots([snap('p1', 'c3', '700')]);

      const byCompany = await t.store.contacts.contactsOfCompanies('p1', ['500', '600', '800']);

      expect(byCompany).toEqual(
        new Map([
          ['500', ['c1', 'c2']],
          ['600', []],
          ['800', []],
        ]),
      );
      expect(await t.store.contacts.contactsOfCompanies('p1', [])).toEqual(new Map());
    });

    it('when evaluations are saved, then the latest per contact is returned and their transitions are kept in order', async () => {
      await t.store.contacts.saveEvaluations(
        [
          evaluation({ contactId: 'c1', qualification: 'iql' }),
          evaluation({ contactId: 'c2', qualification: 'nurture' }),
        ],
        [transition({ contactId: 'c1', from: 'nurture', to: 'iql', at: T0 })],
      );
      await t.store.contacts.saveEvaluations(
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

      const latest = await t.store.contacts.latestEvaluations('p1', ['c1', 'c2', 'c3']);
      const history = await t.store.contacts.transitions('p1', T0, T0 + 11);

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
      await t.store.contacts.recordTransitions([
        transition({ at: T0 - 1 }),
        transition({ at: T0 }),
        transition({ at: T0 + 99 }),
        transition({ at: T0 + 100 }),
        transition({ at: T0 + 50, portalId: 'p2' }),
      ]);

      const period = await t.store.contacts.transitions('p1', T0, T0 + 100);

      expect(period.map((t) => t.at)).toEqual([T0, T0 + 99]);
    });
  });
}
