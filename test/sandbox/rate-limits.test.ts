import { afterEach, describe, expect, it, vi } from 'vitest';
import { createManualClock, type Sandbox } from '../../src/sandbox/index.js';
import { addContacts, call, sdk, startSandbox } from './helpers.js';

let sandbox: Sandbox;
afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  await sandbox?.close();
});

describe('the rolling ten-second limit', () => {
  it('when requests are made, then each response carries the X-HubSpot-RateLimit headers', async () => {
    sandbox = await startSandbox({ rateLimit: { perInterval: 100, daily: 250_000 } });
    const first = await call(sandbox, 'GET', '/crm/v3/objects/contacts');
    const second = await call(sandbox, 'GET', '/crm/v3/objects/contacts');
    expect(
      Object.fromEntries([...second.headers].filter(([name]) => name.startsWith('x-hubspot-ratelimit'))),
    ).toEqual({
      'x-hubspot-ratelimit-interval-milliseconds': '10000',
      'x-hubspot-ratelimit-max': '100',
      'x-hubspot-ratelimit-remaining': '98',
      'x-hubspot-ratelimit-daily': '250000',
      'x-hubspot-ratelimit-daily-remaining': '249998',
    });
    expect(first.headers.get('x-hubspot-ratelimit-remaining')).toBe('99');
  });

  it('when the limit is reached, then a 429 with HubSpot’s RATE_LIMIT body follows until the window rolls', async () => {
    const clock = createManualClock();
    sandbox = await startSandbox({ now: clock.now, rateLimit: { perInterval: 3 } });
    for (let i = 0; i < 3; i++)
      expect((await call(sandbox, 'GET', '/crm/v3/objects/contacts')).status).toBe(200);
    const limited = await call(sandbox, 'GET', '/crm/v3/objects/contacts');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      policyName: 'TEN_SECONDLY_ROLLING',
      requestId: expect.any(String),
      category: 'RATE_LIMITS',
    });
    expect(limited.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
    clock.advance(9_999);
    expect((await call(sandbox, 'GET', '/crm/v3/objects/contacts')).status).toBe(429);
    clock.advance(1);
    expect((await call(sandbox, 'GET', '/crm/v3/objects/contacts')).status).toBe(200);
  });

  it('when one token is limited, then another token (app) is not', async () => {
    const clock = createManualClock();
    sandbox = await startSandbox({
      now: clock.now,
      accessTokens: ['app-a', 'app-b'],
      rateLimit: { perInterval: 1 },
    });
    await call(sandbox, 'GET', '/crm/v3/objects/contacts', undefined, 'app-a');
    expect((await call(sandbox, 'GET', '/crm/v3/objects/contacts', undefined, 'app-a')).status).toBe(429);
    expect((await call(sandbox, 'GET', '/crm/v3/objects/contacts', undefined, 'app-b')).status).toBe(200);
  });

  it('when the SDK meets the rolling 429, then its own retry logic recognises it and succeeds', async () => {
    const clock = createManualClock();
    sandbox = await startSandbox({ now: clock.now, rateLimit: { perInterval: 2 } });
    const [id = ''] = addContacts(sandbox, 1);
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const logged: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((message: string) => {
      logged.push(message);
      clock.advance(10_000);
      setImmediate(() => vi.advanceTimersByTime(10_000));
    });
    const client = sdk(sandbox, { numberOfApiCallRetries: 2 });
    await client.crm.contacts.basicApi.getById(id);
    await client.crm.contacts.basicApi.getById(id);
    const third = await client.crm.contacts.basicApi.getById(id);
    expect(third.id).toBe(id);
    expect(logged).toEqual(['Request failed with status code [429], will retry [1] time in [10000] ms']);
    expect(sandbox.stats.count('contacts.get', 429)).toBe(1);
  });
});

describe('the daily limit', () => {
  it('when the daily count is used up, then 429 DAILY until the next day', async () => {
    const clock = createManualClock(Date.UTC(2025, 0, 1, 12));
    sandbox = await startSandbox({ now: clock.now, rateLimit: { daily: 2 } });
    await call(sandbox, 'GET', '/crm/v3/objects/contacts');
    const last = await call(sandbox, 'GET', '/crm/v3/objects/contacts');
    expect(last.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('0');
    const limited = await call(sandbox, 'GET', '/crm/v3/objects/contacts');
    expect(limited.body).toMatchObject({
      policyName: 'DAILY',
      message: 'You have reached your daily limit.',
    });
    clock.set(Date.UTC(2025, 0, 2));
    expect((await call(sandbox, 'GET', '/crm/v3/objects/contacts')).status).toBe(200);
  });
});

describe('the search per-second limit', () => {
  it('when searches exceed the per-second limit, then 429 with the secondly message and no headers', async () => {
    const clock = createManualClock();
    sandbox = await startSandbox({ now: clock.now, rateLimit: { searchPerSecond: 2 } });
    await call(sandbox, 'POST', '/crm/v3/objects/contacts/search', {});
    await call(sandbox, 'POST', '/crm/v3/objects/contacts/search', {});
    const limited = await call(sandbox, 'POST', '/crm/v3/objects/contacts/search', {});
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({
      message: 'You have reached your secondly limit.',
      policyName: 'SECONDLY',
    });
    expect(limited.headers.get('x-hubspot-ratelimit-max')).toBeNull();
    expect((await call(sandbox, 'GET', '/crm/v3/objects/contacts')).status).toBe(200);
    clock.advance(1000);
    expect((await call(sandbox, 'POST', '/crm/v3/objects/contacts/search', {})).status).toBe(200);
  });

  it('when the SDK meets the search 429, then its search retry recognises the message', async () => {
    const clock = createManualClock();
    sandbox = await startSandbox({ now: clock.now, rateLimit: { searchPerSecond: 1 } });
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const logged: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((message: string) => {
      logged.push(message);
      clock.advance(1000);
      setImmediate(() => vi.advanceTimersByTime(1000));
    });
    const client = sdk(sandbox, { numberOfApiCallRetries: 2 });
    const request = { filterGroups: [], sorts: [], properties: [], limit: 1, after: '0' };
    await client.crm.contacts.searchApi.doSearch(request);
    const second = await client.crm.contacts.searchApi.doSearch(request);
    expect(second.total).toBe(0);
    expect(logged).toEqual(['Request failed with status code [429], will retry [1] time in [1000] ms']);
  });
});
