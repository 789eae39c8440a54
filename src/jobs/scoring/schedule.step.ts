/**
 * Schedule: a score has a future. Each contact scored is queued again for the moment the core says
 * its written values next change on their own (a signal fading by a point or expiring, an
 * installed-base window closing), so HubSpot is never staler than the model: no scans, no cron,
 * and no read or write for contacts whose values do not move. The queue keeps the earliest due
 * time per contact and its leases work across instances, so a schedule is one row per contact.
 *
 * It also measures how late such a change reached HubSpot: a contact written at or after the
 * moment foreseen at its previous scoring.
 */
import { type EnqueueRequest, SCHEDULED_WORK_REASON } from '../../store/store.port.js';
import type { ScoreDeps, ScoringBatch } from './batch.js';

export async function scheduleNextChanges(deps: ScoreDeps, batch: ScoringBatch): Promise<void> {
  const { portalId } = batch;
  const requests: EnqueueRequest[] = [];
  for (const [contactId, s] of batch.scored) {
    if (batch.refused.has(contactId) || s.nextChangeAt === null) continue;
    requests.push({ portalId, contactId, reason: SCHEDULED_WORK_REASON, dueAt: s.nextChangeAt });
  }
  if (requests.length > 0) await deps.store.queue.enqueue(requests);

  if (!deps.onScheduledLag) return;
  const writtenAt = deps.clock();
  for (const contactId of batch.written) {
    const foreseen = batch.loaded.previous.get(contactId)?.nextChangeAt ?? null;
    if (foreseen !== null && foreseen <= batch.now) deps.onScheduledLag(Math.max(0, writtenAt - foreseen));
  }
}
