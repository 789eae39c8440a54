/**
 * The store as a whole: the shared rate budget, health, closing, and migrations.
 */
import { describe, expect, it } from 'vitest';
import { MIGRATION_NAMES, StoreUnavailableError, migrate } from '../../../src/store/index.js';
import { maxInAnyWindow, webhookEvent, type TestDatabase } from '../helpers.js';
import { storeUnderTest } from './store-under-test.js';

/** Registers the contract; `fresh` makes a new, empty database. */
export function databaseContract(fresh: () => TestDatabase): void {
  const t = storeUnderTest(fresh);

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
      ]);
    });
  });
}
