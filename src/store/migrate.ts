/**
 * Versioned, forward-only migrations with Kysely's `Migrator` (it keeps the applied names in
 * `kysely_migration` and, on PostgreSQL, holds an advisory lock so two instances starting at once
 * do not both migrate). They run on every start and from `npm run cli -- migrate`.
 */
import { Migrator } from 'kysely';
import type { Backend } from './backend.js';
import { toStoreError } from './errors.js';
import { migrationProvider } from './migrations/index.js';
import { openBackend, type OpenStoreConfig } from './open.js';

/**
 * Applies pending migrations up to `target` (a migration name; default: the latest). Returns the
 * names applied now, oldest first (empty when the database was up to date).
 */
export async function runMigrations(backend: Backend, target?: string): Promise<string[]> {
  let migrationTableSchema: string | undefined;
  try {
    migrationTableSchema = await backend.migrationSchema();
  } catch (error) {
    throw toStoreError(error, backend.problem(error), 'migrating', backend.label);
  }
  const migrator = new Migrator({
    db: backend.db,
    provider: migrationProvider(backend.kind),
    ...(migrationTableSchema !== undefined ? { migrationTableSchema } : {}),
  });
  const { error, results } =
    target === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(target);
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const problem = backend.problem(error);
    if (problem !== null)
      throw toStoreError(error, problem, `migrating${failed ? ` (${failed})` : ''}`, backend.label);
    throw new Error(
      `${backend.label} migration ${failed ?? '(before any migration)'} failed: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
  return (results ?? [])
    .filter((r) => r.status === 'Success' && r.direction === 'Up')
    .map((r) => r.migrationName);
}

/**
 * Opens the database named by `databaseUrl` (a `postgres://` URL, a `file:` URL or path, or
 * nothing for the default SQLite file), applies pending migrations and closes it again. Returns
 * the names of the migrations applied.
 */
export async function migrate(
  databaseUrl?: string,
  options: Omit<OpenStoreConfig, 'databaseUrl'> & { target?: string } = {},
): Promise<string[]> {
  const backend = await openBackend({ ...options, databaseUrl });
  try {
    return await runMigrations(backend, options.target);
  } finally {
    await backend.close();
  }
}
