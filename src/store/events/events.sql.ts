/**
 * The webhook events aggregate's SQL (the {@link EventStore} port): events deduplicated by their
 * key, and, in the same transaction, the work of each event that was new (its enqueue, decision
 * and transitions), so an acknowledged event is never lost between the two.
 */
import { sql, type Insertable, type Kysely } from 'kysely';
import type { TransitionRecord } from '../contacts/contacts.port.js';
import { insertTransitions } from '../contacts/contacts.sql.js';
import type { SalesDecisionRequest } from '../decisions/decisions.port.js';
import { insertDecision } from '../decisions/decisions.sql.js';
import type { EnqueueRequest } from '../queue/queue.port.js';
import { enqueueWork } from '../queue/queue.sql.js';
import type { Database, WebhookEventsTable } from '../schema.js';
import { removeContactsEverywhere } from '../sql/contact-removal.js';
import type { SqlContext } from '../sql/context.js';
import { chunks, removedIds } from '../sql/queries.js';
import { sanitizeText } from '../sql/sanitize-text.js';
import type { ContactRemoval } from '../store.port.js';
import type { AcceptEventsResult, EventStore, WebhookEventRecord } from './events.port.js';

// prettier-ignore
/** The dedupe key (the table's primary key): HubSpot's eventId alone is not unique. */
const KEY = ['portal_id', 'event_id', 'subscription_id', 'object_id', 'occurred_at', 'property_name'] as const;

/**
 * An event's dedupe key as one string, as the database holds it (text sanitised, so a key sent
 * with a NUL matches the key returned; and no NUL is left to blur the separator).
 */
function keyOf(row: Pick<WebhookEventsTable, (typeof KEY)[number]>): string {
  return KEY.map((column) => sanitizeText(String(row[column]))).join('\u0000');
}

/** An event as a `webhook_events` row (no property: `''`, never NULL, as it is part of the key). */
function toRow(e: WebhookEventRecord): Insertable<WebhookEventsTable> {
  return {
    portal_id: e.portalId,
    event_id: e.eventId,
    subscription_id: e.subscriptionId,
    object_id: e.objectId,
    occurred_at: e.occurredAt,
    property_name: e.propertyName ?? '',
    subscription_type: e.subscriptionType,
    property_value: e.propertyValue,
    change_source: e.changeSource,
    source_id: e.sourceId,
    attempt_number: e.attemptNumber,
    raw: e.raw,
    received_at: e.receivedAt,
  };
}

/** Event kinds that say a contact is gone: kept when its other raw events are purged. */
const REMOVAL_EVENT = sql<boolean>`(subscription_type like '%.deletion' or subscription_type like '%.privacyDeletion' or subscription_type like '%.merge')`;

/** Applies a removal to the raw events, in the caller's transaction (see EventStore.removeContacts). */
export async function removeRawEventsOf(db: Kysely<Database>, removal: ContactRemoval): Promise<void> {
  if (removal.kind === 'merged') return;
  for (const part of chunks(removedIds(removal)))
    await db
      .deleteFrom('webhook_events')
      .where('portal_id', '=', removal.portalId)
      .where('object_id', 'in', part)
      .where(sql<boolean>`not ${REMOVAL_EVENT}`)
      .execute();
}

/** The {@link EventStore} over SQL. */
export class SqlEventStore implements EventStore {
  constructor(private readonly ctx: SqlContext) {}

  accept(
    events: readonly WebhookEventRecord[],
    enqueue: readonly EnqueueRequest[] = [],
  ): Promise<AcceptEventsResult> {
    const now = this.ctx.now();
    return this.ctx.transact('acceptEvents', async (trx) => {
      let accepted = 0;
      const fresh: EnqueueRequest[] = [];
      const decisions: SalesDecisionRequest[] = [];
      const transitions: TransitionRecord[] = [];
      for (const part of chunks(events)) {
        const rows = part.map(toRow);
        const inserted = await trx
          .insertInto('webhook_events')
          .values(rows)
          .onConflict((oc) => oc.columns(KEY).doNothing())
          .returning(KEY)
          .execute();
        accepted += inserted.length;
        // Work rides on new events only: a duplicate delivery was already queued the first time.
        const insertedKeys = new Set(inserted.map(keyOf));
        for (const [i, e] of part.entries()) {
          if (!e.enqueue && !e.decision && !e.transitions?.length) continue;
          const key = keyOf(rows[i]!);
          if (!insertedKeys.has(key)) continue;
          insertedKeys.delete(key); // a copy of the event later in the batch is a duplicate
          if (e.enqueue) fresh.push(e.enqueue);
          if (e.decision) decisions.push(e.decision);
          if (e.transitions) transitions.push(...e.transitions);
        }
      }
      for (const d of decisions) await insertDecision(trx, d, 'pending');
      await insertTransitions(trx, transitions);
      const requests = [...enqueue, ...fresh];
      const enqueued = requests.length > 0 ? await enqueueWork(trx, requests, now) : 0;
      // Last, so that nothing of a removed contact the batch brought stays behind.
      for (const e of events) if (e.removal) await removeContactsEverywhere(trx, e.removal, now);
      return { accepted, duplicates: events.length - accepted, enqueued };
    });
  }

  prune(before: number): Promise<number> {
    return this.ctx.run('pruneEvents', async () => {
      const result = await this.ctx.db
        .deleteFrom('webhook_events')
        .where('received_at', '<', before)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }

  removeContacts(removal: ContactRemoval): Promise<void> {
    return this.ctx.transact('removeRawEvents', (trx) => removeRawEventsOf(trx, removal));
  }
}
