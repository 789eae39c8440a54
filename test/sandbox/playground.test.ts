import { afterEach, describe, expect, it } from 'vitest';
import { type Playground, planDay, startPlayground } from '../../src/sandbox/index.js';
import { PUBLIC, SECRET, type Stack, startStack } from '../service/helpers.js';

let stack: Stack | undefined;
let playground: Playground | undefined;
afterEach(async () => {
  await playground?.stop();
  await stack?.close();
  playground = undefined;
  stack = undefined;
});

async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the playground: the sandbox playing HubSpot for a running service', () => {
  it('when started against a service, then the seeded history and a simulated day reach it signed, and every contact is scored and written back', async () => {
    stack = await startStack({
      contacts: 30,
      sandbox: { echoWrites: true },
      service: { startWorker: true, worker: { pollMs: 20 } },
    });
    const { sandbox, service } = stack;
    const lines: string[] = [];
    const day = { daySeconds: 1, newContacts: 4, edits: 6, conversions: 6, pageViews: 6, unsubscribes: 1 };
    playground = startPlayground(sandbox, {
      target: stack.url,
      clientSecret: SECRET,
      publicUrl: PUBLIC,
      traffic: day,
      flushEveryMs: 50,
      log: (line) => lines.push(line),
    });
    const report = await playground.done;

    // Only the model's signal types are sent: the playground asked the service for them.
    const { model } = await service.models.get(stack.portalId);
    expect(report.signalTypes.sort()).toEqual(model.intent.signals.map((s) => s.type).sort());
    const known = new Set(report.signalTypes);
    const seeded = sandbox.data!.contacts.flatMap((c) => sandbox.data!.signals.get(c.id) ?? []);
    const dayPlan = planDay(sandbox.data!, day);
    const daySignals = dayPlan.filter((s) => s.kind !== 'create' && s.kind !== 'edit' && known.has(s.signal));
    expect(report.actions).toEqual({
      SUCCESS: seeded.filter((s) => known.has(s.type)).length + daySignals.length,
    });
    expect(report.contactsCreated).toBe(4);
    expect(report.webhookFailedRequests).toBe(0);
    expect(report.stepsSkipped).toBe(0);
    // The service counted every event as valid (a bad signature would be a 401 and a failed request).
    expect(await service.metrics.eventsReceived.get({ type: 'contact.creation' })).toBeGreaterThanOrEqual(
      30 + 4,
    );

    // Everything settles: the service's own writes echo back, are delivered, and change nothing more.
    await until(async () => {
      const queue = await service.store.queue.stats();
      return queue.pending + queue.claimed === 0 && sandbox.queuedEvents().length === 0;
    });
    const all = sandbox.state.page('contacts', { limit: 100 }).results;
    expect(all).toHaveLength(34);
    const evaluations = await service.store.contacts.latestEvaluations(
      stack.portalId,
      all.map((c) => c.id),
    );
    expect(evaluations.size).toBe(34);
    for (const contact of all)
      expect(contact.properties.lq_qualification).toMatch(/^(mql|iql|nurture|disqualified)$/);
    expect(lines.some((l) => l.startsWith('traffic: the day is over'))).toBe(true);
  });

  it('when the service is not up yet, then the playground waits for /healthz and starts once it answers', async () => {
    stack = await startStack({ contacts: 3, sandbox: { echoWrites: true } });
    const lines: string[] = [];
    // A port nobody listens on first: the playground waits, then is stopped cleanly.
    playground = startPlayground(stack.sandbox, {
      target: 'http://127.0.0.1:9',
      clientSecret: SECRET,
      waitForServiceMs: 60_000,
      log: (line) => lines.push(line),
    });
    await until(async () => lines.length > 0);
    expect(lines).toEqual(['waiting for the service at http://127.0.0.1:9/healthz ...']);
    await playground.stop();
    expect(playground.report()).toMatchObject({ webhookEvents: 0, actions: {} });
  });
});

describe('planDay', () => {
  it('when planned twice with one seed, then the day is the same, in time order, and no step precedes its contact', async () => {
    stack = await startStack({ contacts: 20 });
    const data = stack.sandbox.data!;
    const first = planDay(data, { seed: 3, newContacts: 10 });
    expect(planDay(data, { seed: 3, newContacts: 10 })).toEqual(first);
    expect(planDay(data, { seed: 4, newContacts: 10 })).not.toEqual(first);
    expect(first.map((s) => s.at)).toEqual([...first.map((s) => s.at)].sort((a, b) => a - b));
    const created = new Set<number>();
    for (const step of first) {
      if (step.kind === 'create') created.add(step.index);
      else if ('created' in step.contact) expect(created).toContain(step.contact.created);
    }
    expect(first.filter((s) => s.kind === 'create')).toHaveLength(10);
    const emails = first.flatMap((s) => (s.kind === 'create' ? [s.properties.email] : []));
    expect(emails.every((e) => e?.includes('+day3-'))).toBe(true);
  });
});
