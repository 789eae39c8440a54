/** The callbacks aggregate's rows as records. */
import type { Selectable } from 'kysely';
import type { PendingCallbacksTable } from '../schema.js';
import { time } from '../sql/parse.js';
import type { PendingCallback } from './callbacks.port.js';

/** A `pending_callbacks` row as a {@link PendingCallback}. */
export function toPendingCallback(row: Selectable<PendingCallbacksTable>): PendingCallback {
  return {
    callbackId: row.callback_id,
    portalId: row.portal_id,
    contactId: row.contact_id,
    action: row.action,
    createdAt: Number(row.created_at),
    // Every row has one since 0006 (rows from before it were given the one-day BLOCK they got).
    expiresAt: Number(row.expires_at ?? row.created_at),
    completedAt: time(row.completed_at),
    completionError: row.completion_error,
  };
}
