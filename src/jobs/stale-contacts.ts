/**
 * Stale contacts: those whose last written evaluation differs from what the core says now, from
 * the store alone (no HubSpot call): snapshots (the inputs last read), signals, sales returns and
 * the stored evaluations. With scheduled rescoring this list should be empty apart from contacts
 * whose moment has just come; anything else is a contact the service failed to rescore.
 */
import { DAY_MS } from '../core/intent.js';
import type { ContactId, ContactStore, DecisionStore, PortalId } from '../store/store.port.js';
import type { ActiveModels } from './active-model.js';
import { signalHorizonDays } from './scoring/load.step.js';
import { evaluateStored } from './stored-evaluation.js';

export interface StaleContact {
  contactId: ContactId;
  /** What differs, e.g. `intent 60 → 48`, `qualification mql → nurture`. */
  differences: string[];
}

const PAGE = 500;

export async function staleContacts(
  deps: { store: { contacts: ContactStore; decisions: DecisionStore }; models: ActiveModels },
  portalId: PortalId,
  now: number,
): Promise<StaleContact[]> {
  const { model } = await deps.models.get(portalId);
  const { contacts, decisions } = deps.store;
  const stale: StaleContact[] = [];
  let cursor: string | null = null;
  do {
    const page = await contacts.snapshotPage(portalId, cursor, PAGE);
    cursor = page.next;
    const ids = page.items.map((s) => s.contactId);
    const [signals, stored, latest] = await Promise.all([
      contacts.signalsFor(portalId, ids, now - signalHorizonDays(model) * DAY_MS),
      contacts.latestEvaluations(portalId, ids),
      decisions.latest(portalId, ids),
    ]);
    for (const snapshot of page.items) {
      const written = stored.get(snapshot.contactId);
      if (!written) continue;
      const e = evaluateStored(
        snapshot,
        signals.get(snapshot.contactId) ?? [],
        latest.get(snapshot.contactId),
        model,
        now,
      );
      const differences: string[] = [];
      const compare = (what: string, was: unknown, is: unknown) => {
        if (was !== is) differences.push(`${what} ${String(was)} → ${String(is)}`);
      };
      compare('model', written.modelVersion, e.modelVersion);
      compare('fit', written.fitScore, e.fit.score);
      compare('intent', written.intentScore, e.intent.score);
      compare('qualification', written.qualification, e.qualification);
      if (written.explanation.join('\n') !== e.explanation.join('\n')) differences.push('explanation');
      if (differences.length > 0) stale.push({ contactId: snapshot.contactId, differences });
    }
  } while (cursor !== null);
  return stale;
}
