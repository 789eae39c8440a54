/**
 * 0009: why a model was published early. Publishing within the model's minimum period after the
 * last publish (`cadence.minimumDays`, default 60: "give a model 2–3 months before judging it")
 * needs a reason; it is kept with the version and shown in the version history, and with the
 * request to publish (0008) while it waits for its approver.
 *
 * Numbered 0009: other branches add 0007 and 0008 at the same time; all apply in name order.
 */
import type { Kysely, Migration } from 'kysely';
import type { DialectKind } from './dialect-kind.js';

/** Builds migration 0009 for a dialect (the same on both). */
export function publishReason(_kind: DialectKind): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('model_versions').addColumn('publish_reason', 'text').execute();
      await db.schema.alterTable('publish_requests').addColumn('reason', 'text').execute();
    },
  };
}
