/**
 * Rescore a whole portal: page through every contact (100 per call, with the properties the model
 * needs, so no separate read), score each page and write back what changed. Pages are processed
 * while the next is listed, a few at a time, so the shared rate budget, not latency, sets the pace.
 */
import type { CrmGateway } from '../hubspot/crm-gateway.js';
import type { PortalId } from '../store/store.port.js';
import { contactPropertiesFor, type ScoreDeps, scoreRecords } from './scoring/score-contacts.job.js';

export interface RescoreProgress {
  listed: number;
  scored: number;
  written: number;
  rejected: number;
  startedAt: number;
  now: number;
}

export interface RescoreOptions {
  /** Pages in flight at once (default 4). */
  concurrency?: number;
  onProgress?: (progress: RescoreProgress) => void;
}

export async function rescoreAll(
  deps: ScoreDeps & { crm: ScoreDeps['crm'] & Pick<CrmGateway, 'listContacts'> },
  portalId: PortalId,
  options: RescoreOptions = {},
): Promise<RescoreProgress> {
  const { model } = await deps.models.get(portalId);
  const properties = contactPropertiesFor(model).contact;
  const progress: RescoreProgress = {
    listed: 0,
    scored: 0,
    written: 0,
    rejected: 0,
    startedAt: deps.clock(),
    now: deps.clock(),
  };
  const inFlight = new Set<Promise<void>>();
  const limit = options.concurrency ?? 4;
  let after: string | null = null;
  do {
    const page = await deps.crm.listContacts(after, 100, properties);
    after = page.next;
    progress.listed += page.records.length;
    const work: Promise<void> = scoreRecords(deps, portalId, page.records).then((result) => {
      progress.scored += result.evaluations.size;
      progress.written += result.written.length;
      progress.rejected += result.rejected.length;
      progress.now = deps.clock();
      options.onProgress?.({ ...progress });
    });
    const tracked = work.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (inFlight.size >= limit) await Promise.race(inFlight);
  } while (after);
  await Promise.all(inFlight);
  progress.now = deps.clock();
  return progress;
}
