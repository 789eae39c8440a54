/**
 * The feedback loop's clock work against the sandbox, on a manual clock: SLA breaches escalate,
 * a follow-up shown in time meets its SLA, timers survive a restart, and the weekly returned-leads
 * report goes to marketing once per week.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { weekStart } from '../../src/core/feedback.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createService, type Service } from '../../src/service.js';
import {
  contact,
  DAY,
  decide,
  type FeedbackStack,
  HOUR,
  iso,
  makeContact,
  NEW_BUSINESS_INTENT,
  OWNERS,
  startFeedbackStack,
  tasksOf,
} from './feedback-helpers.js';

let stack: FeedbackStack | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await stack?.close();
  stack = undefined;
});

/** Tasks assigned to the escalation manager. */
function escalations(s: FeedbackStack, contactId: string) {
  return tasksOf(s, contactId).filter((t) => t.hubspot_owner_id === OWNERS.hugo);
}

describe('SLA timers', () => {
  it('when an MQL is neither accepted nor returned within 48 h, then the breach is set on the contact, escalated to the manager once, and counted', async () => {
    stack = await startFeedbackStack();
    const id = await makeContact(stack, { name: 'Stil Staan', signals: NEW_BUSINESS_INTENT });
    const other = await makeContact(stack, { name: 'Snel Besluit', signals: NEW_BUSINESS_INTENT });
    await stack.service.worker.drain();
    await decide(stack, other, { decision: 'return', reason: 'too_small' });

    stack.clock.advance(47 * HOUR);
    expect(await stack.service.scheduler.runOnce()).toMatchObject({ breaches: 0 });
    stack.clock.advance(2 * HOUR);
    const breachedAt = stack.clock.now();
    const round = await stack.service.scheduler.runOnce();
    const again = await stack.service.scheduler.runOnce();

    expect(round).toMatchObject({ breaches: 1, escalations: 1 });
    expect(again).toMatchObject({ breaches: 0, escalations: 0 });
    expect(contact(stack, id).lq_sla_breached).toBe('acceptance');
    expect(contact(stack, other).lq_sla_breached).toBeUndefined();
    expect(escalations(stack, id)).toMatchObject([
      {
        hs_task_subject: 'SLA breached: Stil Staan not accepted or returned within 48 h',
        hs_timestamp: iso(breachedAt),
        hs_task_priority: 'HIGH',
      },
    ]);
    expect(escalations(stack, id)[0]!.hs_task_body).toContain(`to owner ${OWNERS.anna}`);
    expect((await stack.service.store.sla.timersOf(stack.portalId, [id]))[0]).toMatchObject({
      outcome: 'breached',
      closedAt: breachedAt,
    });
    expect(await stack.service.metrics.slaBreaches.get({ kind: 'acceptance' })).toBe(1);
    expect(await stack.service.metrics.render()).toContain('lq_sla_breaches_total{kind="acceptance"} 1');
  });

  it('when an accepted lead is not followed up within the route’s hours, then the follow-up SLA is breached; a lead status showing contact in time meets it', async () => {
    stack = await startFeedbackStack();
    const late = await makeContact(stack, { name: 'Laat Bellen', signals: NEW_BUSINESS_INTENT });
    const onTime = await makeContact(stack, { name: 'Op Tijd', signals: NEW_BUSINESS_INTENT });
    await stack.service.worker.drain();
    await decide(stack, late, { decision: 'accept' });
    await decide(stack, onTime, { decision: 'accept' });
    stack.clock.advance(5 * HOUR);
    stack.sandbox.state.update(
      'contacts',
      onTime,
      { hs_lead_status: 'ATTEMPTED_TO_CONTACT' },
      { changeSource: 'CRM_UI' },
    );
    await stack.deliver([
      stack.sandbox.events.propertyChange({
        objectId: onTime,
        propertyName: 'hs_lead_status',
        propertyValue: 'ATTEMPTED_TO_CONTACT',
      }),
    ]);

    stack.clock.advance(20 * HOUR);
    const round = await stack.service.scheduler.runOnce();

    expect(round).toMatchObject({ breaches: 1 });
    expect(contact(stack, late).lq_sla_breached).toBe('follow_up');
    expect(escalations(stack, late)[0]?.hs_task_subject).toBe(
      'SLA breached: Laat Bellen not followed up within 24 h',
    );
    const timers = await stack.service.store.sla.timersOf(stack.portalId, [onTime]);
    expect(timers.map((t) => [t.kind, t.outcome])).toEqual([
      ['acceptance', 'met'],
      ['follow_up', 'met'],
    ]);
  });

  it('when the service restarts in the middle, then the new one on the same database still breaches the timer and escalates', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lq-sla-restart-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const databaseUrl = join(dir, 'lq.sqlite');
    stack = await startFeedbackStack({ databaseUrl });
    const id = await makeContact(stack, { name: 'Her Start', signals: NEW_BUSINESS_INTENT });
    await stack.service.worker.drain();
    const accepted = await makeContact(stack, { name: 'Her Volg', signals: NEW_BUSINESS_INTENT });
    await stack.service.worker.drain();
    await decide(stack, accepted, { decision: 'accept' });
    await stack.service.close();

    stack.clock.advance(49 * HOUR);
    const restarted: Service = await createService({
      config: loadConfig({ ...stack.service.config, DATABASE_URL: databaseUrl } as unknown as Record<
        string,
        string
      >),
      logger: createLogger({ level: 'silent' }),
      clock: stack.clock.now,
      startWorker: false,
      setup: false,
    });
    cleanups.push(() => restarted.close());

    expect(await restarted.scheduler.runOnce()).toMatchObject({ breaches: 2, escalations: 2 });
    expect(contact(stack, id).lq_sla_breached).toBe('acceptance');
    expect(contact(stack, accepted).lq_sla_breached).toBe('follow_up');
    expect(escalations(stack, id)).toHaveLength(1);
  });

  it('when the escalation could not be sent, then it is sent on a later round, once', async () => {
    stack = await startFeedbackStack({ service: { scheduler: { leaseMs: 60_000 } } });
    const id = await makeContact(stack, { name: 'Weer Proberen', signals: NEW_BUSINESS_INTENT });
    await stack.service.worker.drain();
    stack.clock.advance(49 * HOUR);
    stack.sandbox.setFaults({ 'tasks.batch.create': { rate503: 1 } });

    expect(await stack.service.scheduler.runOnce()).toMatchObject({ breaches: 0 });
    expect(escalations(stack, id)).toEqual([]);
    stack.sandbox.setFaults({});
    expect(await stack.service.scheduler.runOnce()).toMatchObject({ breaches: 0 });
    stack.clock.advance(2 * 60_000);
    const later = await stack.service.scheduler.runOnce();

    expect(later).toMatchObject({ breaches: 1, escalations: 1 });
    expect(escalations(stack, id)).toHaveLength(1);
  });
});

describe('the weekly returned-leads report', () => {
  it('when a week with decisions is over, then marketing gets one task with the lost reasons, kept in the store, never sent twice', async () => {
    stack = await startFeedbackStack();
    const monday = weekStart(stack.clock.now());
    const ids: string[] = [];
    for (const name of ['Een Terug', 'Twee Terug', 'Drie Terug', 'Vier Ja'])
      ids.push(await makeContact(stack, { name, signals: NEW_BUSINESS_INTENT }));
    await stack.service.worker.drain();
    await decide(stack, ids[0]!, { decision: 'return', reason: 'no_budget' });
    await decide(stack, ids[1]!, { decision: 'return', reason: 'no_budget' });
    await decide(stack, ids[2]!, { decision: 'return', reason: 'other', note: 'Wants a partner instead' });
    await decide(stack, ids[3]!, { decision: 'accept' });

    expect(await stack.service.scheduler.runOnce()).toMatchObject({ reports: 0 });
    stack.clock.set(monday + 7 * DAY + HOUR);
    const round = await stack.service.scheduler.runOnce();
    const again = await stack.service.scheduler.runOnce();

    expect(round).toMatchObject({ reports: 1 });
    expect(again).toMatchObject({ reports: 0 });
    const [stored] = await stack.service.store.reports.weekly(stack.portalId);
    expect(stored).toMatchObject({
      weekStart: monday,
      weekEnd: monday + 7 * DAY,
      ownerId: OWNERS.grace,
      returned: 3,
      topReasons: [
        { reason: 'no_budget', label: 'No budget', count: 2 },
        { reason: 'other', label: 'Other', count: 1 },
      ],
    });
    expect(stored!.taskId).not.toBeNull();
    const task = stack.sandbox.state.get('tasks', stored!.taskId!)!.properties;
    const forMarketing = [...stack.sandbox.state.all('tasks')].filter(
      (t) => t.properties.hubspot_owner_id === OWNERS.grace,
    );
    expect(forMarketing.map((t) => t.id)).toEqual([stored!.taskId]);
    expect(task).toMatchObject({ hubspot_owner_id: OWNERS.grace, hs_task_subject: stored!.title });
    expect(task.hs_task_body).toContain('No budget');
    expect(task.hs_task_body).toBe(stored!.body);
  });

  it('when the service restarts after the report went out, then it is not sent again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lq-report-restart-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const databaseUrl = join(dir, 'lq.sqlite');
    stack = await startFeedbackStack({ databaseUrl });
    const id = await makeContact(stack, { name: 'Week Rapport', signals: NEW_BUSINESS_INTENT });
    await stack.service.worker.drain();
    await decide(stack, id, { decision: 'return', reason: 'too_small' });
    stack.clock.set(weekStart(stack.clock.now()) + 7 * DAY + 1);
    expect(await stack.service.scheduler.runOnce()).toMatchObject({ reports: 1 });
    const tasks = stack.sandbox.state.count('tasks');
    await stack.service.close();

    const restarted = await createService({
      config: loadConfig({ ...stack.service.config, DATABASE_URL: databaseUrl } as unknown as Record<
        string,
        string
      >),
      logger: createLogger({ level: 'silent' }),
      clock: stack.clock.now,
      startWorker: false,
      setup: false,
    });
    cleanups.push(() => restarted.close());

    expect(await restarted.scheduler.runOnce()).toMatchObject({ reports: 0 });
    expect(stack.sandbox.state.count('tasks')).toBe(tasks);
    expect(await restarted.store.reports.weekly(stack.portalId)).toHaveLength(1);
  });
});
