import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './helpers.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('no loops', () => {
  it('when HubSpot echoes the app’s own writes as webhooks, then they cause no second write', async () => {
    stack = await startStack({ contacts: 40, sandbox: { echoWrites: true } });
    const ids = stack.sandbox.data!.contacts.map((c) => c.id);
    await stack.deliver(ids.map((id) => stack!.sandbox.events.creation({ objectId: id })));
    await stack.service.worker.drain();
    const writes = stack.calls('contacts.batch.update');
    expect(writes).toBeGreaterThan(0);

    // The echoes: lq_* changes and the lifecycle/lead-status changes our write made, sourced to the app.
    const echoes = stack.sandbox.queuedEvents();
    expect(echoes.length).toBeGreaterThan(0);
    expect(echoes.every((e) => e.changeSource === 'INTEGRATION')).toBe(true);
    await stack.deliver([...echoes]);
    await stack.service.worker.drain();
    expect(stack.calls('contacts.batch.update')).toBe(writes);
    expect((await stack.service.store.queue.stats()).pending).toBe(0);
  });
});

describe('restarts', () => {
  it('when the service stops in the middle of the work, then a new one on the same database finishes it and loses nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lq-restart-'));
    const databaseUrl = join(dir, 'lq.sqlite');
    try {
      stack = await startStack({
        contacts: 250,
        databaseUrl,
        service: { worker: { leaseMs: 200, baseBackoffMs: 1, maxBackoffMs: 5 } },
      });
      const ids = stack.sandbox.data!.contacts.map((c) => c.id);
      await stack.deliver(ids.map((id) => stack!.sandbox.events.creation({ objectId: id })));
      // Claim one batch and "crash" before settling it: the claim is simply never completed.
      const claimed = await stack.service.store.queue.claim('doomed-worker', 100, 200, Date.now());
      expect(claimed).toHaveLength(100);
      const sandbox = stack.sandbox;
      await stack.service.close();

      // A new service on the same database and the same HubSpot.
      const { createService } = await import('../../src/service.js');
      const { loadConfig } = await import('../../src/config.js');
      const { createLogger } = await import('../../src/logger.js');
      const service = await createService({
        config: loadConfig({
          ...stack.service.config,
          HUBSPOT_RATE_LIMIT: '190',
          HUBSPOT_RATE_HEADROOM: '1',
          EVENT_RETENTION_DAYS: '30',
          WORKER_CLAIM_LIMIT: '100',
          PORT: '0',
          DATABASE_URL: databaseUrl,
        } as unknown as Record<string, string>),
        logger: createLogger({ level: 'silent' }),
        startWorker: false,
        setup: false,
      });
      try {
        await service.worker.drain(); // 150 free items now
        await new Promise((resolve) => setTimeout(resolve, 250)); // the doomed lease runs out
        await service.worker.drain();
        expect(await service.store.queue.stats()).toEqual({ pending: 0, claimed: 0, dead: 0 });
        const stored = await service.store.contacts.latestEvaluations(String(sandbox.portalId), ids);
        expect(stored.size).toBe(250);
        for (const id of ids)
          expect(sandbox.state.get('contacts', id)!.properties.lq_qualification).toBe(
            stored.get(id)!.qualification,
          );
      } finally {
        await service.close();
        await sandbox.close();
        stack = undefined;
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
