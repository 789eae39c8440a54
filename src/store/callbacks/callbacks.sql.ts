/** The callbacks aggregate's SQL (the {@link CallbackStore} port): BLOCKed workflow actions until completed. */
import type { SqlContext } from '../sql/context.js';
import { chunks, rowsOfContacts } from '../sql/queries.js';
import type { ContactId, PortalId } from '../store.port.js';
import type { CallbackStore, PendingCallback } from './callbacks.port.js';
import { toPendingCallback } from './callbacks.rows.js';

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
          completed_at: callback.completedAt,
        })
        .onConflict((oc) => oc.column('callback_id').doNothing())
        .execute();
    });
  }

  pending(portalId: PortalId, contactIds: readonly ContactId[]): Promise<PendingCallback[]> {
    return this.ctx.read('pendingCallbacks', async () => {
      const rows = await rowsOfContacts(this.ctx.db, 'pending_callbacks', portalId, contactIds, (q) =>
        q.where('completed_at', 'is', null).orderBy('created_at').orderBy('callback_id'),
      );
      return rows.map(toPendingCallback);
    });
  }

  complete(callbackIds: readonly string[], now: number): Promise<void> {
    if (callbackIds.length === 0) return Promise.resolve();
    return this.ctx.transact('completeCallbacks', async (trx) => {
      for (const part of chunks(callbackIds)) {
        await trx
          .updateTable('pending_callbacks')
          .set({ completed_at: now })
          .where('callback_id', 'in', part)
          .where('completed_at', 'is', null)
          .execute();
      }
    });
  }
}
