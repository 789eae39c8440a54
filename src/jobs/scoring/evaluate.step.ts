/**
 * Evaluate: the core's verdict for each contact HubSpot did not refuse, on its properties with the
 * sales decisions applied, its company and its signals; a lead sales returned is held back until
 * a new signal (the core's return hold).
 */
import { evaluate } from '../../core/evaluate.js';
import { applyReturnHold } from '../../core/feedback.js';
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
    }));
    const evaluation = applyReturnHold(
      evaluate({ id: record.id, properties, company, signals }, model, now),
      returnedAt,
    );
    batch.scored.set(record.id, { properties, company, evaluation, returnedAt });
  }
}
