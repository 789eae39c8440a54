/**
 * Test support for the store: fresh databases (a temp SQLite file; a fresh PostgreSQL schema),
 * and builders for the records the port takes.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { seedFitIntent } from '../../src/core/presets/seed-fit-intent.js';
import {
  openStore,
  type EvaluationRecord,
  type SalesDecisionRequest,
  type SignalRecord,
  type Store,
  type StoreConfig,
  type TransitionRecord,
  type WebhookEventRecord,
} from '../../src/store/index.js';

/** PostgreSQL for tests, or undefined (the PostgreSQL tests are then skipped). */
export const PG_URL = process.env.TEST_DATABASE_URL || undefined;
/** Why the PostgreSQL tests are skipped, shown in their names. */
export const PG_SKIP_REASON = 'skipped: TEST_DATABASE_URL not set';

/** 2026-11-23T12:00:00Z: a fixed "now" for tests that pass times explicitly. */
export const T0 = Date.parse('2026-11-23T12:00:00Z');

/** A fresh, empty database of one kind, and how to open stores on it. */
export interface TestDatabase {
  kind: 'sqlite' | 'postgres';
  /** `databaseUrl` for `openStore`/`migrate`. */
  url: string;
  /** PostgreSQL: the schema (also pass to `openStore`/`migrate`). */
  schema: string | undefined;
  open(config?: Omit<StoreConfig, 'databaseUrl' | 'schema'>): Promise<Store>;
  /** Runs raw SQL statements on the database, bypassing the store (for set-ups the port cannot make). */
  exec(statements: readonly string[]): Promise<void>;
  /** Every row of every table the migrations made (not the migration bookkeeping), bypassing the store. */
  everyRow(): Promise<{ table: string; row: Record<string, unknown> }[]>;
  dispose(): Promise<void>;
}

/** A fresh SQLite file in a new temp directory. */
export function freshSqlite(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'lq-store-'));
  const url = join(dir, 'lq.sqlite');
  const stores: Store[] = [];
  return {
    kind: 'sqlite',
    url,
    schema: undefined,
    async open(config = {}) {
      const store = await openStore({ ...config, databaseUrl: url });
      stores.push(store);
      return store;
    },
    exec(statements) {
      const db = new SqliteDatabase(url);
      try {
        for (const s of statements) db.exec(s);
      } finally {
        db.close();
      }
      return Promise.resolve();
    },
    everyRow() {
      const db = new SqliteDatabase(url, { readonly: true });
      try {
        const tables = db
          .prepare(
            `select name from sqlite_master where type = 'table'
               and name not like 'sqlite_%' and name not like 'kysely_%' order by name`,
          )
          .all() as { name: string }[];
        return Promise.resolve(
          tables.flatMap(({ name }) =>
            (db.prepare(`select * from "${name}"`).all() as Record<string, unknown>[]).map((row) => ({
              table: name,
              row,
            })),
          ),
        );
      } finally {
        db.close();
      }
    },
    async dispose() {
      await Promise.all(stores.map((s) => s.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs SQL on PostgreSQL with `search_path` set to `schema`. */
export async function pgExec(
  url: string,
  schema: string | undefined,
  statements: readonly string[],
): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    if (schema !== undefined) await client.query(`set search_path to "${schema}"`);
    for (const s of statements) await client.query(s);
  } finally {
    await client.end();
  }
}

/** Every row of every table of a PostgreSQL schema (not the migration bookkeeping). */
export async function pgEveryRow(
  url: string,
  schema: string | undefined,
): Promise<{ table: string; row: Record<string, unknown> }[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    if (schema !== undefined) await client.query(`set search_path to "${schema}"`);
    const tables = await client.query<{ tablename: string }>(
      `select tablename from pg_tables where schemaname = current_schema()
         and tablename not like 'kysely%' order by tablename`,
    );
    const out: { table: string; row: Record<string, unknown> }[] = [];
    for (const { tablename } of tables.rows) {
      const rows = await client.query<Record<string, unknown>>(`select * from "${tablename}"`);
      out.push(...rows.rows.map((row) => ({ table: tablename, row })));
    }
    return out;
  } finally {
    await client.end();
  }
}

/** A fresh PostgreSQL schema (dropped on dispose), so test files and tests never share tables. */
export function freshPostgres(url: string): TestDatabase {
  const schema = `lq_test_${randomBytes(6).toString('hex')}`;
  const stores: Store[] = [];
  return {
    kind: 'postgres',
    url,
    schema,
    async open(config = {}) {
      const store = await openStore({ ...config, databaseUrl: url, schema });
      stores.push(store);
      return store;
    },
    exec: (statements) => pgExec(url, schema, statements),
    everyRow: () => pgEveryRow(url, schema),
    async dispose() {
      await Promise.all(stores.map((s) => s.close()));
      await pgExec(url, undefined, [`drop schema if exists "${schema}" cascade`]);
    },
  };
}

/**
 * Empty databases in one PostgreSQL schema, for suites of many tests: the first call creates and
 * migrates the schema, each later call empties every table (`delete`: faster than a schema per test or `truncate`).
 * `dropSchema()` removes it at the end of the suite.
 */
export function reusablePostgres(url: string): {
  fresh: () => TestDatabase;
  dropSchema: () => Promise<void>;
} {
  const schema = `lq_test_${randomBytes(6).toString('hex')}`;
  let migrated = false;
  const fresh = (): TestDatabase => {
    const stores: Store[] = [];
    const emptied = migrated
      ? pgExec(url, schema, [
          `do $$ declare t text; begin
             for t in select quote_ident(tablename) from pg_tables
                        where schemaname = current_schema() and tablename not like 'kysely%'
             loop execute 'delete from ' || t; end loop;
           end $$`,
        ])
      : Promise.resolve();
    migrated = true;
    return {
      kind: 'postgres',
      url,
      schema,
      async open(config = {}) {
        await emptied;
        const store = await openStore({ ...config, databaseUrl: url, schema });
        stores.push(store);
        return store;
      },
      exec: (statements) => pgExec(url, schema, statements),
      everyRow: () => pgEveryRow(url, schema),
      async dispose() {
        await Promise.all(stores.map((s) => s.close()));
      },
    };
  };
  return { fresh, dropSchema: () => pgExec(url, undefined, [`drop schema if exists "${schema}" cascade`]) };
}

/** The name of a PostgreSQL suite; when TEST_DATABASE_URL is not set, says why it is skipped (also on stdout). */
export function pgSuiteName(name: string): string {
  if (PG_URL !== undefined) return name;
  console.log(`${name}: ${PG_SKIP_REASON}`);
  return `${name} (${PG_SKIP_REASON})`;
}

/** A webhook event; fields can be overridden. */
export function webhookEvent(overrides: Partial<WebhookEventRecord> = {}): WebhookEventRecord {
  return {
    portalId: 'p1',
    eventId: '100',
    subscriptionId: 's1',
    subscriptionType: 'contact.propertyChange',
    objectId: 'c1',
    occurredAt: T0 - 1_000,
    propertyName: 'jobtitle',
    propertyValue: 'VP Sales',
    changeSource: 'CRM_UI',
    sourceId: null,
    attemptNumber: 0,
    raw: '{"eventId":100}',
    receivedAt: T0,
    ...overrides,
  };
}

/** An intent signal; fields can be overridden. */
export function signal(overrides: Partial<SignalRecord> = {}): SignalRecord {
  return {
    portalId: 'p1',
    contactId: 'c1',
    type: 'demo_request',
    occurredAt: T0 - 60_000,
    source: 'workflow-action',
    idempotencyKey: 'cb-1',
    recordedAt: T0,
    ...overrides,
  };
}

/** An evaluation; fields can be overridden. */
export function evaluation(overrides: Partial<EvaluationRecord> = {}): EvaluationRecord {
  return {
    portalId: 'p1',
    contactId: 'c1',
    modelVersion: '1',
    fitScore: 72.5,
    intentScore: 40,
    qualification: 'iql',
    disqualificationId: null,
    lifecycleStage: 'lead',
    leadStatus: null,
    route: null,
    explanation: ['+25 job title matches', '+20 industry matches'],
    evaluatedAt: T0,
    nextChangeAt: T0 + 86_400_000,
    ...overrides,
  };
}

/** A transition; fields can be overridden. */
export function transition(overrides: Partial<TransitionRecord> = {}): TransitionRecord {
  return {
    portalId: 'p1',
    contactId: 'c1',
    kind: 'qualification',
    from: 'nurture',
    to: 'iql',
    at: T0,
    modelVersion: '1',
    cause: 'evaluation',
    ...overrides,
  };
}

/** A sales decision to record as pending (a person set a lead status); fields can be overridden. */
export function decisionRequest(overrides: Partial<SalesDecisionRequest> = {}): SalesDecisionRequest {
  return {
    portalId: 'p1',
    contactId: 'c1',
    decision: 'return',
    reason: 'wrong_timing',
    note: null,
    decidedBy: 'hubspot:CRM_UI',
    decidedAt: T0,
    idempotencyKey: 'webhook:1',
    source: 'lead-status',
    trigger: 'BAD_TIMING',
    ...overrides,
  };
}

/** The seed preset, as a model to store. */
export const sampleModel = seedFitIntent;

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The largest number of `times` in any half-open interval `[t, t + windowMs)`. */
export function maxInAnyWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}
