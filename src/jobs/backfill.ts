/**
 * History backfill (`rescore --all --backfill`, and the service's run on first install): rebuild
 * the model's derived signals from what HubSpot already holds, then rescore, one page of contacts at
 * a time:
 *
 *   list      a page of contacts with the properties the model needs (≤100 a call)
 *   derive    their property history (≤50 records a call), their meetings (associations) and the
 *             meetings' history: `readAndDerive`, the live path's own reads and rule, so a backfill
 *             finds exactly the signals webhooks would have found, under the same source keys
 *   record    each signal once per contact (idempotency key: its source key)
 *   score     the page, as `rescore --all` does, with the signals just recorded
 *   checkpoint  the next page's cursor and the totals, in the store (`backfills`), in page order
 *
 * Two pages are worked on at once (and the next one listed meanwhile), so the rate budget sets
 * the pace.
 *
 * Every call draws from the gateway's one rate budget. A backfill that stops (a crash, an abort)
 * continues from its checkpoint: a page done again records nothing twice, and scoring writes only
 * what changed. A finished backfill is not run again unless restarted. Whoever runs it holds a
 * lease, renewed with each checkpoint, so an instance and the CLI never run one portal's at once.
 */
import { AppError } from '../errors.js';
import type { QualificationModel } from '../core/model.js';
import type { CrmGateway, CrmRecord } from '../hubspot/crm-gateway.js';
import type { DerivedReads } from '../hubspot/crm-history.js';
import type { BackfillRecord, BackfillStore, PortalId } from '../store/store.port.js';
import { readAndDerive, recordDerivedSignals } from './derive-signals.js';
import type { RescoreProgress } from './rescore-all.js';
import { contactPropertiesFor, type ScoreDeps, scoreRecords } from './scoring/score-contacts.job.js';

/** How long a holder keeps the backfill without saving a checkpoint (renewed with each page). */
export const BACKFILL_LEASE_MS = 5 * 60_000;
/** Contacts per page: HubSpot's listing limit. */
export const BACKFILL_PAGE_SIZE = 100;

export interface BackfillDeps extends ScoreDeps {
  crm: ScoreDeps['crm'] & Pick<CrmGateway, 'listContacts'>;
  /** The derived-signal reads (history, associations), through the same gateway. */
  reads: DerivedReads;
  store: ScoreDeps['store'] & { backfills: BackfillStore };
}

/** A rescore's progress, and the signals found so far (totals include pages done before a resume). */
export interface BackfillProgress extends RescoreProgress {
  pages: number;
  signalsFound: number;
  signalsCreated: number;
  /** Contacts done before this run (a resumed backfill's checkpoint); 0 for a new one. */
  resumedAt: number;
}

export interface BackfillOptions {
  /** Start over even when finished (or running: counts and cursor reset). */
  restart?: boolean;
  /** Who runs it (for the lease): the CLI run or the service instance. */
  holder: string;
  /** Contacts per page (1–100; default 100). */
  pageSize?: number;
  /** Pages derived and scored at once (default 2: the rate budget, not latency, sets the pace). */
  concurrency?: number;
  leaseMs?: number;
  /** Stops after the page in hand; its checkpoint is saved, the lease let go. */
  signal?: AbortSignal;
  onProgress?: (progress: BackfillProgress) => void;
}

export type BackfillOutcome =
  | { status: 'finished' | 'interrupted'; resumed: boolean; progress: BackfillProgress }
  /** Not run: finished before (and not restarted), or another holder runs it now. */
  | { status: 'skipped'; reason: 'finished' | 'held'; record: BackfillRecord };

/** Runs (or continues) the portal's backfill; see the module. */
export async function backfillPortal(
  deps: BackfillDeps,
  portalId: PortalId,
  options: BackfillOptions,
): Promise<BackfillOutcome> {
  const leaseMs = options.leaseMs ?? BACKFILL_LEASE_MS;
  const pageSize = Math.min(Math.max(1, options.pageSize ?? BACKFILL_PAGE_SIZE), BACKFILL_PAGE_SIZE);
  const claim = await deps.store.backfills.claim(portalId, options.holder, deps.clock(), leaseMs, {
    restart: options.restart,
  });
  if (!claim.claimed) return { status: 'skipped', reason: claim.reason, record: claim.record };
  const start = claim.record;
  const progress: BackfillProgress = {
    listed: start.contacts,
    scored: start.contacts,
    written: 0,
    rejected: 0,
    pages: start.pages,
    signalsFound: start.signalsFound,
    signalsCreated: start.signalsCreated,
    resumedAt: start.contacts,
    startedAt: deps.clock(),
    now: deps.clock(),
  };
  const inFlight = new Set<Promise<void>>();
  try {
    const { model } = await deps.models.get(portalId);
    const properties = contactPropertiesFor(model).contact;
    const list = (after: string | null) => deps.crm.listContacts(after, pageSize, properties);
    const concurrency = Math.max(1, options.concurrency ?? 2);
    // Pages in listing order, from the oldest not yet checkpointed: a checkpoint moves past a page
    // only once every page before it is done, so a resume never skips one.
    const pending: { next: string | null; done?: PageDone }[] = [];
    let checkpoints = Promise.resolve();
    const saveDone = async () => {
      for (let done = pending[0]?.done; done !== undefined; done = pending[0]?.done) {
        const { next } = pending.shift()!;
        progress.pages++;
        progress.listed += done.contacts;
        progress.scored += done.scored;
        progress.written += done.written;
        progress.rejected += done.rejected;
        progress.signalsFound += done.signalsFound;
        progress.signalsCreated += done.signalsCreated;
        progress.now = deps.clock();
        const saved = await deps.store.backfills.checkpoint(
          portalId,
          options.holder,
          { ...progress, contacts: progress.listed, cursor: next },
          progress.now,
          leaseMs,
        );
        if (!saved) throw lostLease(portalId);
        options.onProgress?.({ ...progress });
      }
    };
    const work = async (records: CrmRecord[], slot: (typeof pending)[number]) => {
      slot.done = await backfillPage(deps, model, portalId, records);
      checkpoints = checkpoints.then(saveDone);
      await checkpoints;
    };

    // A checkpoint at the end of the listing (a crash after the last page) has nothing left to do.
    const atEnd = claim.resumed && start.pages > 0 && start.cursor === null;
    let listing = atEnd ? null : list(start.cursor);
    let interrupted = false;
    while (listing !== null) {
      const page = await listing;
      // The next page is listed while this one is derived and scored.
      listing = page.next === null ? null : list(page.next);
      listing?.catch(() => {});
      const slot = { next: page.next };
      pending.push(slot);
      const tracked: Promise<void> = work(page.records, slot).finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      // Its failure is seen by the race or the wait below; until then it must not count as unhandled.
      tracked.catch(() => {});
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
      if (listing !== null && options.signal?.aborted) {
        interrupted = true;
        break;
      }
    }
    await Promise.all(inFlight);
    if (interrupted) {
      await deps.store.backfills.release(portalId, options.holder);
      return { status: 'interrupted', resumed: claim.resumed, progress };
    }
    if (!(await deps.store.backfills.finish(portalId, options.holder, deps.clock())))
      throw lostLease(portalId);
    progress.now = deps.clock();
    return { status: 'finished', resumed: claim.resumed, progress };
  } catch (error) {
    await Promise.allSettled(inFlight);
    // Let the next run continue at once (from the last checkpoint) instead of waiting out the lease.
    if (!(error instanceof AppError && error.code === 'conflict'))
      await deps.store.backfills.release(portalId, options.holder).catch(() => {});
    throw error;
  }
}

/** What one page gave. */
interface PageDone {
  contacts: number;
  scored: number;
  written: number;
  rejected: number;
  signalsFound: number;
  signalsCreated: number;
}

/** Derives, records and scores one page of listed contacts. */
async function backfillPage(
  deps: BackfillDeps,
  model: QualificationModel,
  portalId: PortalId,
  records: CrmRecord[],
): Promise<PageDone> {
  const found = await readAndDerive(deps.reads, model, { contacts: records.map((r) => r.id), meetings: [] });
  const { created } = await recordDerivedSignals(deps.store, portalId, found, deps.clock(), {
    enqueue: false,
  });
  const result = await scoreRecords(deps, portalId, records);
  return {
    contacts: records.length,
    scored: result.evaluations.size,
    written: result.written.length,
    rejected: result.rejected.length,
    signalsFound: found.length,
    signalsCreated: created,
  };
}

/** The lease ran out while this holder worked (it was stalled) and another run took the backfill over. */
function lostLease(portalId: PortalId): AppError {
  return new AppError(
    'conflict',
    `the backfill of portal ${portalId} was taken over by another run while this one was stalled; it continues there`,
  );
}
