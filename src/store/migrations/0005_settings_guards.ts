/**
 * 0005: what keeps the settings API honest under concurrency and replay.
 *
 * - `model_version_counters`: the last draft number given out per portal. Saving a draft bumps its
 *   portal's row (`insert … on conflict do update … returning`), which locks that row until the
 *   transaction ends, so concurrent saves of one portal take their turns instead of racing for the
 *   same `max(version) + 1` (on PostgreSQL the race ended in unique violations and 500s). Filled
 *   here from the versions already stored.
 * - `seen_signatures`: a digest of every v3 signature the settings API accepted, until its
 *   timestamp leaves HubSpot's 5-minute window, so a captured request cannot be sent again. Shared
 *   by every instance on PostgreSQL.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectKind } from './dialect-kind.js';

/** Builds migration 0005 for a dialect (the same on both). */
export function settingsGuards(_kind: DialectKind): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('model_version_counters')
        .addColumn('portal_id', 'text', (c) => c.primaryKey())
        .addColumn('last_version', 'integer', (c) => c.notNull())
        .execute();
      await sql`insert into model_version_counters (portal_id, last_version)
        select portal_id, max(version) from model_versions group by portal_id`.execute(db);

      await db.schema
        .createTable('seen_signatures')
        .addColumn('digest', 'text', (c) => c.primaryKey())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('seen_signatures_by_expiry')
        .on('seen_signatures')
        .column('expires_at')
        .execute();
    },
  };
}
