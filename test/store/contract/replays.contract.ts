/**
 * The replay aggregate's contract: a key is accepted once until it expires, then forgotten; on a
 * shared database two stores see each other's keys.
 */
import { expect, it } from 'vitest';
import { T0, type TestDatabase } from '../helpers.js';
import { storeUnderTest } from './store-under-test.js';

/** Registers the contract; `fresh` makes a new, empty database. */
export function replaysContract(fresh: () => TestDatabase): void {
  const t = storeUnderTest(fresh);

  it('when a key is used twice before it expires, then only the first use is accepted', async () => {
    expect(await t.store.replays.firstUse('sig-a', T0 + 300_000, T0)).toBe(true);
    expect(await t.store.replays.firstUse('sig-a', T0 + 300_000, T0 + 299_999)).toBe(false);
    expect(await t.store.replays.firstUse('sig-b', T0 + 300_000, T0 + 1)).toBe(true);
  });

  it('when a key has expired, then it is forgotten and may be recorded again', async () => {
    expect(await t.store.replays.firstUse('sig-a', T0 + 10, T0)).toBe(true);
    expect(await t.store.replays.firstUse('sig-a', T0 + 20, T0 + 10)).toBe(true);
    expect(await t.store.replays.firstUse('sig-a', T0 + 20, T0 + 11)).toBe(false);
  });

  it('when 10 uses of one key race, then exactly one is accepted', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => t.store.replays.firstUse('sig-race', T0 + 300_000, T0)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('when a second store opens the same database, then a key the first accepted is a replay there', async () => {
    const other = await t.db.open({ now: () => T0 });
    expect(await t.store.replays.firstUse('sig-shared', T0 + 300_000, T0)).toBe(true);
    expect(await other.replays.firstUse('sig-shared', T0 + 300_000, T0)).toBe(false);
  });
}
