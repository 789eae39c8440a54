/**
 * 0006: a BLOCKed workflow action has an end. HubSpot gives up waiting on it after the BLOCK's
 * expiration (`hs_expiration_duration`) and moves the workflow on; a completion after that is
 * refused. So each pending callback keeps when it expires, and a completion HubSpot refused keeps
 * HubSpot's message (the callback is then settled: trying again cannot help).
 *
 * Numbered 0006, not 0005: another branch adds a 0005 at the same time; both apply in name order.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectKind } from './dialect-kind.js';

/** What the app answered with every BLOCK before this migration: `P1D`. */
const DAY_MS = 24 * 60 * 60 * 1000;

/** Builds migration 0006 for a dialect (the same on both). */
export function callbackExpiry(_kind: DialectKind): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('pending_callbacks').addColumn('expires_at', 'bigint').execute();
      await db.schema.alterTable('pending_callbacks').addColumn('completion_error', 'text').execute();
      await sql`update pending_callbacks set expires_at = created_at + ${sql.lit(DAY_MS)}`.execute(db);
    },
  };
}
