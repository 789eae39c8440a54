/**
 * The store as a whole: the shared rate budget, health, closing, and migrations.
 */
import { describe, expect, it } from 'vitest';
import { MIGRATION_NAMES, StoreUnavailableError, migrate } from '../../../src/store/index.js';
import {
  decisionRequest,
  maxInAnyWindow,
  signal,
  T0,
  transition,
  webhookEvent,
  type TestDatabase,
} from '../helpers.js';
import { storeUnderTest } from './store-under-test.js';

/** Registers the contract; `fresh` makes a new, empty database. */
export function databaseContract(fresh: () => TestDatabase): void {
  const t = storeUnderTest(fresh);

  describe('text from outside', () => {
    // PostgreSQL refuses NUL in text; a lone surrogate is not UTF-8. Both become U+FFFD.
    const NUL = '\u0000';
    const LONE_HIGH = '\ud800';
    const LONE_LOW = '\udc00';

    it('when an event, its decision and transition carry NUL characters and lone surrogates, then they are stored with U+FFFD in their place, a redelivery is still a duplicate, and the work is queued once', async () => {
      const event = webhookEvent({
        propertyName: `job${NUL}title`,
        propertyValue: `VP${NUL}Sales${LONE_HIGH}`,
        changeSource: `CRM${NUL}UI`,
        sourceId: `${LONE_LOW}user`,
        raw: '{"propertyValue":"VP\\u0000Sales"}',
        enqueue: { portalId: 'p1', contactId: 'c1', reason: 'webhook' },
        decision: decisionRequest({ trigger: `BAD${NUL}TIMING`, decidedBy: `hubspot:${LONE_HIGH}` }),
        transitions: [transition({ to: `lead${NUL}`, details: { changeSource: `CRM${NUL}UI` } })],
      });

      const first = await t.store.events.accept([event], []);
      const again = await t.store.events.accept([event], []);

      expect(first).toEqual({ accepted: 1, duplicates: 0, enqueued: 1 });
      expect(again).toEqual({ accepted: 0, duplicates: 1, enqueued: 0 });
      const [pending] = await t.store.decisions.pending('p1', ['c1']);
      expect(pending).toMatchObject({ trigger: 'BAD\uFFFDTIMING', decidedBy: 'hubspot:\uFFFD' });
      const [stored] = await t.store.contacts.transitions('p1', 0, T0 + 1);
      expect(stored).toMatchObject({ to: 'lead\uFFFD', details: { changeSource: `CRM${NUL}UI` } });
    });

    it('when a signal and a snapshot carry NUL characters and lone surrogates, then the signal is stored with U+FFFD and the snapshot exactly (its JSON escapes them)', async () => {
      const created = await t.store.contacts.recordSignal(
        signal({ type: `demo${NUL}request`, source: `form${LONE_HIGH}`, idempotencyKey: `k${NUL}` }),
      );
      const again = await t.store.contacts.recordSignal(signal({ idempotencyKey: `k${NUL}` }));
      const properties = { jobtitle: `VP${NUL}Sales`, city: `x${LONE_LOW}` };
      await t.store.contacts.saveSnapshots([
        { portalId: 'p1', contactId: 'c1', properties, company: { name: `Acme${NUL}` }, readAt: T0 },
      ]);

      expect(created.created).toBe(true);
      expect(again.created).toBe(false);
      const signals = await t.store.contacts.signalsFor('p1', ['c1'], 0);
      expect(signals.get('c1')).toMatchObject([
        { type: 'demo\uFFFDrequest', source: 'form\uFFFD', idempotencyKey: 'k\uFFFD' },
      ]);
      const snapshot = (await t.store.contacts.snapshotsOf('p1', ['c1'])).get('c1');
      expect(snapshot).toMatchObject({ properties, company: { name: `Acme${NUL}` } });
    });
  });

  describe('rate budget', () => {
    it('when more calls are asked for than the budget allows, then acquire waits instead of rejecting and no window is overrun', async () => {
      const budget = t.store.rateBudget({ points: 4, windowMs: 300, key: `test-${Math.random()}` });
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
      expect(await t.store.health()).toEqual({ ok: true });
      expect(t.store.kind).toBe(t.db.kind);
    });

    it('when the store is closed, then health says so and writes fail as unavailable', async () => {
      await t.store.close();

      expect(await t.store.health()).toEqual({ ok: false, problem: 'store closed' });
      await expect(t.store.events.accept([webhookEvent()], [])).rejects.toBeInstanceOf(StoreUnavailableError);
    });

    it('when the store was opened, then migrating again applies nothing', async () => {
      expect(await migrate(t.db.url, { schema: t.db.schema })).toEqual([]);
      expect(MIGRATION_NAMES).toEqual([
        '0001_initial',
        '0002_feedback_loop',
        '0003_routing_and_reports',
        '0004_next_change',
        '0005_settings_guards',
        '0006_callback_expiry',
        '0008_two_sided_approval',
        '0009_publish_reason',
        '0010_deals',
        '0011_backfills',
      ]);
    });
  });
}
