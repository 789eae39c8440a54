/**
 * The account-info API (`GET /account-info/v3/details`), driven by the official client: the
 * token's portal in HubSpot's documented shape, behind the token check and the rate limits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { sdk, startSandbox } from './helpers.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('account info', () => {
  it('when asked with a valid token, then it names the portal in HubSpot’s shape', async () => {
    sandbox = await startSandbox({ portalId: 4242 });
    const response = await sdk(sandbox).apiRequest({ method: 'GET', path: '/account-info/v3/details' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      portalId: 4242,
      accountType: 'STANDARD',
      timeZone: 'US/Eastern',
      companyCurrency: 'USD',
      additionalCurrencies: [],
      utcOffset: '-05:00',
      utcOffsetMilliseconds: -18_000_000,
      uiDomain: 'app.hubspot.com',
      dataHostingLocation: 'na1',
    });
    expect(sandbox.stats.count('account.details')).toBe(1);
  });

  it('when the token is unknown, then it is a 401', async () => {
    sandbox = await startSandbox();
    const response = await sdk(sandbox, { accessToken: 'not-a-token' }).apiRequest({
      method: 'GET',
      path: '/account-info/v3/details',
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ category: 'INVALID_AUTHENTICATION' });
  });
});
