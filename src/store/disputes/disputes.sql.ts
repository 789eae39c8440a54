/** The disputes aggregate's SQL (the {@link DisputeStore} port). */
import type { Kysely, Selectable } from 'kysely';
import type { Database, ScoreDisputesTable } from '../schema.js';
import type { SqlContext } from '../sql/context.js';
import { removeFromTable, selectWhere } from '../sql/queries.js';
import type { ContactId, ContactRemoval, PortalId } from '../store.port.js';
import type { DisputeRecord, DisputeStore } from './disputes.port.js';

function toDispute(row: Selectable<ScoreDisputesTable>): DisputeRecord {
  return {
    id: row.id,
    portalId: row.portal_id,
    contactId: row.contact_id,
    reason: row.reason,
    disputedBy: row.disputed_by,
    disputedAt: Number(row.disputed_at),
    modelVersion: row.model_version,
    qualification: row.qualification,
  };
}

/** Applies a removal to the disputes, in the caller's transaction. */
export function removeDisputesOf(db: Kysely<Database>, removal: ContactRemoval): Promise<void> {
  return removeFromTable(db, 'score_disputes', removal, { many: true });
}

/** The {@link DisputeStore} over SQL. */
export class SqlDisputeStore implements DisputeStore {
  constructor(private readonly ctx: SqlContext) {}

  async record(d: DisputeRecord): Promise<void> {
    await this.ctx.run('recordDispute', () =>
      this.ctx.db
        .insertInto('score_disputes')
        .values({
          id: d.id,
          portal_id: d.portalId,
          contact_id: d.contactId,
          reason: d.reason,
          disputed_by: d.disputedBy,
          disputed_at: d.disputedAt,
          model_version: d.modelVersion,
          qualification: d.qualification,
        })
        .execute(),
    );
  }

  of(portalId: PortalId, contactId: ContactId): Promise<DisputeRecord[]> {
    return this.ctx.read('disputesOf', async () => {
      const rows = await selectWhere(this.ctx.db, 'score_disputes', {
        portal_id: portalId,
        contact_id: contactId,
      })
        .orderBy('disputed_at', 'desc')
        .execute();
      return rows.map(toDispute);
    });
  }

  between(portalId: PortalId, from: number, to: number): Promise<DisputeRecord[]> {
    return this.ctx.read('disputesBetween', async () => {
      const rows = await selectWhere(this.ctx.db, 'score_disputes', { portal_id: portalId })
        .where('disputed_at', '>=', from)
        .where('disputed_at', '<', to)
        .orderBy('disputed_at')
        .execute();
      return rows.map(toDispute);
    });
  }

  removeContacts(removal: ContactRemoval): Promise<void> {
    return this.ctx.transact('removeDisputes', (trx) => removeDisputesOf(trx, removal));
  }
}
