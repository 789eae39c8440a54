/**
 * The callbacks aggregate's contract: BLOCKed workflow actions pending until completed.
 */
import { expect, it } from 'vitest';
import { T0, type TestDatabase } from '../helpers.js';
import { storeUnderTest } from './store-under-test.js';

/** Registers the contract; `fresh` makes a new, empty database. */
export function callbacksContract(fresh: () => TestDatabase): void {
  const t = storeUnderTest(fresh);

  it('when callbacks are added and some completed, then only open ones of the asked contacts are pending', async () => {
    const cb = (callbackId: string, contactId: string) => ({
      callbackId,
      portalId: 'p1',
      contactId,
      action: 'qualify',
      createdAt: T0,
      completedAt: null,
    });
    await t.store.callbacks.add(cb('k1', 'c1'));
    await t.store.callbacks.add(cb('k1', 'c1'));
    await t.store.callbacks.add(cb('k2', 'c1'));
    await t.store.callbacks.add(cb('k3', 'c2'));
    await t.store.callbacks.add(cb('k4', 'c3'));

    await t.store.callbacks.complete(['k2'], T0 + 5);

    expect(await t.store.callbacks.pending('p1', ['c1', 'c2'])).toEqual([cb('k1', 'c1'), cb('k3', 'c2')]);
  });
}
