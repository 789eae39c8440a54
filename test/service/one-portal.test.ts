/**
 * One service, one portal: the service learns its portal from the access token at start and
 * refuses what names any other portal (webhook events, workflow actions, option fetches; the
 * settings API is covered in settings-api.test.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createSandbox } from '../../src/sandbox/index.js';
import { createService } from '../../src/service.js';
import { PRESETS } from '../../src/core/index.js';
import { ACTIONS } from '../../src/hubspot/payloads.js';
import { hubSpotSignatureHeaders } from '../../src/hubspot/signature.js';
import { PUBLIC, SECRET, type Stack, startStack } from './helpers.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const OTHER_PORTAL = 999;

async function postBatch(s: Stack, events: unknown[]) {
  const body = JSON.stringify(events);
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
  const response = await fetch(`${s.url}/hubspot/webhooks`, { method: 'POST', body, headers });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('the portal of the access token', () => {
  it('when the service starts, then it learns its portal from HubSpot’s account-info API', async () => {
    stack = await startStack({ contacts: 1, sandbox: { portalId: 4242 } });
    expect(stack.service.portalId).toBe('4242');
    expect(stack.calls('account.details')).toBe(1);
  });

  it('when HubSpot does not tell the portal, then the service does not start, and says why', async () => {
    const sandbox = await createSandbox({ faults: { 'account.details': { rate503: 1 } } });
    const dir = await mkdtemp(join(tmpdir(), 'lq-portal-'));
    try {
      const starting = createService({
        config: loadConfig({
          HUBSPOT_ACCESS_TOKEN: sandbox.accessToken,
          HUBSPOT_CLIENT_SECRET: SECRET,
          HUBSPOT_BASE_URL: sandbox.baseUrl,
          PUBLIC_BASE_URL: PUBLIC,
          DATABASE_URL: join(dir, 'lq.sqlite'),
        }),
        logger: createLogger({ level: 'silent' }),
        startWorker: false,
        setup: false,
        gateway: { baseDelayMs: 1 },
      });
      await expect(starting).rejects.toThrow(
        /^could not learn the portal of HUBSPOT_ACCESS_TOKEN from HubSpot's account-info API \(the app needs the oauth scope\): account\.details: HubSpot unavailable \(503/,
      );
    } finally {
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('webhook events of another portal', () => {
  it('when a batch mixes events of another portal with its own, then only its own are stored; the others are counted and logged, and no contact is scored with the other portal’s model', async () => {
    stack = await startStack({ contacts: 4 });
    // Portal 999 has a model of its own in the store (as if the service had once served it).
    const strange = structuredClone(PRESETS['seed-fit-intent']) as { version: string };
    strange.version = 'portal-999-model';
    await stack.service.store.models.saveDraft(String(OTHER_PORTAL), strange as never, 'x', Date.now());
    await stack.service.store.models.publish(String(OTHER_PORTAL), 1, { publishedBy: 'x' }, Date.now());
    const [ours, victim] = stack.sandbox.data!.contacts.map((c) => c.id);

    const response = await postBatch(stack, [
      stack.sandbox.events.creation({ objectId: ours! }),
      { ...stack.sandbox.events.creation({ objectId: victim! }), portalId: OTHER_PORTAL },
    ]);
    await stack.service.worker.drain();

    expect(response).toEqual({
      status: 200,
      json: {
        accepted: 1,
        duplicates: 0,
        enqueued: 1,
        otherPortal: 1,
        invalid: 0,
        problems: [
          {
            path: '$[1].portalId',
            message: `names portal ${OTHER_PORTAL}; this service serves portal ${stack.portalId}, so the event was not stored`,
          },
        ],
      },
    });
    expect(await stack.service.metrics.eventsIgnored.get({ reason: 'other_portal' })).toBe(1);
    const victimRecord = stack.sandbox.state.get('contacts', victim!)!;
    expect(victimRecord.properties.lq_model_version ?? null).toBeNull();
    expect(stack.sandbox.state.get('contacts', ours!)!.properties.lq_model_version).toMatch(
      /^seed-fit-intent/,
    );
    expect(await stack.service.store.contacts.latestEvaluations(String(OTHER_PORTAL), [victim!])).toEqual(
      new Map(),
    );
  });

  it('when a whole batch is of another portal, then nothing is stored and HubSpot gets 200 (a retry cannot help)', async () => {
    stack = await startStack({ contacts: 2 });
    const [id] = stack.sandbox.data!.contacts.map((c) => c.id);
    const response = await postBatch(stack, [
      { ...stack.sandbox.events.creation({ objectId: id! }), portalId: OTHER_PORTAL },
    ]);
    expect(response).toEqual({
      status: 200,
      json: {
        accepted: 0,
        duplicates: 0,
        enqueued: 0,
        otherPortal: 1,
        invalid: 0,
        problems: [
          {
            path: '$[0].portalId',
            message: `names portal ${OTHER_PORTAL}; this service serves portal ${stack.portalId}, so the event was not stored`,
          },
        ],
      },
    });
    expect(await stack.service.store.queue.stats()).toMatchObject({ pending: 0 });
  });
});

describe('workflow actions of another portal', () => {
  it('when HubSpot runs an action for another portal, then it is refused with 403 wrong_portal and nothing is written', async () => {
    stack = await startStack({ contacts: 2 });
    const id = stack.sandbox.data!.contacts[0]!.id;
    const response = await stack.sandbox.sender.executeAction({
      actionUrl: `${stack.url}${ACTIONS.qualify.path}`,
      signedUrl: `${PUBLIC}${ACTIONS.qualify.path}`,
      clientSecret: SECRET,
      origin: { portalId: OTHER_PORTAL, actionDefinitionId: 1, actionDefinitionVersion: 1 },
      object: { objectId: id, objectType: 'CONTACT' },
      maxRetries: 0,
    });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.responseBody)).toEqual({
      error: 'wrong_portal',
      message: `This service serves HubSpot portal ${stack.portalId}; the request is for portal ${OTHER_PORTAL}. Nothing was done.`,
      problems: [{ path: '$.origin.portalId', message: `must be ${stack.portalId}` }],
    });
    expect(stack.sandbox.state.get('contacts', id)!.properties.lq_fit_score ?? null).toBeNull();
    expect(stack.calls('contacts.batch.update')).toBe(0);
  });

  it('when HubSpot fetches an action’s options for another portal, then it is refused with 403', async () => {
    stack = await startStack({ contacts: 1 });
    const response = await stack.sandbox.sender.fetchOptions({
      optionsUrl: `${stack.url}/hubspot/actions/signal-options`,
      signedUrl: `${PUBLIC}/hubspot/actions/signal-options`,
      clientSecret: SECRET,
      origin: { portalId: OTHER_PORTAL, actionDefinitionId: 2, actionDefinitionVersion: 1 },
      inputFieldName: 'signal_type',
    });
    expect(response.status).toBe(403);
  });
});
