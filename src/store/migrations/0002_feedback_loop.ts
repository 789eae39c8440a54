/**
 * 0002: the feedback loop's tables (sales decisions, SLA timers), a lookup index for open SLA
 * timers, and on PostgreSQL the table the shared HubSpot rate budget keeps its counters in.
 */
import type { Kysely, Migration } from 'kysely';
import type { DialectKind } from './dialect-kind.js';

/** The table rate-limiter-flexible's `RateLimiterPostgres` uses (its own column layout). */
export const RATE_BUDGET_TABLE = 'rate_budget';

/** Builds migration 0002 for a dialect. */
export function feedbackLoop(kind: DialectKind): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('sales_decisions')
        .addColumn('portal_id', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('decision', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('note', 'text')
        .addColumn('decided_by', 'text')
        .addColumn('decided_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('sales_decisions_idempotency_key', ['portal_id', 'idempotency_key'])
        .execute();
      await db.schema
        .createIndex('sales_decisions_by_time')
        .on('sales_decisions')
        .columns(['portal_id', 'decided_at'])
        .execute();

      await db.schema
        .createTable('sla_timers')
        .addColumn('portal_id', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('due_at', 'bigint', (c) => c.notNull())
        .addColumn('closed_at', 'bigint')
        .addColumn('outcome', 'text')
        .addPrimaryKeyConstraint('sla_timers_timer', ['portal_id', 'contact_id', 'kind'])
        .execute();
      await db.schema
        .createIndex('sla_timers_open_by_due')
        .on('sla_timers')
        .columns(['closed_at', 'due_at'])
        .execute();
      await db.schema
        .createIndex('sla_timers_by_start')
        .on('sla_timers')
        .columns(['portal_id', 'started_at'])
        .execute();

      if (kind === 'postgres') {
        // The layout rate-limiter-flexible expects; created here so no instance needs DDL rights at run time.
        await db.schema
          .createTable(RATE_BUDGET_TABLE)
          .addColumn('key', 'varchar(255)', (c) => c.primaryKey())
          .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('expire', 'bigint')
          .execute();
      }
    },
  };
}
