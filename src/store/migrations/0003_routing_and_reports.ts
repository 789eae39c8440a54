/**
 * 0003: what the feedback loop needs beyond 0002: a sales decision's life (pending until the worker
 * applies it to HubSpot, then applied or ignored, with what it did), SLA breach notifications that
 * survive a crash (a lease, and when the escalation went out), the route and owner of each MQL with
 * its task, the round-robin cursor per portal, and the weekly returned-leads reports.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectKind } from './dialect-kind.js';

/** Builds migration 0003 for a dialect (the same on both). */
export function routingAndReports(_kind: DialectKind): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // Decisions stored before this migration took effect when they were recorded.
      await db.schema
        .alterTable('sales_decisions')
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('applied'))
        .execute();
      await db.schema.alterTable('sales_decisions').addColumn('source', 'text').execute();
      await db.schema.alterTable('sales_decisions').addColumn('trigger', 'text').execute();
      await db.schema.alterTable('sales_decisions').addColumn('outcome', 'text').execute();
      await db.schema.alterTable('sales_decisions').addColumn('applied_at', 'bigint').execute();
      await db.schema
        .createIndex('sales_decisions_by_contact')
        .on('sales_decisions')
        .columns(['portal_id', 'contact_id', 'status'])
        .execute();

      await db.schema.alterTable('sla_timers').addColumn('notified_at', 'bigint').execute();
      await db.schema.alterTable('sla_timers').addColumn('notify_lease_until', 'bigint').execute();
      // Timers closed before this migration need no notification.
      await sql`update sla_timers set notified_at = closed_at where closed_at is not null`.execute(db);

      await db.schema
        .createTable('contact_routes')
        .addColumn('portal_id', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('owner_id', 'text')
        .addColumn('owner_source', 'text', (c) => c.notNull())
        .addColumn('why', 'text', (c) => c.notNull())
        .addColumn('contact_label', 'text', (c) => c.notNull())
        .addColumn('follow_up_sla_hours', 'double precision', (c) => c.notNull())
        .addColumn('acceptance_sla_hours', 'double precision', (c) => c.notNull())
        .addColumn('routed_at', 'bigint', (c) => c.notNull())
        .addColumn('model_version', 'text', (c) => c.notNull())
        .addColumn('task_body', 'text', (c) => c.notNull())
        .addColumn('task_id', 'text')
        .addColumn('task_lease_until', 'bigint')
        .addPrimaryKeyConstraint('contact_routes_contact', ['portal_id', 'contact_id'])
        .execute();
      await db.schema
        .createIndex('contact_routes_awaiting_task')
        .on('contact_routes')
        .columns(['task_id', 'routed_at'])
        .execute();

      await db.schema
        .createTable('round_robin')
        .addColumn('portal_id', 'text', (c) => c.notNull())
        .addColumn('pool', 'text', (c) => c.notNull())
        .addColumn('last_owner_id', 'text')
        .addColumn('turns', 'bigint', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('round_robin_pool', ['portal_id', 'pool'])
        .execute();

      await db.schema
        .createTable('weekly_reports')
        .addColumn('portal_id', 'text', (c) => c.notNull())
        .addColumn('week_start', 'bigint', (c) => c.notNull())
        .addColumn('week_end', 'bigint', (c) => c.notNull())
        .addColumn('owner_id', 'text')
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('returned', 'integer', (c) => c.notNull())
        .addColumn('top_reasons', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('delivered_at', 'bigint')
        .addColumn('task_id', 'text')
        .addColumn('lease_until', 'bigint')
        .addPrimaryKeyConstraint('weekly_reports_week', ['portal_id', 'week_start'])
        .execute();
    },
  };
}
