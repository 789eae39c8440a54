import { afterEach, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './helpers.js';
import {
  call,
  modelWithIntentBar,
  publishApproved,
  SALES_USER,
  send,
  signedRequest,
} from './settings-calls.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

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
    const response = await call(stack, 'GET', '/settings/api/model', undefined, { sign: 'none' });
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
      json: { version: 1, status: 'draft', label: 'intent-bar-20', createdBy: 'ops@acme.example (user 42)' },
    });

    const published = await publishApproved(stack, 1, { note: 'Lower intent bar for Q1' });
    expect(published).toMatchObject({
      status: 200,
      json: {
        state: 'published',
        version: 1,
        status: 'published',
        agreedBy: 'sam@acme.example (user 7)',
        publishedBy: 'ops@acme.example (user 42)',
        approval: { mode: 'two-person', approvedBy: 'sam@acme.example (user 7)' },
      },
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
    await publishApproved(stack, 2, { reason: 'pilot: stricter bar' });
    await stack.service.worker.drain();
    const rollback = await publishApproved(stack, 1, { kind: 'rollback', note: 'too strict' });
    expect(rollback).toMatchObject({
      status: 200,
      json: { version: 1, status: 'published', request: { kind: 'rollback' } },
    });
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

  it('when another portal asks, then it is refused with 403 wrong_portal and sees and changes nothing', async () => {
    stack = await startStack({ contacts: 1 });
    await call(stack, 'POST', '/settings/api/drafts', { model: modelWithIntentBar(40) });
    expect((await call(stack, 'GET', '/settings/api/versions')).json.versions).toHaveLength(1);

    const listOther = await call(stack, 'GET', '/settings/api/versions', undefined, { portalId: '999999' });
    expect(listOther).toMatchObject({
      status: 403,
      json: {
        error: 'wrong_portal',
        message: `This service serves HubSpot portal ${stack.portalId}; the request is for portal 999999. Nothing was done.`,
      },
    });
    const draftOther = await call(
      stack,
      'POST',
      '/settings/api/drafts',
      { model: modelWithIntentBar(40) },
      { portalId: '999999' },
    );
    expect(draftOther).toMatchObject({ status: 403, json: { error: 'wrong_portal' } });
    const publishOther = await call(
      stack,
      'POST',
      '/settings/api/publish',
      { version: 1 },
      { portalId: '999999' },
    );
    expect(publishOther).toMatchObject({ status: 403, json: { error: 'wrong_portal' } });
    expect(await stack.service.store.models.versions('999999')).toEqual([]);
    expect(await stack.service.store.models.published(stack.portalId)).toBeNull();
  });
});

describe('settings API: signatures and replays', () => {
  it('when a request carries only a v2 signature (no timestamp), then it is refused with 401 naming v3', async () => {
    stack = await startStack({ contacts: 1 });
    await call(stack, 'POST', '/settings/api/drafts', { model: modelWithIntentBar(40) });

    // A rollback captured with its v2 signature: v2 has no timestamp, so it would stay valid for ever.
    const captured = signedRequest(stack, 'POST', '/settings/api/publish', { version: 1 }, { sign: 'v2' });
    const response = await send(captured);

    expect(response).toMatchObject({
      status: 401,
      json: {
        error: 'invalid_signature',
        message: expect.stringMatching(
          /^version_not_allowed: The request is signed with v2; this endpoint accepts only v3/,
        ),
      },
    });
    expect(await stack.service.store.models.published(stack.portalId)).toBeNull();
    expect(await stack.service.metrics.signatureFailures.get({ reason: 'version_not_allowed' })).toBe(1);
  });

  it('when a signed request is sent a second time within its window, then the copy is refused as replayed and does nothing', async () => {
    stack = await startStack({ contacts: 1 });
    const draft = signedRequest(stack, 'POST', '/settings/api/drafts', { model: modelWithIntentBar(40) });
    expect((await send(draft)).status).toBe(201);

    const again = await send(draft);

    expect(again).toMatchObject({
      status: 401,
      json: { error: 'invalid_signature', message: expect.stringMatching(/^replayed: /) },
    });
    expect(await stack.service.store.models.versions(stack.portalId)).toHaveLength(1);
    expect(await stack.service.metrics.signatureFailures.get({ reason: 'replayed' })).toBe(1);
    // A new request (HubSpot signs each one anew) goes through.
    expect((await call(stack, 'GET', '/settings/api/versions')).status).toBe(200);
  });

  it('when a captured rollback is replayed, then only the first one publishes', async () => {
    stack = await startStack({ contacts: 1 });
    await call(stack, 'POST', '/settings/api/drafts', { model: modelWithIntentBar(40) });
    await call(stack, 'POST', '/settings/api/drafts', { model: modelWithIntentBar(60) });
    await publishApproved(stack, 2);
    const rollback = signedRequest(stack, 'POST', '/settings/api/rollback', { version: 1, reason: 'test' });
    const asked = await send(rollback);
    expect(asked.status).toBe(202);
    const approve = signedRequest(
      stack,
      'POST',
      '/settings/api/approve',
      { requestId: asked.json.request.id },
      SALES_USER(stack),
    );
    expect((await send(approve)).status).toBe(200);
    await publishApproved(stack, 2);

    const replayed = await Promise.all([send(rollback), send(rollback), send(approve), send(approve)]);

    expect(replayed.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    expect((await stack.service.store.models.published(stack.portalId))?.version).toBe(2);
    expect((await call(stack, 'GET', '/settings/api/approvals')).json.pending).toBeNull();
  });

  it('when 10 drafts are saved at once, then there are 10 versions and no error', async () => {
    stack = await startStack({ contacts: 1 });
    const saves = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call(stack!, 'POST', '/settings/api/drafts', { model: modelWithIntentBar(30 + i) }),
      ),
    );
    expect(saves.map((r) => r.status)).toEqual(Array.from({ length: 10 }, () => 201));
    expect(saves.map((r) => r.json.version as number).sort((a, b) => a - b)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
  });
});

describe('settings API: who publishes', () => {
  it('when a version is published, then publishedBy is the signed HubSpot user, and a publishedBy in the body is refused', async () => {
    stack = await startStack({ contacts: 1 });
    await call(stack, 'POST', '/settings/api/drafts', { model: modelWithIntentBar(40) });

    for (const field of ['publishedBy', 'agreedBy', 'approvedBy']) {
      const forged = await call(stack, 'POST', '/settings/api/publish', {
        version: 1,
        [field]: 'ceo@acme.example',
      });
      expect(forged).toMatchObject({
        status: 400,
        json: {
          error: 'invalid_input',
          problems: [
            {
              path: '$',
              message: `not accepted: ${field} (who publishes and who approves are the signed HubSpot users)`,
            },
          ],
        },
      });
    }
    expect(await stack.service.store.models.published(stack.portalId)).toBeNull();
    expect((await call(stack, 'GET', '/settings/api/approvals')).json.pending).toBeNull();

    const asked = await call(
      stack,
      'POST',
      '/settings/api/publish',
      { version: 1 },
      { query: `?userId=7&appId=${stack.sandbox.appId}&portalId=${stack.portalId}` },
    );
    expect(asked).toMatchObject({ status: 202, json: { request: { requestedBy: 'user 7' } } });
    const approved = await call(stack, 'POST', '/settings/api/approve', { requestId: asked.json.request.id });
    expect(approved).toMatchObject({
      status: 200,
      json: { publishedBy: 'user 7', agreedBy: 'ops@acme.example (user 42)' },
    });
  });

  it('when the signed URL names no user, or a user twice, then nothing is saved or published', async () => {
    stack = await startStack({ contacts: 1 });
    const base = `appId=${stack.sandbox.appId}&portalId=${stack.portalId}`;

    const noUser = await call(
      stack,
      'POST',
      '/settings/api/drafts',
      { model: modelWithIntentBar(40) },
      { query: `?userEmail=ops%40acme.example&${base}` },
    );
    const twoUsers = await call(
      stack,
      'POST',
      '/settings/api/drafts',
      { model: modelWithIntentBar(40) },
      { query: `?userId=1&${base}&userId=42` },
    );

    expect(noUser).toMatchObject({
      status: 403,
      json: { error: 'forbidden', problems: [{ path: 'query.userId' }] },
    });
    expect(twoUsers).toMatchObject({
      status: 403,
      json: { error: 'forbidden', problems: [{ path: 'query.userId', message: 'must appear once' }] },
    });
    expect(await stack.service.store.models.versions(stack.portalId)).toEqual([]);
  });
});
