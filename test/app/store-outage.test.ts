import { afterEach, describe, expect, it } from 'vitest';
import { hubSpotSignatureHeaders } from '../../src/hubspot/signature.js';
import { StoreUnavailableError } from '../../src/store/index.js';
import { PUBLIC, SECRET, type Stack, startStack } from '../service/helpers.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('when the store cannot write (disk full, connection lost)', () => {
  it('webhooks get a 503 (HubSpot retries them) and readiness reports the problem', async () => {
    stack = await startStack({ contacts: 2 });
    // The store's own tests show a full disk or a lost connection surfaces as this error.
    const store = stack.service.store;
    store.events.accept = () =>
      Promise.reject(
        new StoreUnavailableError(
          'SQLite is unavailable: disk full (SQLITE_FULL); acceptEvents was not done',
        ),
      );
    store.health = async () => ({ ok: false, problem: 'disk full' });

    const body = JSON.stringify([
      stack.sandbox.events.creation({ objectId: stack.sandbox.data!.contacts[0]!.id }),
    ]);
    const headers = {
      ...hubSpotSignatureHeaders({
        clientSecret: SECRET,
        method: 'POST',
        uri: `${PUBLIC}/hubspot/webhooks`,
        rawBody: body,
        timestamp: Date.now(),
      }),
      'content-type': 'application/json',
    };
    const response = await fetch(`${stack.url}/hubspot/webhooks`, { method: 'POST', body, headers });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      error: 'store_unavailable',
      message: 'Storage is unavailable; nothing was stored. Please retry.',
    });

    const ready = await fetch(`${stack.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      status: 'not ready',
      store: { ok: false, problem: 'disk full' },
    });
  });
});
