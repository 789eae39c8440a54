/**
 * The sandbox answers as HubSpot does when things go partly or wholly wrong, driven through the
 * official client: 207 multi-status bodies, `Retry-After` on 429s, refused callback completions,
 * `MISSING_SCOPES`, and a backward lifecycle write kept silently when that mode is chosen.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock, type Sandbox } from '../../src/sandbox/index.js';
import { parseIsoDuration } from '../../src/sandbox/action-executor.js';
import { addContacts, call, type Receiver, sdk, startReceiver, startSandbox } from './helpers.js';

let sandbox: Sandbox | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
  await sandbox?.close();
  sandbox = undefined;
});

const OWNER = '70000001';
const ASSOCIATION = [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 204 }];

/** The error an SDK call threw: its status and HubSpot's body. */
async function refusal(promise: Promise<unknown>): Promise<{ code: number; body: any; headers: any }> {
  const error = (await promise.then(
    () => {
      throw new Error('expected the call to be refused');
    },
    (e: unknown) => e,
  )) as { code: number; body: any; headers: any };
  return error;
}

describe('207 multi-status', () => {
  it('when a batch update names a contact that does not exist, then the others are written and a 207 names it (HubSpot’s shape)', async () => {
    sandbox = await startSandbox();
    const [id = ''] = addContacts(sandbox, 1);

    const response = await call(sandbox, 'POST', '/crm/v3/objects/contacts/batch/update', {
      inputs: [
        { id, properties: { jobtitle: 'CTO' } },
        { id: '424242', properties: { jobtitle: 'CFO' } },
      ],
    });

    expect(response.status).toBe(207);
    expect(response.body).toEqual({
      status: 'COMPLETE',
      results: [expect.objectContaining({ id, properties: expect.objectContaining({ jobtitle: 'CTO' }) })],
      numErrors: 1,
      errors: [
        {
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          message: expect.stringContaining('may be deleted or not exist'),
          context: { ids: ['424242'] },
        },
      ],
      startedAt: expect.any(String),
      completedAt: expect.any(String),
    });
    expect(sandbox.state.get('contacts', id)?.properties.jobtitle).toBe('CTO');
  });

  it('when every task of a batch create has an objectWriteTraceId and one is invalid, then the others are created and a 207 names it by trace id', async () => {
    sandbox = await startSandbox({ data: { contacts: 2, seed: 3 } });
    const contact = sandbox.data!.contacts[0]!.id;
    const task = (ref: string, owner: string) => ({
      objectWriteTraceId: ref,
      properties: { hs_timestamp: '2026-12-01T09:00:00.000Z', hs_task_subject: ref, hubspot_owner_id: owner },
      associations: [{ to: { id: contact }, types: ASSOCIATION }],
    });

    const result = await sdk(sandbox).crm.objects.tasks.batchApi.create({
      inputs: [task('good', OWNER), task('bad-owner', '99999999')] as never,
    });

    expect(result.results.map((r) => r.objectWriteTraceId)).toEqual(['good']);
    expect('errors' in result && result.errors).toEqual([
      expect.objectContaining({
        status: 'error',
        category: 'VALIDATION_ERROR',
        message: expect.stringContaining('99999999 is not a valid owner id'),
        context: { objectWriteTraceId: ['bad-owner'] },
      }),
    ]);
    expect(sandbox.state.count('tasks')).toBe(1);
  });

  it('when a batch create has no trace ids and one input is invalid, then nothing is created (400)', async () => {
    sandbox = await startSandbox();
    const response = await call(sandbox, 'POST', '/crm/v3/objects/tasks/batch/create', {
      inputs: [
        { properties: { hs_timestamp: '2026-12-01T09:00:00.000Z' } },
        { properties: { hs_timestamp: '2026-12-01T09:00:00.000Z', hubspot_owner_id: '99999999' } },
      ],
    });

    expect(response.status).toBe(400);
    expect(sandbox.state.count('tasks')).toBe(0);
  });
});

describe('429s say when to retry', () => {
  it('when the rolling limit is reached, then the 429 carries Retry-After in seconds until the window frees a call', async () => {
    const clock = createManualClock(Date.UTC(2026, 10, 23, 12));
    sandbox = await startSandbox({ now: clock.now, rateLimit: { perInterval: 2, intervalMs: 10_000 } });
    await call(sandbox, 'GET', '/crm/v3/objects/contacts');
    clock.advance(3_500);
    await call(sandbox, 'GET', '/crm/v3/objects/contacts');

    const limited = await call(sandbox, 'GET', '/crm/v3/objects/contacts');

    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.body).toMatchObject({ errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' });
  });

  it('when a 429 is injected as a fault, then it carries Retry-After too, and the SDK sees the header', async () => {
    sandbox = await startSandbox({ faults: { 'contacts.list': { rate429: 1 } } });

    const error = await refusal(sdk(sandbox).crm.contacts.basicApi.getPage(10));

    expect(error.code).toBe(429);
    expect(error.headers['retry-after']).toBe('1');
  });
});

describe('callback completions HubSpot is not waiting for', () => {
  /** Runs an action whose app answers BLOCK with `expiration` (omitted: HubSpot's default). */
  async function blocked(s: Sandbox, expiration?: string): Promise<string> {
    receiver ??= await startReceiver((request) => {
      const asked = (request.json as { inputFields: { expiration?: string } }).inputFields.expiration;
      return {
        status: 200,
        body: {
          outputFields: { hs_execution_state: 'BLOCK', ...(asked ? { hs_expiration_duration: asked } : {}) },
        },
      };
    });
    const execution = await s.sender.executeAction({
      actionUrl: receiver.url,
      clientSecret: 'secret',
      origin: { portalId: s.portalId, actionDefinitionId: 7, actionDefinitionVersion: 1 },
      object: { objectId: 1 },
      inputFields: expiration ? { expiration } : {},
    });
    expect(execution.state).toBe('BLOCK');
    return execution.callbackId;
  }

  it('when a BLOCKed action is completed in time, then it is accepted (single and batch)', async () => {
    sandbox = await startSandbox();
    const one = await blocked(sandbox, 'P1D');
    const two = await blocked(sandbox, 'P1D');
    const api = sdk(sandbox).automation.actions.callbacksApi;

    await api.complete(one, { outputFields: { hs_execution_state: 'SUCCESS', fit_score: '72' } });
    await api.completeBatch({
      inputs: [{ callbackId: two, outputFields: { hs_execution_state: 'FAIL_CONTINUE' } }],
    });

    expect(sandbox.callbacks.map((c) => [c.callbackId, c.batch, c.outputFields.hs_execution_state])).toEqual([
      [one, false, 'SUCCESS'],
      [two, true, 'FAIL_CONTINUE'],
    ]);
  });

  it('when the callback id is unknown, then HubSpot refuses it (404) and records nothing', async () => {
    sandbox = await startSandbox();

    const error = await refusal(
      sdk(sandbox).automation.actions.callbacksApi.complete('ap-1-2-3-0', {
        outputFields: { hs_execution_state: 'SUCCESS' },
      }),
    );

    expect(error.code).toBe(404);
    expect(error.body).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });
    expect(sandbox.callbacks).toEqual([]);
  });

  it('when the BLOCK expiration has passed, then the completion is refused (400); HubSpot’s default is one week', async () => {
    const clock = createManualClock(Date.UTC(2026, 10, 23, 12));
    sandbox = await startSandbox({ now: clock.now });
    const day = await blocked(sandbox, 'P1D');
    const week = await blocked(sandbox);
    const api = sdk(sandbox).automation.actions.callbacksApi;
    clock.advance(24 * 3_600_000 + 1);

    const error = await refusal(api.complete(day, { outputFields: { hs_execution_state: 'SUCCESS' } }));
    await api.complete(week, { outputFields: { hs_execution_state: 'SUCCESS' } });

    expect(error.code).toBe(400);
    expect(error.body).toMatchObject({
      category: 'VALIDATION_ERROR',
      message: `Callback ${day} has expired.`,
    });
    expect(sandbox.sender.executions.get(day)?.completion).toBeUndefined();
    expect(sandbox.sender.executions.get(week)?.completion).toBeDefined();
  });

  it('when a batch holds one callback HubSpot is not waiting for, then the batch is refused naming it, and none is completed', async () => {
    sandbox = await startSandbox();
    const waiting = await blocked(sandbox, 'P1D');

    const error = await refusal(
      sdk(sandbox).automation.actions.callbacksApi.completeBatch({
        inputs: [
          { callbackId: waiting, outputFields: { hs_execution_state: 'SUCCESS' } },
          { callbackId: 'ap-unknown', outputFields: { hs_execution_state: 'SUCCESS' } },
        ],
      }),
    );

    expect(error.code).toBe(400);
    expect(error.body).toMatchObject({
      category: 'VALIDATION_ERROR',
      context: { callbackIds: ['ap-unknown'] },
    });
    expect(sandbox.callbacks).toEqual([]);
  });

  it('reads hs_expiration_duration as HubSpot’s ISO-8601 durations', () => {
    expect(parseIsoDuration('P1D')).toBe(86_400_000);
    expect(parseIsoDuration('P1WT1H')).toBe((7 * 24 + 1) * 3_600_000);
    expect(parseIsoDuration('PT30M')).toBe(1_800_000);
    expect(parseIsoDuration('PT')).toBeNull();
    expect(parseIsoDuration('1 day')).toBeNull();
  });
});

describe('MISSING_SCOPES', () => {
  it('when a token lacks the scope an endpoint needs, then HubSpot’s 403 names the scopes; what its scopes cover works', async () => {
    sandbox = await startSandbox({
      accessTokens: ['read-only', 'full'],
      tokenScopes: { 'read-only': ['crm.objects.contacts.read'] },
    });
    const [id = ''] = addContacts(sandbox, 1);
    const readOnly = sdk(sandbox, { accessToken: 'read-only' });

    const write = await refusal(
      readOnly.crm.contacts.batchApi.update({ inputs: [{ id, properties: { jobtitle: 'CTO' } }] }),
    );
    const owners = await refusal(readOnly.crm.owners.ownersApi.getPage());
    const read = await readOnly.crm.contacts.basicApi.getById(id, ['email']);
    const other = await sdk(sandbox, { accessToken: 'full' }).crm.contacts.batchApi.update({
      inputs: [{ id, properties: { firstname: 'Ann' } }],
    });

    expect(write.code).toBe(403);
    expect(write.body).toEqual({
      status: 'error',
      message:
        "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
      correlationId: expect.any(String),
      errors: [
        {
          message: 'One or more of the following scopes are required.',
          context: { requiredGranularScopes: ['crm.objects.contacts.write'] },
        },
      ],
      links: { scopes: 'https://developers.hubspot.com/scopes' },
      category: 'MISSING_SCOPES',
    });
    expect(owners.body.errors[0].context.requiredGranularScopes).toEqual(['crm.objects.owners.read']);
    expect(read.id).toBe(id);
    expect(other.results.length).toBeGreaterThan(0);
    expect(sandbox.state.get('contacts', id)?.properties.jobtitle).toBeUndefined();
  });

  it('when a token lacks automation, then completing a callback is refused; creating properties needs the schema scope', async () => {
    sandbox = await startSandbox({
      tokenScopes: { 'sandbox-token': ['crm.objects.contacts.read', 'crm.objects.contacts.write'] },
    });
    const client = sdk(sandbox);

    const callback = await refusal(
      client.automation.actions.callbacksApi.complete('ap-1', {
        outputFields: { hs_execution_state: 'SUCCESS' },
      }),
    );
    const property = await refusal(
      client.crm.properties.coreApi.create('contacts', {
        name: 'lq_x',
        label: 'X',
        type: 'string' as never,
        fieldType: 'text' as never,
        groupName: 'contactinformation',
      }),
    );
    const list = await client.crm.properties.coreApi.getAll('contacts');

    expect([callback.code, callback.body.errors[0].context.requiredGranularScopes]).toEqual([
      403,
      ['automation'],
    ]);
    expect([property.code, property.body.errors[0].context.requiredGranularScopes]).toEqual([
      403,
      ['crm.schemas.contacts.write'],
    ]);
    expect(list.results.length).toBeGreaterThan(0);
  });
});

describe('a backward lifecycle write', () => {
  it.each([
    ['refuse', 400, 'opportunity'],
    ['ignore', 200, 'opportunity'],
  ] as const)(
    'when the sandbox is set to %s and a batch update moves the stage back, then it answers %i and the stage stays %s',
    async (mode, status, stage) => {
      sandbox = await startSandbox({ lifecycleBackwardWrite: mode });
      const [id = ''] = addContacts(sandbox, 1, () => ({
        email: 'b@acme.example',
        lifecyclestage: 'opportunity',
      }));

      const response = await call(sandbox, 'POST', '/crm/v3/objects/contacts/batch/update', {
        inputs: [{ id, properties: { lifecyclestage: 'lead', jobtitle: 'VP' } }],
      });

      expect(response.status).toBe(status);
      expect(sandbox.state.get('contacts', id)?.properties.lifecyclestage).toBe(stage);
      expect(sandbox.state.get('contacts', id)?.properties.jobtitle).toBe(
        mode === 'ignore' ? 'VP' : undefined,
      );
    },
  );
});
