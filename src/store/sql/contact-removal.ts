/**
 * A contact HubSpot deleted, erased or merged away, applied to every aggregate that keeps
 * per-contact data, in the caller's transaction (see {@link ContactRemoval}). Each aggregate knows
 * its own tables; this is only the list of them. A new aggregate with per-contact data joins here.
 */
import type { Kysely } from 'kysely';
import { removeCallbacksOf } from '../callbacks/callbacks.sql.js';
import { removeContactDataOf } from '../contacts/contacts.sql.js';
import { removeDealLinksOf } from '../deals/deals.sql.js';
import { removeDecisionsOf } from '../decisions/decisions.sql.js';
import { removeDisputesOf } from '../disputes/disputes.sql.js';
import { removeRawEventsOf } from '../events/events.sql.js';
import { removeWorkOf } from '../queue/queue.sql.js';
import { removeReportNotesOf } from '../reports/reports.sql.js';
import { removeRoutesOf } from '../routes/routes.sql.js';
import type { Database } from '../schema.js';
import { removeTimersOf } from '../sla/sla.sql.js';
import type { ContactRemoval } from '../store.port.js';

/** Applies `removal` to every aggregate, in the caller's transaction. */
export async function removeContactsEverywhere(
  db: Kysely<Database>,
  removal: ContactRemoval,
  now: number,
): Promise<void> {
  await removeContactDataOf(db, removal);
  await removeDecisionsOf(db, removal);
  await removeCallbacksOf(db, removal);
  await removeTimersOf(db, removal);
  await removeRoutesOf(db, removal);
  await removeWorkOf(db, removal, now);
  await removeReportNotesOf(db, removal);
  await removeRawEventsOf(db, removal);
  await removeDisputesOf(db, removal);
  await removeDealLinksOf(db, removal);
}
