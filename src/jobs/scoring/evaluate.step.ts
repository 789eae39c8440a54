/**
 * Evaluate: the core's verdict for each contact HubSpot did not refuse, on its properties with the
 * sales decisions applied, its company and its signals; a lead sales returned is held back until
 * a new signal (the core's return hold). With the verdict comes its future: when the written
 * values would next change on their own (a signal fading or expiring, a window closing).
 */
import { evaluate } from '../../core/evaluate.js';
import { applyReturnHold } from '../../core/feedback.js';
import { nextChangeAt } from '../../core/next-change.js';
import type { ScoringBatch } from './batch.js';

export function evaluateContacts(batch: ScoringBatch): void {
  const { decided, loaded, model, now } = batch;
  for (const record of batch.records) {
    if (batch.refused.has(record.id)) continue;
    const properties = decided.effective.get(record.id) ?? record.properties;
    const companyId = properties.associatedcompanyid ?? null;
    const company = companyId ? (loaded.companies.get(companyId) ?? null) : null;
    const returnedAt = decided.returnedAt.get(record.id) ?? null;
    const signals = (loaded.signals.get(record.id) ?? []).map((s) => ({
      type: s.type,
      occurredAt: s.occurredAt,
      sourceId: s.idempotencyKey,
    }));
    const input = { id: record.id, properties, company, signals };
    const evaluation = applyReturnHold(evaluate(input, model, now), returnedAt);
    const nextChange = nextChangeAt(input, model, now, { returnedAt });
    batch.scored.set(record.id, {
      properties,
      company,
      input,
      evaluation,
      nextChangeAt: nextChange,
      returnedAt,
    });
  }
}
