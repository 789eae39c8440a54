/**
 * Notify: completes the workflow actions answered with BLOCK that were waiting on the batch's
 * contacts (*Qualify contact* with the verdict, *Sales decision* with what applying it did), and
 * marks them completed in the store. Callbacks past their BLOCK expiration are not completed:
 * HubSpot has moved the workflow on and would refuse them.
 *
 * Completing is a courtesy to the workflow, not part of the scoring: it never fails the batch. A
 * completion HubSpot refuses (an unknown or expired callback) is settled with HubSpot's message,
 * as trying again cannot help; when HubSpot is unavailable the callbacks stay pending and the
 * contact's next scoring completes them (or they expire).
 */
import { HubSpotError } from '../../hubspot/crm-gateway.js';
import { failureOutputs, qualifyOutputFields } from '../../hubspot/write-back.js';
import { asDecisionOutcome, salesDecisionOutputs } from '../feedback/sales-decisions.js';
import type { ScoreDeps, ScoringBatch } from './batch.js';

export async function completeWaitingActions(deps: ScoreDeps, batch: ScoringBatch): Promise<void> {
  const { portalId, refused } = batch;
  const missing = new Set(batch.missing);
  const contacts = new Set([...batch.scored.keys(), ...refused.keys(), ...missing]);
  const waiting = await deps.store.callbacks.pending(portalId, [...contacts], batch.now);
  if (waiting.length === 0) return;
  const completions: { callbackId: string; outputFields: Record<string, string> }[] = [];
  for (const w of waiting) {
    if (missing.has(w.contactId)) {
      const why = 'HubSpot does not know this contact (deleted or merged)';
      completions.push({
        callbackId: w.callbackId,
        outputFields: failureOutputs('contact_not_found', why, { explanation: why }),
      });
      continue;
    }
    const failed = refused.get(w.contactId);
    if (w.action === 'sales-decision') {
      const key = `callback:${w.callbackId}`;
      const outcome =
        batch.decisions.get(key) ??
        asDecisionOutcome((await deps.store.decisions.get(portalId, key))?.outcome ?? null);
      if (!outcome && failed === undefined) continue; // not applied yet: a later run completes it
      completions.push({
        callbackId: w.callbackId,
        outputFields:
          outcome && failed === undefined
            ? { ...salesDecisionOutputs(outcome), hs_execution_state: 'SUCCESS' }
            : failureOutputs('write_refused', failed ?? 'not applied', {
                explanation: failed ?? 'not applied',
              }),
      });
      continue;
    }
    const e = batch.scored.get(w.contactId)?.evaluation;
    completions.push({
      callbackId: w.callbackId,
      outputFields:
        e && failed === undefined
          ? { ...qualifyOutputFields(e), hs_execution_state: 'SUCCESS' }
          : failureOutputs('write_refused', failed ?? 'not scored', {
              ...(e ? qualifyOutputFields(e) : { explanation: failed ?? 'not scored' }),
            }),
    });
  }
  if (completions.length === 0) return;
  let result;
  try {
    result = await deps.crm.completeCallbacks(completions);
  } catch (error) {
    if (!(error instanceof HubSpotError)) throw error;
    deps.logger?.warn(
      { portalId, callbacks: completions.length, error: error.message },
      'workflow actions not completed (HubSpot unavailable): kept pending for the next scoring',
    );
    return;
  }
  await deps.store.callbacks.complete(result.completed, batch.now);
  for (const r of result.rejected) {
    await deps.store.callbacks.complete([r.callbackId], batch.now, r.message);
    deps.logger?.warn(
      { portalId, callbackId: r.callbackId, error: r.message },
      'HubSpot refused to complete the workflow action (unknown or expired): settled, not retried',
    );
  }
}
