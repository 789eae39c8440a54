import { afterEach, describe, expect, it } from 'vitest';
import { PRESETS } from '../../src/core/index.js';
import { hubSpotSignatureHeaders } from '../../src/hubspot/signature.js';
import { PUBLIC, SECRET, type Stack, startStack } from './helpers.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** Calls the settings API the way hubspot.fetch does: HubSpot adds the portal and user to the signed URL. */
async function call(
  s: Stack,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  portalId = s.portalId,
  sign = true,
) {
  const query = `?userId=42&userEmail=ops%40acme.example&appId=${s.sandbox.appId}&portalId=${portalId}`;
  const raw = body === undefined ? '' : JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (sign)
    Object.assign(
      headers,
      hubSpotSignatureHeaders({
        clientSecret: SECRET,
        method,
        uri: `${PUBLIC}${path}${query}`,
        rawBody: raw,
        timestamp: Date.now(),
        legacyVersion: 'v2',
      }),
    );
  const response = await fetch(`${s.url}${path}${query}`, {
    method,
    headers,
    ...(method === 'POST' ? { body: raw } : {}),
  });
  return { status: response.status, json: (await response.json()) as any };
}

function modelWithIntentBar(value: number) {
  const model = structuredClone(PRESETS['seed-fit-intent']) as any;
  model.thresholds.mql.intent.value = value;
  model.version = `intent-bar-${value}`;
  return model;
}

/** Scores the stack's contacts once, so the store holds their inputs for previews. */
async function scoreAll(s: Stack, signalsPerContact = 2) {
  const ids = s.sandbox.data!.contacts.map((c) => c.id);
  for (const [i, id] of ids.entries())
    for (let k = 0; k < signalsPerContact; k++)
      await s.service.store.contacts.recordSignal(
        {
          portalId: s.portalId,
          contactId: id,
          type: ['demo_requested', 'pricing_page_viewed', 'trial_started'][(i + k) % 3]!,
          occurredAt: Date.now() - 86_400_000,
          source: 'test',
          idempotencyKey: `t-${id}-${k}`,
          recordedAt: Date.now(),
        },
        { portalId: s.portalId, contactId: id, reason: 'signal' },
      );
  await s.service.worker.drain();
  return ids;
}

describe('settings API', () => {
  it('when a request is not signed by HubSpot, then it is refused', async () => {
    stack = await startStack({ contacts: 1 });
    const response = await call(stack, 'GET', '/settings/api/model', undefined, stack.portalId, false);
    expect(response).toMatchObject({ status: 401, json: { error: 'invalid_signature' } });
  });

  it('when no model was published, then the default preset is active', async () => {
    stack = await startStack({ contacts: 1 });
    const response = await call(stack, 'GET', '/settings/api/model');
    expect(response.status).toBe(200);
    expect(response.json.active).toMatchObject({
      isDefault: true,
      storedVersion: null,
      label: 'seed-fit-intent@1',
    });
    expect(response.json.active.model.version).toBe('seed-fit-intent@1');
    expect(response.json.presets).toEqual(['seed-fit-intent', 'seed-industrial']);
  });

  it('when a draft is invalid, then it is refused with every problem and its path, and nothing is saved', async () => {
    stack = await startStack({ contacts: 1 });
    const model = modelWithIntentBar(150) as any;
    model.fit.criteria[0].points = 'lots';
    const response = await call(stack, 'POST', '/settings/api/drafts', { model });
    expect(response.status).toBe(422);
    expect(response.json).toMatchObject({
      error: 'invalid_model',
      problems: expect.arrayContaining([
        { path: '$.fit.criteria[0].points', message: 'must be a number, not text' },
        { path: '$.thresholds.mql.intent.value', message: 'must be at most 100' },
      ]),
    });
    expect((await call(stack, 'GET', '/settings/api/versions')).json.versions).toEqual([]);
  });

  it('previews a draft against the stored contacts, publishes it (rescoring what changes), and rolls back', async () => {
    stack = await startStack({ contacts: 60 });
    const ids = await scoreAll(stack);
    const before = await stack.service.store.contacts.latestEvaluations(stack.portalId, ids);
    const mqlBefore = [...before.values()].filter((e) => e.qualification === 'mql').length;

    const lower = modelWithIntentBar(20);
    const preview = await call(stack, 'POST', '/settings/api/preview', { model: lower });
    expect(preview.status).toBe(200);
    expect(preview.json).toMatchObject({ contacts: 60, before: { mql: mqlBefore }, mqlOut: 0 });
    expect(preview.json.after.mql).toBe(mqlBefore + preview.json.mqlIn);
    expect(preview.json.mqlIn).toBeGreaterThan(0);
    expect(preview.json.sample[0]).toMatchObject({
      before: { qualification: expect.any(String) },
      after: { qualification: 'mql' },
    });

    const draft = await call(stack, 'POST', '/settings/api/drafts', { model: lower });
    expect(draft).toMatchObject({
      status: 201,
      json: { version: 1, status: 'draft', label: 'intent-bar-20', createdBy: 'ops@acme.example' },
    });

    const published = await call(stack, 'POST', '/settings/api/publish', {
      version: 1,
      note: 'Lower intent bar for Q1',
      agreedBy: 'Sam (sales)',
    });
    expect(published).toMatchObject({
      status: 200,
      json: { version: 1, status: 'published', agreedBy: 'Sam (sales)', publishedBy: 'ops@acme.example' },
    });
    expect(published.json.rescoreEnqueued).toBeGreaterThanOrEqual(preview.json.mqlIn);
    await stack.service.worker.drain();
    const after = await stack.service.store.contacts.latestEvaluations(stack.portalId, ids);
    expect([...after.values()].filter((e) => e.qualification === 'mql').length).toBe(preview.json.after.mql);
    const newMql = preview.json.sample[0].contactId;
    expect(stack.sandbox.state.get('contacts', newMql)!.properties.lq_model_version).toBe(
      'intent-bar-20 (v1)',
    );

    // A second version, then back to the first.
    await call(stack, 'POST', '/settings/api/drafts', { model: modelWithIntentBar(90) });
    await call(stack, 'POST', '/settings/api/publish', { version: 2 });
    await stack.service.worker.drain();
    const rollback = await call(stack, 'POST', '/settings/api/rollback', { version: 1, note: 'too strict' });
    expect(rollback).toMatchObject({ status: 200, json: { version: 1, status: 'published' } });
    await stack.service.worker.drain();
    const model = await call(stack, 'GET', '/settings/api/model');
    expect(model.json.active).toMatchObject({ storedVersion: 1, isDefault: false, note: 'too strict' });
    const versions = (await call(stack, 'GET', '/settings/api/versions')).json.versions;
    expect(versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
      [2, 'archived'],
      [1, 'published'],
    ]);
    const back = await stack.service.store.contacts.latestEvaluations(stack.portalId, ids);
    expect([...back.values()].filter((e) => e.qualification === 'mql').length).toBe(preview.json.after.mql);
  });

  it('when another portal asks, then it sees none of this portal’s versions', async () => {
    stack = await startStack({ contacts: 1 });
    await call(stack, 'POST', '/settings/api/drafts', { model: modelWithIntentBar(40) });
    expect((await call(stack, 'GET', '/settings/api/versions')).json.versions).toHaveLength(1);
    expect((await call(stack, 'GET', '/settings/api/versions', undefined, '999999')).json.versions).toEqual(
      [],
    );
    const publishOther = await call(stack, 'POST', '/settings/api/publish', { version: 1 }, '999999');
    expect(publishOther).toMatchObject({ status: 404, json: { error: 'not_found' } });
  });
});
