/**
 * 0011: the history backfill's checkpoint, one row per portal (`backfills`): status, HubSpot's
 * paging cursor of the next page of contacts, the totals so far, when it started and finished,
 * and the lease of whoever runs it (so an instance and the CLI never run it at once).
 *
 * Numbered 0011: other branches may add migrations at the same time; all apply in name order.
 */
import type { Kysely, Migration } from 'kysely';
import type { DialectKind } from './dialect-kind.js';

/** Builds migration 0011 for a dialect (the same on both). */
export function backfills(_kind: DialectKind): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('backfills')
        .addColumn('portal_id', 'text', (c) => c.primaryKey())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('cursor', 'text')
        .addColumn('pages', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('contacts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('signals_found', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('signals_created', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('holder', 'text')
        .addColumn('lease_until', 'bigint')
        .execute();
    },
  };
}
