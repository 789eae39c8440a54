/**
 * The settings page's Insights calls against the service's real routes: the page's own API module
 * (`settings-api.ts`) runs with `hubspot.fetch` forwarded, signed as HubSpot signs it, to a
 * running service over the sandbox. What the page sends must pass the routes' body schemas, and
 * what the routes answer must read back whole. The draft changes the service sends with its
 * suggestions must make, on the page, the draft the core makes.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  applyDraftChange,
  DEFAULT_PRESET,
  type DraftSuggestion,
  draftChangeOf,
  loadPreset,
  parseModel,
  PRESETS,
} from '../../src/core/index.js';
import { SETTINGS_ROUTES } from '../../src/http/settings-routes.js';
import { type Stack, startStack } from '../service/helpers.js';
import { modelWithIntentBar, publishApproved, scoreAll, signedRequest } from '../service/settings-calls.js';

const DIR = '../../hubspot-app/src/app/settings/';
let api: any;
let insights: any;
let reason: any;
let SERVICE_URL: string;
beforeAll(async () => {
  // Loaded by path: the page is bundled by HubSpot, outside the service's TypeScript project.
  [api, insights, reason, { SERVICE_URL }] = await Promise.all(
    ['settings-api.ts', 'insights.ts', 'publish-reason.ts', 'service-url.ts'].map(
      (file) => import(new URL(`${DIR}${file}`, import.meta.url).href),
    ),
  );
});

let stack: Stack | undefined;
afterEach(async () => {
  vi.unstubAllGlobals();
  await stack?.close();
  stack = undefined;
});

/** `hubspot.fetch` as HubSpot runs it: the page's URL, signed (v3) with the portal and user added. */
function forwardTo(s: Stack) {
  const paths: string[] = [];
  const hsFetch = async (url: string, options: { method?: 'GET' | 'POST'; body?: unknown } = {}) => {
    expect(url.startsWith(SERVICE_URL)).toBe(true);
    const path = url.slice(SERVICE_URL.length);
    paths.push(`${options.method ?? 'GET'} ${path.split('?')[0]}`);
    const request = signedRequest(s, options.method ?? 'GET', path, options.body);
    return fetch(request.url, request.init);
  };
  vi.stubGlobal('self', { hsFetch });
  return paths;
}

describe('the Insights tab against the service', () => {
  it('when the page asks for a period’s insights, then the route answers and the page reads calibration and suggestions whole', async () => {
    stack = await startStack({ contacts: 40 });
    await scoreAll(stack);
    const paths = forwardTo(stack);
    const now = Date.now();

    const read = await api.settingsApi.loadInsights(now - 90 * 86_400_000, now, 'sql');

    expect(paths).toEqual([`GET ${SETTINGS_ROUTES.insights}`]);
    expect(read.calibration.contacts).toBe(40);
    expect(read.calibration.overall.n).toBe(40);
    expect(read.calibration.byQualification.reduce((n: number, c: any) => n + c.n, 0)).toBe(40);
    expect(read.suggestions).toMatchObject({ outcome: 'sql', contacts: 40 });
    for (const s of read.suggestions.suggestions) expect(s.draftChange).not.toBeNull();
  });

  it('when the page backtests a draft, then the route accepts its body and the page reads months, cohorts and summary', async () => {
    stack = await startStack({ contacts: 40 });
    await scoreAll(stack);
    const paths = forwardTo(stack);

    const read = await api.settingsApi.backtest(modelWithIntentBar(20), 3);

    expect(paths).toEqual([`POST ${SETTINGS_ROUTES.backtest}`]);
    expect(read).toMatchObject({ contacts: 40, months: 3, draftVersion: 'intent-bar-20' });
    expect(read.monthly).toHaveLength(4);
    expect(read.draft.contacts).toBeGreaterThanOrEqual(read.published.contacts);
    expect(read.added.contacts - read.removed.contacts).toBe(read.draft.contacts - read.published.contacts);
    expect(read.summary).toMatch(/MQLs a month/);
  });

  it('when the page publishes within the minimum period, then without a reason the refusal names the page’s reason field, and with one the request keeps it', async () => {
    stack = await startStack({ contacts: 1 });
    const paths = forwardTo(stack);
    const first = await api.settingsApi.saveDraft(modelWithIntentBar(40));
    const second = await api.settingsApi.saveDraft(modelWithIntentBar(60));
    expect((await publishApproved(stack, first.version)).status).toBe(200);

    const loaded = await api.settingsApi.loadModel();
    expect(loaded.cadence).toMatchObject({ reasonRequired: true, minimumDays: 60 });
    expect(reason.reasonProblems('', loaded.cadence)).toEqual([
      expect.objectContaining({ path: reason.REASON_PATH }),
    ]);

    const refused = await api.settingsApi.publish({ version: second.version }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(api.SettingsApiError);
    expect(refused).toMatchObject({ status: 409, code: 'conflict' });
    expect(refused.problems).toEqual([
      { path: reason.REASON_PATH, message: 'is required within 60 days of the last publish' },
    ]);

    const asked = await api.settingsApi.publish({ version: second.version, reason: 'Pilot results' });
    expect(asked).toMatchObject({ state: 'awaiting_approval', request: { reason: 'Pilot results' } });
    expect(paths.filter((p) => p.startsWith('POST'))).toEqual([
      `POST ${SETTINGS_ROUTES.drafts}`,
      `POST ${SETTINGS_ROUTES.drafts}`,
      `POST ${SETTINGS_ROUTES.publish}`,
      `POST ${SETTINGS_ROUTES.publish}`,
    ]);
  });
});

describe('draft changes: the page makes the draft the core makes', () => {
  const seed = loadPreset(DEFAULT_PRESET);
  const cases: [string, DraftSuggestion][] = [
    ['a value for an existing criterion', { segment: seg('industry', 'FOOD_PRODUCTION'), direction: 'more' }],
    ['a −10 criterion', { segment: seg('industry', 'RETAIL'), direction: 'less' }],
    ['a size band', { segment: seg('size', '50-199'), direction: 'more' }],
    ['a role', { segment: seg('role', 'plant manager'), direction: 'more' }],
    ['a signal’s points', { segment: seg('signal', 'demo_requested'), direction: 'less' }],
    ['a new signal', { segment: seg('signal', 'webinar_attended'), direction: 'more' }],
    ['touches counted twice', { segment: seg('touches', '2'), direction: 'more' }],
  ];
  for (const [name, suggestion] of cases)
    it(`when the service sends ${name}, then the page's draft has the core's criteria and signals`, () => {
      // As the service sends it: JSON, read by the page's reader.
      const sent = JSON.parse(
        JSON.stringify({ suggestions: { suggestions: [{ draftChange: draftChangeOf(seed, suggestion) }] } }),
      );
      const change = insights.readInsights(sent).suggestions.suggestions[0].draftChange;
      expect(change).not.toBeNull();
      const core = applyDraftChange(seed, change);
      if (!core.success) throw new Error(JSON.stringify(core.problems));

      // The page edits the model as stored (the preset as written: defaults left out).
      const page = insights.addToDraft({ model: structuredClone(PRESETS[DEFAULT_PRESET]), off: [] }, change);
      const parsed = parseModel(page.model);
      if (!parsed.success) throw new Error(JSON.stringify(parsed.problems));

      expect(parsed.model.fit.criteria).toEqual(core.model.fit.criteria);
      expect(parsed.model.intent.signals).toEqual(core.model.intent.signals);
      // Applied again, the page's draft is unchanged (a signal's points excepted: each click is a step).
      if (change.op !== 'signal-points') expect(insights.addToDraft(page, change)).toBeNull();
    });
});

function seg(kind: string, value: string) {
  return { kind, value, label: value, phrase: '' } as DraftSuggestion['segment'];
}
