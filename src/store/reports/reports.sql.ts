/**
 * The reports aggregate's SQL (the {@link ReportStore} port): a week's report is stored once, then
 * leased to one instance at a time until it is marked delivered.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { SqlContext } from '../sql/context.js';
import { removedIds, selectWhere } from '../sql/queries.js';
import type { ContactRemoval, PortalId } from '../store.port.js';
import type { ReportStore, WeeklyReportRecord } from './reports.port.js';
import { toWeeklyReport } from './reports.rows.js';

/**
 * Applies a removal to the stored weekly reports, in the caller's transaction. A report quotes
 * notes as lines `  contact <id> (<reason>): <note>` (core/funnel.ts, weeklyReturnedLeadsReport):
 * a deleted contact's lines are dropped, a merged one's name the survivor.
 */
export async function removeReportNotesOf(db: Kysely<Database>, removal: ContactRemoval): Promise<void> {
  for (const id of removedIds(removal)) {
    const mention = new RegExp(`\\bcontact ${id.replace(/[^\w-]/g, '')} \\(`);
    const reports = await selectWhere(db, 'weekly_reports', { portal_id: removal.portalId })
      .where('body', 'like', `%contact ${id} (%`)
      .execute();
    for (const report of reports) {
      const lines = report.body.split('\n');
      const body = (
        removal.kind === 'merged'
          ? lines.map((line) => line.replace(mention, `contact ${removal.into} (`))
          : lines.filter((line) => !mention.test(line))
      ).join('\n');
      await db
        .updateTable('weekly_reports')
        .set({ body })
        .where('portal_id', '=', report.portal_id)
        .where('week_start', '=', report.week_start)
        .execute();
    }
  }
}

/** The {@link ReportStore} over SQL. */
export class SqlReportStore implements ReportStore {
  constructor(private readonly ctx: SqlContext) {}

  claimWeekly(
    report: Omit<WeeklyReportRecord, 'deliveredAt' | 'taskId'>,
    now: number,
    leaseMs: number,
  ): Promise<WeeklyReportRecord | null> {
    const week = { portal_id: report.portalId, week_start: report.weekStart };
    return this.ctx.transact('claimWeeklyReport', async (trx) => {
      const inserted = await trx
        .insertInto('weekly_reports')
        .values({
          ...week,
          week_end: report.weekEnd,
          owner_id: report.ownerId,
          title: report.title,
          body: report.body,
          returned: report.returned,
          top_reasons: JSON.stringify(report.topReasons),
          created_at: report.createdAt,
          delivered_at: null,
          task_id: null,
          lease_until: now + leaseMs,
        })
        .onConflict((oc) => oc.columns(['portal_id', 'week_start']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0)
        return { ...report, deliveredAt: null, taskId: null };
      const row = await selectWhere(trx, 'weekly_reports', week)
        .$if(this.ctx.kind === 'postgres', (q) => q.forUpdate())
        .executeTakeFirstOrThrow();
      if (row.delivered_at !== null || (row.lease_until !== null && Number(row.lease_until) > now))
        return null;
      await trx
        .updateTable('weekly_reports')
        .set({ lease_until: now + leaseMs })
        .where((eb) => eb.and(week))
        .execute();
      // The stored text is what is sent: the report is made once per week.
      return toWeeklyReport(row);
    });
  }

  markDelivered(portalId: PortalId, weekStart: number, at: number, taskId: string | null): Promise<void> {
    return this.ctx.run('markWeeklyReportDelivered', async () => {
      await this.ctx.db
        .updateTable('weekly_reports')
        .set({ delivered_at: at, task_id: taskId, lease_until: null })
        .where((eb) => eb.and({ portal_id: portalId, week_start: weekStart }))
        .execute();
    });
  }

  weekly(portalId: PortalId): Promise<WeeklyReportRecord[]> {
    return this.ctx.read('weeklyReports', async () => {
      const rows = await selectWhere(this.ctx.db, 'weekly_reports', { portal_id: portalId })
        .orderBy('week_start', 'desc')
        .execute();
      return rows.map(toWeeklyReport);
    });
  }

  removeContacts(removal: ContactRemoval): Promise<void> {
    return this.ctx.transact('removeReportNotes', (trx) => removeReportNotesOf(trx, removal));
  }
}
