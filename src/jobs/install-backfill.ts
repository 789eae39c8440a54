/**
 * The backfill on first install: when the service starts for a portal whose history backfill has
 * not finished (a new install, an upgrade from a version without it, or a backfill stopped midway),
 * it runs it once in the background, so a portal with history shows real intent on day one
 * without anyone running `rescore --all --backfill`.
 *
 * Careful by design: it never delays start or readiness; it takes one page at a time (a listing
 * ahead), so the worker's live work keeps its share of the one rate budget; it holds the backfill's
 * lease, so of several instances (or an instance and the CLI) one runs it; a stop (shutdown,
 * crash, a HubSpot failure) is continued from the checkpoint at the next start; a finished one is
 * never run again (the CLI's `--restart` does that). `BACKFILL_ON_INSTALL=false` turns it off.
 */
import type { Logger } from '../logger.js';
import type { PortalId } from '../store/store.port.js';
import { type BackfillDeps, type BackfillOutcome, backfillPortal } from './backfill.js';

/** Pages between two progress lines in the log. */
const LOG_EVERY_PAGES = 10;

export interface InstallBackfill {
  /** Settles when the run ends: its outcome, or null when there was nothing to do or it failed. */
  done: Promise<BackfillOutcome | null>;
  /** Stops after the page in hand (shutdown); the next start continues from the checkpoint. */
  stop(): Promise<void>;
}

/** Starts the portal's backfill in the background unless it finished before; see the module. */
export function startInstallBackfill(
  deps: BackfillDeps,
  portalId: PortalId,
  options: { holder: string; logger: Logger },
): InstallBackfill {
  const abort = new AbortController();
  const { logger } = options;
  const run = async (): Promise<BackfillOutcome | null> => {
    const existing = await deps.store.backfills.get(portalId);
    if (existing?.status === 'finished') return null;
    logger.info(
      { portalId, resumeAfter: existing?.contacts ?? 0 },
      existing ? 'continuing the history backfill' : 'first start for this portal: backfilling its history',
    );
    const outcome = await backfillPortal(deps, portalId, {
      holder: options.holder,
      signal: abort.signal,
      onProgress: (p) => {
        if (p.pages % LOG_EVERY_PAGES === 0)
          logger.info(
            { portalId, contacts: p.scored, signalsFound: p.signalsFound, signalsCreated: p.signalsCreated },
            'history backfill in progress',
          );
      },
    });
    if (outcome.status === 'skipped')
      logger.info(
        { portalId, reason: outcome.reason, holder: outcome.record.holder },
        'history backfill not run here',
      );
    else {
      const { scored, signalsFound, signalsCreated, written } = outcome.progress;
      logger.info(
        { portalId, status: outcome.status, contacts: scored, signalsFound, signalsCreated, written },
        outcome.status === 'finished'
          ? 'history backfill finished'
          : 'history backfill stopped; it continues at the next start',
      );
    }
    return outcome;
  };
  const done = run().catch((error: unknown) => {
    logger.warn(
      { portalId, err: error instanceof Error ? error.message : String(error) },
      'history backfill failed; it continues from its checkpoint at the next start (or run rescore --all --backfill)',
    );
    return null;
  });
  return {
    done,
    async stop() {
      abort.abort();
      await done;
    },
  };
}
