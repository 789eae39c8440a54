/**
 * The routing steps of scoring (owners and tasks are worked out in routing.ts):
 *
 *   route → the batch's new MQLs (not decided on in this run, no acceptance timer running) get a
 *           route, an owner and an acceptance timer; the owner rides on the scoring write
 *   keep  → after the write: routes of refused contacts are dropped; a route whose owner HubSpot
 *           refused is kept without an owner
 *   save  → routes and timers are stored, counted and logged; the owners' tasks are created
 */
import type { Evaluation } from '../../core/evaluate.js';
import { heldByReturn } from '../../core/feedback.js';
import { stageRank } from '../../core/lifecycle.js';
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
