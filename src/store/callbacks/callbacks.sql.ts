/** The callbacks aggregate's SQL (the {@link CallbackStore} port): BLOCKed workflow actions until completed or expired. */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { SqlContext } from '../sql/context.js';
import { chunks, removeFromTable, rowsOfContacts } from '../sql/queries.js';
import type { ContactId, ContactRemoval, PortalId } from '../store.port.js';
import type { CallbackStore, PendingCallback } from './callbacks.port.js';
import { toPendingCallback } from './callbacks.rows.js';

/** Applies a removal to the callbacks, in the caller's transaction: they go, or follow the survivor. */
export function removeCallbacksOf(db: Kysely<Database>, removal: ContactRemoval): Promise<void> {
  return removeFromTable(db, 'pending_callbacks', removal, { many: true });
}

/** The {@link CallbackStore} over SQL. */
export class SqlCallbackStore implements CallbackStore {
  constructor(private readonly ctx: SqlContext) {}

  add(callback: PendingCallback): Promise<void> {
    return this.ctx.run('addPendingCallback', async () => {
      await this.ctx.db
        .insertInto('pending_callbacks')
        .values({
          callback_id: callback.callbackId,
          portal_id: callback.portalId,
          contact_id: callback.contactId,
          action: callback.action,
          created_at: callback.createdAt,
          expires_at: callback.expiresAt,
          completed_at: callback.completedAt,
          completion_error: callback.completionError ?? null,
        })
        .onConflict((oc) => oc.column('callback_id').doNothing())
        .execute();
    });
  }

  pending(portalId: PortalId, contactIds: readonly ContactId[], now: number): Promise<PendingCallback[]> {
    return this.ctx.read('pendingCallbacks', async () => {
      const rows = await rowsOfContacts(this.ctx.db, 'pending_callbacks', portalId, contactIds, (q) =>
        q
          .where('completed_at', 'is', null)
          .where('expires_at', '>', now)
          .orderBy('created_at')
          .orderBy('callback_id'),
      );
      return rows.map(toPendingCallback);
    });
  }

  complete(callbackIds: readonly string[], now: number, error?: string): Promise<void> {
    if (callbackIds.length === 0) return Promise.resolve();
    return this.ctx.transact('completeCallbacks', async (trx) => {
      for (const part of chunks(callbackIds)) {
        await trx
          .updateTable('pending_callbacks')
          .set({ completed_at: now, completion_error: error ?? null })
          .where('callback_id', 'in', part)
          .where('completed_at', 'is', null)
          .execute();
      }
    });
  }

  removeContacts(removal: ContactRemoval): Promise<void> {
    return this.ctx.transact('removeCallbacks', (trx) => removeCallbacksOf(trx, removal));
  }
}
