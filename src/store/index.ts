/**
 * The store: persistence behind the {@link Store} port. `openStore` picks the adapter from the
 * configuration, applies pending migrations and returns a ready store.
 *
 * - SQLite (default, zero set-up): one file, WAL mode, one process.
 * - PostgreSQL (`DATABASE_URL=postgres://…`): several instances share the data, the work queue
 *   (claims with `FOR UPDATE SKIP LOCKED`) and the HubSpot rate budget.
 */
import type { StoreLogger } from './backend.js';
import { runMigrations } from './migrate.js';
import { openBackend, type OpenStoreConfig } from './open.js';
import { SqlStore } from './sql/sql-store.js';
import type { Store } from './store.port.js';

export * from './store.port.js';
export type { StoreLogger } from './backend.js';
export { migrate } from './migrate.js';
export { DEFAULT_SQLITE_PATH, resolveTarget, type OpenStoreConfig, type StoreTarget } from './open.js';
export { createRateBudget, planSlices, type RateBudgetLimit, type SlicePlan } from './rate-budget.js';
export { MIGRATION_NAMES } from './migrations/index.js';

/** Everything `openStore` accepts. */
export interface StoreConfig extends OpenStoreConfig {
  /** Raw webhook events are deleted after this many days (default 30; 0 keeps them). */
  eventRetentionDays?: number | undefined;
  /** The clock for times the callers do not pass (default `Date.now`). */
  now?: (() => number) | undefined;
  logger?: StoreLogger | undefined;
}

/**
 * Opens the configured database, applies pending migrations and returns the store. Rejects with
 * `StoreUnavailableError` when the database cannot be reached or written.
 */
export async function openStore(config: StoreConfig = {}): Promise<Store> {
  const backend = await openBackend(config);
  try {
    await runMigrations(backend);
  } catch (error) {
    await backend.close().catch(() => undefined);
    throw error;
  }
  return new SqlStore(backend, {
    now: config.now ?? Date.now,
    eventRetentionDays: config.eventRetentionDays ?? 30,
    ...(config.logger !== undefined ? { logger: config.logger } : {}),
  });
}
