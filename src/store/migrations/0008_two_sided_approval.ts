/**
 * 0008: a model version goes into force only when two people agreed (issue #15), and sales can
 * dispute a score from the contact record.
 *
 * - `publish_requests`: a marketing author asks to publish (or roll back to) a version; a different
 *   HubSpot user approves it, and only then is it published. Both names and times are kept, with
 *   how it was approved (`two-person`, or `single-approver` where the portal relaxed the rule).
 *   At most one request of a portal is pending: a new one supersedes it.
 * - `approval_policies`: the portal's rule, and who changed it when (relaxing it is recorded).
 * - `model_versions` gains the approval of its (last) publication: when it was asked for, who
 *   approved it when, and how.
 * - `score_disputes`: "Dispute this score" from the contact card, a reason kept with the contact.
 *
 * Numbered 0008: other branches may add a 0007 at the same time; both apply in name order.
 */
import type { Kysely, Migration } from 'kysely';
import type { DialectKind } from './dialect-kind.js';

/** Builds migration 0008 for a dialect (the same on both). */
export function twoSidedApproval(_kind: DialectKind): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('publish_requests')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('portal_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .addColumn('requested_user', 'text', (c) => c.notNull())
        .addColumn('requested_at', 'bigint', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('decided_by', 'text')
        .addColumn('decided_user', 'text')
        .addColumn('decided_at', 'bigint')
        .addColumn('approval', 'text')
        .execute();
      await db.schema
        .createIndex('publish_requests_by_portal')
        .on('publish_requests')
        .columns(['portal_id', 'status', 'requested_at'])
        .execute();

      await db.schema
        .createTable('approval_policies')
        .addColumn('portal_id', 'text', (c) => c.primaryKey())
        .addColumn('single_approver', 'integer', (c) => c.notNull())
        .addColumn('changed_by', 'text', (c) => c.notNull())
        .addColumn('changed_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema.alterTable('model_versions').addColumn('requested_at', 'bigint').execute();
      await db.schema.alterTable('model_versions').addColumn('approved_by', 'text').execute();
      await db.schema.alterTable('model_versions').addColumn('approved_at', 'bigint').execute();
      await db.schema.alterTable('model_versions').addColumn('approval', 'text').execute();

      await db.schema
        .createTable('score_disputes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('portal_id', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('disputed_by', 'text', (c) => c.notNull())
        .addColumn('disputed_at', 'bigint', (c) => c.notNull())
        .addColumn('model_version', 'text', (c) => c.notNull())
        .addColumn('qualification', 'text')
        .execute();
      await db.schema
        .createIndex('score_disputes_by_contact')
        .on('score_disputes')
        .columns(['portal_id', 'contact_id'])
        .execute();
      await db.schema
        .createIndex('score_disputes_by_time')
        .on('score_disputes')
        .columns(['portal_id', 'disputed_at'])
        .execute();
    },
  };
}
