/**
 * The contact record card's use cases: what it shows (both scores line by line, the model
 * version, the score over time, the route, owner and SLA clock, earlier disputes) and what sales
 * does from it. *Accept* and *Return with reason* record a sales decision exactly as the *Sales
 * decision* workflow action does (pending, applied by the worker with the contact as HubSpot holds
 * it: sales-decisions.ts), so both ways behave the same. *Dispute this score* keeps the reason
 * with the contact and counts it in the funnel next to the "No idea why this is an MQL" returns.
 * No HubSpot call: everything comes from the store and the core.
 */
import { randomUUID } from 'node:crypto';
import { evaluate } from '../core/evaluate.js';
import { DAY_MS } from '../core/intent.js';
import { type ScoreBreakdown, scoreBreakdown, type ScorePoint, scoreTimeline } from '../core/score-card.js';
import { AppError } from '../errors.js';
import type { ContactId, DisputeRecord, PortalId, Store } from '../store/store.port.js';
import type { ActiveModels } from './active-model.js';
import { signalHorizonDays } from './scoring/score-contacts.job.js';

export interface CardDeps {
  store: Store;
  models: ActiveModels;
  clock: () => number;
  wakeWorker: () => void;
}

/** The score over time covers this many days, one point a day. */
export const TIMELINE_DAYS = 90;
export const DISPUTE_REASON_MAX = 500;
export const NOTE_MAX = 1000;

export interface ContactCard {
  contactId: ContactId;
  modelVersion: string;
  /** When the service last scored and wrote this contact. */
  scoredAt: number | null;
  qualification: string;
  breakdown: ScoreBreakdown;
  timeline: ScorePoint[];
  route: {
    kind: string;
    ownerId: string | null;
    ownerSource: string;
    why: string;
    routedAt: number;
  } | null;
  /** The open SLA clock (acceptance, then follow-up), or the last one closed. */
  sla: {
    kind: 'acceptance' | 'follow_up';
    startedAt: number;
    dueAt: number;
    closedAt: number | null;
    outcome: string | null;
    /** Negative when overdue. */
    hoursLeft: number | null;
  } | null;
  lostReasons: { id: string; label: string }[];
  disputes: Pick<DisputeRecord, 'reason' | 'disputedBy' | 'disputedAt' | 'modelVersion'>[];
}

/**
 * The contact as the service last read it. A contact it never scored is refused (`not_found`,
 * naming `path`): an id from another portal or a typo, or a contact HubSpot has not told the
 * service about yet; nothing is stored for it.
 */
async function knownContact(deps: CardDeps, portalId: PortalId, contactId: ContactId, path: string) {
  const snapshot = (await deps.store.contacts.snapshotsOf(portalId, [contactId])).get(contactId);
  if (!snapshot)
    throw new AppError(
      'not_found',
      `The service has not scored contact ${contactId} yet; it will once HubSpot tells it about the contact.`,
      [{ path, message: 'not scored yet' }],
    );
  return snapshot;
}

async function inputsOf(deps: CardDeps, portalId: PortalId, contactId: ContactId, horizonDays: number) {
  const snapshot = await knownContact(deps, portalId, contactId, 'query.contactId');
  const since = deps.clock() - horizonDays * DAY_MS;
  const signals = (await deps.store.contacts.signalsFor(portalId, [contactId], since)).get(contactId) ?? [];
  return {
    id: contactId,
    properties: snapshot.properties,
    company: snapshot.company,
    signals: signals.map((s) => ({ type: s.type, occurredAt: s.occurredAt, sourceId: s.idempotencyKey })),
  };
}

/** Everything the card shows for one contact, scored now with the model in force. */
export async function contactCard(
  deps: CardDeps,
  portalId: PortalId,
  contactId: ContactId,
): Promise<ContactCard> {
  const now = deps.clock();
  const { model } = await deps.models.get(portalId);
  const contact = await inputsOf(deps, portalId, contactId, signalHorizonDays(model) + TIMELINE_DAYS);
  const evaluation = evaluate(contact, model, now);
  const [stored, routes, timers, disputes] = await Promise.all([
    deps.store.contacts.latestEvaluations(portalId, [contactId]),
    deps.store.routes.routesOf(portalId, [contactId]),
    deps.store.sla.timersOf(portalId, [contactId]),
    deps.store.disputes.of(portalId, contactId),
  ]);
  const route = routes.get(contactId) ?? null;
  const open = timers.filter((t) => t.closedAt === null).sort((a, b) => a.dueAt - b.dueAt)[0];
  const last = [...timers].sort((a, b) => (b.closedAt ?? 0) - (a.closedAt ?? 0))[0];
  const clock = open ?? last ?? null;
  const days = Array.from({ length: TIMELINE_DAYS + 1 }, (_, i) => now - (TIMELINE_DAYS - i) * DAY_MS);
  return {
    contactId,
    modelVersion: model.version,
    scoredAt: stored.get(contactId)?.evaluatedAt ?? null,
    qualification: evaluation.qualification,
    breakdown: scoreBreakdown(evaluation, model),
    timeline: scoreTimeline(contact, model, days),
    route: route && {
      kind: route.kind,
      ownerId: route.ownerId,
      ownerSource: route.ownerSource,
      why: route.why,
      routedAt: route.routedAt,
    },
    sla: clock && {
      kind: clock.kind,
      startedAt: clock.startedAt,
      dueAt: clock.dueAt,
      closedAt: clock.closedAt,
      outcome: clock.outcome,
      hoursLeft: clock.closedAt === null ? Math.round(((clock.dueAt - now) / 3_600_000) * 10) / 10 : null,
    },
    lostReasons: model.feedback.lostReasons,
    disputes: disputes.map(({ reason, disputedBy, disputedAt, modelVersion }) => ({
      reason,
      disputedBy,
      disputedAt,
      modelVersion,
    })),
  };
}

/**
 * Accept, or return with a reason, from the card: recorded as a pending decision with the contact
 * queued, as the *Sales decision* action records it; the worker applies it. Who decided is the
 * signed HubSpot user.
 */
export async function decideFromCard(
  deps: CardDeps,
  portalId: PortalId,
  contactId: ContactId,
  input: { decision: 'accept' | 'return'; reason?: string | undefined; note?: string | undefined },
  by: string,
): Promise<{ recorded: true; decision: 'accept' | 'return'; reason: string | null }> {
  await knownContact(deps, portalId, contactId, '$.contactId');
  const { model } = await deps.models.get(portalId);
  const reasons = model.feedback.lostReasons;
  let reason: string | null = null;
  if (input.decision === 'return') {
    if (!input.reason || !reasons.some((r) => r.id === input.reason))
      throw new AppError('invalid_input', 'A returned lead needs one of the model’s lost reasons.', [
        { path: '$.reason', message: `must be one of ${reasons.map((r) => r.id).join(', ')}` },
      ]);
    reason = input.reason;
    if (reason === 'other' && !input.note?.trim())
      throw new AppError('invalid_input', 'Say why in the note.', [
        { path: '$.note', message: 'is required when the reason is other' },
      ]);
  }
  const now = deps.clock();
  await deps.store.decisions.request(
    {
      portalId,
      contactId,
      decision: input.decision,
      reason,
      note: input.note?.trim() || null,
      decidedBy: by,
      decidedAt: now,
      idempotencyKey: `card:${randomUUID()}`,
      source: 'contact-card',
    },
    { portalId, contactId, reason: 'sales-decision' },
  );
  deps.wakeWorker();
  return { recorded: true, decision: input.decision, reason };
}

/** "Dispute this score": the reason is kept with the contact and the version that scored it. */
export async function disputeScore(
  deps: CardDeps,
  portalId: PortalId,
  contactId: ContactId,
  reason: string,
  by: string,
): Promise<{ dispute: DisputeRecord }> {
  await knownContact(deps, portalId, contactId, '$.contactId');
  const { model } = await deps.models.get(portalId);
  const stored = (await deps.store.contacts.latestEvaluations(portalId, [contactId])).get(contactId);
  const dispute: DisputeRecord = {
    id: randomUUID(),
    portalId,
    contactId,
    reason,
    disputedBy: by,
    disputedAt: deps.clock(),
    modelVersion: stored?.modelVersion ?? model.version,
    qualification: stored?.qualification ?? null,
  };
  await deps.store.disputes.record(dispute);
  return { dispute };
}
