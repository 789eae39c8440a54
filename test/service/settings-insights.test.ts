import { afterEach, describe, expect, it } from 'vitest';
import { PRESETS } from '../../src/core/index.js';
import { hubSpotSignatureHeaders } from '../../src/hubspot/signature.js';
import { PUBLIC, SECRET, type Stack, startStack } from './helpers.js';
import { publishApproved, scoreAll } from './settings-calls.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** Calls the settings API as hubspot.fetch does (v3-signed, HubSpot's query added). */
async function call(s: Stack, method: 'GET' | 'POST', path: string, body?: unknown, query = '') {
  const q = `?userId=42&userEmail=ops%40acme.example&appId=${s.sandbox.appId}&portalId=${s.portalId}${query}`;
  const raw = body === undefined ? '' : JSON.stringify(body);
  const headers = {
    'content-type': 'application/json',
    ...hubSpotSignatureHeaders({
      clientSecret: SECRET,
      method,
      uri: `${PUBLIC}${path}${q}`,
      rawBody: raw,
      timestamp: Date.now(),
    }),
  };
  const response = await fetch(`${s.url}${path}${q}`, {
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

describe('settings API: the cadence guard', () => {
  it('when a new version is published within 60 days of the last, then a reason is required and kept in the history', async () => {
    stack = await startStack({ contacts: 1 });
    await call(stack, 'POST', '/settings/api/drafts', { model: modelWithIntentBar(40) });
    await call(stack, 'POST', '/settings/api/drafts', { model: modelWithIntentBar(60) });
    expect((await publishApproved(stack, 1)).status).toBe(200);
    expect((await call(stack, 'GET', '/settings/api/model')).json.cadence).toMatchObject({
      reasonRequired: true,
      daysSinceLastPublish: 0,
      minimumDays: 60,
    });

    const early = await call(stack, 'POST', '/settings/api/publish', { version: 2 });
    expect(early).toMatchObject({
      status: 409,
      json: {
        error: 'conflict',
        problems: [{ path: '$.reason', message: 'is required within 60 days of the last publish' }],
      },
    });
    expect((await stack.service.store.models.published(stack.portalId))?.version).toBe(1);

    // The reason is given when asking; the second person's approval puts it into force with it.
    const withReason = await publishApproved(stack, 2, { reason: 'the pilot showed the bar was too low' });
    expect(withReason).toMatchObject({
      status: 200,
      json: { version: 2, publishReason: 'the pilot showed the bar was too low' },
    });
    const versions = (await call(stack, 'GET', '/settings/api/versions')).json.versions;
    expect(versions[0]).toMatchObject({ version: 2, publishReason: 'the pilot showed the bar was too low' });
    // Going back to a version that was published before needs no reason.
    expect((await publishApproved(stack, 1, { kind: 'rollback' })).status).toBe(200);
  });
});

describe('settings API: insights and backtest', () => {
  it('when the page asks for insights and a backtest, then both answer from the stored history', async () => {
    stack = await startStack({ contacts: 40 });
    await scoreAll(stack);
    const insights = await call(stack, 'GET', '/settings/api/insights', undefined, '&outcome=sql');
    expect(insights.status).toBe(200);
    expect(insights.json.calibration.contacts).toBe(40);
    expect(insights.json.suggestions).toMatchObject({ outcome: 'sql', contacts: 40 });
    expect(insights.json.tookMs).toEqual(expect.any(Number));

    const backtest = await call(stack, 'POST', '/settings/api/backtest', {
      model: modelWithIntentBar(20),
      months: 3,
    });
    expect(backtest.status).toBe(200);
    expect(backtest.json).toMatchObject({
      contacts: 40,
      draftVersion: 'intent-bar-20',
      publishedVersion: 'seed-fit-intent@1',
    });
    expect(backtest.json.draft.contacts).toBeGreaterThanOrEqual(backtest.json.published.contacts);
    expect(backtest.json.monthly).toHaveLength(4);
    expect(backtest.json.summary).toMatch(/MQLs a month/);
  });

  it('when the request is bad, then the error names the field', async () => {
    stack = await startStack({ contacts: 1 });
    expect(await call(stack, 'GET', '/settings/api/insights', undefined, '&outcome=won')).toMatchObject({
      status: 400,
      json: { problems: [{ path: '$.query.outcome', message: 'must be sql, opportunity or customer' }] },
    });
    expect(
      await call(stack, 'POST', '/settings/api/backtest', { model: modelWithIntentBar(20), months: 99 }),
    ).toMatchObject({
      status: 400,
      json: { problems: [{ path: '$.months', message: 'must be at most 36' }] },
    });
    const bad = await call(stack, 'POST', '/settings/api/backtest', { model: { version: 'x' } });
    expect(bad).toMatchObject({ status: 422, json: { error: 'invalid_model' } });
  });
});
