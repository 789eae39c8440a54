/**
 * `rescore --all --backfill [--restart]`: the portal's history backfill (see jobs/backfill.ts), with
 * progress and ETA on stderr. Ctrl-C stops it after the page in hand; running the same command
 * again continues from the checkpoint. A finished backfill is not run again without `--restart`.
 */
import { hostname } from 'node:os';
import { derivedReads } from '../hubspot/crm-history.js';
import { backfillPortal, type BackfillOutcome } from '../jobs/backfill.js';
import { withHubSpot } from './context.js';
import { type CliIo } from './io.js';
import { progressLine, progressSink } from './progress.js';

const iso = (ms: number | null) => (ms === null ? '?' : new Date(ms).toISOString());

export async function backfillCommand(
  options: { portal: string; restart?: boolean },
  io: CliIo & { progress?: (line: string) => void },
): Promise<number> {
  const portalId = options.portal;
  return withHubSpot(async ({ crm, scoreDeps, store }) => {
    const total = await crm.countContacts();
    const sink = progressSink(io);
    const abort = new AbortController();
    const onSigint = () => abort.abort();
    process.once('SIGINT', onSigint);
    let outcome: BackfillOutcome;
    try {
      outcome = await backfillPortal({ ...scoreDeps, crm, store, reads: derivedReads(crm) }, portalId, {
        holder: `cli:${hostname()}:${process.pid}`,
        restart: options.restart,
        signal: abort.signal,
        onProgress: (p) =>
          sink.show(
            progressLine(p, total, `${p.signalsFound} signals (${p.signalsCreated} new), `, p.resumedAt),
          ),
      });
    } finally {
      process.off('SIGINT', onSigint);
    }
    if (outcome.status === 'skipped') {
      const r = outcome.record;
      if (outcome.reason === 'finished') {
        io.out(
          `the backfill of portal ${portalId} finished at ${iso(r.finishedAt)} (${r.contacts} contacts, ${r.signalsFound} signals); nothing to do: pass --restart to run it again`,
        );
        return 0;
      }
      io.err(
        `the backfill of portal ${portalId} is being run by ${r.holder ?? '?'} (checkpoint ${iso(r.updatedAt)}, ${r.contacts} contacts done); it continues there. If that process is gone, run this again after ${iso(r.leaseUntil)}`,
      );
      return 1;
    }
    sink.end();
    const p = outcome.progress;
    const seconds = (p.now - p.startedAt) / 1000;
    const thisRun = p.scored - p.resumedAt;
    const summary = `${p.scored} contacts${p.resumedAt > 0 ? ` (resumed after ${p.resumedAt})` : ''} in ${seconds.toFixed(1)} s (${(thisRun / Math.max(seconds, 0.001)).toFixed(0)}/s): ${p.signalsFound} derived signals found, ${p.signalsCreated} new; ${p.written} written, ${p.rejected} refused by HubSpot`;
    if (outcome.status === 'interrupted') {
      io.out(`backfill interrupted after ${summary}; run the same command again to continue`);
      return 1;
    }
    io.out(`backfilled ${summary}`);
    return p.rejected > 0 ? 1 : 0;
  });
}
