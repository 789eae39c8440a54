/**
 * The set-up every contract shares: before each test a fresh, empty database and a store on it
 * whose clock the test controls; after each test both are disposed of.
 */
import { afterEach, beforeEach } from 'vitest';
import type { Store } from '../../../src/store/index.js';
import { T0, type TestDatabase } from '../helpers.js';

/** The current test's database and store, and the store's clock (`now`, reset to T0 before each test). */
export interface StoreUnderTest {
  db: TestDatabase;
  store: Store;
  now: number;
}

/** Registers the set-up in the calling suite; read `db` and `store` inside tests only. */
export function storeUnderTest(fresh: () => TestDatabase): StoreUnderTest {
  const t = { now: T0 } as StoreUnderTest;
  beforeEach(async () => {
    t.now = T0;
    t.db = fresh();
    t.store = await t.db.open({ now: () => t.now });
  });
  afterEach(async () => {
    await t.db.dispose();
  });
  return t;
}
