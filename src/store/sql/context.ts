/**
 * What the SQL of every aggregate shares, one copy for the whole store: the database handle and its
 * kind, the clock, the write transaction, and error translation (`run`, `read`, `transact`), which
 * turns "the database is unavailable" errors (full disk, lost connection) into
 * {@link StoreUnavailableError} and remembers a failed write, whatever the aggregate, so that
 * health reports not-ready until a write succeeds again (a read-only probe cannot see a full disk).
 * The query helpers the aggregates share are in `queries.ts`.
 */
import type { Kysely } from 'kysely';
import type { Backend } from '../backend.js';
import { toStoreError } from '../errors.js';
import type { Database } from '../schema.js';

/** The shared state and plumbing of one opened store; every aggregate gets the same one. */
export class SqlContext {
  readonly kind: 'sqlite' | 'postgres';
  readonly db: Kysely<Database>;
  /** Why the last write failed as unavailable; null once a write commits. Health reads it. */
  writeProblem: string | null = null;
  /** Set when the store is closed: every failure from then on is "store closed". */
  closed = false;

  constructor(
    private readonly backend: Backend,
    /** The clock for times the callers do not pass (enqueue defaults, completion). */
    readonly now: () => number,
  ) {
    this.kind = backend.kind;
    this.db = backend.db;
  }

  /** Runs a write, translating errors; `what` names the operation in messages (`acceptEvents`). */
  async run<T>(what: string, fn: () => Promise<T>, write = true): Promise<T> {
    try {
      const result = await fn();
      if (write) this.writeProblem = null;
      return result;
    } catch (error) {
      const problem = this.closed ? 'store closed' : this.backend.problem(error);
      if (problem !== null && write) this.writeProblem = problem;
      throw toStoreError(error, problem, what, this.backend.label);
    }
  }

  /** Runs a read, translating errors; a failed read says nothing about writes. */
  read<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return this.run(what, fn, false);
  }

  /**
   * Runs `fn` in one write transaction (on SQLite `BEGIN IMMEDIATE`: it holds the write lock from
   * its first read), translating errors like {@link run}.
   */
  transact<T>(what: string, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return this.run(what, () => this.backend.transaction(fn));
  }
}
