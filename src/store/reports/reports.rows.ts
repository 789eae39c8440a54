/** The reports aggregate's rows as records (the top reasons' JSON parsed). */
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { WeeklyReportsTable } from '../schema.js';
import { json, time } from '../sql/parse.js';
import type { WeeklyReportRecord } from './reports.port.js';

const ReasonsJson = z.array(
  z.object({ reason: z.string(), label: z.string(), count: z.number(), share: z.number() }),
);

/** A `weekly_reports` row as a {@link WeeklyReportRecord}. */
export function toWeeklyReport(row: Selectable<WeeklyReportsTable>): WeeklyReportRecord {
  return {
    portalId: row.portal_id,
    weekStart: Number(row.week_start),
    weekEnd: Number(row.week_end),
    ownerId: row.owner_id,
    title: row.title,
    body: row.body,
    returned: Number(row.returned),
    topReasons: json(ReasonsJson, row.top_reasons, 'report reasons'),
    createdAt: Number(row.created_at),
    deliveredAt: time(row.delivered_at),
    taskId: row.task_id,
  };
}
