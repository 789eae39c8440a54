/**
 * The model aggregate's SQL (the {@link ModelStore} port): drafts numbered per portal (retried when
 * two instances pick the same number), and publishing, which archives the published version in the
 * same transaction (locked on PostgreSQL), so at most one version is published.
 */
import type { Selectable } from 'kysely';
import type { QualificationModelInput } from '../../core/model.js';
import type { ModelVersionsTable } from '../schema.js';
import type { SqlContext } from '../sql/context.js';
import { isUniqueViolation, selectWhere } from '../sql/queries.js';
import { StoreNotFoundError, type PortalId } from '../store.port.js';
import type { ModelStore, ModelVersionRecord } from './models.port.js';
import { toModelVersion } from './models.rows.js';

/** The {@link ModelStore} over SQL. */
export class SqlModelStore implements ModelStore {
  constructor(private readonly ctx: SqlContext) {}

  async saveDraft(
    portalId: PortalId,
    model: QualificationModelInput,
    createdBy: string,
    now: number,
  ): Promise<ModelVersionRecord> {
    // Two instances saving at once may pick the same number on PostgreSQL: the loser tries again.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.ctx.transact('saveDraft', async (trx) => {
          const top = await trx
            .selectFrom('model_versions')
            .select((eb) => eb.fn.max('version').as('version'))
            .where('portal_id', '=', portalId)
            .executeTakeFirst();
          const row = {
            portal_id: portalId,
            version: Number(top?.version ?? 0) + 1,
            status: 'draft',
            model: JSON.stringify(model),
            created_by: createdBy,
            created_at: now,
            published_by: null,
            published_at: null,
            agreed_by: null,
            note: null,
          };
          await trx.insertInto('model_versions').values(row).execute();
          return toModelVersion(row);
        });
      } catch (error) {
        if (attempt >= 5 || !isUniqueViolation(error)) throw error;
      }
    }
  }

  publish(
    portalId: PortalId,
    version: number,
    by: { publishedBy: string; agreedBy?: string | null; note?: string | null },
    now: number,
  ): Promise<ModelVersionRecord> {
    const key = { portal_id: portalId, version };
    return this.ctx.transact('publish', async (trx) => {
      // On PostgreSQL, lock the portal's versions so two publishes cannot both leave theirs published.
      const versions = await trx
        .selectFrom('model_versions')
        .select(['version', 'status'])
        .where('portal_id', '=', portalId)
        .$if(this.ctx.kind === 'postgres', (q) => q.forUpdate())
        .execute();
      const target = versions.find((v) => Number(v.version) === version);
      if (target === undefined) {
        throw new StoreNotFoundError(`portal ${portalId} has no model version ${version}`);
      }
      if (target.status !== 'published') {
        await trx
          .updateTable('model_versions')
          .set({ status: 'archived' })
          .where((eb) => eb.and({ portal_id: portalId, status: 'published' }))
          .execute();
        await trx
          .updateTable('model_versions')
          .set({
            status: 'published',
            published_by: by.publishedBy,
            published_at: now,
            agreed_by: by.agreedBy ?? null,
            note: by.note ?? null,
          })
          .where((eb) => eb.and(key))
          .execute();
      }
      const row = await selectWhere(trx, 'model_versions', key).executeTakeFirstOrThrow();
      return toModelVersion(row);
    });
  }

  published(portalId: PortalId): Promise<ModelVersionRecord | null> {
    return this.one('publishedModel', { portal_id: portalId, status: 'published' });
  }

  versions(portalId: PortalId): Promise<ModelVersionRecord[]> {
    return this.ctx.read('modelVersions', async () => {
      const rows = await selectWhere(this.ctx.db, 'model_versions', { portal_id: portalId })
        .orderBy('version')
        .execute();
      return rows.map(toModelVersion);
    });
  }

  version(portalId: PortalId, version: number): Promise<ModelVersionRecord | null> {
    return this.one('modelVersion', { portal_id: portalId, version });
  }

  /** The version that matches, or null. */
  private one(
    what: string,
    match: Partial<Selectable<ModelVersionsTable>>,
  ): Promise<ModelVersionRecord | null> {
    return this.ctx.read(what, async () => {
      const row = await selectWhere(this.ctx.db, 'model_versions', match).executeTakeFirst();
      return row === undefined ? null : toModelVersion(row);
    });
  }
}
