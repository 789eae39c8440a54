/**
 * Plan writes: per contact, only the property values that differ from what HubSpot holds: the
 * evaluation's (scores, verdict, explanation, stage, status), the sales decisions' and routing's;
 * `lq_scored_at` rides along whenever anything else is written.
 */
import { changedValues, diffForWrite } from '../../hubspot/write-back.js';
import type { ScoringBatch } from './batch.js';

export function planWrites(batch: ScoringBatch): void {
  const { now, decided } = batch;
  const routeValues = new Map(batch.routes.map((r) => [r.route.contactId, r.values]));
  for (const record of batch.records) {
    const scored = batch.scored.get(record.id);
    if (!scored) continue;
    const decisionWrites: Record<string, string> = {};
    for (const p of decided.planned.get(record.id) ?? []) Object.assign(decisionWrites, p.values);
    const changes = {
      ...diffForWrite(scored.evaluation, scored.properties, now),
      // Decisions are compared with HubSpot's values as read; routing with those after the decisions.
      ...changedValues(decisionWrites, record.properties),
      ...changedValues(routeValues.get(record.id) ?? {}, decided.effective.get(record.id) ?? {}),
    };
    if (Object.keys(changes).length > 0) changes.lq_scored_at ??= new Date(now).toISOString();
    batch.changes.set(record.id, changes);
  }
}
