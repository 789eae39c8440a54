/**
 * The SQLite adapter: one file, zero set-up, one process. WAL mode so readers never wait for the
 * writer; `synchronous = FULL` so a committed (and therefore acknowledged) event survives a power
 * cut, not only a crash of the process; a busy timeout so a second process (the CLI running
 * `migrate` next to the service) waits for the write lock instead of failing at once.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { Backend } from './backend.js';
import { sqliteProblem } from './errors.js';
import { createRateBudget } from './rate-budget.js';
import type { Database } from './schema.js';
import { SanitizeTextPlugin } from './sql/sanitize-text.js';
import { StoreUnavailableError } from './store.port.js';

/** Options of the SQLite adapter. */
export interface SqliteOptions {
  /** The database file (its directory is created), or `:memory:`. */
  path: string;
  /**
   * Extra PRAGMAs set on the connection after the defaults, e.g. `{ max_page_count: 25_000 }` to
   * cap the file's size. Names are lower-case identifiers; values numbers or plain words.
   */
  pragmas?: Readonly<Record<string, number | string>>;
  /** How long a statement waits for another process's write lock before failing (default 5 s). */
  busyTimeoutMs?: number;
}

const PRAGMA_NAME = /^[a-z_]+$/;
const PRAGMA_VALUE = /^[A-Za-z0-9_-]+$/;

function setPragma(db: SqliteDatabase.Database, name: string, value: number | string): void {
  if (!PRAGMA_NAME.test(name) || !PRAGMA_VALUE.test(String(value))) {
    throw new RangeError(`invalid SQLite pragma: ${name} = ${String(value)}`);
  }
  db.pragma(`${name} = ${String(value)}`);
}

/** Opens (creating if needed) an SQLite database file. Does not migrate. */
export function openSqlite(options: SqliteOptions): Backend {
  const { path } = options;
  let database: SqliteDatabase.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    database = new SqliteDatabase(path);
    setPragma(database, 'journal_mode', 'WAL');
    setPragma(database, 'synchronous', 'FULL');
    setPragma(database, 'busy_timeout', options.busyTimeoutMs ?? 5_000);
    setPragma(database, 'foreign_keys', 'ON');
    for (const [name, value] of Object.entries(options.pragmas ?? {})) setPragma(database, name, value);
  } catch (error) {
    if (error instanceof RangeError) throw error;
    const code = (error as { code?: unknown }).code;
    throw new StoreUnavailableError(
      `SQLite is unavailable: cannot open the database file ${path}${typeof code === 'string' ? ` (${code})` : ''}`,
      error,
    );
  }

  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database }),
    plugins: [new SanitizeTextPlugin()],
  });

  return {
    kind: 'sqlite',
    label: 'SQLite',
    db,
    problem: sqliteProblem,
    migrationSchema: () => Promise.resolve(undefined),
    rateBudget: (limit) => createRateBudget(limit),
    close: () => db.destroy(),
    transaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
      // Kysely's SQLite driver has one connection behind a mutex: holding it for the whole callback
      // keeps every other query of this process out of the transaction.
      return db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        let result: T;
        try {
          result = await fn(conn);
        } catch (error) {
          // SQLite may already have rolled back (e.g. after SQLITE_FULL); that is fine.
          await sql`rollback`.execute(conn).catch(() => undefined);
          throw error;
        }
        try {
          await sql`commit`.execute(conn);
        } catch (error) {
          await sql`rollback`.execute(conn).catch(() => undefined);
          throw error;
        }
        return result;
      });
    },
  };
}
