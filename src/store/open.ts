/**
 * Which database a configuration names, and opening it. `postgres://` and `postgresql://` URLs
 * mean PostgreSQL; a `file:` URL, a plain path or nothing means SQLite (default `./data/lq.sqlite`).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Backend, StoreLogger } from './backend.js';
import { openPostgres } from './postgres.adapter.js';
import { openSqlite } from './sqlite.adapter.js';

/** The SQLite file used when nothing else is configured. */
export const DEFAULT_SQLITE_PATH = './data/lq.sqlite';

/** How to reach the database; everything is optional. */
export interface OpenStoreConfig {
  /** `postgres://…` / `postgresql://…`, or `file:…` / a path for SQLite (wins over `sqlitePath`). */
  databaseUrl?: string | undefined;
  /** The SQLite file when `databaseUrl` is not set (default `./data/lq.sqlite`). */
  sqlitePath?: string | undefined;
  /** PostgreSQL only: keep the tables in this schema (created if missing). Default: the search_path. */
  schema?: string | undefined;
  /** PostgreSQL only: connections in this instance's pool (default 10). */
  poolSize?: number | undefined;
  /** SQLite only: extra PRAGMAs, e.g. `{ max_page_count: 25_000 }` to cap the file size. */
  sqlitePragmas?: Readonly<Record<string, number | string>> | undefined;
  logger?: StoreLogger | undefined;
}

/** The database a configuration names. */
export type StoreTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/** Works out which database a configuration names (no I/O). */
export function resolveTarget(config: Pick<OpenStoreConfig, 'databaseUrl' | 'sqlitePath'>): StoreTarget {
  const url = config.databaseUrl?.trim();
  if (url !== undefined && url !== '') {
    if (/^postgres(ql)?:\/\//i.test(url)) return { kind: 'postgres', url };
    if (url.startsWith('file://')) return { kind: 'sqlite', path: fileURLToPath(url) };
    if (url.startsWith('file:')) return { kind: 'sqlite', path: resolve(url.slice('file:'.length)) };
    if (url === ':memory:') return { kind: 'sqlite', path: url };
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
      throw new RangeError(
        `unsupported DATABASE_URL scheme ${url.slice(0, url.indexOf(':'))}: use postgres:// or a file path`,
      );
    }
    return { kind: 'sqlite', path: resolve(url) };
  }
  return { kind: 'sqlite', path: resolve(config.sqlitePath ?? DEFAULT_SQLITE_PATH) };
}

/** Opens the configured database (not migrated). */
export async function openBackend(config: OpenStoreConfig): Promise<Backend> {
  const target = resolveTarget(config);
  if (target.kind === 'postgres') {
    return openPostgres({
      url: target.url,
      ...(config.schema !== undefined ? { schema: config.schema } : {}),
      ...(config.poolSize !== undefined ? { poolSize: config.poolSize } : {}),
      ...(config.logger !== undefined ? { logger: config.logger } : {}),
    });
  }
  return openSqlite({
    path: target.path,
    ...(config.sqlitePragmas !== undefined ? { pragmas: config.sqlitePragmas } : {}),
  });
}
