/**
 * The sales-decision steps of scoring (the decisions themselves are planned in sales-decisions.ts):
 *
 *   apply   → plan the pending decisions against the contacts as read; the evaluation sees their
 *             effect (and the signals a return reason adds); a recycle's stage is cleared in a
 *             request of its own first, because HubSpot moves a stage backwards only after a clear
 *   confirm → after the writes, each recycled contact's stage is read back from HubSpot: a stage
 *             HubSpot did not take refuses the recycle; a contact left without one gets it back
 *   settle  → the decisions of the contacts written are settled in the store with their
 *             transitions and timers, and logged and counted
 */
import type { ContactId, DecisionSettlement } from '../../store/store.port.js';
import type { ScoreDeps, ScoringBatch } from '../scoring/batch.js';
import {
  type DecisionOutcome,
  planDecisions,
  type PlannedDecision,
  settlementOf,
} from './sales-decisions.js';

export async function applySalesDecisions(deps: ScoreDeps, batch: ScoringBatch): Promise<void> {
  const { loaded } = batch;
  batch.decided = planDecisions(batch.model, batch.records, {
    pending: loaded.pendingDecisions,
    timers: loaded.timers,
    latest: loaded.latestDecisions,
  });
  for (const list of batch.decided.planned.values())
    for (const p of list) if (p.signal) loaded.signals.get(p.signal.contactId)?.push(p.signal);
  if (batch.decided.clears.length === 0) return;
  const { rejected } = await deps.crm.updateContacts(
    batch.decided.clears.map((id) => ({ id, properties: { lifecyclestage: '' } })),
  );
  for (const r of rejected) {
    batch.refused.set(r.id, r.message);
    batch.clearRefused.add(r.id);
  }
}

/**
 * After the writes, reads back the stage of each recycled contact: what counts is the stage
 * HubSpot holds, not the status it answered (a backward stage write can be answered 200 and
 * ignored, as integrations report; a person can set a stage between the clear and the write).
 *
 * - Written, and HubSpot holds the recycle stage: done.
 * - Written, but HubSpot holds another stage: treated as refused with what HubSpot holds (the
 *   decision stays pending, the contact is parked with that message, and a replay finishes it).
 * - Main write refused after the clear, and HubSpot holds no stage: the recycle stage is written
 *   on its own, so the contact is not left without one (the decision stays pending).
 */
export async function confirmRecycles(deps: ScoreDeps, batch: ScoringBatch): Promise<void> {
  const { decided, refused, clearRefused } = batch;
  const ids = decided.clears.filter((id) => !clearRefused.has(id));
  if (ids.length === 0) return;
  const recycleStage = (id: ContactId) =>
    decided.planned.get(id)?.find((p) => p.plan.clearFirst)?.plan.stage ?? 'lead';
  const { records } = await deps.crm.readContacts(ids, ['lifecyclestage']);
  const held = new Map(records.map((r) => [r.id, r.properties.lifecyclestage ?? '']));
  const restore: { id: ContactId; properties: Record<string, string> }[] = [];
  for (const id of ids) {
    const stage = held.get(id);
    const wanted = recycleStage(id);
    if (refused.has(id)) {
      if (stage === '') restore.push({ id, properties: { lifecyclestage: wanted } });
      continue;
    }
    if (stage === wanted) continue;
    const why =
      stage === undefined
        ? 'HubSpot does not know this contact any more (deleted or merged during the recycle)'
        : `HubSpot holds the lifecycle stage "${stage || '(none)'}" after the recycle wrote "${wanted}": the stage was not moved back`;
    refused.set(id, why);
    batch.written = batch.written.filter((w) => w !== id);
    deps.logger?.error(
      { portalId: batch.portalId, contactId: id, stage, wanted },
      `recycle not applied: ${why}`,
    );
  }
  if (restore.length === 0) return;
  const { rejected } = await deps.crm.updateContacts(restore);
  const stillRefused = new Map(rejected.map((r) => [r.id, r.message]));
  for (const r of restore)
    deps.logger?.error(
      {
        contactId: r.id,
        stage: r.properties.lifecyclestage,
        error: refused.get(r.id),
        restore: stillRefused.get(r.id) ?? 'written',
      },
      'recycle: HubSpot refused the write after the stage was cleared; the recycle stage was written on its own',
    );
}

/** Settles the batch's planned decisions (those whose contact was written) and records their signals. */
export async function settleSalesDecisions(deps: ScoreDeps, batch: ScoringBatch): Promise<void> {
  const { portalId, model, now } = batch;
  const settlements: DecisionSettlement[] = [];
  const planned = [...batch.decided.planned].filter(([contactId]) => !batch.refused.has(contactId));
  for (const [contactId, list] of planned) {
    for (const p of list) {
      if (p.signal) await deps.store.contacts.recordSignal(p.signal);
      settlements.push(
        settlementOf(portalId, contactId, p, {
          modelVersion: model.version,
          route: batch.loaded.routes.get(contactId),
          // A contact never routed (an MQL from before routing): the route it would take now.
          fallbackFollowUpHours:
            batch.scored.get(contactId)?.evaluation.route?.followUpSlaHours ??
            model.routing.slaHours.newBusiness,
          leadStatusNow: p.values.hs_lead_status ?? p.leadStatusBefore,
          now,
        }),
      );
      batch.decisions.set(p.entry.idempotencyKey, p.outcome);
    }
  }
  const settled = new Set(await deps.store.decisions.settle(settlements));
  for (const [contactId, list] of planned)
    for (const p of list) if (settled.has(p.entry.idempotencyKey)) reportSettled(deps, batch, contactId, p);
}

function reportSettled(deps: ScoreDeps, batch: ScoringBatch, contactId: ContactId, p: PlannedDecision): void {
  const { plan } = p;
  const log = {
    portalId: batch.portalId,
    contactId,
    decision: plan.decision,
    reason: plan.reason,
    source: p.entry.source,
    why: plan.why,
  };
  deps.counters?.decision(plan.decision, plan.reason ?? '', plan.applies ? 'applied' : 'ignored');
  if (!plan.applies) deps.logger?.info(log, 'sales decision recorded, not applied: the contact is no MQL');
  else if (plan.recycle) {
    deps.counters?.recycle(plan.reason ?? 'other');
    deps.logger?.info(
      { ...log, from: plan.stageBefore, to: plan.stage, track: plan.track, leadStatus: plan.leadStatus },
      'recycled: lifecycle stage cleared, then set back',
    );
  } else deps.logger?.info({ ...log, from: plan.stageBefore, to: plan.stage }, 'sales decision applied');
}

/**
 * Contacts HubSpot no longer knows (deleted, merged away): their pending decisions are settled as
 * ignored, and their running timers cancelled, so nothing waits on them for ever.
 */
export async function forgetMissingContacts(deps: ScoreDeps, batch: ScoringBatch): Promise<void> {
  const { portalId, missing } = batch;
  if (missing.length === 0) return;
  const now = deps.clock();
  const pending = await deps.store.decisions.pending(portalId, missing);
  if (pending.length > 0) {
    const why = 'HubSpot does not know this contact (deleted or merged): nothing changes';
    const settlements = pending.map((d) => {
      const outcome: DecisionOutcome = {
        decision: d.decision,
        applied: false,
        reason: d.reason,
        stageBefore: null,
        stage: null,
        leadStatus: null,
        track: null,
        recycled: false,
        why,
      };
      batch.decisions.set(d.idempotencyKey, outcome);
      return {
        portalId,
        idempotencyKey: d.idempotencyKey,
        status: 'ignored' as const,
        outcome,
        at: now,
        transitions: [],
        meetTimers: [],
        startTimers: [],
      };
    });
    await deps.store.decisions.settle(settlements);
  }
  for (const t of await deps.store.sla.timersOf(portalId, missing))
    if (t.closedAt === null) await deps.store.sla.close(portalId, t.contactId, t.kind, 'cancelled', now);
}
