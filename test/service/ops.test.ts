/**
 * The operators' endpoints: /readyz reports HubSpot's last known state without a HubSpot call per
 * probe (at most one check a minute, outside the scoring budget); /readyz and /metrics can move to
 * OPS_PORT or require OPS_TOKEN; upstream error text is redacted before it is logged or returned.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { hubSpotSignatureHeaders } from '../../src/hubspot/signature.js';
import { createLogger } from '../../src/logger.js';
import { PUBLIC, SECRET, type Stack, startStack } from './helpers.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** A logger at debug level whose JSON lines land in `lines`. */
function capturedLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  const text = await response.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // metrics are text
  }
  return { status: response.status, text, json };
}

/** Upstream text as HubSpot might send it: an email, a token, a URL with a query string. */
const NASTY =
  'Contact ann.smith@acme.example failed; token pat-na1-11111111-2222-3333-4444-555555555555; see https://api.hubapi.com/crm/v3/objects/contacts/1?hapikey=leaky-key&email=ann';
const LEAKS = ['ann.smith@acme.example', 'pat-na1-1111', 'leaky-key', 'hapikey=', '?hapikey'];

describe('/readyz', () => {
  it('when it is probed 200 times at once, then HubSpot is called at most once and the scoring budget not at all', async () => {
    let clock = Date.now();
    stack = await startStack({ contacts: 2, service: { clock: () => clock } });
    clock += 61_000; // the start-up calls are old news: a probe may check once
    const before = stack.calls();
    let acquired = 0;
    const acquire = stack.service.budget.acquire.bind(stack.service.budget);
    stack.service.budget.acquire = (cost?: number) => {
      acquired++;
      return acquire(cost);
    };

    const answers = await Promise.all(Array.from({ length: 200 }, () => get(`${stack!.url}/readyz`)));

    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(stack.calls() - before).toBe(1);
    expect(stack.calls('account.details')).toBe(2); // start-up and the one check
    expect(acquired).toBe(0);
    expect(answers[0]!.json).toMatchObject({
      status: 'ready',
      store: { ok: true },
      hubspot: { ok: true, source: 'check' },
    });

    // Within the minute, more probes call nothing.
    await Promise.all(Array.from({ length: 50 }, () => get(`${stack!.url}/readyz`)));
    clock += 30_000;
    await get(`${stack.url}/readyz`);
    expect(stack.calls() - before).toBe(1);
  });

  it('when real traffic fails, then /readyz says so from that traffic, with a category and no HubSpot text', async () => {
    const { logger, lines } = capturedLogger();
    stack = await startStack({ contacts: 3, service: { logger } });
    stack.sandbox.setFaults({ 'contacts.batch.read': { rate503: 1, message: NASTY } });
    const ids = stack.sandbox.data!.contacts.map((c) => c.id);
    await stack.service.store.queue.enqueue(
      ids.map((contactId) => ({ portalId: stack!.portalId, contactId, reason: 'test' })),
    );
    await stack.service.worker.drain();
    const calls = stack.calls();

    const ready = await get(`${stack.url}/readyz`);

    expect(stack.calls()).toBe(calls);
    expect(ready.status).toBe(503);
    expect(ready.json).toMatchObject({
      status: 'not ready',
      hubspot: { ok: false, problem: 'hubspot 503', source: 'traffic' },
    });
    const logs = lines.join('');
    expect(logs).toContain('batch failed: will retry');
    for (const leak of LEAKS) {
      expect(ready.text).not.toContain(leak);
      expect(logs).not.toContain(leak);
    }
    expect(logs).toContain('[email]');

    // HubSpot recovers; the next work succeeds and readiness follows it.
    stack.sandbox.setFaults({});
    await stack.service.store.queue.enqueue([
      { portalId: stack.portalId, contactId: ids[0]!, reason: 'test' },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await stack.service.worker.drain();
    expect((await get(`${stack.url}/readyz`)).json).toMatchObject({ status: 'ready', hubspot: { ok: true } });
  });

  it('when the check itself fails, then the answer names the category only', async () => {
    let clock = Date.now();
    stack = await startStack({ contacts: 1, service: { clock: () => clock } });
    stack.sandbox.setFaults({ 'account.details': { rate503: 1, message: NASTY } });
    clock += 61_000;
    const ready = await get(`${stack.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.json.hubspot).toEqual({
      ok: false,
      problem: 'hubspot 503',
      source: 'check',
      observedAt: new Date(clock).toISOString(),
    });
    for (const leak of LEAKS) expect(ready.text).not.toContain(leak);
    expect(stack.calls('account.details')).toBe(2); // no retries for a check
  });
});

describe('upstream error text', () => {
  it('when the database fails with a message naming a contact, then neither the answer nor the log repeats it', async () => {
    const { logger, lines } = capturedLogger();
    stack = await startStack({ contacts: 1, service: { logger } });
    const dbError = Object.assign(
      new Error('duplicate key value violates unique constraint "x" Key (email)=(ann.smith@acme.example)'),
      {
        code: '23505',
        detail:
          'Key (email)=(ann.smith@acme.example) already exists; see postgres://lq:pw@db/lq?password=leaky-key',
      },
    );
    stack.service.store.models.published = () => Promise.reject(dbError);
    const query = `?userId=1&portalId=${stack.portalId}`;
    const headers = hubSpotSignatureHeaders({
      clientSecret: SECRET,
      method: 'GET',
      uri: `${PUBLIC}/settings/api/model${query}`,
      rawBody: '',
      timestamp: Date.now(),
      legacyVersion: 'none',
    });
    const failed = await get(`${stack.url}/settings/api/model${query}`, headers);
    expect(failed).toMatchObject({ status: 500, json: { error: 'internal' } });
    const logs = lines.join('');
    expect(logs).toContain('request failed');
    for (const leak of [...LEAKS, 'lq:pw']) {
      expect(failed.text).not.toContain(leak);
      expect(logs).not.toContain(leak);
    }
  });
});

describe('protecting /readyz and /metrics', () => {
  const TOKEN = 'ops-token-0123456789abcdef';

  it('when OPS_TOKEN is set, then /readyz and /metrics need it as a bearer token; /healthz stays open', async () => {
    stack = await startStack({ contacts: 1, env: { OPS_TOKEN: TOKEN } });
    for (const path of ['/readyz', '/metrics']) {
      expect((await get(`${stack.url}${path}`)).status).toBe(401);
      expect(
        (await get(`${stack.url}${path}`, { authorization: 'Bearer wrong-token-0123456789' })).status,
      ).toBe(401);
      expect((await get(`${stack.url}${path}`, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    }
    expect((await get(`${stack.url}/readyz`)).json).toEqual({
      error: 'unauthorized',
      message: 'This endpoint needs Authorization: Bearer <OPS_TOKEN>.',
      problems: [{ path: 'header.Authorization', message: 'must be Bearer <OPS_TOKEN>' }],
    });
    expect((await get(`${stack.url}/healthz`)).status).toBe(200);
  });

  it('when OPS_PORT is set, then /readyz and /metrics are served there and not on the public port', async () => {
    stack = await startStack({ contacts: 1, env: { OPS_PORT: '0' } });
    const ops = `http://127.0.0.1:${stack.service.opsPort}`;
    expect(stack.service.opsPort).toBeGreaterThan(0);
    expect((await get(`${stack.url}/readyz`)).status).toBe(404);
    expect((await get(`${stack.url}/metrics`)).status).toBe(404);
    expect((await get(`${stack.url}/healthz`)).status).toBe(200);
    expect((await get(`${ops}/readyz`)).json).toMatchObject({ status: 'ready' });
    expect((await get(`${ops}/metrics`)).text).toContain('# TYPE lq_hubspot_calls_total counter');
    expect((await get(`${ops}/healthz`)).status).toBe(200);
    expect((await get(`${ops}/hubspot/webhooks`)).status).toBe(404);
  });
});
