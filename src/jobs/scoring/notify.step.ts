/**
 * Notify: completes the workflow actions answered with BLOCK that were waiting on the batch's
 * contacts (*Qualify contact* with the verdict, *Sales decision* with what applying it did), and
 * marks them completed in the store.
 */
import { asCallbackOutputs, qualifyOutputFields } from '../../hubspot/write-back.js';
import { asDecisionOutcome, salesDecisionOutputs } from '../feedback/sales-decisions.js';
import type { ScoreDeps, ScoringBatch } from './batch.js';

export async function completeWaitingActions(deps: ScoreDeps, batch: ScoringBatch): Promise<void> {
  const { portalId, refused } = batch;
  const contacts = new Set([...batch.scored.keys(), ...refused.keys()]);
  const waiting = await deps.store.callbacks.pending(portalId, [...contacts]);
  if (waiting.length === 0) return;
  const completions: { callbackId: string; outputFields: Record<string, string> }[] = [];
  for (const w of waiting) {
    const failed = refused.has(w.contactId);
    if (w.action === 'sales-decision') {
      const key = `callback:${w.callbackId}`;
      const outcome =
        batch.decisions.get(key) ??
        asDecisionOutcome((await deps.store.decisions.get(portalId, key))?.outcome ?? null);
      if (!outcome && !failed) continue; // not applied yet: a later run completes it
      completions.push({
        callbackId: w.callbackId,
        outputFields: asCallbackOutputs(
          outcome && !failed
            ? { ...salesDecisionOutputs(outcome), hs_execution_state: 'SUCCESS' }
            : { hs_execution_state: 'FAIL_CONTINUE', explanation: refused.get(w.contactId) ?? 'not applied' },
        ),
      });
      continue;
    }
    const e = batch.scored.get(w.contactId)?.evaluation;
    completions.push({
      callbackId: w.callbackId,
      outputFields: asCallbackOutputs(
        e
          ? { ...qualifyOutputFields(e), hs_execution_state: failed ? 'FAIL_CONTINUE' : 'SUCCESS' }
          : { hs_execution_state: 'FAIL_CONTINUE', explanation: refused.get(w.contactId) ?? 'not scored' },
      ),
    });
  }
  if (completions.length === 0) return;
  await deps.crm.completeCallbacks(completions);
  await deps.store.callbacks.complete(
    completions.map((c) => c.callbackId),
    batch.now,
  );
}
