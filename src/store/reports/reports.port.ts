/**
 * The reports aggregate: each portal's weekly returned-leads report, made once per week and
 * delivered once, whatever the number of instances.
 */
import type { ContactRemoval, PortalId } from '../store.port.js';

export interface WeeklyReportReason {
  reason: string;
  label: string;
  count: number;
  share: number;
}

/** One week's returned-leads report of a portal, kept so it is sent once. */
export interface WeeklyReportRecord {
  portalId: PortalId;
  /** The week, `weekStart <= decidedAt < weekEnd`. */
  weekStart: number;
  weekEnd: number;
  /** The marketing owner it is addressed to (null: none configured, kept but not delivered). */
  ownerId: string | null;
  title: string;
  body: string;
  returned: number;
  topReasons: WeeklyReportReason[];
  createdAt: number;
  deliveredAt: number | null;
  taskId: string | null;
}

export interface ReportStore {
  /**
   * Takes a week's report for sending: stores it when the week has none yet, or hands back the
   * stored one when it is still unsent and nobody holds it; null when it was sent or is held.
   * Held for `leaseMs`.
   */
  claimWeekly(
    report: Omit<WeeklyReportRecord, 'deliveredAt' | 'taskId'>,
    now: number,
    leaseMs: number,
  ): Promise<WeeklyReportRecord | null>;
  markDelivered(portalId: PortalId, weekStart: number, at: number, taskId: string | null): Promise<void>;
  /** A portal's weekly reports, newest first. */
  weekly(portalId: PortalId): Promise<WeeklyReportRecord[]>;
  /**
   * A report quotes sales' notes per contact: a deleted contact's lines are taken out of the
   * stored reports, a merged one's are put under the survivor's id.
   */
  removeContacts(removal: ContactRemoval): Promise<void>;
}
