/**
 * Routing a new MQL: the route comes from the evaluation (installed base, demo request, new
 * business); the owner from the account (the company's owner), the contact's owner, or the
 * new-business round robin (kept in the store, so instances and restarts share it); then a HubSpot
 * task for the owner, due within the route's hours, with the explanation, and the acceptance timer.
 */
import type { Evaluation } from '../../core/evaluate.js';
import { directOwner, type OwnerSource, roundRobinPool } from '../../core/feedback.js';
import type { QualificationModel } from '../../core/model.js';
import { ownValue } from '../../core/own.js';
import { type CrmGateway, HubSpotError, type TaskInput } from '../../hubspot/crm-gateway.js';
import { routingValues } from '../../hubspot/write-back.js';
import type { Logger } from '../../logger.js';
import type { ContactId, PortalId, RouteRecord, RouteStore, SlaTimer } from '../../store/store.port.js';
import type { FeedbackCounters } from './feedback-counters.js';
import { HOUR_MS } from '../../core/intent.js';

/** The round robin's pool name in the store. */
export const NEW_BUSINESS_POOL = 'new-business';

const ROUTE_LABELS: Record<string, string> = {
  'installed-base': 'installed base',
  'demo-request': 'demo request',
  'new-business': 'new business',
};

export interface RoutingCandidate {
  contactId: ContactId;
  /** The contact's properties as the evaluation saw them. */
  properties: Readonly<Record<string, string | null>>;
  company: Readonly<Record<string, string | null>> | null;
  evaluation: Evaluation;
}

export interface PlannedRoute {
  route: RouteRecord;
  /** Property values routing writes (the owner, and the previous round's feedback cleared). */
  values: Record<string, string>;
  timer: Omit<SlaTimer, 'closedAt' | 'outcome'>;
}

/** A readable name for task titles: first and last name, else the e-mail, else the id. */
export function contactLabel(id: string, properties: Readonly<Record<string, string | null>>): string {
  const name = [properties.firstname, properties.lastname].filter(Boolean).join(' ').trim();
  return name || properties.email || `contact ${id}`;
}

/**
 * Routes new MQLs: owners first from the account or the contact, the rest round robin over the
 * new-business owners, in the order the contacts come. With no owner available the route and its
 * timer are still kept (the owner is left as it is and no task is made).
 */
export async function planRoutes(
  store: { routes: RouteStore },
  portalId: PortalId,
  model: QualificationModel,
  candidates: readonly RoutingCandidate[],
  now: number,
): Promise<PlannedRoute[]> {
  const { routing } = model;
  const direct = candidates.map((c) =>
    directOwner(
      c.evaluation.route!.kind,
      { company: c.company?.hubspot_owner_id ?? null, contact: c.properties.hubspot_owner_id ?? null },
      routing,
    ),
  );
  const turns = await store.routes.takeRoundRobin(
    portalId,
    NEW_BUSINESS_POOL,
    roundRobinPool(routing),
    direct.filter((d) => d === null).length,
  );
  return candidates.map((c, i) => {
    const route = c.evaluation.route!;
    let owner: string | null = direct[i]?.owner ?? null;
    let source: OwnerSource = direct[i]?.source ?? 'none';
    if (owner === null) {
      owner = turns.shift() ?? null;
      source = owner === null ? 'none' : 'round-robin';
    }
    const record: RouteRecord = {
      portalId,
      contactId: c.contactId,
      kind: route.kind,
      ownerId: owner,
      ownerSource: source,
      why: route.why,
      contactLabel: contactLabel(c.contactId, c.properties),
      followUpSlaHours: route.followUpSlaHours,
      acceptanceSlaHours: route.acceptanceSlaHours,
      routedAt: now,
      modelVersion: c.evaluation.modelVersion,
      taskBody: c.evaluation.explanation.join('\n'),
      taskId: null,
    };
    return {
      route: record,
      values: routingValues(owner),
      timer: {
        portalId,
        contactId: c.contactId,
        kind: 'acceptance',
        startedAt: now,
        dueAt: now + route.acceptanceSlaHours * HOUR_MS,
      },
    };
  });
}

/** The owner's task for a routed MQL: due within the route's hours, with why and the deadlines. */
export function routeTask(route: RouteRecord): TaskInput {
  const due = route.routedAt + route.followUpSlaHours * HOUR_MS;
  const decideBy = new Date(route.routedAt + route.acceptanceSlaHours * HOUR_MS).toISOString();
  const kind = ownValue(ROUTE_LABELS, route.kind) ?? route.kind;
  return {
    ref: `route:${route.contactId}:${route.routedAt}`,
    contactId: route.contactId,
    properties: {
      hs_task_subject: `New MQL (${kind}): ${route.contactLabel}, follow up within ${route.followUpSlaHours} h`,
      hs_task_body: [
        `Routed to you: ${route.why} (${route.ownerSource.replace('-', ' ')}).`,
        `Accept or return it with a reason by ${decideBy} (the Sales decision action, or the lead status).`,
        '',
        route.taskBody,
      ].join('\n'),
      hs_timestamp: new Date(due).toISOString(),
      hubspot_owner_id: route.ownerId ?? '',
      hs_task_status: 'NOT_STARTED',
      hs_task_priority: route.kind === 'new-business' ? 'MEDIUM' : 'HIGH',
      hs_task_type: 'TODO',
    },
  };
}

/**
 * Creates the owners' tasks of routed MQLs. A failure here does not undo the routing: the tasks
 * stay owed in the store and the feedback scheduler makes them later.
 */
export async function createRouteTasks(
  deps: {
    crm: Pick<CrmGateway, 'createTasks'>;
    store: { routes: RouteStore };
    logger?: Logger | undefined;
    counters?: FeedbackCounters | undefined;
  },
  routes: readonly RouteRecord[],
): Promise<number> {
  if (routes.length === 0) return 0;
  const tasks = routes.map((r) => ({ route: r, task: routeTask(r) }));
  let result;
  try {
    result = await deps.crm.createTasks(tasks.map((t) => t.task));
  } catch (error) {
    if (!(error instanceof HubSpotError)) throw error;
    deps.logger?.warn({ tasks: tasks.length, error: error.message }, 'route tasks not created: will retry');
    return 0;
  }
  const marks = tasks.flatMap(({ route, task }) => {
    const id = result.created.get(task.ref);
    return id === undefined ? [] : [{ portalId: route.portalId, contactId: route.contactId, taskId: id }];
  });
  // A task HubSpot refuses (an unknown owner, a deleted contact) is not owed any more: '' says so.
  for (const r of result.rejected) {
    const route = tasks.find((t) => t.task.ref === r.ref)?.route;
    if (!route) continue;
    marks.push({ portalId: route.portalId, contactId: route.contactId, taskId: '' });
    deps.logger?.warn(
      { contactId: route.contactId, owner: route.ownerId, error: r.message },
      'HubSpot refused the route task',
    );
  }
  await deps.store.routes.markTasks(marks);
  deps.counters?.tasks('route', result.created.size);
  return result.created.size;
}
