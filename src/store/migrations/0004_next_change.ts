/**
 * 0004: when each contact's written values next change on their own (a signal fading or
 * expiring, a window closing), as the core foresaw when it was last scored. The rescoring itself
 * is queued in the work queue for that moment; this column is what the lag metric and
 * `cli rescore --stale` read. Null: nothing changes on its own (or scored before this migration).
 */
import type { Kysely, Migration } from 'kysely';
import type { DialectKind } from './dialect-kind.js';

/** Builds migration 0004 for a dialect (the same on both). */
export function nextChange(_kind: DialectKind): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('evaluations').addColumn('next_change_at', 'bigint').execute();
      await db.schema
        .createIndex('evaluations_by_next_change')
        .on('evaluations')
        .columns(['portal_id', 'next_change_at'])
        .execute();
    },
  };
}
