import { afterEach, describe, expect, it } from 'vitest';
import { verifyHubSpotSignature } from '../../src/hubspot/signature.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { type Receiver, sdk, startReceiver, startSandbox } from './helpers.js';

let sandbox: Sandbox;
let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
  await sandbox?.close();
});

const SECRET = 'action-secret';
const origin = { portalId: 62515, actionDefinitionId: 10646377, actionDefinitionVersion: 1 };

function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

describe('workflow action execution', () => {
  it('when an action runs, then the app gets HubSpot’s payload signed v2 and v3', async () => {
    sandbox = await startSandbox();
    receiver = await startReceiver(() => ({ status: 200, body: { outputFields: { fit_score: 72 } } }));
    const execution = await sandbox.sender.executeAction({
      actionUrl: `${receiver.url}/hubspot/actions/score`,
      clientSecret: SECRET,
      origin,
      context: { workflowId: 192814114 },
      object: { objectId: 904, properties: { email: 'ajenkenbb@gnu.org' } },
      inputFields: { model: 'default' },
    });
    const [request] = receiver.requests;
    if (!request) throw new Error('no request received');
    expect(request.json).toEqual({
      callbackId: execution.callbackId,
      origin,
      context: { source: 'WORKFLOWS', workflowId: 192814114 },
      object: { objectId: 904, objectType: 'CONTACT', properties: { email: 'ajenkenbb@gnu.org' } },
      inputFields: { model: 'default' },
    });
    const base = {
      method: 'POST',
      url: `${receiver.url}${request.url}`,
      rawBody: request.rawBody,
      clientSecret: SECRET,
      now: Date.now(),
    };
    expect(verifyHubSpotSignature({ ...base, headers: request.headers })).toEqual({
      ok: true,
      version: 'v3',
    });
    const { 'x-hubspot-signature-v3': _v3, ...v2Only } = request.headers;
    expect(v2Only['x-hubspot-signature-version']).toBe('v2');
    expect(verifyHubSpotSignature({ ...base, headers: v2Only })).toEqual({ ok: true, version: 'v2' });
    expect(execution).toMatchObject({ status: 200, state: 'SUCCESS', outputFields: { fit_score: 72 } });
    expect(sandbox.sender.executions.get(execution.callbackId)).toBe(execution);
  });

  it('when the app answers 429 with Retry-After, then HubSpot waits that long and retries', async () => {
    const timing = recordingSleep();
    sandbox = await startSandbox({ outbound: { sleep: timing.sleep } });
    receiver = await startReceiver((_request, index) =>
      index === 0
        ? { status: 429, headers: { 'Retry-After': '7' }, body: {} }
        : { status: 200, body: { outputFields: {} } },
    );
    const execution = await sandbox.sender.executeAction({
      actionUrl: receiver.url,
      clientSecret: SECRET,
      origin,
      object: { objectId: 1 },
    });
    expect(timing.waits).toEqual([7000]);
    expect(execution.attempts.map((a) => a.status)).toEqual([429, 200]);
    expect(execution.attempts[0]).toMatchObject({ retryAfterMs: 7000, delayBeforeNextMs: 7000 });
  });

  it('when the app answers 503, then HubSpot retries with backoff; a 400 is not retried', async () => {
    const timing = recordingSleep();
    sandbox = await startSandbox({ outbound: { sleep: timing.sleep } });
    receiver = await startReceiver((request) =>
      (request.json as { object: { objectId: number } }).object.objectId === 1
        ? { status: 503 }
        : { status: 400 },
    );
    const retried = await sandbox.sender.executeAction({
      actionUrl: receiver.url,
      clientSecret: SECRET,
      origin,
      object: { objectId: 1 },
      maxRetries: 2,
    });
    expect(retried.attempts.map((a) => a.status)).toEqual([503, 503, 503]);
    expect(retried.state).toBe('FAILED');
    expect(timing.waits).toEqual([1000, 2000]);
    const refused = await sandbox.sender.executeAction({
      actionUrl: receiver.url,
      clientSecret: SECRET,
      origin,
      object: { objectId: 2 },
    });
    expect(refused.attempts).toHaveLength(1);
    expect(refused.state).toBe('FAILED');
  });

  it('when the app BLOCKs and later completes the callback, then the execution records the completion', async () => {
    sandbox = await startSandbox();
    receiver = await startReceiver(() => ({
      status: 200,
      body: { outputFields: { hs_execution_state: 'BLOCK', hs_expiration_duration: 'P1D' } },
    }));
    const execution = await sandbox.sender.executeAction({
      actionUrl: receiver.url,
      clientSecret: SECRET,
      origin,
      object: { objectId: 5 },
    });
    expect(execution.state).toBe('BLOCK');
    await sdk(sandbox).automation.actions.callbacksApi.complete(execution.callbackId, {
      outputFields: { hs_execution_state: 'SUCCESS', qualification: 'MQL' },
    });
    expect(sandbox.sender.executions.get(execution.callbackId)?.completion).toMatchObject({
      outputFields: { hs_execution_state: 'SUCCESS', qualification: 'MQL' },
      batch: false,
    });
    expect(sandbox.callbacks[0]).toMatchObject({ callbackId: execution.callbackId, known: true });
  });

  it('when options are fetched, then the app gets HubSpot’s options payload and its answer is parsed', async () => {
    sandbox = await startSandbox();
    receiver = await startReceiver(() => ({
      status: 200,
      body: { options: [{ label: 'Default model', value: 'default' }], after: '1', searchable: true },
    }));
    const result = await sandbox.sender.fetchOptions({
      optionsUrl: `${receiver.url}/options`,
      clientSecret: SECRET,
      origin,
      inputFieldName: 'model',
      inputFields: { region: { type: 'STATIC_VALUE', value: 'EU' } },
      fetchOptions: { q: 'def' },
    });
    expect(receiver.requests[0]?.json).toEqual({
      origin,
      objectTypeId: '0-1',
      inputFieldName: 'model',
      inputFields: { region: { type: 'STATIC_VALUE', value: 'EU' } },
      fetchOptions: { q: 'def' },
    });
    expect(result).toMatchObject({
      status: 200,
      options: [{ value: 'default' }],
      after: '1',
      searchable: true,
    });
  });
});
