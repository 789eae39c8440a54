/**
 * Evaluating a contact from what the store holds (its last snapshot of HubSpot's properties, its
 * signals and sales' last decision), with no HubSpot call: `rescore --stale` and `explain --portal`.
 */
import { evaluate, type Evaluation } from '../core/evaluate.js';
import { applyReturnHold } from '../core/feedback.js';
import { DAY_MS } from '../core/intent.js';
import type { QualificationModel } from '../core/model.js';
import type {
  ContactId,
  ContactSnapshot,
  ContactStore,
  DecisionStore,
  PortalId,
  SalesDecisionRecord,
  SignalRecord,
} from '../store/store.port.js';
import type { ActiveModels } from './active-model.js';
import { signalHorizonDays } from './scoring/load.step.js';

/** The core's evaluation of one stored contact, with sales' return hold applied. */
export function evaluateStored(
  snapshot: ContactSnapshot,
  signals: readonly SignalRecord[],
  lastDecision: SalesDecisionRecord | undefined,
  model: QualificationModel,
  now: number,
): Evaluation {
  return applyReturnHold(
    evaluate(
      {
        id: snapshot.contactId,
        properties: snapshot.properties,
        company: snapshot.company,
        signals: signals.map((s) => ({ type: s.type, occurredAt: s.occurredAt, sourceId: s.idempotencyKey })),
      },
      model,
      now,
    ),
    lastDecision?.decision === 'return' ? lastDecision.decidedAt : null,
  );
}

/** One stored contact evaluated with the portal's model in force; null when it was never read. */
export async function evaluateStoredContact(
  deps: { store: { contacts: ContactStore; decisions: DecisionStore }; models: ActiveModels },
  portalId: PortalId,
  contactId: ContactId,
  now: number,
): Promise<{ evaluation: Evaluation; model: QualificationModel } | null> {
  const { model } = await deps.models.get(portalId);
  const { contacts, decisions } = deps.store;
  const snapshot = (await contacts.snapshotsOf(portalId, [contactId])).get(contactId);
  if (snapshot === undefined) return null;
  const [signals, latest] = await Promise.all([
    contacts.signalsFor(portalId, [contactId], now - signalHorizonDays(model) * DAY_MS),
    decisions.latest(portalId, [contactId]),
  ]);
  return {
    evaluation: evaluateStored(snapshot, signals.get(contactId) ?? [], latest.get(contactId), model, now),
    model,
  };
}
