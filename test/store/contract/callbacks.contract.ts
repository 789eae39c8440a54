/**
 * The callbacks aggregate's contract: BLOCKed workflow actions pending until completed or expired.
 */
import { expect, it } from 'vitest';
import { T0, type TestDatabase } from '../helpers.js';
import { storeUnderTest } from './store-under-test.js';

const DAY = 86_400_000;

const cb = (callbackId: string, contactId: string, expiresAt = T0 + DAY) => ({
  callbackId,
  portalId: 'p1',
  contactId,
  action: 'qualify',
  createdAt: T0,
  expiresAt,
  completedAt: null,
  completionError: null,
});

/** Registers the contract; `fresh` makes a new, empty database. */
export function callbacksContract(fresh: () => TestDatabase): void {
  const t = storeUnderTest(fresh);

  it('when callbacks are added and some completed, then only open ones of the asked contacts are pending', async () => {
    await t.store.callbacks.add(cb('k1', 'c1'));
    await t.store.callbacks.add(cb('k1', 'c1'));
    await t.store.callbacks.add(cb('k2', 'c1'));
    await t.store.callbacks.add(cb('k3', 'c2'));
    await t.store.callbacks.add(cb('k4', 'c3'));

    await t.store.callbacks.complete(['k2'], T0 + 5);

    expect(await t.store.callbacks.pending('p1', ['c1', 'c2'], T0 + 10)).toEqual([
      cb('k1', 'c1'),
      cb('k3', 'c2'),
    ]);
  });

  it('when a callback’s BLOCK expiration has passed, then it is no longer pending (HubSpot moved the workflow on)', async () => {
    await t.store.callbacks.add(cb('short', 'c1', T0 + 1_000));
    await t.store.callbacks.add(cb('long', 'c1', T0 + DAY));

    expect((await t.store.callbacks.pending('p1', ['c1'], T0 + 999)).map((c) => c.callbackId)).toEqual([
      'long',
      'short',
    ]);
    expect((await t.store.callbacks.pending('p1', ['c1'], T0 + 1_000)).map((c) => c.callbackId)).toEqual([
      'long',
    ]);
    expect(await t.store.callbacks.pending('p1', ['c1'], T0 + DAY + 1)).toEqual([]);
  });

  it('when HubSpot refused a completion, then the callback is settled with HubSpot’s message', async () => {
    await t.store.callbacks.add(cb('k1', 'c1'));
    await t.store.callbacks.add(cb('k2', 'c1'));

    await t.store.callbacks.complete(
      ['k1'],
      T0 + 5,
      'callbacks.complete: HubSpot refused the request (400: expired)',
    );

    expect((await t.store.callbacks.pending('p1', ['c1'], T0 + 10)).map((c) => c.callbackId)).toEqual(['k2']);
    const [row] = (await t.db.everyRow()).filter((r) => r.row.callback_id === 'k1');
    expect(row?.row).toMatchObject({
      completion_error: 'callbacks.complete: HubSpot refused the request (400: expired)',
    });
    expect(Number(row?.row.completed_at)).toBe(T0 + 5);
  });
}
