/**
 * The model aggregate's SQL (the {@link ModelStore} port): drafts numbered per portal by a counter
 * row that serialises concurrent saves of one portal (0005), and publishing, which archives the published version in the
 * same transaction (locked on PostgreSQL), so at most one version is published.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { QualificationModelInput } from '../../core/model.js';
import type { Database, ModelVersionsTable } from '../schema.js';
import type { SqlContext } from '../sql/context.js';
import { selectWhere } from '../sql/queries.js';
import { StoreNotFoundError, type PortalId } from '../store.port.js';
import type { ModelStore, ModelVersionRecord, PublishBy } from './models.port.js';
import { toModelVersion } from './models.rows.js';

/** The {@link ModelStore} over SQL. */
export class SqlModelStore implements ModelStore {
  constructor(private readonly ctx: SqlContext) {}

  saveDraft(
    portalId: PortalId,
    model: QualificationModelInput,
    createdBy: string,
    now: number,
  ): Promise<ModelVersionRecord> {
    return this.ctx.transact('saveDraft', async (trx) => {
      // Bumping the portal's counter row locks it until commit: concurrent saves of one portal
      // take their turns (on PostgreSQL too), and each gets the next number.
      const counter = await trx
        .insertInto('model_version_counters')
        .values({ portal_id: portalId, last_version: 1 })
        .onConflict((oc) =>
          oc.column('portal_id').doUpdateSet({ last_version: sql`model_version_counters.last_version + 1` }),
        )
        .returning('last_version')
        .executeTakeFirstOrThrow();
      // A version the counter does not know of (written by an instance from before 0005 during a
      // rolling deploy) is stepped over rather than collided with.
      const top = await trx
        .selectFrom('model_versions')
        .select((eb) => eb.fn.max('version').as('version'))
        .where('portal_id', '=', portalId)
        .executeTakeFirst();
      let version = Number(counter.last_version);
      const highest = Number(top?.version ?? 0);
      if (highest >= version) {
        version = highest + 1;
        await trx
          .updateTable('model_version_counters')
          .set({ last_version: version })
          .where('portal_id', '=', portalId)
          .execute();
      }
      const row = {
        portal_id: portalId,
        version,
        status: 'draft',
        model: JSON.stringify(model),
        created_by: createdBy,
        created_at: now,
        published_by: null,
        published_at: null,
        agreed_by: null,
        note: null,
        publish_reason: null,
        requested_at: null,
        approved_by: null,
        approved_at: null,
        approval: null,
      };
      await trx.insertInto('model_versions').values(row).execute();
      return toModelVersion(row);
    });
  }

  publish(portalId: PortalId, version: number, by: PublishBy, now: number): Promise<ModelVersionRecord> {
    return this.ctx.transact('publish', (trx) =>
      publishWithin(trx, this.ctx.kind, portalId, version, by, now),
    );
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

/**
 * Publishes `version` in the caller's transaction: it becomes the only published version, the
 * previously published one is archived. (The approvals aggregate publishes an approved request
 * with it, in the same transaction as the approval.)
 */
export async function publishWithin(
  trx: Kysely<Database>,
  kind: 'sqlite' | 'postgres',
  portalId: PortalId,
  version: number,
  by: PublishBy,
  now: number,
): Promise<ModelVersionRecord> {
  const key = { portal_id: portalId, version };
  // On PostgreSQL, lock the portal's versions so two publishes cannot both leave theirs published.
  const versions = await trx
    .selectFrom('model_versions')
    .select(['version', 'status'])
    .where('portal_id', '=', portalId)
    .$if(kind === 'postgres', (q) => q.forUpdate())
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
        publish_reason: by.reason ?? null,
        requested_at: by.approval?.requestedAt ?? null,
        approved_by: by.approval?.approvedBy ?? null,
        approved_at: by.approval?.approvedAt ?? null,
        approval: by.approval?.mode ?? null,
      })
      .where((eb) => eb.and(key))
      .execute();
  }
  const row = await selectWhere(trx, 'model_versions', key).executeTakeFirstOrThrow();
  return toModelVersion(row);
}
