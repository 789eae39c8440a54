/**
 * Score contacts: the use case behind the worker, *Qualify contact* and `cli rescore`. Up to 100
 * contacts of one portal go through these steps together, as one batch (see batch.ts):
 *
 *   load      what the store and HubSpot hold besides the contacts (companies, signals, feedback)
 *   decisions sales' pending decisions applied to what was read; recycles' stages cleared first
 *   evaluate  core.evaluate on each contact, with the return hold
 *   route     new MQLs get an owner, a task and an acceptance timer
 *   plan      only the values that differ from HubSpot's
 *   write     one batch update; a refused owner is retried without it; recycled stages read back
 *   record    snapshots, evaluations, transitions; decisions settled; routes and tasks saved;
 *             accepted contacts' deals read, and a deal made per accept when the model says so;
 *             hand-overs of MQLs that fell below the bar withdrawn
 *   notify    workflow actions waiting on these contacts are completed
 *   schedule  each contact queued again for when its written values next change on their own
 *
 * Scoring steps live in this folder; the feedback steps (decisions, routes) in ../feedback.
 */
import type { ContactId, PortalId } from '../../store/store.port.js';
import type { CrmRecord } from '../../hubspot/crm-gateway.js';
import {
  applySalesDecisions,
  confirmRecycles,
  forgetMissingContacts,
  settleSalesDecisions,
} from '../feedback/decisions.step.js';
import { dealsForAccepts } from '../feedback/deals-on-accept.js';
import {
  keepWrittenRoutes,
  routeNewMqls,
  saveRoutes,
  withdrawLapsedHandOvers,
} from '../feedback/route.step.js';
import { resultOf, type ScoreDeps, type ScoreResult, type ScoringBatch } from './batch.js';
import { evaluateContacts } from './evaluate.step.js';
import { contactPropertiesFor, loadState } from './load.step.js';
import { completeWaitingActions } from './notify.step.js';
import { planWrites } from './plan-writes.step.js';
import { recordEvaluations } from './record.step.js';
import { scheduleNextChanges } from './schedule.step.js';
import { writeChanges } from './write.step.js';

export type { ScoreDeps, ScoreResult } from './batch.js';
export { CompanyCache } from './company-cache.js';
export { contactPropertiesFor, signalHorizonDays } from './load.step.js';
export { scoreBand } from './record.step.js';

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
  return scoreRecords(deps, portalId, records, missing);
}

/**
 * Scores contacts already read from HubSpot (with `contactPropertiesFor(model).contact`), e.g. a
 * page of a full listing, and writes back what changed. `missing`: ids HubSpot did not return.
 */
export async function scoreRecords(
  deps: ScoreDeps,
  portalId: PortalId,
  records: readonly CrmRecord[],
  missing: ContactId[] = [],
): Promise<ScoreResult> {
  const batch = await loadBatch(deps, portalId, records, missing);
  await applySalesDecisions(deps, batch);
  evaluateContacts(batch);
  await routeNewMqls(deps, batch);
  planWrites(batch);
  await writeChanges(deps, batch);
  await confirmRecycles(deps, batch);
  keepWrittenRoutes(deps, batch);
  await recordEvaluations(deps, batch);
  await settleSalesDecisions(deps, batch);
  await saveRoutes(deps, batch);
  await dealsForAccepts(deps, batch);
  await withdrawLapsedHandOvers(deps, batch);
  await completeWaitingActions(deps, batch);
  await forgetMissingContacts(deps, batch);
  await scheduleNextChanges(deps, batch);
  const result = resultOf(batch);
  deps.onScored?.({
    scored: result.evaluations.size,
    written: result.written.length,
    unchanged: result.unchanged.length,
  });
  return result;
}

async function loadBatch(
  deps: ScoreDeps,
  portalId: PortalId,
  records: readonly CrmRecord[],
  missing: ContactId[],
): Promise<ScoringBatch> {
  const now = deps.clock();
  const { model } = await deps.models.get(portalId);
  return {
    portalId,
    model,
    now,
    records,
    missing,
    loaded: await loadState(deps, portalId, model, records, now),
    decided: { effective: new Map(), planned: new Map(), clears: [], returnedAt: new Map() },
    scored: new Map(),
    routes: [],
    changes: new Map(),
    refused: new Map(),
    clearRefused: new Set(),
    ownerRefused: new Set(),
    written: [],
    decisions: new Map(),
  };
}
