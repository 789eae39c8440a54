/**
 * The reports aggregate's contract: a week's report stored once and delivered once.
 */
import { expect, it } from 'vitest';
import { T0, type TestDatabase } from '../helpers.js';
import { storeUnderTest } from './store-under-test.js';

/** Registers the contract; `fresh` makes a new, empty database. */
export function reportsContract(fresh: () => TestDatabase): void {
  const t = storeUnderTest(fresh);

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

    expect(await t.store.reports.claimWeekly(report, T0 + 1, 1_000)).toEqual({
      ...report,
      deliveredAt: null,
      taskId: null,
    });
    expect(await t.store.reports.claimWeekly({ ...report, body: 'changed' }, T0 + 2, 1_000)).toBeNull();
    expect(
      await t.store.reports.claimWeekly({ ...report, body: 'changed' }, T0 + 2_000, 1_000),
    ).toMatchObject({
      body: 'Reasons: …',
    });
    await t.store.reports.markDelivered('p1', T0, T0 + 2_001, '9000007');
    expect(await t.store.reports.claimWeekly(report, T0 + 9_000, 1_000)).toBeNull();
    expect(await t.store.reports.weekly('p1')).toEqual([
      { ...report, deliveredAt: T0 + 2_001, taskId: '9000007' },
    ]);
  });
}
