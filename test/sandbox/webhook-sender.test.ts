import { afterEach, describe, expect, it } from 'vitest';
import { verifyHubSpotSignature } from '../../src/hubspot/signature.js';
import type { Sandbox, WebhookEvent } from '../../src/sandbox/index.js';
import { addContacts, type Receiver, sdk, startReceiver, startSandbox } from './helpers.js';

let sandbox: Sandbox;
let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
  await sandbox?.close();
});

const SECRET = 'client-secret-for-tests';
const noWait = { sleep: async () => {} };

const events = (s: Sandbox, count: number): WebhookEvent[] =>
  Array.from({ length: count }, (_, i) =>
    s.events.propertyChange({
      objectId: 1000 + i,
      propertyName: 'email',
      propertyValue: `p${i}@acme.example`,
    }),
  );

describe('webhook delivery', () => {
  it('when events are delivered, then each request is a signed JSON array the app can verify (v3 and v1)', async () => {
    sandbox = await startSandbox({ outbound: noWait });
    receiver = await startReceiver();
    const report = await sandbox.sender.deliver(events(sandbox, 3), {
      targetUrl: `${receiver.url}/hubspot/webhooks?portal=1&x=%40y`,
      clientSecret: SECRET,
    });
    expect(report).toMatchObject({ events: 3, batches: 1, delivered: 1, failed: 0 });
    const [request] = receiver.requests;
    if (!request) throw new Error('no request received');
    const url = `${receiver.url}${request.url}`;
    const base = { method: 'POST', url, rawBody: request.rawBody, clientSecret: SECRET, now: Date.now() };
    expect(verifyHubSpotSignature({ ...base, headers: request.headers })).toEqual({
      ok: true,
      version: 'v3',
    });
    const { 'x-hubspot-signature-v3': _v3, ...legacyOnly } = request.headers;
    expect(verifyHubSpotSignature({ ...base, headers: legacyOnly })).toEqual({ ok: true, version: 'v1' });
    expect(request.headers['x-hubspot-signature-version']).toBe('v1');
    expect(request.json).toEqual([
      {
        eventId: expect.any(Number),
        subscriptionId: expect.any(Number),
        portalId: sandbox.portalId,
        appId: sandbox.appId,
        occurredAt: expect.any(Number),
        subscriptionType: 'contact.propertyChange',
        attemptNumber: 0,
        objectId: 1000,
        propertyName: 'email',
        propertyValue: 'p0@acme.example',
        changeSource: 'CRM_UI',
      },
      expect.anything(),
      expect.anything(),
    ]);
  });

  it('when 250 events are delivered, then requests carry at most 100 and at most 10 are in flight', async () => {
    sandbox = await startSandbox({ outbound: noWait });
    let inFlight = 0;
    let peak = 0;
    receiver = await startReceiver(async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight--;
      return { status: 204 };
    });
    const many = Array.from({ length: 25 }, () => events(sandbox, 10)).flat();
    const report = await sandbox.sender.deliver(many, {
      targetUrl: receiver.url,
      clientSecret: SECRET,
      batchSize: 10,
    });
    expect(report.batches).toBe(25);
    expect(peak).toBeLessThanOrEqual(10);
    expect(peak).toBeGreaterThan(1);
    const big = await sandbox.sender.deliver(events(sandbox, 250), {
      targetUrl: receiver.url,
      clientSecret: SECRET,
    });
    expect(big.attempts.map((a) => a.eventIds.length)).toEqual([100, 100, 50]);
  });

  it('when the app answers 500 and then 200, then the batch is retried with attemptNumber counting up', async () => {
    sandbox = await startSandbox({ outbound: noWait });
    receiver = await startReceiver((_request, index) => ({ status: index < 2 ? 500 : 200 }));
    const report = await sandbox.sender.deliver(events(sandbox, 2), {
      targetUrl: receiver.url,
      clientSecret: SECRET,
    });
    expect(report.attempts.map((a) => [a.attemptNumber, a.status])).toEqual([
      [0, 500],
      [1, 500],
      [2, 200],
    ]);
    const attemptNumbers = receiver.requests.map((r) => (r.json as WebhookEvent[])[0]?.attemptNumber);
    expect(attemptNumbers).toEqual([0, 1, 2]);
  });

  it('when the app is slower than the timeout, then the attempt fails and is retried', async () => {
    sandbox = await startSandbox({ outbound: noWait });
    receiver = await startReceiver(async (_request, index) => {
      if (index === 0) await new Promise((resolve) => setTimeout(resolve, 300));
      return { status: 200 };
    });
    const report = await sandbox.sender.deliver(events(sandbox, 1), {
      targetUrl: receiver.url,
      clientSecret: SECRET,
      timeoutMs: 100,
    });
    expect(report.attempts.map((a) => [a.status, a.error])).toEqual([
      [null, 'timeout'],
      [200, undefined],
    ]);
  });

  it('when retries run out, then the batch is reported failed with every attempt recorded', async () => {
    sandbox = await startSandbox({ outbound: noWait });
    receiver = await startReceiver(() => ({ status: 400 }));
    const report = await sandbox.sender.deliver(events(sandbox, 1), {
      targetUrl: receiver.url,
      clientSecret: SECRET,
      maxRetries: 3,
    });
    expect(report).toMatchObject({ delivered: 0, failed: 1 });
    expect(report.attempts).toHaveLength(4);
    expect(sandbox.sender.deliveries.length).toBe(4);
  });

  it('when duplicates and shuffling are asked for, then events repeat with the same eventId and arrive out of order', async () => {
    sandbox = await startSandbox({ outbound: noWait, senderSeed: 3 });
    receiver = await startReceiver();
    const sent = events(sandbox, 60);
    await sandbox.sender.deliver(sent, {
      targetUrl: receiver.url,
      clientSecret: SECRET,
      duplicates: 0.5,
      shuffle: true,
      batchSize: 10,
      maxConcurrent: 1,
    });
    const received = receiver.requests.flatMap((r) => (r.json as WebhookEvent[]).map((e) => e.eventId));
    expect(received.length).toBeGreaterThan(60);
    expect(new Set(received)).toEqual(new Set(sent.map((e) => e.eventId)));
    expect(received.slice(0, 60)).not.toEqual(sent.map((e) => e.eventId));
  });
});

describe('echo of the app’s own writes', () => {
  it('when the app writes through the API, then propertyChange events are queued only for changed values', async () => {
    sandbox = await startSandbox({ echoWrites: true, outbound: noWait });
    const [id = ''] = addContacts(sandbox, 1, () => ({ email: 'echo@acme.example', firstname: 'Eve' }));
    await sdk(sandbox).crm.contacts.basicApi.update(id, {
      properties: { firstname: 'Eve', lifecyclestage: 'lead', hs_lead_status: 'NEW' },
    });
    const echoed = sandbox.queuedEvents().filter((e) => e.changeSource === 'INTEGRATION');
    expect(
      echoed.map((e) => [e.subscriptionType, e.objectId, e.propertyName, e.propertyValue, e.sourceId]),
    ).toEqual([
      ['contact.propertyChange', Number(id), 'lifecyclestage', 'lead', String(sandbox.appId)],
      ['contact.propertyChange', Number(id), 'hs_lead_status', 'NEW', String(sandbox.appId)],
    ]);
  });

  it('when the generic format is chosen, then events are object.propertyChange with objectTypeId 0-1', async () => {
    sandbox = await startSandbox({
      echoWrites: { format: 'generic', properties: ['jobtitle'] },
      outbound: noWait,
    });
    const [id = ''] = addContacts(sandbox, 1);
    await sdk(sandbox).crm.contacts.basicApi.update(id, {
      properties: { jobtitle: 'CEO', firstname: 'Zed' },
    });
    const changes = sandbox.queuedEvents().filter((e) => e.subscriptionType !== 'object.creation');
    expect(changes).toEqual([
      expect.objectContaining({
        subscriptionType: 'object.propertyChange',
        objectTypeId: '0-1',
        propertyName: 'jobtitle',
        propertyValue: 'CEO',
      }),
    ]);
  });

  it('when the queue is flushed, then the queued events reach the configured webhook target', async () => {
    receiver = await startReceiver();
    sandbox = await startSandbox({
      echoWrites: { lifecycleEvents: false },
      outbound: noWait,
      webhook: { targetUrl: `${receiver.url}/webhooks`, clientSecret: SECRET },
    });
    const [id = ''] = addContacts(sandbox, 1);
    sandbox.state.update(
      'contacts',
      id,
      { jobtitle: 'Plant Manager' },
      { changeSource: 'CRM_UI', sourceId: 'userId:7' },
    );
    const report = await sandbox.flushWebhooks();
    expect(report.delivered).toBe(1);
    expect(sandbox.queuedEvents()).toEqual([]);
    const bodies = receiver.requests.flatMap((r) => r.json as WebhookEvent[]);
    expect(bodies.find((e) => e.propertyName === 'jobtitle')).toMatchObject({
      changeSource: 'CRM_UI',
      sourceId: 'userId:7',
      propertyValue: 'Plant Manager',
    });
  });

  it('when the app archives a contact, then a contact.deletion event is queued', async () => {
    sandbox = await startSandbox({ echoWrites: true, outbound: noWait });
    const [id = ''] = addContacts(sandbox, 1);
    await sdk(sandbox).crm.contacts.basicApi.archive(id);
    expect(sandbox.queuedEvents().at(-1)).toMatchObject({
      subscriptionType: 'contact.deletion',
      changeFlag: 'DELETED',
      objectId: Number(id),
      changeSource: 'INTEGRATION',
    });
    expect(sandbox.state.get('contacts', id)).toBeUndefined();
  });
});

describe('association changes', () => {
  it('when a contact is associated with a company, then one event per side is queued, as HubSpot sends them', async () => {
    sandbox = await startSandbox({ echoWrites: true, outbound: noWait });
    const [id = ''] = addContacts(sandbox, 1);
    const company = sandbox.state.create('companies', { name: 'Acme BV' }, { changeSource: 'CRM_UI' });
    sandbox.reset();

    sandbox.state.associate('contacts', id, 'companies', company.id, 1, {
      changeSource: 'CRM_UI',
      sourceId: 'userId:7',
    });
    sandbox.state.associate('contacts', id, 'companies', company.id, 1); // already so: no event

    expect(sandbox.queuedEvents()).toEqual([
      expect.objectContaining({
        subscriptionType: 'contact.associationChange',
        objectId: Number(id),
        associationType: 'CONTACT_TO_COMPANY',
        fromObjectId: Number(id),
        toObjectId: Number(company.id),
        associationRemoved: false,
        isPrimaryAssociation: true,
        changeSource: 'CRM_UI',
        sourceId: 'userId:7',
      }),
      expect.objectContaining({
        subscriptionType: 'company.associationChange',
        associationType: 'COMPANY_TO_CONTACT',
        fromObjectId: Number(company.id),
        toObjectId: Number(id),
      }),
    ]);
  });

  it('when the generic format is chosen, then association events name the object type ids and the type id, and no objectTypeId', async () => {
    sandbox = await startSandbox({
      echoWrites: { format: 'generic', objectTypes: ['contacts'] },
      outbound: noWait,
    });
    const [id = ''] = addContacts(sandbox, 1);
    const company = sandbox.state.create('companies', { name: 'Acme BV' }, { changeSource: 'CRM_UI' });
    sandbox.state.associate('contacts', id, 'companies', company.id, 1);
    sandbox.reset();

    sandbox.state.dissociate('contacts', id, 'companies', company.id);

    const [event] = sandbox.queuedEvents();
    expect(sandbox.queuedEvents()).toHaveLength(1);
    expect(event).toMatchObject({
      subscriptionType: 'object.associationChange',
      fromObjectTypeId: '0-1',
      toObjectTypeId: '0-2',
      associationTypeId: 1,
      associationCategory: 'HUBSPOT_DEFINED',
      associationRemoved: true,
      isPrimaryAssociation: true,
    });
    expect(event).not.toHaveProperty('objectTypeId');
    expect(event).not.toHaveProperty('associationType');
  });

  it('when association events are switched off, then none is queued', async () => {
    sandbox = await startSandbox({ echoWrites: { associationEvents: false }, outbound: noWait });
    const [id = ''] = addContacts(sandbox, 1);
    const company = sandbox.state.create('companies', { name: 'Acme BV' }, { changeSource: 'CRM_UI' });
    sandbox.reset();
    sandbox.state.associate('contacts', id, 'companies', company.id, 1);
    expect(sandbox.queuedEvents()).toEqual([]);
  });
});

describe('event builders', () => {
  it('when a merge event is built, then it carries HubSpot merge fields', async () => {
    sandbox = await startSandbox();
    const event = sandbox.events.merge({
      objectId: 10,
      primaryObjectId: 10,
      mergedObjectIds: [11],
      newObjectId: 10,
      numberOfPropertiesMoved: 4,
    });
    expect(event).toMatchObject({
      subscriptionType: 'contact.merge',
      primaryObjectId: 10,
      mergedObjectIds: [11],
      newObjectId: 10,
      numberOfPropertiesMoved: 4,
      attemptNumber: 0,
    });
  });
});
