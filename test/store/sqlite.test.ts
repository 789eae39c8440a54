/**
 * The SQLite adapter: the contract, plus what only a file database has (default path, WAL, a full
 * disk) and migrations from an empty database and from the previous version.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError, openStore, resolveTarget } from '../../src/store/index.js';
import { freshSqlite, webhookEvent, type TestDatabase } from './helpers.js';
import { migrationContract } from './migration.contract.js';
import { storeContract } from './store.contract.js';

describe('SQLite store', () => {
  storeContract(freshSqlite);
});

describe('SQLite migrations', () => {
  migrationContract(freshSqlite);
});

describe('SQLite specifics', () => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.dispose();
    db = undefined;
  });

  it('when nothing is configured, then the store is a file under ./data', () => {
    expect(resolveTarget({})).toEqual({ kind: 'sqlite', path: join(process.cwd(), 'data', 'lq.sqlite') });
    expect(resolveTarget({ databaseUrl: 'file:./x/y.sqlite' })).toEqual({
      kind: 'sqlite',
      path: join(process.cwd(), 'x', 'y.sqlite'),
    });
    expect(resolveTarget({ databaseUrl: 'file:///tmp/z.sqlite' })).toEqual({
      kind: 'sqlite',
      path: '/tmp/z.sqlite',
    });
    expect(resolveTarget({ databaseUrl: 'postgresql://u:p@h/db' })).toEqual({
      kind: 'postgres',
      url: 'postgresql://u:p@h/db',
    });
    expect(() => resolveTarget({ databaseUrl: 'mysql://h/db' })).toThrow(
      /unsupported DATABASE_URL scheme mysql/,
    );
  });

  it('when the store opens a path in a missing directory, then it creates it and uses WAL mode', async () => {
    db = freshSqlite();
    const path = join(db.url, '..', 'nested', 'deeper', 'lq.sqlite');

    const store = await openStore({ sqlitePath: path });
    await store.close();

    expect(existsSync(path)).toBe(true);
    const raw = new SqliteDatabase(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('when the database file is full, then accepting events fails as unavailable, health is not ready, and nothing is half-stored', async () => {
    db = freshSqlite();
    await (await db.open()).close();
    const raw = new SqliteDatabase(db.url);
    const pages = Number(raw.pragma('page_count', { simple: true }));
    raw.close();
    const full = await openStore({ databaseUrl: db.url, sqlitePragmas: { max_page_count: pages + 8 } });
    const batch = Array.from({ length: 10 }, (_, i) =>
      webhookEvent({ eventId: String(i), raw: 'x'.repeat(20_000) }),
    );
    const enqueue = [{ portalId: 'p1', contactId: 'c1', reason: 'webhook' }];

    const failure = await full.events.accept(batch, enqueue).then(
      () => null,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect((failure as Error).message).toBe(
      'SQLite is unavailable: disk full (SQLITE_FULL); acceptEvents was not done',
    );
    expect(await full.health()).toEqual({ ok: false, problem: 'disk full' });
    expect(await full.queue.stats()).toEqual({ pending: 0, claimed: 0, dead: 0 });
    await full.close();

    // Space is freed (no cap): HubSpot's retry of the same batch is accepted whole.
    const roomy = await db.open();
    expect(await roomy.health()).toEqual({ ok: true });
    expect(await roomy.events.accept(batch, enqueue)).toEqual({ accepted: 10, duplicates: 0, enqueued: 1 });
  });

  it('when the database file cannot be opened, then opening fails as unavailable with the path', async () => {
    db = freshSqlite();
    const dirAsFile = join(db.url, '..');

    const opening = openStore({ databaseUrl: dirAsFile });

    await expect(opening).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(opening).rejects.toThrow(
      `SQLite is unavailable: cannot open the database file ${dirAsFile} (SQLITE_CANTOPEN)`,
    );
  });
});
