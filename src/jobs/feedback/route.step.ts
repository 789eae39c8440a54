/**
 * The routing steps of scoring (owners and tasks are worked out in routing.ts):
 *
 *   route → the batch's new MQLs (not decided on in this run, no acceptance timer running) get a
 *           route, an owner and an acceptance timer; the owner rides on the scoring write.
 *           MQLs whose hand-over was withdrawn (they fell below the bar before sales answered)
 *           have their acceptance timer cancelled: marketing took the lead back, sales missed nothing
 *
 * The MQL state rules (README, "MQL state rules"):
 * - A contact becomes a new MQL when the core says MQL and it was not one at its previous scoring
 *   (or was never scored): its stage moves to MQL now, or it is at MQL already (it fell below the
 *   bar and crossed it again, or it was an MQL before the app was installed), or it is an existing
 *   customer on the installed-base route. Sales' stages (SQL and later) and custom stages are not
 *   routed; a lead sales returned needs a new signal first (the core's return hold).
 * - A contact that falls below the bar keeps its stage (stages never move back on their own; the
 *   recycle is sales' step) and its lead status (sales' field); `lq_qualification` says what it is
 *   now, and a running acceptance timer is cancelled.
 *   keep  → after the write: routes of refused contacts are dropped; a route whose owner HubSpot
 *           refused is kept without an owner
 *   save  → routes and timers are stored, counted and logged; the owners' tasks are created
 */
import type { Evaluation } from '../../core/evaluate.js';
import { heldByReturn } from '../../core/feedback.js';
import { stageRank } from '../../core/lifecycle.js';
import type { ContactId } from '../../store/store.port.js';
import type { ScoreDeps, ScoringBatch } from '../scoring/batch.js';
import { createRouteTasks, planRoutes, type RoutingCandidate } from './routing.js';

export async function routeNewMqls(deps: ScoreDeps, batch: ScoringBatch): Promise<void> {
  const openAcceptance = new Set(
    batch.loaded.timers.filter((t) => t.kind === 'acceptance' && t.closedAt === null).map((t) => t.contactId),
  );
  const candidates: RoutingCandidate[] = [];
  for (const [contactId, s] of batch.scored) {
    const decidedNow = batch.decided.planned.get(contactId)?.some((p) => p.plan.applies) ?? false;
    const previous = batch.loaded.previous.get(contactId)?.qualification ?? null;
    if (!decidedNow && isNewMql(s.evaluation, previous, s.returnedAt) && !openAcceptance.has(contactId))
      candidates.push({ contactId, properties: s.properties, company: s.company, evaluation: s.evaluation });
  }
  batch.routes = await planRoutes(deps.store, batch.portalId, batch.model, candidates, batch.now);
}

const MQL_RANK = stageRank('marketingqualifiedlead');

/** Is this a new MQL to route? See the MQL state rules at the top. */
function isNewMql(e: Evaluation, previousQualification: string | null, returnedAt: number | null): boolean {
  if (!e.isMql || !e.route || heldByReturn(e, returnedAt)) return false;
  if (e.lifecycle.changed && e.lifecycle.proposed === 'marketingqualifiedlead') return true;
  if (previousQualification === 'mql') return false;
  const rank = stageRank(e.lifecycle.proposed);
  return rank === MQL_RANK || (rank > MQL_RANK && e.route.kind === 'installed-base');
}

/**
 * Cancels the acceptance timers of MQLs that fell below the bar before sales answered (not by a
 * sales decision in this run): the hand-over is withdrawn, and a breach would blame sales for it.
 */
export async function withdrawLapsedHandOvers(deps: ScoreDeps, batch: ScoringBatch): Promise<void> {
  const open = new Set(
    batch.loaded.timers.filter((t) => t.kind === 'acceptance' && t.closedAt === null).map((t) => t.contactId),
  );
  const lapsed: ContactId[] = [];
  for (const [contactId, s] of batch.scored) {
    if (batch.refused.has(contactId) || !open.has(contactId) || s.evaluation.isMql) continue;
    if (batch.decided.planned.get(contactId)?.some((p) => p.plan.applies)) continue;
    if (batch.loaded.previous.get(contactId)?.qualification !== 'mql') continue;
    lapsed.push(contactId);
  }
  for (const contactId of lapsed) {
    await deps.store.sla.close(batch.portalId, contactId, 'acceptance', 'cancelled', batch.now);
    deps.logger?.info(
      {
        portalId: batch.portalId,
        contactId,
        qualification: batch.scored.get(contactId)?.evaluation.qualification,
      },
      'MQL fell below the bar before sales answered: hand-over withdrawn, acceptance timer cancelled',
    );
  }
}

/** Keeps the routes whose contact was written; a refused owner leaves the route without one. */
export function keepWrittenRoutes(deps: ScoreDeps, batch: ScoringBatch): void {
  batch.routes = batch.routes.filter((r) => !batch.refused.has(r.route.contactId));
  for (const { route } of batch.routes) {
    if (!batch.ownerRefused.has(route.contactId)) continue;
    deps.logger?.debug({ contactId: route.contactId, owner: route.ownerId }, 'route kept without owner');
    route.ownerId = null;
    route.ownerSource = 'none';
  }
}

export async function saveRoutes(deps: ScoreDeps, batch: ScoringBatch): Promise<void> {
  const { routes } = batch;
  if (routes.length === 0) return;
  await deps.store.routes.save(
    routes.map((r) => r.route),
    routes.map((r) => r.timer),
  );
  for (const { route } of routes) {
    deps.counters?.routed(route.kind, route.ownerSource);
    if (route.ownerId === null)
      deps.logger?.warn(
        { portalId: batch.portalId, contactId: route.contactId, route: route.kind },
        'new MQL routed without an owner: no owner available (check the model’s newBusinessOwners)',
      );
  }
  await createRouteTasks(
    deps,
    routes.map((r) => r.route).filter((r) => r.ownerId !== null),
  );
}
