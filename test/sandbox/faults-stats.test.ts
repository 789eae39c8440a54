import { afterEach, describe, expect, it, vi } from 'vitest';
import { FaultInjector } from '../../src/sandbox/faults.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { addContacts, call, sdk, startSandbox } from './helpers.js';

let sandbox: Sandbox;
afterEach(async () => {
  vi.restoreAllMocks();
  await sandbox?.close();
});

describe('fault injection', () => {
  it('when two injectors share a seed, then they inject the same faults in the same order', () => {
    const config = { 'contacts.batch.update': { rate429: 0.2, rate500: 0.1, rate503: 0.1 } };
    const draw = (injector: FaultInjector) =>
      Array.from({ length: 200 }, () => injector.decide('contacts.batch.update').status ?? 200);
    const first = draw(new FaultInjector(config, 9));
    expect(draw(new FaultInjector(config, 9))).toEqual(first);
    const share = (status: number) => first.filter((s) => s === status).length / first.length;
    expect(share(429)).toBeGreaterThan(0.1);
    expect(share(429)).toBeLessThan(0.3);
    expect(share(502)).toBe(0);
  });

  it('when keys are exact, wildcard or global, then the most specific one applies', () => {
    const injector = new FaultInjector({
      '*': { latencyMs: 1 },
      'contacts.*': { latencyMs: 2 },
      'contacts.search': { latencyMs: [3, 3] },
    });
    expect(
      ['owners.list', 'contacts.get', 'contacts.search'].map((key) => injector.decide(key).latencyMs),
    ).toEqual([1, 2, 3]);
  });

  it('when an endpoint always fails with 503, then the response has HubSpot’s error body and is counted', async () => {
    sandbox = await startSandbox({ faults: { 'contacts.list': { rate503: 1 } } });
    const response = await call(sandbox, 'GET', '/crm/v3/objects/contacts');
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ status: 'error', correlationId: expect.any(String) });
    expect(sandbox.stats.count('contacts.list', 503)).toBe(1);
    expect((await call(sandbox, 'GET', '/crm/v3/owners')).status).toBe(200);
  });

  it('when a 500 is injected once, then the SDK’s retry gets the next answer', async () => {
    sandbox = await startSandbox({ faults: { 'contacts.get': { rate500: 1 } } });
    const [id = ''] = addContacts(sandbox, 1);
    vi.spyOn(console, 'error').mockImplementation(() => sandbox.setFaults({}));
    const contact = await sdk(sandbox, { numberOfApiCallRetries: 2 }).crm.contacts.basicApi.getById(id);
    expect(contact.id).toBe(id);
    expect([sandbox.stats.count('contacts.get', 500), sandbox.stats.count('contacts.get', 200)]).toEqual([
      1, 1,
    ]);
  });

  it('when latency is configured, then responses are delayed by it', async () => {
    sandbox = await startSandbox({ faults: { 'owners.list': { latencyMs: 120 } } });
    const started = performance.now();
    await call(sandbox, 'GET', '/crm/v3/owners');
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('when faults are set over HTTP, then they apply and can be read back', async () => {
    sandbox = await startSandbox();
    const set = await call(sandbox, 'POST', '/__sandbox/faults', {
      faults: { 'owners.list': { rate502: 1 } },
    });
    expect(set.body).toEqual({ faults: { 'owners.list': { rate502: 1 } } });
    expect((await call(sandbox, 'GET', '/crm/v3/owners')).status).toBe(502);
  });
});

describe('call accounting', () => {
  it('when calls are made, then stats count them by endpoint and status, in-process and over HTTP', async () => {
    sandbox = await startSandbox();
    const [id = ''] = addContacts(sandbox, 1);
    await call(sandbox, 'GET', `/crm/v3/objects/contacts/${id}`);
    await call(sandbox, 'GET', '/crm/v3/objects/contacts/1');
    await call(sandbox, 'POST', '/crm/v3/objects/contacts/batch/update', {
      inputs: [{ id, properties: {} }],
    });
    const stats = await call(sandbox, 'GET', '/__sandbox/stats');
    expect(stats.body).toMatchObject({
      total: 3,
      byStatus: { '200': 2, '404': 1 },
      byEndpoint: {
        'contacts.get': { total: 2, byStatus: { '200': 1, '404': 1 } },
        'contacts.batch.update': { total: 1, byStatus: { '200': 1 } },
      },
      limits: { perInterval: 190, daily: 625_000 },
    });
    expect(sandbox.stats.snapshot().total).toBe(3);
  });

  it('when the sandbox is reset over HTTP, then stats and rate-limit usage start again', async () => {
    sandbox = await startSandbox({ rateLimit: { perInterval: 1 } });
    await call(sandbox, 'GET', '/crm/v3/owners');
    expect((await call(sandbox, 'GET', '/crm/v3/owners')).status).toBe(429);
    await call(sandbox, 'POST', '/__sandbox/reset', {});
    expect(sandbox.stats.snapshot().total).toBe(0);
    expect((await call(sandbox, 'GET', '/crm/v3/owners')).status).toBe(200);
  });

  it('when reset with data, then the initial seed data is restored', async () => {
    sandbox = await startSandbox({ data: { contacts: 3, seed: 1 } });
    const id = sandbox.data?.contacts[0]?.id ?? '';
    sandbox.state.update('contacts', id, { firstname: 'Changed' }, { changeSource: 'CRM_UI' });
    await call(sandbox, 'POST', '/__sandbox/reset', { data: true });
    expect(sandbox.state.get('contacts', id)?.properties.firstname).toBe(
      sandbox.data?.contacts[0]?.properties.firstname,
    );
  });
});
