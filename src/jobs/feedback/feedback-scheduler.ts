/**
 * The feedback loop's clock work, one small loop beside the worker, on the injected clock:
 *
 * - SLA breaches: a timer past due (acceptance: no decision made in time; follow-up: no contact
 *   shown in time) is breached in the store, then `lq_sla_breached` is set on the contact and an
 *   escalation task goes to the model's escalation owner. The store leases each breach, so a crash
 *   or a HubSpot failure in between sends it later, and two instances never send it both.
 * - Route tasks owed: a routed MQL whose task could not be made at routing time gets it now.
 * - Deals owed: an accept whose deal (the model's `dealOnAccept`) could not be made at the time
 *   gets it now; an attempt whose outcome is unknown first looks for the deal it may have made.
 * - The weekly returned-leads report: once per reporting week and portal, for the week before,
 *   built by the core's `weeklyReturnedLeadsReport`, stored, and sent as a task to the model's
 *   marketing owner. Stored first, so a restart never makes it twice.
 *
 * Timers and reports live in the store: a restart loses none.
 */
import { weekStart } from '../../core/feedback.js';
import { weeklyReturnedLeadsReport } from '../../core/funnel.js';
import type { QualificationModel } from '../../core/model.js';
import { type CrmGateway, HubSpotError, type TaskInput } from '../../hubspot/crm-gateway.js';
import type { Logger } from '../../logger.js';
import type { PortalId, SlaTimer, Store, WeeklyReportRecord } from '../../store/store.port.js';
import type { ActiveModels } from '../active-model.js';
import type { FeedbackCounters } from './feedback-counters.js';
import { createDeals } from './deals-on-accept.js';
import { createRouteTasks } from './routing.js';
import { HOUR_MS } from '../../core/intent.js';

const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;

export interface FeedbackSchedulerOptions {
  store: Store;
  crm: Pick<CrmGateway, 'updateContacts' | 'createTasks'> & Partial<Pick<CrmGateway, 'deals'>>;
  models: ActiveModels;
  logger: Logger;
  clock?: () => number;
  counters?: FeedbackCounters;
  /** How often the loop looks (default 60 s; a breach is seen at most this late). */
  pollMs?: number;
  /** How long a breach, an owed task or a report is held by one instance while it sends it (default 5 min). */
  leaseMs?: number;
  /** Route tasks owed for longer than this are made by the scheduler (default 1 min: routing's own try first). */
  routeTaskGraceMs?: number;
  /** The weekday reporting weeks start on, 00:00 UTC (0 Sunday … 6 Saturday; default 1, ISO weeks). */
  reportWeekday?: number;
  /** Breaches and owed tasks handled per round (default 100, HubSpot's batch size). */
  batchSize?: number;
}

export interface SchedulerRound {
  breaches: number;
  escalations: number;
  routeTasks: number;
  reports: number;
}

export class FeedbackScheduler {
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  /** Weeks whose report this process saw settled (portal and week start), to skip rebuilding them. */
  private readonly reported = new Set<string>();
  private readonly o: Required<Omit<FeedbackSchedulerOptions, 'counters'>> & { counters?: FeedbackCounters };

  constructor(options: FeedbackSchedulerOptions) {
    this.o = {
      clock: Date.now,
      pollMs: 60_000,
      leaseMs: 5 * 60_000,
      routeTaskGraceMs: 60_000,
      reportWeekday: 1,
      batchSize: 100,
      ...options,
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops the loop after the round in hand. */
  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
    this.loop = null;
  }

  /** One round: breaches, owed route tasks, the weekly report. Each part's failure is logged and retried next round. */
  async runOnce(): Promise<SchedulerRound> {
    const round: SchedulerRound = { breaches: 0, escalations: 0, routeTasks: 0, reports: 0 };
    const parts: [string, () => Promise<void>][] = [
      [
        'SLA breaches',
        async () => {
          const { breaches, escalations } = await this.breaches();
          round.breaches = breaches;
          round.escalations = escalations;
        },
      ],
      [
        'route tasks',
        async () => {
          round.routeTasks = await this.owedRouteTasks();
        },
      ],
      [
        'deals owed',
        async () => {
          await this.owedDeals();
        },
      ],
      [
        'weekly reports',
        async () => {
          round.reports = await this.weeklyReports();
        },
      ],
    ];
    for (const [what, part] of parts) {
      try {
        await part();
      } catch (error) {
        this.o.logger.error({ err: error }, `feedback scheduler: ${what} failed; will retry`);
      }
    }
    return round;
  }

  private async run(): Promise<void> {
    while (this.running) {
      await this.runOnce();
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.o.pollMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = null;
    }
  }

  /** Breaches due timers and sends their escalations; returns how many. */
  private async breaches(): Promise<{ breaches: number; escalations: number }> {
    const now = this.o.clock();
    const claimed = await this.o.store.sla.claimBreaches(now, this.o.batchSize, this.o.leaseMs);
    if (claimed.length === 0) return { breaches: 0, escalations: 0 };
    let escalations = 0;
    const byPortal = new Map<PortalId, SlaTimer[]>();
    for (const t of claimed) byPortal.set(t.portalId, [...(byPortal.get(t.portalId) ?? []), t]);
    for (const [portalId, timers] of byPortal) {
      const { model } = await this.o.models.get(portalId);
      escalations += await this.escalate(portalId, model, timers, now);
    }
    return { breaches: claimed.length, escalations };
  }

  private async escalate(
    portalId: PortalId,
    model: QualificationModel,
    timers: readonly SlaTimer[],
    now: number,
  ): Promise<number> {
    // The property first: it is what a workflow or a view in HubSpot acts on.
    const { rejected } = await this.o.crm.updateContacts(
      timers.map((t) => ({ id: t.contactId, properties: { lq_sla_breached: t.kind } })),
    );
    const gone = new Set(rejected.map((r) => r.id));
    for (const r of rejected)
      this.o.logger.warn(
        { portalId, contactId: r.id, error: r.message },
        'SLA breach not written on the contact',
      );
    const routes = await this.o.store.routes.routesOf(
      portalId,
      timers.map((t) => t.contactId),
    );
    const owner = model.routing.escalationOwner;
    let created = 0;
    if (owner === null)
      this.o.logger.warn(
        { portalId, breaches: timers.length },
        'SLA breached but the model names no escalationOwner: no escalation task',
      );
    else {
      const tasks: TaskInput[] = timers
        .filter((t) => !gone.has(t.contactId))
        .map((t) => escalationTask(t, routes.get(t.contactId), owner, now));
      if (tasks.length > 0) {
        const result = await this.o.crm.createTasks(tasks);
        created = result.created.size;
        for (const r of result.rejected)
          this.o.logger.warn(
            { portalId, task: r.ref, error: r.message },
            'HubSpot refused an escalation task',
          );
        this.o.counters?.tasks('escalation', created);
      }
    }
    for (const t of timers) {
      this.o.counters?.breach(t.kind);
      this.o.logger.info(
        {
          portalId,
          contactId: t.contactId,
          kind: t.kind,
          dueAt: new Date(t.dueAt).toISOString(),
          owner: routes.get(t.contactId)?.ownerId ?? null,
          escalatedTo: owner,
        },
        'SLA breached',
      );
    }
    await this.o.store.sla.markNotified(timers, now);
    return created;
  }

  private async owedRouteTasks(): Promise<number> {
    const now = this.o.clock();
    const routes = await this.o.store.routes.claimAwaitingTask(
      now - this.o.routeTaskGraceMs,
      now,
      this.o.batchSize,
      this.o.leaseMs,
    );
    return createRouteTasks({ ...this.o }, routes);
  }

  /** Creates the deals accepts still owe (HubSpot failed or the process stopped at the time). */
  private async owedDeals(): Promise<number> {
    const crm = this.o.crm.deals;
    if (!crm) return 0;
    const now = this.o.clock();
    const claimed = await this.o.store.deals.claimOwed(
      now - this.o.routeTaskGraceMs,
      now,
      this.o.batchSize,
      this.o.leaseMs,
    );
    if (claimed.length === 0) return 0;
    return createDeals(
      { store: this.o.store, crm: { deals: crm }, clock: this.o.clock, logger: this.o.logger },
      claimed,
    );
  }

  /** Makes and sends last week's report for every portal with decisions; returns how many were sent. */
  private async weeklyReports(): Promise<number> {
    const now = this.o.clock();
    const to = weekStart(now, this.o.reportWeekday);
    const from = to - WEEK_MS;
    let sent = 0;
    for (const portalId of await this.o.store.decisions.portalsWithDecisions(from, to)) {
      const week = `${portalId}:${from}`;
      if (this.reported.has(week)) continue;
      const { model } = await this.o.models.get(portalId);
      const decisions = await this.o.store.decisions.applied(portalId, from, to);
      const report = weeklyReturnedLeadsReport({
        decisions: decisions.map((d) => ({
          contactId: d.contactId,
          decision: d.decision,
          reason: d.reason,
          note: d.note,
          decidedAt: d.decidedAt,
        })),
        reasonLabels: Object.fromEntries(model.feedback.lostReasons.map((r) => [r.id, r.label])),
        from,
        to,
      });
      const claimed = await this.o.store.reports.claimWeekly(
        {
          portalId,
          weekStart: from,
          weekEnd: to,
          ownerId: model.routing.marketingOwner,
          title: report.title,
          body: report.body,
          returned: report.returned,
          topReasons: report.topReasons,
          createdAt: now,
        },
        now,
        this.o.leaseMs,
      );
      if (!claimed) {
        const stored = (await this.o.store.reports.weekly(portalId)).find((r) => r.weekStart === from);
        if (stored && stored.deliveredAt !== null) this.reported.add(week);
        continue;
      }
      if (await this.deliver(claimed, now)) sent++;
    }
    return sent;
  }

  /** Sends a stored report as a task to its owner; without an owner it is kept, marked done, unsent. */
  private async deliver(report: WeeklyReportRecord, now: number): Promise<boolean> {
    if (report.ownerId === null) {
      this.o.logger.warn(
        { portalId: report.portalId, week: new Date(report.weekStart).toISOString().slice(0, 10) },
        'weekly returned-leads report kept in the store, not sent: the model names no marketingOwner',
      );
      await this.o.store.reports.markDelivered(report.portalId, report.weekStart, now, null);
      this.reported.add(`${report.portalId}:${report.weekStart}`);
      return false;
    }
    try {
      const { created, rejected } = await this.o.crm.createTasks([
        {
          ref: `weekly:${report.portalId}:${report.weekStart}`,
          contactId: null,
          properties: {
            hs_task_subject: report.title,
            hs_task_body: report.body,
            hs_timestamp: new Date(now + DAY_MS).toISOString(),
            hubspot_owner_id: report.ownerId,
            hs_task_status: 'NOT_STARTED',
            hs_task_priority: 'MEDIUM',
            hs_task_type: 'TODO',
          },
        },
      ]);
      const taskId = [...created.values()][0] ?? null;
      if (rejected.length > 0)
        this.o.logger.warn(
          { portalId: report.portalId, error: rejected[0]!.message },
          'HubSpot refused the weekly report task: kept in the store',
        );
      await this.o.store.reports.markDelivered(report.portalId, report.weekStart, now, taskId);
      this.reported.add(`${report.portalId}:${report.weekStart}`);
      if (taskId) this.o.counters?.tasks('weekly-report', 1);
      this.o.logger.info(
        { portalId: report.portalId, returned: report.returned, owner: report.ownerId, taskId },
        'weekly returned-leads report sent',
      );
      return taskId !== null;
    } catch (error) {
      // Transient: the lease runs out and a later round sends the stored report.
      if (!(error instanceof HubSpotError)) throw error;
      this.o.logger.warn(
        { portalId: report.portalId, error: error.message },
        'weekly report not sent: will retry',
      );
      return false;
    }
  }
}

const KIND_TEXT = {
  acceptance: { title: 'not accepted or returned', rule: 'accept or return it' },
  follow_up: { title: 'not followed up', rule: 'follow it up' },
} as const;

/** The escalation task for a breach: for the manager, due now, naming the lead, the owner and the rule. */
export function escalationTask(
  timer: SlaTimer,
  route: { contactLabel: string; ownerId: string | null; kind: string; why: string } | undefined,
  owner: string,
  now: number,
): TaskInput {
  const hours = Math.round((timer.dueAt - timer.startedAt) / HOUR_MS);
  const text = KIND_TEXT[timer.kind];
  const lead = route?.contactLabel ?? `contact ${timer.contactId}`;
  return {
    ref: `breach:${timer.contactId}:${timer.kind}:${timer.dueAt}`,
    contactId: timer.contactId,
    properties: {
      hs_task_subject: `SLA breached: ${lead} ${text.title} within ${hours} h`,
      hs_task_body: [
        `The SLA is to ${text.rule} within ${hours} hours; it was due ${new Date(timer.dueAt).toISOString()}.`,
        route
          ? `Routed ${route.kind} (${route.why}) to owner ${route.ownerId ?? '(none available)'}.`
          : 'No route is recorded for this lead.',
      ].join('\n'),
      hs_timestamp: new Date(now).toISOString(),
      hubspot_owner_id: owner,
      hs_task_status: 'NOT_STARTED',
      hs_task_priority: 'HIGH',
      hs_task_type: 'TODO',
    },
  };
}
