/**
 * 0010: HubSpot's deals as the funnel's outcomes, and the deals the app owes HubSpot.
 *
 * - `deals`: the facts of each deal that matter to the funnel (pipeline, stage, amount, when it
 *   was created and closed, won or lost), kept from deal webhooks and reads; `deleted_at` once
 *   HubSpot deleted it (it then counts no more).
 * - `deal_contacts`: which contacts each deal is associated with (the funnel reads deals by contact).
 * - `deal_requests`: a deal to create on a sales *accept*, keyed by the decision, so a retried
 *   accept never makes a second deal: owed until HubSpot created it (its id kept) or refused it,
 *   leased while one instance is creating it.
 *
 * Numbered 0010: other branches add 0007–0009 at the same time; migrations apply in name order.
 */
import type { Kysely, Migration } from 'kysely';
import type { DialectKind } from './dialect-kind.js';

/** Builds migration 0010 for a dialect (the same on both). */
export function deals(_kind: DialectKind): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('deals')
        .addColumn('portal_id', 'text', (c) => c.notNull())
        .addColumn('deal_id', 'text', (c) => c.notNull())
        .addColumn('pipeline', 'text', (c) => c.notNull())
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('amount', 'double precision')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('closed_at', 'bigint')
        .addColumn('outcome', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('deleted_at', 'bigint')
        .addPrimaryKeyConstraint('deals_deal', ['portal_id', 'deal_id'])
        .execute();

      await db.schema
        .createTable('deal_contacts')
        .addColumn('portal_id', 'text', (c) => c.notNull())
        .addColumn('deal_id', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('deal_contacts_link', ['portal_id', 'deal_id', 'contact_id'])
        .execute();
      await db.schema
        .createIndex('deal_contacts_by_contact')
        .on('deal_contacts')
        .columns(['portal_id', 'contact_id'])
        .execute();

      await db.schema
        .createTable('deal_requests')
        .addColumn('portal_id', 'text', (c) => c.notNull())
        .addColumn('request_key', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('company_id', 'text')
        .addColumn('owner_id', 'text')
        .addColumn('pipeline', 'text', (c) => c.notNull())
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('deal_name', 'text', (c) => c.notNull())
        .addColumn('requested_at', 'bigint', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('deal_id', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('attempted_at', 'bigint')
        .addColumn('lease_until', 'bigint')
        .addColumn('last_error', 'text')
        .addPrimaryKeyConstraint('deal_requests_key', ['portal_id', 'request_key'])
        .execute();
      await db.schema
        .createIndex('deal_requests_owed')
        .on('deal_requests')
        .columns(['status', 'requested_at'])
        .execute();
      await db.schema
        .createIndex('deal_requests_by_contact')
        .on('deal_requests')
        .columns(['portal_id', 'contact_id'])
        .execute();
    },
  };
}
