/**
 * Two-sided approval through the settings API, against the sandbox: publishing needs a second,
 * different signed HubSpot user unless the portal relaxed the rule; the diff between versions; and
 * what the page picks from (the portal's property options and owners), the model check.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './helpers.js';
import { call, modelWithIntentBar, SALES_USER } from './settings-calls.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('settings API: two-sided approval', () => {
  it('when marketing asks to publish, then nothing changes until a different HubSpot user approves, and both are recorded with their times', async () => {
    stack = await startStack({ contacts: 1 });
    await call(stack, 'POST', '/settings/api/drafts', { model: modelWithIntentBar(40) });

    const asked = await call(stack, 'POST', '/settings/api/publish', { version: 1, note: 'Lower bar' });
    expect(asked).toMatchObject({
      status: 202,
      json: {
        state: 'awaiting_approval',
        request: {
          version: 1,
          kind: 'publish',
          requestedBy: 'ops@acme.example (user 42)',
          status: 'pending',
        },
      },
    });
    expect(await stack.service.store.models.published(stack.portalId)).toBeNull();
    const state = await call(stack, 'GET', '/settings/api/approvals');
    expect(state.json.pending).toMatchObject({
      id: asked.json.request.id,
      changes: [{ section: 'mql', text: 'MQL intent bar 50 → 40' }],
    });
    expect(state.json.policy).toEqual({ singleApprover: false, changedBy: null, changedAt: null });

    // The author cannot approve their own request, whatever the body says.
    const self = await call(stack, 'POST', '/settings/api/approve', { requestId: asked.json.request.id });
    expect(self).toMatchObject({
      status: 403,
      json: {
        error: 'forbidden',
        problems: [{ path: 'query.userId', message: 'is the author of the request' }],
      },
    });
    expect(await stack.service.store.models.published(stack.portalId)).toBeNull();

    const approved = await call(
      stack,
      'POST',
      '/settings/api/approve',
      { requestId: asked.json.request.id },
      SALES_USER(stack),
    );
    expect(approved).toMatchObject({
      status: 200,
      json: {
        state: 'published',
        version: 1,
        publishedBy: 'ops@acme.example (user 42)',
        agreedBy: 'sam@acme.example (user 7)',
        note: 'Lower bar',
        approval: {
          mode: 'two-person',
          requestedAt: asked.json.request.requestedAt,
          approvedBy: 'sam@acme.example (user 7)',
          approvedAt: expect.any(Number),
        },
        request: { status: 'approved', decidedBy: 'sam@acme.example (user 7)', approval: 'two-person' },
      },
    });
    const versions = (await call(stack, 'GET', '/settings/api/versions')).json.versions;
    expect(versions[0]).toMatchObject({ version: 1, status: 'published', approval: { mode: 'two-person' } });

    // Approving it again is a conflict, not a second publication.
    const again = await call(
      stack,
      'POST',
      '/settings/api/approve',
      { requestId: asked.json.request.id },
      SALES_USER(stack),
    );
    expect(again).toMatchObject({ status: 409, json: { error: 'conflict' } });
  });

  it('when sales declines, or a newer request replaces it, then the version is not published', async () => {
    stack = await startStack({ contacts: 1 });
    await call(stack, 'POST', '/settings/api/drafts', { model: modelWithIntentBar(40) });
    await call(stack, 'POST', '/settings/api/drafts', { model: modelWithIntentBar(45) });
    const first = await call(stack, 'POST', '/settings/api/publish', { version: 1 });
    const second = await call(stack, 'POST', '/settings/api/publish', { version: 2 });

    const stale = await call(
      stack,
      'POST',
      '/settings/api/approve',
      { requestId: first.json.request.id },
      SALES_USER(stack),
    );
    expect(stale).toMatchObject({ status: 409, json: { message: expect.stringContaining('superseded') } });
    const declined = await call(
      stack,
      'POST',
      '/settings/api/decline',
      { requestId: second.json.request.id },
      SALES_USER(stack),
    );
    expect(declined).toMatchObject({
      status: 200,
      json: { request: { status: 'declined', decidedBy: 'sam@acme.example (user 7)' } },
    });
    expect(await stack.service.store.models.published(stack.portalId)).toBeNull();
    expect(
      (await call(stack, 'GET', '/settings/api/approvals')).json.recent.map((r: any) => r.status),
    ).toEqual(['declined', 'superseded']);
  });

  it('when the portal relaxes the rule to one approver, then one person publishes and it is recorded as single-approver, with who relaxed it', async () => {
    stack = await startStack({ contacts: 1 });
    await call(stack, 'POST', '/settings/api/drafts', { model: modelWithIntentBar(40) });

    const relaxed = await call(stack, 'POST', '/settings/api/approval-policy', { singleApprover: true });
    expect(relaxed).toMatchObject({
      status: 200,
      json: { singleApprover: true, changedBy: 'ops@acme.example (user 42)' },
    });
    const published = await call(stack, 'POST', '/settings/api/publish', { version: 1 });

    expect(published).toMatchObject({
      status: 200,
      json: {
        state: 'published',
        publishedBy: 'ops@acme.example (user 42)',
        agreedBy: 'ops@acme.example (user 42)',
        approval: { mode: 'single-approver', approvedBy: 'ops@acme.example (user 42)' },
      },
    });
    expect((await call(stack, 'GET', '/settings/api/approvals')).json.policy.singleApprover).toBe(true);
    // A body may not name the rule's author either.
    const forged = await call(stack, 'POST', '/settings/api/approval-policy', {
      singleApprover: false,
      changedBy: 'ceo',
    });
    expect(forged.status).toBe(400);
  });

  it('when two versions are compared, then the diff reads as people write it, and "active" is the model in force', async () => {
    stack = await startStack({ contacts: 1 });
    const pharma = modelWithIntentBar(40);
    pharma.fit.criteria[0].match.values.push('Pharmaceuticals');
    await call(stack, 'POST', '/settings/api/drafts', { model: modelWithIntentBar(50) });
    await call(stack, 'POST', '/settings/api/drafts', { model: pharma });

    const diff = await call(stack, 'GET', '/settings/api/diff?from=1&to=2');
    expect(diff).toMatchObject({
      status: 200,
      json: { from: 1, to: 2, text: 'MQL intent bar 50 → 40; added industry Pharmaceuticals (+25)' },
    });
    expect((await call(stack, 'GET', '/settings/api/diff?from=1')).json.text).toBe('no changes');
    const missing = await call(stack, 'GET', '/settings/api/diff?from=9&to=2');
    expect(missing).toMatchObject({
      status: 404,
      json: { problems: [{ path: 'query.from', message: 'no such version' }] },
    });
    const bad = await call(stack, 'GET', '/settings/api/diff?from=one');
    expect(bad).toMatchObject({ status: 400, json: { problems: [{ path: 'query.from' }] } });
  });
});

describe('settings API: what the page picks from', () => {
  it('when the page asks for property options, then they come from the portal, and a property it lacks is named', async () => {
    stack = await startStack({ contacts: 1 });
    const answer = await call(
      stack,
      'GET',
      '/settings/api/property-options?properties=company.industry,contact.lifecyclestage,company.industy',
    );
    expect(answer.status).toBe(200);
    const industry = answer.json.properties.find((p: any) => p.property === 'company.industry');
    expect(industry).toMatchObject({ label: 'Industry', type: 'enumeration' });
    expect(industry.options).toContainEqual({ value: 'COMPUTER_SOFTWARE', label: expect.any(String) });
    expect(answer.json.properties.map((p: any) => p.property)).toEqual([
      'company.industry',
      'contact.lifecyclestage',
    ]);
    expect(answer.json.missing).toEqual(['company.industy']);

    const bad = await call(stack, 'GET', '/settings/api/property-options?properties=industry');
    expect(bad).toMatchObject({ status: 400, json: { problems: [{ path: 'query.properties[0]' }] } });
  });

  it('when the page asks for owners, then it gets the portal’s owners and its teams with their members', async () => {
    stack = await startStack({ contacts: 1 });
    const answer = await call(stack, 'GET', '/settings/api/owners');
    expect(answer.status).toBe(200);
    expect(answer.json.owners).toHaveLength(8);
    expect(answer.json.owners[0]).toEqual({
      id: '70000001',
      name: 'Anna Visser',
      email: 'anna.visser@sandbox-vendor.example',
    });
    expect(answer.json.teams).toEqual([
      { id: '2', name: 'Account management', ownerIds: ['70000005', '70000006', '70000007', '70000008'] },
      { id: '1', name: 'New business', ownerIds: ['70000001', '70000002', '70000003', '70000004'] },
    ]);
  });

  it('when the page checks a model, then every problem comes back at once with its path, and nothing is saved', async () => {
    stack = await startStack({ contacts: 1 });
    const model = modelWithIntentBar(150);
    model.fit.criteria[1].match = { type: 'range', min: 500, max: 100 };
    model.routing.escalationOwner = 'dana';
    const answer = await call(stack, 'POST', '/settings/api/validate', { model });
    expect(answer).toMatchObject({ status: 200, json: { valid: false } });
    expect(answer.json.problems).toEqual(
      expect.arrayContaining([
        { path: '$.thresholds.mql.intent.value', message: 'must be at most 100' },
        { path: '$.fit.criteria[1].match.min', message: 'must not be more than max (100)' },
        { path: '$.routing.escalationOwner', message: 'must be a HubSpot owner id (digits)' },
      ]),
    );
    expect((await call(stack, 'GET', '/settings/api/versions')).json.versions).toEqual([]);
    expect(
      (await call(stack, 'POST', '/settings/api/validate', { model: modelWithIntentBar(40) })).json,
    ).toMatchObject({
      valid: true,
      problems: [],
    });
  });
});
