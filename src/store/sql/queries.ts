/**
 * The query helpers the aggregates' SQL shares: chunking and de-duplicating what is written,
 * recognising a unique violation, `select *` by column values, a portal's rows for a set of
 * contacts, a half-open period, and upserts that take the inserted values on conflict.
 */
import { ownValue } from '../../core/own.js';
import {
  sql,
  type Expression,
  type FilterObject,
  type InsertObject,
  type Insertable,
  type Kysely,
  type OnConflictBuilder,
  type RawBuilder,
  type SelectQueryBuilder,
  type Selectable,
  type SqlBool,
  type Updateable,
} from 'kysely';
import type { Database } from '../schema.js';
import type { ContactId, ContactRemoval, PortalId } from '../store.port.js';
import type { SqlContext } from './context.js';

/** Rows per statement (well under SQLite's and PostgreSQL's limits on bound parameters). */
const CHUNK = 200;

/** `items` in slices of at most `size`. */
export function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** One item per key, the last one given (an upsert cannot touch the same row twice in a statement). */
export function dedupeBy<T>(items: readonly T[], key: (item: T) => readonly string[]): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) byKey.set(JSON.stringify(key(item)), item);
  return [...byKey.values()];
}

/** Whether `error` is a primary-key or unique-constraint violation (PostgreSQL or SQLite). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

type Table = keyof Database & string;
type Row<T extends Table> = Selectable<Database[T]>;
/** A `select *` from one table, typed for that table. */
type RowsQuery<T extends Table> = SelectQueryBuilder<Database, T, Row<T>>;
/** The tables keyed by portal and contact. */
type ContactTable = {
  [T in Table]: Database[T] extends { portal_id: string; contact_id: string } ? T : never;
}[Table];
type ContactRow<T extends ContactTable> = Row<T> & { contact_id: ContactId };
/** The columns of a table. */
type ColumnOf<T extends Table> = keyof Database[T] & string;

/**
 * `select * from table where …`: a `column = value` (or `is null`) for each entry of `match`, and
 * each of `conditions`; the query it returns takes more conditions, an order and locks.
 */
export function selectWhere<T extends Table>(
  db: Kysely<Database>,
  table: T,
  match: Partial<Row<T>>,
  ...conditions: Expression<SqlBool>[]
): RowsQuery<T> {
  // Kysely cannot check a filter against a table given as a type parameter; `match` is checked above.
  const query = db
    .selectFrom(table as Table)
    .selectAll()
    .where((eb) => eb.and([eb.and(match as FilterObject<Database, Table>), ...conditions]));
  return query as unknown as RowsQuery<T>;
}

/**
 * A portal's rows of `table` for these contacts (each asked once), a chunk of contacts per query;
 * `refine` adds conditions and order to each query.
 */
export async function rowsOfContacts<T extends ContactTable>(
  db: Kysely<Database>,
  table: T,
  portalId: PortalId,
  contactIds: readonly ContactId[],
  refine: (query: RowsQuery<T>) => RowsQuery<T> = (query) => query,
): Promise<ContactRow<T>[]> {
  const out: ContactRow<T>[] = [];
  for (const part of chunks([...new Set(contactIds)])) {
    const ofPortal = selectWhere(db, table as ContactTable, { portal_id: portalId });
    const query = ofPortal.where('contact_id', 'in', part) as unknown as RowsQuery<T>;
    const rows: unknown[] = await refine(query).execute();
    out.push(...(rows as ContactRow<T>[]));
  }
  return out;
}

/**
 * The record of each of these contacts from `table` (one row per portal and contact), by contact
 * id, read as `what` (named in errors).
 */
export function byContact<T extends ContactTable, R>(
  ctx: SqlContext,
  what: string,
  table: T,
  portalId: PortalId,
  contactIds: readonly ContactId[],
  convert: (row: Row<T>) => R,
): Promise<Map<ContactId, R>> {
  return ctx.read(what, async () => {
    const rows = await rowsOfContacts(ctx.db, table, portalId, contactIds);
    return new Map(rows.map((row) => [row.contact_id, convert(row)]));
  });
}

/** Any column of any table. */
type Column = { [T in Table]: keyof Database[T] & string }[Table];

/** `from <= column < to`: a half-open period. */
export function within(column: Column, from: number, to: number): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} >= ${from} and ${sql.ref(column)} < ${to}`;
}

/**
 * Inserts `rows`, a chunk at a time; a row whose `key` is taken updates the stored row with
 * `update` instead (see {@link fromExcluded}).
 */
export async function upsert<T extends Table>(
  db: Kysely<Database>,
  table: T,
  rows: readonly Insertable<Database[T]>[],
  key: readonly (keyof Database[T] & string)[],
  update: Parameters<OnConflictBuilder<Database, T>['doUpdateSet']>[0],
  size = CHUNK,
): Promise<void> {
  for (const part of chunks(rows, size)) {
    await db
      .insertInto(table)
      .values(part as InsertObject<Database, T>[])
      .onConflict((oc) => oc.columns(key).doUpdateSet(update))
      .execute();
  }
}

type Update<T extends Table> = Updateable<Database[T]>;

/**
 * For `on conflict … do update set`: each of `columns` takes the value the insert brought
 * (`column = excluded.column`).
 */
export function fromExcluded<T extends Table, C extends keyof Update<T> & string>(
  _table: T,
  columns: readonly C[],
): { [K in C]: RawBuilder<Update<T>[K]> } {
  return Object.fromEntries(columns.map((c) => [c, sql`excluded.${sql.ref(c)}`])) as {
    [K in C]: RawBuilder<Update<T>[K]>;
  };
}

// ---------------------------------------------------------------------------------------------
// Contacts HubSpot deleted or merged (see ContactRemoval)

/** The ids a removal takes away: the deleted ones, or those merged into another. */
export function removedIds(removal: ContactRemoval): ContactId[] {
  const ids =
    removal.kind === 'merged' ? removal.from.filter((id) => id !== removal.into) : removal.contactIds;
  return [...new Set(ids)];
}

/** `portal_id = … and contact_id in (…)`. */
function ofContacts(portalId: PortalId, contactIds: readonly ContactId[]): RawBuilder<unknown> {
  return sql`portal_id = ${portalId} and contact_id in (${sql.join(contactIds)})`;
}

/** Deletes a portal's rows of these contacts from `table`. */
export async function deleteOfContacts(
  db: Kysely<Database>,
  table: ContactTable,
  portalId: PortalId,
  contactIds: readonly ContactId[],
): Promise<void> {
  for (const part of chunks([...new Set(contactIds)]))
    await sql`delete from ${sql.table(table)} where ${ofContacts(portalId, part)}`.execute(db);
}

/** How a table keeps a contact's rows: any number (history), or one (per the `by` columns). */
export type ContactRows<T extends ContactTable> =
  | { many: true }
  | {
      many?: false;
      /** Of several merged-away rows, the one with the highest value here moves to the survivor. */
      newest: ColumnOf<T>;
      /** One row per contact and these columns (e.g. a timer per kind). */
      by?: readonly ColumnOf<T>[];
    };

/**
 * Applies a removal to one table: deleted and erased contacts' rows are deleted; merged-away
 * contacts' rows move to the survivor. In a table of one row per contact, the survivor keeps its
 * own row when it has one, else it takes the newest of the merged-away ones; the others go.
 */
export async function removeFromTable<T extends ContactTable>(
  db: Kysely<Database>,
  table: T,
  removal: ContactRemoval,
  rows: ContactRows<T>,
): Promise<void> {
  const from = removedIds(removal);
  if (from.length === 0) return;
  if (removal.kind !== 'merged') return deleteOfContacts(db, table, removal.portalId, from);
  const { portalId, into } = removal;
  if (rows.many === true) {
    for (const part of chunks(from))
      await sql`update ${sql.table(table)} set contact_id = ${into} where ${ofContacts(portalId, part)}`.execute(
        db,
      );
    return;
  }
  const by = rows.by ?? [];
  const found = await rowsOfContacts(db, table, portalId, [...from, into]);
  const groups = new Map<string, ContactRow<T>[]>();
  for (const row of found) {
    const key = JSON.stringify(by.map((column) => ownValue(row as Record<string, unknown>, column)));
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const sameGroup = (row: ContactRow<T>) =>
    sql.join(
      by.map((column) => sql`${sql.ref(column)} = ${ownValue(row as Record<string, unknown>, column)}`),
      sql` and `,
    );
  for (const group of groups.values()) {
    const merged = group
      .filter((row) => row.contact_id !== into)
      .sort((a, b) => Number(b[rows.newest as keyof typeof b]) - Number(a[rows.newest as keyof typeof a]));
    const keep = group.some((row) => row.contact_id === into) ? undefined : merged[0];
    for (const row of merged) {
      const where = sql`${ofContacts(portalId, [row.contact_id])}${by.length > 0 ? sql` and ${sameGroup(row)}` : sql``}`;
      if (row === keep)
        await sql`update ${sql.table(table)} set contact_id = ${into} where ${where}`.execute(db);
      else await sql`delete from ${sql.table(table)} where ${where}`.execute(db);
    }
  }
}
