/**
 * What the shared store implementation needs from a database adapter: a Kysely instance, a write
 * transaction with the right locking, a way to recognise "unavailable" errors, and the rate budget
 * that fits the deployment (in-process for SQLite, shared through the database for PostgreSQL).
 */
import type { Kysely } from 'kysely';
import type { UnavailableProblem } from './errors.js';
import type { DialectKind } from './migrations/index.js';
import type { RateBudgetLimit } from './rate-budget.js';
import type { Database } from './schema.js';
import type { RateBudget } from './store.port.js';

/** The small logger the store reports background trouble to (pino's `logger.warn` fits). */
export interface StoreLogger {
  warn(obj: object, msg: string): void;
}

/** One opened database. */
export interface Backend {
  readonly kind: DialectKind;
  /** `SQLite` or `PostgreSQL`, for messages. */
  readonly label: string;
  readonly db: Kysely<Database>;
  /**
   * Runs `fn` in one write transaction and commits, or rolls back if it throws. On SQLite the
   * transaction starts with `BEGIN IMMEDIATE`, so it holds the write lock from its first read.
   */
  transaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  /** Why `error` means the database is unavailable (`disk full`, `connection refused`), or null. */
  problem(error: unknown): UnavailableProblem | null;
  /** The migrator's schema for its bookkeeping tables (PostgreSQL), or undefined (SQLite). */
  migrationSchema(): Promise<string | undefined>;
  /** A budget of calls per window; shared with other instances when the database is. */
  rateBudget(limit: RateBudgetLimit): RateBudget;
  close(): Promise<void>;
}
