/**
 * Write: one batch update of the planned changes. The contacts HubSpot refuses are kept in
 * `batch.refused` (nothing about them is recorded; the worker parks them with HubSpot's message).
 * A write refused only for its owner (an owner id HubSpot does not know) is written again without
 * it, so a wrong owner in the model never holds the scores back.
 */
import type { ScoreDeps, ScoringBatch } from './batch.js';

export async function writeChanges(deps: ScoreDeps, batch: ScoringBatch): Promise<void> {
  const updates = [...batch.changes]
    .filter(([, properties]) => Object.keys(properties).length > 0)
    .map(([id, properties]) => ({ id, properties }));
  if (updates.length > 0) {
    const { rejected } = await deps.crm.updateContacts(updates);
    for (const r of rejected) batch.refused.set(r.id, r.message);
    await retryWithoutOwner(deps, batch, updates, rejected);
  }
  batch.written = updates.map((u) => u.id).filter((id) => !batch.refused.has(id));
}

async function retryWithoutOwner(
  deps: ScoreDeps,
  batch: ScoringBatch,
  updates: readonly { id: string; properties: Record<string, string> }[],
  rejected: readonly { id: string; message: string }[],
): Promise<void> {
  const retry = rejected
    .map((r) => ({ r, update: updates.find((u) => u.id === r.id)! }))
    .filter(({ update }) => update.properties.hubspot_owner_id !== undefined);
  if (retry.length === 0) return;
  const again = await deps.crm.updateContacts(
    retry.map(({ update }) => {
      const { hubspot_owner_id: _owner, ...rest } = update.properties;
      return { id: update.id, properties: { ...rest, lq_routed_to: '' } };
    }),
  );
  const stillRefused = new Set(again.rejected.map((r) => r.id));
  for (const { r } of retry) {
    if (stillRefused.has(r.id)) continue;
    batch.refused.delete(r.id);
    batch.ownerRefused.add(r.id);
    deps.logger?.warn(
      { contactId: r.id, error: r.message },
      'HubSpot refused the routed owner: written without it',
    );
  }
}
