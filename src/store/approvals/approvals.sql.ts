/**
 * The approvals aggregate's SQL (the {@link ApprovalStore} port). Approving is one transaction:
 * the request moves from pending to approved only if it still is pending (so two approvers racing
 * publish once), and its version is published with both names and times.
 */
import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import { ApprovalModeSchema } from '../models/models.rows.js';
import { publishWithin } from '../models/models.sql.js';
import type { Database, PublishRequestsTable } from '../schema.js';
import type { SqlContext } from '../sql/context.js';
import { selectWhere } from '../sql/queries.js';
import type { PortalId } from '../store.port.js';
import type {
  ApprovalPolicy,
  ApprovalStore,
  NewPublishRequest,
  PublishRequestRecord,
  SignedUser,
} from './approvals.port.js';

const Kind = z.enum(['publish', 'rollback']);
const Status = z.enum(['pending', 'approved', 'declined', 'superseded']);

function toRequest(row: Selectable<PublishRequestsTable>): PublishRequestRecord {
  return {
    id: row.id,
    portalId: row.portal_id,
    version: Number(row.version),
    kind: Kind.parse(row.kind),
    note: row.note,
    reason: row.reason ?? null,
    requestedBy: { name: row.requested_by, userId: row.requested_user },
    requestedAt: Number(row.requested_at),
    status: Status.parse(row.status),
    decidedBy:
      row.decided_by === null || row.decided_user === null
        ? null
        : { name: row.decided_by, userId: row.decided_user },
    decidedAt: row.decided_at === null ? null : Number(row.decided_at),
    approval: row.approval === null ? null : ApprovalModeSchema.parse(row.approval),
  };
}

/** Moves a pending request to `status`; false when it was not pending (someone else decided first). */
async function decide(
  trx: Kysely<Database>,
  portalId: PortalId,
  id: string,
  status: 'approved' | 'declined',
  by: SignedUser,
  now: number,
  approval: string | null,
): Promise<boolean> {
  const result = await trx
    .updateTable('publish_requests')
    .set({ status, decided_by: by.name, decided_user: by.userId, decided_at: now, approval })
    .where((eb) => eb.and({ portal_id: portalId, id, status: 'pending' }))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The {@link ApprovalStore} over SQL. */
export class SqlApprovalStore implements ApprovalStore {
  constructor(private readonly ctx: SqlContext) {}

  policy(portalId: PortalId): Promise<ApprovalPolicy> {
    return this.ctx.read('approvalPolicy', async () => {
      const row = await selectWhere(this.ctx.db, 'approval_policies', {
        portal_id: portalId,
      }).executeTakeFirst();
      return row === undefined
        ? { singleApprover: false, changedBy: null, changedAt: null }
        : {
            singleApprover: Number(row.single_approver) === 1,
            changedBy: row.changed_by,
            changedAt: Number(row.changed_at),
          };
    });
  }

  async setPolicy(
    portalId: PortalId,
    singleApprover: boolean,
    by: string,
    now: number,
  ): Promise<ApprovalPolicy> {
    const values = { single_approver: singleApprover ? 1 : 0, changed_by: by, changed_at: now };
    await this.ctx.run('setApprovalPolicy', () =>
      this.ctx.db
        .insertInto('approval_policies')
        .values({ portal_id: portalId, ...values })
        .onConflict((oc) => oc.column('portal_id').doUpdateSet(values))
        .execute(),
    );
    return { singleApprover, changedBy: by, changedAt: now };
  }

  request(request: NewPublishRequest): Promise<PublishRequestRecord> {
    return this.ctx.transact('requestPublish', async (trx) => {
      await trx
        .updateTable('publish_requests')
        .set({ status: 'superseded', decided_at: request.requestedAt })
        .where((eb) => eb.and({ portal_id: request.portalId, status: 'pending' }))
        .execute();
      const row = {
        id: request.id,
        portal_id: request.portalId,
        version: request.version,
        kind: request.kind,
        note: request.note,
        reason: request.reason ?? null,
        requested_by: request.requestedBy.name,
        requested_user: request.requestedBy.userId,
        requested_at: request.requestedAt,
        status: 'pending',
        decided_by: null,
        decided_user: null,
        decided_at: null,
        approval: null,
      };
      await trx.insertInto('publish_requests').values(row).execute();
      return toRequest(row);
    });
  }

  pending(portalId: PortalId): Promise<PublishRequestRecord | null> {
    return this.ctx.read('pendingPublishRequest', async () => {
      const row = await selectWhere(this.ctx.db, 'publish_requests', {
        portal_id: portalId,
        status: 'pending',
      })
        .orderBy('requested_at', 'desc')
        .executeTakeFirst();
      return row === undefined ? null : toRequest(row);
    });
  }

  get(portalId: PortalId, id: string): Promise<PublishRequestRecord | null> {
    return this.ctx.read('publishRequest', async () => {
      const row = await selectWhere(this.ctx.db, 'publish_requests', {
        portal_id: portalId,
        id,
      }).executeTakeFirst();
      return row === undefined ? null : toRequest(row);
    });
  }

  recent(portalId: PortalId, limit: number): Promise<PublishRequestRecord[]> {
    return this.ctx.read('recentPublishRequests', async () => {
      const rows = await selectWhere(this.ctx.db, 'publish_requests', { portal_id: portalId })
        .orderBy('requested_at', 'desc')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toRequest);
    });
  }

  approve(
    portalId: PortalId,
    id: string,
    approver: SignedUser,
    mode: 'two-person' | 'single-approver',
    now: number,
  ) {
    return this.ctx.transact('approvePublish', async (trx) => {
      if (!(await decide(trx, portalId, id, 'approved', approver, now, mode))) return null;
      const request = toRequest(
        await selectWhere(trx, 'publish_requests', { portal_id: portalId, id }).executeTakeFirstOrThrow(),
      );
      const version = await publishWithin(
        trx,
        this.ctx.kind,
        portalId,
        request.version,
        {
          publishedBy: request.requestedBy.name,
          agreedBy: approver.name,
          note: request.note,
          reason: request.reason ?? null,
          approval: { mode, requestedAt: request.requestedAt, approvedBy: approver.name, approvedAt: now },
        },
        now,
      );
      return { request, version };
    });
  }

  decline(portalId: PortalId, id: string, by: SignedUser, now: number): Promise<PublishRequestRecord | null> {
    return this.ctx.transact('declinePublish', async (trx) => {
      if (!(await decide(trx, portalId, id, 'declined', by, now, null))) return null;
      return toRequest(
        await selectWhere(trx, 'publish_requests', { portal_id: portalId, id }).executeTakeFirstOrThrow(),
      );
    });
  }
}
