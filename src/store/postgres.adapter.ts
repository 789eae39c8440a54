/**
 * The PostgreSQL adapter, for deployments that run several instances. One `pg` pool per instance;
 * int8 columns (our epoch-millisecond times, counts) are read as JavaScript numbers, which hold
 * them exactly up to 2^53.
 *
 * A dropped idle connection makes the pool emit `error`; it is logged, never left to crash the
 * process, and the pool connects afresh on next use. Connecting gives up after
 * `connectTimeoutMs`, so a lost server is a prompt {@link StoreUnavailableError}, not a hang.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Pool, TypeOverrides, escapeIdentifier } from 'pg';
import type { Backend, StoreLogger } from './backend.js';
import { postgresProblem, toStoreError } from './errors.js';
import { RATE_BUDGET_TABLE } from './migrations/index.js';
import { createRateBudget } from './rate-budget.js';
import type { Database } from './schema.js';
import { SanitizeTextPlugin } from './sql/sanitize-text.js';

/** Options of the PostgreSQL adapter. */
export interface PostgresOptions {
  /** `postgres://user:password@host:port/database` (never logged or put in messages). */
  url: string;
  /**
   * A schema to keep every table in (created if missing; it becomes the connections' search_path).
   * Default: the connection's own search_path (normally `public`).
   */
  schema?: string;
  /** Connections in this instance's pool (default 10). */
  poolSize?: number;
  /** How long to wait for a connection before failing (default 5 s). */
  connectTimeoutMs?: number;
  logger?: StoreLogger;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const INT8_OID = 20;

/** `host:port/database` of a PostgreSQL URL, without user or password (for messages). */
export function describePostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}

/** Opens a pool (lazily: nothing connects until the first query). Does not migrate. */
export async function openPostgres(options: PostgresOptions): Promise<Backend> {
  const { schema, logger } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new RangeError(`invalid PostgreSQL schema name: ${schema}`);
  }
  const types = new TypeOverrides();
  types.setTypeParser(INT8_OID, (value: string) => Number(value));
  const pool = new Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: 'lead-qualification',
    types,
    ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
  });
  const warn = (error: Error, msg: string) =>
    logger?.warn(
      { problem: postgresProblem(error) ?? 'unexpected error', code: (error as { code?: unknown }).code },
      msg,
    );
  pool.on('error', (error) =>
    warn(error, 'PostgreSQL dropped an idle connection; the pool reconnects on next use'),
  );
  // A connection can also drop while checked out between two queries; pg then emits `error` on the
  // client, which would crash the process if nobody listened. The query in flight rejects anyway.
  pool.on('connect', (client) => {
    client.on('error', (error) => warn(error, 'PostgreSQL dropped a connection in use; the operation fails'));
  });

  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new SanitizeTextPlugin()],
  });

  if (schema !== undefined) {
    try {
      await sql`create schema if not exists ${sql.raw(escapeIdentifier(schema))}`.execute(db);
    } catch (error) {
      await db.destroy();
      throw toStoreError(error, postgresProblem(error), 'opening the store', 'PostgreSQL');
    }
  }

  return {
    kind: 'postgres',
    label: 'PostgreSQL',
    db,
    problem: postgresProblem,
    transaction: (fn) => db.transaction().execute(fn),
    async migrationSchema() {
      const row = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
      const current = row.rows[0]?.schema;
      if (current === undefined || current === null) {
        throw new Error('PostgreSQL has no current schema: the search_path names no existing schema');
      }
      return current;
    },
    rateBudget: (limit) =>
      createRateBudget(limit, {
        pool,
        tableName: RATE_BUDGET_TABLE,
        ...(schema !== undefined ? { schemaName: schema } : {}),
      }),
    close: () => db.destroy(),
  };
}
