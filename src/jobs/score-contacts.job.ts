/**
 * Score contacts: the use case behind the worker, *Qualify contact* and `cli rescore`.
 *
 *   load   → batch-read the contacts (only the properties the model reads, plus what we wrote),
 *            their primary companies (cached), their signals, pending sales decisions and timers
 *   decide → apply pending sales decisions (see sales-decisions.ts), core.evaluate(contact, model,
 *            now), hold back a returned lead without a new signal, route new MQLs (routing.ts)
 *   write  → a recycle's stage clear first (HubSpot's rule), then one batch update of only the
 *            properties whose value changed (scores, decisions, owners); store the inputs, the
 *            evaluation, the transitions, the settled decisions, routes and timers; create the
 *            owners' tasks; complete workflow actions waiting on these contacts
 */
import { DAY_MS } from '../core/intent.js';
import type { Evaluation } from '../core/evaluate.js';
import { evaluate } from '../core/evaluate.js';
import { applyReturnHold, heldByReturn, higherStage } from '../core/feedback.js';
import { stageRank } from '../core/lifecycle.js';
import type { QualificationModel } from '../core/model.js';
import { propertiesRead } from '../core/properties.js';
import { chunk, type CrmGateway, type CrmRecord } from '../hubspot/crm-gateway.js';
import {
  asCallbackOutputs,
  changedValues,
  diffForWrite,
  LQ_PROPERTY_NAMES,
  qualifyOutputFields,
} from '../hubspot/write-back.js';
import type { Logger } from '../logger.js';
import type {
  ContactId,
  ContactSnapshot,
  DecisionSettlement,
  EvaluationRecord,
  PortalId,
  RouteRecord,
  Store,
  TransitionRecord,
} from '../store/store.port.js';
import type { ActiveModels } from './active-model.js';
import type { FeedbackCounters } from './feedback-counters.js';
import { createRouteTasks, type PlannedRoute, planRoutes, type RoutingCandidate } from './routing.js';
import {
  asDecisionOutcome,
  type DecisionOutcome,
  type PlannedDecision,
  planDecisions,
  salesDecisionOutputs,
  settlementOf,
} from './sales-decisions.js';

/** A small time-bounded cache of company properties: companies change rarely and are shared. */
export class CompanyCache {
  private readonly entries = new Map<string, { properties: Record<string, string | null>; until: number }>();
  constructor(
    private readonly ttlMs = 10 * 60_000,
    private readonly maxEntries = 50_000,
  ) {}

  get(id: string, now: number): Record<string, string | null> | undefined {
    const hit = this.entries.get(id);
    return hit && hit.until > now ? hit.properties : undefined;
  }

  set(id: string, properties: Record<string, string | null>, now: number): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(id, { properties, until: now + this.ttlMs });
  }

  /** Forget a company (its properties changed). */
  delete(id: string): void {
    this.entries.delete(id);
  }
}

export interface ScoreDeps {
  store: Store;
  crm: Pick<
    CrmGateway,
    'readContacts' | 'readCompanies' | 'updateContacts' | 'completeCallbacks' | 'createTasks'
  >;
  models: ActiveModels;
  companies: CompanyCache;
  clock: () => number;
  onScored?: (counts: { scored: number; written: number; unchanged: number }) => void;
  /** Where decisions, recycles, routes and tasks are logged (default: not logged). */
  logger?: Logger;
  /** Counts decisions, recycles, routes and tasks (metrics). */
  counters?: FeedbackCounters;
}

export interface ScoreResult {
  evaluations: Map<ContactId, Evaluation>;
  /** Contacts whose HubSpot properties were updated. */
  written: ContactId[];
  unchanged: ContactId[];
  /** Contacts HubSpot does not know (deleted or merged away): nothing to do. */
  missing: ContactId[];
  /** Contacts whose write HubSpot refused, with its message (not worth retrying as is). */
  rejected: { id: ContactId; message: string }[];
  /** Sales decisions settled in this run (applied or ignored), by idempotency key. */
  decisions: Map<string, DecisionOutcome>;
  /** New MQLs routed in this run. */
  routed: RouteRecord[];
}

/** The days of signal history a model can look at. */
export function signalHorizonDays(model: QualificationModel): number {
  const windows = model.intent.signals.map((s) => Math.max(s.ageing.expiresAfterDays, s.ageing.fullDays));
  return Math.max(0, ...windows, model.thresholds.installedBase?.windowDays ?? 0);
}

/** Contact properties routing reads: names for task titles (the owner is always read). */
const ROUTING_CONTACT_PROPERTIES = ['firstname', 'lastname'];

/**
 * The contact properties to read for a model: what it reads, plus what the app writes (for the
 * diff) and the names routing puts in task titles; and the company properties: what the model
 * reads, plus the company's owner (an installed-base MQL goes to it).
 */
export function contactPropertiesFor(model: QualificationModel): { contact: string[]; company: string[] } {
  const read = propertiesRead(model);
  const contact = new Set([...read.contact, ...LQ_PROPERTY_NAMES, ...ROUTING_CONTACT_PROPERTIES]);
  if (read.company.length > 0) contact.add('associatedcompanyid');
  const company = read.company.length > 0 ? [...new Set([...read.company, 'hubspot_owner_id'])].sort() : [];
  return { contact: [...contact].sort(), company };
}

/** A coarse fit×intent band, for cutting the funnel: `fit-high/intent-low`. */
export function scoreBand(fit: number, intent: number): string {
  const band = (x: number) => (x >= 67 ? 'high' : x >= 34 ? 'mid' : 'low');
  return `fit-${band(fit)}/intent-${band(intent)}`;
}

/**
 * Scores up to 100 contacts of one portal and writes back what changed. Throws `HubSpotError`
 * when HubSpot cannot be read or written (the caller retries or parks the work).
 */
export async function scoreContacts(
  deps: ScoreDeps,
  portalId: PortalId,
  contactIds: readonly ContactId[],
): Promise<ScoreResult> {
  const { model } = await deps.models.get(portalId);
  const { records, missing } = await deps.crm.readContacts(contactIds, contactPropertiesFor(model).contact);
  const result = await scoreRecords(deps, portalId, records, missing);
  if (missing.length > 0) await forgetMissing(deps, portalId, missing, result);
  return result;
}

/**
 * Scores contacts already read from HubSpot (with `contactPropertiesFor(model).contact`), e.g. a
 * page of a full listing, and writes back what changed.
 */
export async function scoreRecords(
  deps: ScoreDeps,
  portalId: PortalId,
  records: readonly CrmRecord[],
  missing: ContactId[] = [],
): Promise<ScoreResult> {
  const now = deps.clock();
  const { model } = await deps.models.get(portalId);
  const props = contactPropertiesFor(model);
  const ids = records.map((r) => r.id);

  // Load.
  const companies = await loadCompanies(deps, records, props.company, now);
  const signals = await deps.store.signalsFor(portalId, ids, now - signalHorizonDays(model) * DAY_MS);
  const previous = await deps.store.latestEvaluations(portalId, ids);
  const [pending, timers, routes, latest] = await Promise.all([
    deps.store.pendingSalesDecisions(portalId, ids),
    deps.store.slaTimersFor(portalId, ids),
    deps.store.routesFor(portalId, ids),
    deps.store.latestSalesDecisions(portalId, ids),
  ]);

  // Apply sales decisions to what was read: the evaluation sees their effect.
  const decided = planDecisions(model, records, { pending, timers, latest });
  for (const list of decided.planned.values())
    for (const p of list) if (p.signal) signals.get(p.signal.contactId)?.push(p.signal);
  const refused = new Map<ContactId, string>();
  if (decided.clears.length > 0) {
    // HubSpot moves a stage backwards only after it was cleared, in a request of its own.
    const { rejected } = await deps.crm.updateContacts(
      decided.clears.map((id) => ({ id, properties: { lifecyclestage: '' } })),
    );
    for (const r of rejected) refused.set(r.id, r.message);
  }
  const clearRefused = new Set(refused.keys());

  // Decide.
  const evaluations = new Map<ContactId, Evaluation>();
  const changes = new Map<ContactId, Record<string, string>>();
  const snapshots: ContactSnapshot[] = [];
  const candidates: RoutingCandidate[] = [];
  const openAcceptance = new Set(
    timers.filter((t) => t.kind === 'acceptance' && t.closedAt === null).map((t) => t.contactId),
  );
  for (const record of records) {
    if (refused.has(record.id)) continue;
    const properties = decided.effective.get(record.id) ?? record.properties;
    const companyId = properties.associatedcompanyid ?? null;
    const company = companyId ? (companies.get(companyId) ?? null) : null;
    const returnedAt = decided.returnedAt.get(record.id) ?? null;
    const e = applyReturnHold(
      evaluate(
        {
          id: record.id,
          properties,
          company,
          signals: (signals.get(record.id) ?? []).map((s) => ({ type: s.type, occurredAt: s.occurredAt })),
        },
        model,
        now,
      ),
      returnedAt,
    );
    evaluations.set(record.id, e);
    snapshots.push({ portalId, contactId: record.id, properties, company, readAt: now });
    const decisionWrites: Record<string, string> = {};
    for (const p of decided.planned.get(record.id) ?? []) Object.assign(decisionWrites, p.values);
    const decidedNow = decided.planned.get(record.id)?.some((p) => p.plan.applies) ?? false;
    const contactChanges = {
      ...diffForWrite(e, properties, now),
      ...changedValues(decisionWrites, record.properties),
    };
    if (Object.keys(contactChanges).length > 0 && !contactChanges.lq_scored_at)
      contactChanges.lq_scored_at = new Date(now).toISOString();
    changes.set(record.id, contactChanges);
    if (
      !decidedNow &&
      isNewMql(e, previous.get(record.id)?.qualification ?? null, returnedAt) &&
      !openAcceptance.has(record.id)
    )
      candidates.push({ contactId: record.id, properties, company, evaluation: e });
  }
  const planned = await planRoutes(deps.store, portalId, model, candidates, now);
  for (const r of planned) {
    const current = decided.effective.get(r.route.contactId) ?? {};
    const values = changedValues(r.values, current);
    const contactChanges = changes.get(r.route.contactId) ?? {};
    Object.assign(contactChanges, values);
    if (Object.keys(values).length > 0) contactChanges.lq_scored_at ??= new Date(now).toISOString();
    changes.set(r.route.contactId, contactChanges);
  }

  // Write.
  const updates = [...changes]
    .filter(([, properties]) => Object.keys(properties).length > 0)
    .map(([id, properties]) => ({ id, properties }));
  const ownerRefused = await writeContacts(deps, updates, refused);
  await restoreClearedStages(deps, decided, refused, clearRefused);
  const written = updates.map((u) => u.id).filter((id) => !refused.has(id));
  const writtenSet = new Set(written);
  const unchanged = records.map((r) => r.id).filter((id) => !writtenSet.has(id) && !refused.has(id));

  // Record.
  const stored: EvaluationRecord[] = [];
  const transitions: TransitionRecord[] = [];
  const routed = planned.filter((r) => !refused.has(r.route.contactId));
  for (const r of routed) if (ownerRefused.has(r.route.contactId)) unrouteOwner(r, deps.logger);
  const routedById = new Map(routed.map((r) => [r.route.contactId, r.route]));
  for (const [id, e] of evaluations) {
    if (refused.has(id)) continue;
    stored.push(toRecord(portalId, e, now));
    const highWater = higherStage(
      decided.effective.get(id)?.lq_highest_stage,
      decided.effective.get(id)?.lifecyclestage,
      e.lifecycle.proposed,
    );
    transitions.push(
      ...transitionsOf(portalId, e, previous.get(id)?.qualification ?? null, writtenSet.has(id), now, {
        highWater,
        owner: routedById.get(id)?.ownerId ?? null,
      }),
    );
  }
  await deps.store.saveSnapshots(snapshots.filter((s) => !refused.has(s.contactId)));
  await deps.store.saveEvaluations(stored, transitions);
  const decisions = await settleDecisions(
    deps,
    portalId,
    model,
    decided.planned,
    refused,
    routes,
    evaluations,
    now,
  );
  if (routed.length > 0) {
    await deps.store.saveRoutes(
      routed.map((r) => r.route),
      routed.map((r) => r.timer),
    );
    for (const r of routed) {
      deps.counters?.routed(r.route.kind, r.route.ownerSource);
      if (r.route.ownerId === null)
        deps.logger?.warn(
          { portalId, contactId: r.route.contactId, route: r.route.kind },
          'new MQL routed without an owner: no owner available (check the model’s newBusinessOwners)',
        );
    }
    await createRouteTasks(
      deps,
      routed.map((r) => r.route).filter((r) => r.ownerId !== null),
    );
  }
  await completeWaitingActions(deps, portalId, evaluations, refused, decisions, now);

  deps.onScored?.({ scored: evaluations.size, written: written.length, unchanged: unchanged.length });
  return {
    evaluations,
    written,
    unchanged,
    missing,
    rejected: [...refused].map(([id, message]) => ({ id, message })),
    decisions,
    routed: routed.map((r) => r.route),
  };
}

/**
 * Contacts HubSpot no longer knows (deleted, merged away): their pending decisions are settled as
 * ignored, and their running timers cancelled, so nothing waits on them for ever.
 */
async function forgetMissing(
  deps: ScoreDeps,
  portalId: PortalId,
  missing: readonly ContactId[],
  result: ScoreResult,
): Promise<void> {
  const now = deps.clock();
  const pending = await deps.store.pendingSalesDecisions(portalId, missing);
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
      result.decisions.set(d.idempotencyKey, outcome);
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
    await deps.store.settleSalesDecisions(settlements);
  }
  for (const t of await deps.store.slaTimersFor(portalId, missing))
    if (t.closedAt === null) await deps.store.closeSlaTimer(portalId, t.contactId, t.kind, 'cancelled', now);
}

/**
 * Is this a new MQL to route? It became one now: its stage was moved to MQL, or (an existing
 * customer, whose stage never moves back) it newly qualifies on the installed-base route. A lead
 * sales returned needs a new signal first.
 */
function isNewMql(e: Evaluation, previousQualification: string | null, returnedAt: number | null): boolean {
  if (!e.isMql || !e.route) return false;
  if (e.lifecycle.changed && e.lifecycle.proposed === 'marketingqualifiedlead') return true;
  return (
    e.route.kind === 'installed-base' &&
    previousQualification !== 'mql' &&
    stageRank(e.lifecycle.current) > stageRank('marketingqualifiedlead') &&
    !heldByReturn(e, returnedAt)
  );
}

/**
 * Writes the batch; the contacts HubSpot refuses are added to `refused`. A write refused only for
 * its owner (an owner id HubSpot does not know) is written again without it, so a wrong owner in
 * the model never holds the scores back; those contacts are returned.
 */
async function writeContacts(
  deps: ScoreDeps,
  updates: readonly { id: string; properties: Record<string, string> }[],
  refused: Map<ContactId, string>,
): Promise<Set<ContactId>> {
  const ownerRefused = new Set<ContactId>();
  if (updates.length === 0) return ownerRefused;
  const { rejected } = await deps.crm.updateContacts(updates);
  const retry = rejected
    .map((r) => ({ r, update: updates.find((u) => u.id === r.id)! }))
    .filter(({ update }) => update.properties.hubspot_owner_id !== undefined);
  for (const r of rejected) refused.set(r.id, r.message);
  if (retry.length === 0) return ownerRefused;
  const again = await deps.crm.updateContacts(
    retry.map(({ update }) => {
      const { hubspot_owner_id: _owner, ...rest } = update.properties;
      return { id: update.id, properties: { ...rest, lq_routed_to: '' } };
    }),
  );
  const stillRefused = new Set(again.rejected.map((r) => r.id));
  for (const { r } of retry) {
    if (stillRefused.has(r.id)) continue;
    refused.delete(r.id);
    ownerRefused.add(r.id);
    deps.logger?.warn(
      { contactId: r.id, error: r.message },
      'HubSpot refused the routed owner: written without it',
    );
  }
  return ownerRefused;
}

function unrouteOwner(route: PlannedRoute, logger: Logger | undefined): void {
  logger?.debug({ contactId: route.route.contactId, owner: route.route.ownerId }, 'route kept without owner');
  route.route.ownerId = null;
  route.route.ownerSource = 'none';
}

/**
 * A recycle whose stage was cleared but whose main write HubSpot refused would leave the contact
 * without a stage: write the recycle stage on its own (the decision stays pending; the contact is
 * parked with HubSpot's message, and a replay finishes it).
 */
async function restoreClearedStages(
  deps: ScoreDeps,
  decided: ReturnType<typeof planDecisions>,
  refused: ReadonlyMap<ContactId, string>,
  clearRefused: ReadonlySet<ContactId>,
): Promise<void> {
  const restore = decided.clears
    .filter((id) => refused.has(id) && !clearRefused.has(id))
    .map((id) => ({
      id,
      properties: {
        lifecyclestage: decided.planned.get(id)?.find((p) => p.plan.clearFirst)?.plan.stage ?? 'lead',
      },
    }));
  if (restore.length === 0) return;
  await deps.crm.updateContacts(restore);
  for (const r of restore)
    deps.logger?.error(
      { contactId: r.id, stage: r.properties.lifecyclestage, error: refused.get(r.id) },
      'recycle: HubSpot refused the write after the stage was cleared; the stage was set back on its own',
    );
}

/** Settles the batch's planned decisions (those whose contact was written) and records their signals. */
async function settleDecisions(
  deps: ScoreDeps,
  portalId: PortalId,
  model: QualificationModel,
  planned: ReadonlyMap<ContactId, readonly PlannedDecision[]>,
  refused: ReadonlyMap<ContactId, string>,
  routes: ReadonlyMap<ContactId, RouteRecord>,
  evaluations: ReadonlyMap<ContactId, Evaluation>,
  now: number,
): Promise<Map<string, DecisionOutcome>> {
  const outcomes = new Map<string, DecisionOutcome>();
  const settlements: DecisionSettlement[] = [];
  for (const [contactId, list] of planned) {
    if (refused.has(contactId)) continue;
    for (const p of list) {
      if (p.signal) await deps.store.recordSignal(p.signal);
      settlements.push(
        settlementOf(portalId, contactId, p, {
          modelVersion: model.version,
          route: routes.get(contactId),
          // A contact never routed (an MQL from before routing): the route it would take now.
          fallbackFollowUpHours:
            evaluations.get(contactId)?.route?.followUpSlaHours ?? model.routing.slaHours.newBusiness,
          leadStatusNow: p.values.hs_lead_status ?? p.leadStatusBefore,
          now,
        }),
      );
      outcomes.set(p.entry.idempotencyKey, p.outcome);
    }
  }
  const settled = new Set(await deps.store.settleSalesDecisions(settlements));
  for (const [contactId, list] of planned) {
    if (refused.has(contactId)) continue;
    for (const p of list) {
      if (!settled.has(p.entry.idempotencyKey)) continue;
      const log = {
        portalId,
        contactId,
        decision: p.plan.decision,
        reason: p.plan.reason,
        source: p.entry.source,
        why: p.plan.why,
      };
      deps.counters?.decision(p.plan.decision, p.plan.reason ?? '', p.plan.applies ? 'applied' : 'ignored');
      if (!p.plan.applies)
        deps.logger?.info(log, 'sales decision recorded, not applied: the contact is no MQL');
      else if (p.plan.recycle) {
        deps.counters?.recycle(p.plan.reason ?? 'other');
        deps.logger?.info(
          {
            ...log,
            from: p.plan.stageBefore,
            to: p.plan.stage,
            track: p.plan.track,
            leadStatus: p.plan.leadStatus,
          },
          'recycled: lifecycle stage cleared, then set back',
        );
      } else
        deps.logger?.info({ ...log, from: p.plan.stageBefore, to: p.plan.stage }, 'sales decision applied');
    }
  }
  return outcomes;
}

async function loadCompanies(
  deps: ScoreDeps,
  records: readonly CrmRecord[],
  properties: readonly string[],
  now: number,
): Promise<Map<string, Record<string, string | null>>> {
  const out = new Map<string, Record<string, string | null>>();
  if (properties.length === 0) return out;
  const wanted = new Set<string>();
  for (const r of records) {
    const id = r.properties.associatedcompanyid;
    if (!id) continue;
    const cached = deps.companies.get(id, now);
    if (cached) out.set(id, cached);
    else wanted.add(id);
  }
  for (const part of chunk([...wanted])) {
    const { records: companies } = await deps.crm.readCompanies(part, properties);
    for (const c of companies) {
      out.set(c.id, c.properties);
      deps.companies.set(c.id, c.properties, now);
    }
  }
  return out;
}

function toRecord(portalId: PortalId, e: Evaluation, now: number): EvaluationRecord {
  return {
    portalId,
    contactId: e.contactId,
    modelVersion: e.modelVersion,
    fitScore: e.fit.score,
    intentScore: e.intent.score,
    qualification: e.qualification,
    disqualificationId: e.disqualification?.id ?? null,
    lifecycleStage: e.lifecycle.proposed,
    leadStatus: e.leadStatus.proposed,
    route: e.route?.kind ?? null,
    explanation: e.explanation,
    evaluatedAt: now,
  };
}

function transitionsOf(
  portalId: PortalId,
  e: Evaluation,
  previousQualification: string | null,
  written: boolean,
  now: number,
  extra: { highWater: string | null; owner: string | null },
): TransitionRecord[] {
  const base = {
    portalId,
    contactId: e.contactId,
    at: now,
    modelVersion: e.modelVersion,
    cause: 'evaluation',
    details: {
      fitScore: e.fit.score,
      intentScore: e.intent.score,
      band: scoreBand(e.fit.score, e.intent.score),
      route: e.route?.kind ?? null,
      owner: extra.owner,
      highWater: extra.highWater,
      disqualification: e.disqualification?.id ?? null,
      // The rules that made this MQL, for "which rules produce rejected leads".
      rules: e.isMql
        ? [
            ...e.fit.parts.filter((p) => p.points > 0).map((p) => p.ruleId),
            ...e.intent.parts.filter((p) => p.points > 0).map((p) => p.ruleId),
          ]
        : [],
    },
  };
  const out: TransitionRecord[] = [];
  if (previousQualification !== e.qualification)
    out.push({ ...base, kind: 'qualification', from: previousQualification, to: e.qualification });
  // Stage and status transitions happen when they are written, not when they are merely proposed.
  if (written && e.lifecycle.changed)
    out.push({ ...base, kind: 'lifecycle', from: e.lifecycle.current, to: e.lifecycle.proposed });
  if (written && e.leadStatus.changed)
    out.push({ ...base, kind: 'lead_status', from: e.leadStatus.current, to: e.leadStatus.proposed });
  return out;
}

/** Completes workflow actions answered with BLOCK that were waiting on these contacts. */
async function completeWaitingActions(
  deps: ScoreDeps,
  portalId: PortalId,
  evaluations: ReadonlyMap<ContactId, Evaluation>,
  refused: ReadonlyMap<ContactId, string>,
  decisions: ReadonlyMap<string, DecisionOutcome>,
  now: number,
): Promise<void> {
  const contacts = new Set([...evaluations.keys(), ...refused.keys()]);
  const waiting = await deps.store.pendingCallbacks(portalId, [...contacts]);
  if (waiting.length === 0) return;
  const completions: { callbackId: string; outputFields: Record<string, string> }[] = [];
  for (const w of waiting) {
    const failed = refused.has(w.contactId);
    if (w.action === 'sales-decision') {
      const key = `callback:${w.callbackId}`;
      const outcome =
        decisions.get(key) ??
        asDecisionOutcome((await deps.store.salesDecision(portalId, key))?.outcome ?? null);
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
    const e = evaluations.get(w.contactId);
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
  await deps.store.completeCallbacks(
    completions.map((c) => c.callbackId),
    now,
  );
}
