/**
 * 0001: the core tables: accepted webhook events, signals, the work queue and its dead letters,
 * contact snapshots, latest evaluations, transitions, model versions and pending workflow callbacks.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectKind } from './dialect-kind.js';

/** Builds migration 0001 for a dialect (only the auto-numbered column differs). */
export function initial(kind: DialectKind): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('webhook_events')
        .addColumn('portal_id', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('subscription_id', 'text', (c) => c.notNull())
        .addColumn('object_id', 'text', (c) => c.notNull())
        .addColumn('occurred_at', 'bigint', (c) => c.notNull())
        .addColumn('property_name', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('subscription_type', 'text', (c) => c.notNull())
        .addColumn('property_value', 'text')
        .addColumn('change_source', 'text')
        .addColumn('source_id', 'text')
        .addColumn('attempt_number', 'integer', (c) => c.notNull())
        .addColumn('raw', 'text', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('webhook_events_dedupe_key', [
          'portal_id',
          'event_id',
          'subscription_id',
          'object_id',
          'occurred_at',
          'property_name',
        ])
        .execute();
      await db.schema
        .createIndex('webhook_events_received_at')
        .on('webhook_events')
        .column('received_at')
        .execute();

      await db.schema
        .createTable('signals')
        .addColumn('portal_id', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('occurred_at', 'bigint', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('recorded_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('signals_idempotency_key', ['portal_id', 'idempotency_key'])
        .execute();
      await db.schema
        .createIndex('signals_by_contact')
        .on('signals')
        .columns(['portal_id', 'contact_id', 'occurred_at'])
        .execute();

      await db.schema
        .createTable('work_queue')
        .addColumn('portal_id', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('enqueued_at', 'bigint', (c) => c.notNull())
        .addColumn('due_at', 'bigint', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('lease_id', 'text')
        .addColumn('worker_id', 'text')
        .addColumn('requeue_at', 'bigint')
        .addColumn('last_error', 'text')
        .addPrimaryKeyConstraint('work_queue_contact', ['portal_id', 'contact_id'])
        .execute();
      await db.schema.createIndex('work_queue_due_at').on('work_queue').column('due_at').execute();

      await db.schema
        .createTable('dead_letters')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('portal_id', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('error', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('died_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('dead_letters_by_portal')
        .on('dead_letters')
        .columns(['portal_id', 'died_at'])
        .execute();

      await db.schema
        .createTable('contact_snapshots')
        .addColumn('portal_id', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('properties', 'text', (c) => c.notNull())
        .addColumn('company', 'text')
        .addColumn('read_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('contact_snapshots_contact', ['portal_id', 'contact_id'])
        .execute();

      await db.schema
        .createTable('evaluations')
        .addColumn('portal_id', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('model_version', 'text', (c) => c.notNull())
        .addColumn('fit_score', 'double precision', (c) => c.notNull())
        .addColumn('intent_score', 'double precision', (c) => c.notNull())
        .addColumn('qualification', 'text', (c) => c.notNull())
        .addColumn('disqualification_id', 'text')
        .addColumn('lifecycle_stage', 'text')
        .addColumn('lead_status', 'text')
        .addColumn('route', 'text')
        .addColumn('explanation', 'text', (c) => c.notNull())
        .addColumn('evaluated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('evaluations_contact', ['portal_id', 'contact_id'])
        .execute();

      await db.schema
        .createTable('transitions')
        // SQLite: an INTEGER PRIMARY KEY is the rowid, numbered on insert; PostgreSQL needs a sequence.
        .addColumn('seq', kind === 'postgres' ? 'bigserial' : 'integer', (c) => c.primaryKey())
        .addColumn('portal_id', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('from_state', 'text')
        .addColumn('to_state', 'text')
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('model_version', 'text', (c) => c.notNull())
        .addColumn('cause', 'text', (c) => c.notNull())
        .addColumn('details', 'text')
        .execute();
      await db.schema
        .createIndex('transitions_by_time')
        .on('transitions')
        .columns(['portal_id', 'at'])
        .execute();

      await db.schema
        .createTable('model_versions')
        .addColumn('portal_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('published_by', 'text')
        .addColumn('published_at', 'bigint')
        .addColumn('agreed_by', 'text')
        .addColumn('note', 'text')
        .addPrimaryKeyConstraint('model_versions_version', ['portal_id', 'version'])
        .execute();
      // At most one published version per portal, whatever the callers do.
      await db.schema
        .createIndex('model_versions_one_published')
        .on('model_versions')
        .column('portal_id')
        .unique()
        .where(sql<boolean>`status = 'published'`)
        .execute();

      await db.schema
        .createTable('pending_callbacks')
        .addColumn('callback_id', 'text', (c) => c.primaryKey())
        .addColumn('portal_id', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('completed_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('pending_callbacks_by_contact')
        .on('pending_callbacks')
        .columns(['portal_id', 'contact_id'])
        .execute();

      await db.schema
        .createTable('store_probe')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('payload', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
