/**
 * The backfills aggregate: one checkpoint per portal of the history backfill (`rescore --all
 * --backfill`, or the service's run on first install), so a backfill that stops (a crash, Ctrl-C, a
 * deploy) continues where it was instead of starting over, and a finished one is not run again
 * unless asked. Whoever runs it holds a lease, so two instances, or an instance and the CLI, never
 * run one portal's backfill at once.
 */
import type { PortalId } from '../store.port.js';

/** A portal's backfill: where it is, what it has done, and who runs it. Times are epoch ms. */
export interface BackfillRecord {
  portalId: PortalId;
  /** `running` until every page was done (or stopped midway: see the lease), then `finished`. */
  status: 'running' | 'finished';
  /** HubSpot's paging cursor of the next page of contacts; null: the first page (or none left). */
  cursor: string | null;
  /** Totals of the pages done so far. */
  pages: number;
  contacts: number;
  signalsFound: number;
  signalsCreated: number;
  startedAt: number;
  finishedAt: number | null;
  /** When the checkpoint was last saved. */
  updatedAt: number;
  /** Who runs it (an instance, a CLI run) while its lease lasts; null when nobody does. */
  holder: string | null;
  leaseUntil: number | null;
}

/** The totals and the cursor after a page, saved together. */
export type BackfillProgress = Pick<
  BackfillRecord,
  'cursor' | 'pages' | 'contacts' | 'signalsFound' | 'signalsCreated'
>;

/** The answer to a claim: the checkpoint to continue from, or why it may not run now. */
export type BackfillClaim =
  | { claimed: true; record: BackfillRecord; resumed: boolean }
  | { claimed: false; record: BackfillRecord; reason: 'finished' | 'held' };

export interface BackfillStore {
  get(portalId: PortalId): Promise<BackfillRecord | null>;
  /**
   * Takes the portal's backfill for `holder` until `now + leaseMs`, in one transaction: a new one
   * (none yet, or `restart`: counts and cursor reset) or a running one nobody holds (or whose lease
   * ran out), continued from its checkpoint (`resumed`). A finished one is not taken unless
   * `restart`; one another holder's lease covers is never taken, restart or not.
   */
  claim(
    portalId: PortalId,
    holder: string,
    now: number,
    leaseMs: number,
    options?: { restart?: boolean },
  ): Promise<BackfillClaim>;
  /**
   * Saves the checkpoint after a page and renews the lease; false (nothing saved) when `holder`
   * no longer holds it (its lease ran out and another took it over).
   */
  checkpoint(
    portalId: PortalId,
    holder: string,
    progress: BackfillProgress,
    now: number,
    leaseMs: number,
  ): Promise<boolean>;
  /** Marks it finished and lets the lease go; false when `holder` no longer holds it. */
  finish(portalId: PortalId, holder: string, now: number): Promise<boolean>;
  /** Lets the lease go without finishing (stopped midway): the next claim continues at once. */
  release(portalId: PortalId, holder: string): Promise<void>;
}
