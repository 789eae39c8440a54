import { afterEach, describe, expect, it } from 'vitest';
import { evaluate, loadPreset } from '../../src/core/index.js';
import { hubSpotSignatureHeaders } from '../../src/hubspot/signature.js';
import { writtenValues } from '../../src/hubspot/write-back.js';
import { contactPropertiesFor } from '../../src/jobs/scoring/score-contacts.job.js';
import { PUBLIC, SECRET, type Stack, startStack } from './helpers.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const model = loadPreset('seed-fit-intent');

function contactIds(s: Stack, n: number): string[] {
  return s.sandbox.data!.contacts.slice(0, n).map((c) => c.id);
}

/** A webhook body signed as HubSpot signs it, for hand-made requests. */
function signedRequest(body: string, overrides: { secret?: string; timestamp?: number; url?: string } = {}) {
  const timestamp = overrides.timestamp ?? Date.now();
  const headers = hubSpotSignatureHeaders({
    clientSecret: overrides.secret ?? SECRET,
    method: 'POST',
    uri: overrides.url ?? `${PUBLIC}/hubspot/webhooks`,
    rawBody: body,
    timestamp,
  });
  return { ...headers, 'content-type': 'application/json' };
}

async function post(s: Stack, body: string, headers: Record<string, string>) {
  const response = await fetch(`${s.url}/hubspot/webhooks`, { method: 'POST', body, headers });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('webhook signatures', () => {
  it('when the signature is valid, then the batch is accepted and its contacts are queued', async () => {
    stack = await startStack({ contacts: 5 });
    const [id] = contactIds(stack, 1);
    const body = JSON.stringify([stack.sandbox.events.creation({ objectId: id! })]);
    const response = await post(stack, body, signedRequest(body));
    expect(response).toEqual({ status: 200, json: { accepted: 1, duplicates: 0, enqueued: 1, invalid: 0 } });
    expect((await stack.service.store.queue.stats()).pending).toBe(1);
  });

  it.each([
    [
      'a tampered body',
      (body: string) => ({
        body: body.replace('"attemptNumber":0', '"attemptNumber":1'),
        headers: signedRequest(body),
      }),
      'bad_signature',
    ],
    [
      'a wrong secret',
      (body: string) => ({ body, headers: signedRequest(body, { secret: 'not-the-secret' }) }),
      'bad_signature',
    ],
    [
      'a stale timestamp (6 minutes old)',
      (body: string) => ({ body, headers: signedRequest(body, { timestamp: Date.now() - 6 * 60_000 }) }),
      'stale_timestamp',
    ],
    [
      'a future timestamp (6 minutes ahead)',
      (body: string) => ({ body, headers: signedRequest(body, { timestamp: Date.now() + 6 * 60_000 }) }),
      'future_timestamp',
    ],
    [
      'another URL',
      (body: string) => ({ body, headers: signedRequest(body, { url: `${PUBLIC}/elsewhere` }) }),
      'bad_signature',
    ],
    [
      'no signature headers',
      (body: string) => ({ body, headers: { 'content-type': 'application/json' } }),
      'missing_signature',
    ],
  ])(
    'when the request has %s, then it is refused with 401 and nothing is stored',
    async (_name, make, code) => {
      stack = await startStack({ contacts: 5 });
      const [id] = contactIds(stack, 1);
      const { body, headers } = make(JSON.stringify([stack.sandbox.events.creation({ objectId: id! })]));
      const response = await post(stack, body, headers);
      expect(response.status).toBe(401);
      expect(response.json).toMatchObject({
        error: 'invalid_signature',
        message: expect.stringContaining(code),
      });
      expect(await stack.service.store.queue.stats()).toMatchObject({ pending: 0, claimed: 0 });
      expect(await stack.service.metrics.signatureFailures.get({ reason: code })).toBe(1);
    },
  );

  it('when one event of a signed batch is malformed, then it alone is refused, named in the answer, and the others are stored', async () => {
    stack = await startStack({ contacts: 5 });
    const [id] = contactIds(stack, 1);
    const malformed = {
      eventId: 1,
      subscriptionId: 2,
      portalId: 3,
      appId: 4,
      occurredAt: 'yesterday',
      subscriptionType: 'contact.creation',
      attemptNumber: 0,
      objectId: 5,
    };
    const body = JSON.stringify([malformed, stack.sandbox.events.creation({ objectId: id! })]);
    const response = await post(stack, body, signedRequest(body));
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      accepted: 1,
      duplicates: 0,
      enqueued: 1,
      invalid: 1,
      problems: [{ path: '$[0].occurredAt', message: 'must be epoch milliseconds' }],
    });
    expect((await stack.service.store.queue.stats()).pending).toBe(1);
    expect(await stack.service.metrics.eventsInvalid.get({ reason: 'invalid_field' })).toBe(1);
  });

  it('when a signed body is not a JSON array, then it is refused with 400 and nothing is stored', async () => {
    stack = await startStack({ contacts: 5 });
    for (const body of ['{"eventId":1}', '', '[{"eventId":1}', '[1] [2]', 'null']) {
      const response = await post(stack, body, signedRequest(body));
      expect(response.status, body).toBe(400);
      expect(response.json).toMatchObject({ error: 'invalid_input' });
    }
    expect((await stack.service.store.queue.stats()).pending).toBe(0);
  });

  it('when the body is larger than the limit, then it is refused with 413', async () => {
    stack = await startStack({ contacts: 1 });
    const body = JSON.stringify([{ junk: 'x'.repeat(1_100_000) }]);
    const response = await post(stack, body, signedRequest(body));
    expect(response.status).toBe(413);
  });
});

describe('webhooks to write-back', () => {
  it('when contacts are created, then each is scored and only changed properties are written, in batches', async () => {
    stack = await startStack({ contacts: 150 });
    const ids = contactIds(stack, 150);
    const report = await stack.deliver(ids.map((id) => stack!.sandbox.events.creation({ objectId: id })));
    expect(report.failed).toBe(0);
    expect(await stack.service.worker.drain()).toBe(150);

    // Two batches of ≤100: each one contact read (+ its companies) and at most one write.
    expect(stack.calls('contacts.batch.read')).toBe(2);
    expect(stack.calls('contacts.batch.update')).toBeLessThanOrEqual(2);

    // What HubSpot holds is exactly what the stored evaluation says, and evaluate() agrees.
    const stored = await stack.service.store.contacts.latestEvaluations(stack.portalId, ids);
    const props = contactPropertiesFor(model);
    for (const id of ids.slice(0, 20)) {
      const record = stack.sandbox.state.get('contacts', id)!;
      const evaluation = stored.get(id)!;
      expect(record.properties.lq_fit_score).toBe(String(evaluation.fitScore));
      expect(record.properties.lq_qualification).toBe(evaluation.qualification);
      const companyId = record.properties.associatedcompanyid;
      const company = companyId ? stack.sandbox.state.get('companies', companyId)?.properties : undefined;
      const input = Object.fromEntries(props.contact.map((p) => [p, record.properties[p] ?? null]));
      const again = evaluate(
        { id, properties: input, company: company ?? null, signals: [] },
        model,
        evaluation.evaluatedAt,
      );
      // The write happened after the read, so recompute from the pre-write inputs: scores match.
      expect([again.fit.score, again.intent.score]).toEqual([evaluation.fitScore, evaluation.intentScore]);
      expect(record.properties.lq_explanation).toBe(writtenValues(again).lq_explanation);
    }
  });

  it('when the same contacts are scored again with nothing new, then nothing is written', async () => {
    stack = await startStack({ contacts: 30 });
    const ids = contactIds(stack, 30);
    await stack.deliver(ids.map((id) => stack!.sandbox.events.creation({ objectId: id })));
    await stack.service.worker.drain();
    const writes = stack.calls('contacts.batch.update');
    await stack.deliver(
      ids.map((id) =>
        stack!.sandbox.events.propertyChange({
          objectId: id,
          propertyName: 'jobtitle',
          propertyValue: 'same',
        }),
      ),
    );
    await stack.service.worker.drain();
    expect(stack.calls('contacts.batch.read')).toBe(2);
    expect(stack.calls('contacts.batch.update')).toBe(writes);
  });

  it('when events concern the app’s own properties or properties the model does not read, then nothing is queued', async () => {
    stack = await startStack({ contacts: 5 });
    const [id] = contactIds(stack, 1);
    const events = [
      stack.sandbox.events.propertyChange({
        objectId: id!,
        propertyName: 'lq_fit_score',
        propertyValue: '50',
      }),
      stack.sandbox.events.propertyChange({ objectId: id!, propertyName: 'firstname', propertyValue: 'Ann' }),
      stack.sandbox.events.propertyChange({
        objectId: id!,
        propertyName: 'jobtitle',
        propertyValue: 'CEO',
        changeSource: 'INTEGRATION',
        sourceId: String(stack.sandbox.appId),
      }),
    ];
    await stack.deliver(events);
    expect((await stack.service.store.queue.stats()).pending).toBe(0);
    expect(await stack.service.metrics.eventsIgnored.get({ reason: 'own_property' })).toBe(1);
    expect(await stack.service.metrics.eventsIgnored.get({ reason: 'not_a_model_property' })).toBe(1);
    expect(await stack.service.metrics.eventsIgnored.get({ reason: 'own_write' })).toBe(1);
  });

  it('when HubSpot redelivers a batch (duplicates, retries), then each event is stored once', async () => {
    stack = await startStack({ contacts: 10 });
    const ids = contactIds(stack, 10);
    const events = ids.map((id) =>
      stack!.sandbox.events.propertyChange({ objectId: id, propertyName: 'jobtitle', propertyValue: 'VP' }),
    );
    await stack.deliver(events, { duplicates: 1 });
    await stack.service.worker.drain();
    const reads = stack.calls('contacts.batch.read');
    await stack.deliver(events);
    const received = await stack.service.metrics.eventsReceived.get({ type: 'contact.propertyChange' });
    expect(received).toBe(30);
    expect(await stack.service.metrics.eventsDuplicate.get()).toBe(20);
    // The redelivery queues no work: nothing is read from HubSpot again.
    expect(await stack.service.worker.drain()).toBe(0);
    expect(stack.calls('contacts.batch.read')).toBe(reads);
  });
});
