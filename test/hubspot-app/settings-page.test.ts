/**
 * The settings page, rendered with HubSpot's own test renderer for the `settings` extension point.
 * `hubspot.fetch` calls `self.hsFetch` (there is no built-in mock), so each test stubs it with a
 * small fake of the service's settings API that records every request.
 */
import { createElement, type ComponentType } from 'react';
import {
  Alert,
  BarChart,
  Input,
  LoadingSpinner,
  NumberInput,
  Select,
  StatisticsItem,
  Table,
  Text,
  TextArea,
  Toggle,
  Button,
  LoadingButton,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_PRESET, loadPreset } from '../../src/core/index.js';

const BASE = 'https://lq.example.com';
const PAGE = new URL('../../hubspot-app/src/app/settings/SettingsPage.tsx', import.meta.url).href;

let SettingsPage: ComponentType<{ context: unknown }>;
beforeAll(async () => {
  // Loaded by path: the page is bundled by HubSpot, outside the service's TypeScript project.
  ({ SettingsPage } = (await import(PAGE)) as { SettingsPage: ComponentType<{ context: unknown }> });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

// ---------------------------------------------------------------------------------------------
// A fake of the service's settings API

interface Reply {
  status: number;
  body: unknown;
}
type Route = Reply | ((body: any) => Reply) | Error;

interface Call {
  method: string;
  url: string;
  path: string;
  body: any;
  timeout: number | undefined;
}

/** Answers `hubspot.fetch` by "METHOD /path"; a list of replies is used one per call, the last repeats. */
function fakeService(routes: Record<string, Route | Route[]>) {
  const calls: Call[] = [];
  const used = new Map<string, number>();
  const hsFetch = vi.fn(
    async (url: string, options: { method?: string; body?: unknown; timeout?: number } = {}) => {
      const method = options.method ?? 'GET';
      const path = new URL(url).pathname;
      calls.push({ method, url, path, body: options.body, timeout: options.timeout });
      const key = `${method} ${path}`;
      const entry = routes[key];
      if (entry === undefined) throw new Error(`unexpected request ${key}`);
      const list = Array.isArray(entry) ? entry : [entry];
      const n = used.get(key) ?? 0;
      used.set(key, n + 1);
      const route = list[Math.min(n, list.length - 1)]!;
      if (route instanceof Error) throw route;
      const reply = typeof route === 'function' ? route(options.body) : route;
      return new Response(JSON.stringify(reply.body), {
        status: reply.status,
        headers: { 'content-type': 'application/json' },
      });
    },
  );
  vi.stubGlobal('self', { hsFetch });
  return {
    calls,
    requests: (method: string, path: string) => calls.filter((c) => c.method === method && c.path === path),
  };
}

function model() {
  return structuredClone(loadPreset(DEFAULT_PRESET)) as any;
}

function active(m = model(), overrides: Record<string, unknown> = {}) {
  return {
    status: 200,
    body: {
      active: {
        storedVersion: 6,
        isDefault: false,
        model: m,
        label: `${m.version}#6`,
        publishedAt: Date.UTC(2026, 10, 2, 9, 30),
        publishedBy: 'ops@acme.example',
        agreedBy: 'Dana (Head of Sales)',
        note: 'Raised the intent bar',
        ...overrides,
      },
      presets: ['seed-fit-intent', 'seed-industrial'],
    },
  };
}

function history() {
  const at = (day: number) => Date.UTC(2026, 10, day, 10, 0);
  const v = (version: number, status: string, extra: Record<string, unknown> = {}) => ({
    version,
    status,
    label: `seed-fit-intent@1#${version}`,
    createdBy: 'ops@acme.example',
    createdAt: at(version),
    publishedBy: status === 'draft' ? null : 'ops@acme.example',
    publishedAt: status === 'draft' ? null : at(version),
    agreedBy: null,
    note: null,
    ...extra,
  });
  return {
    status: 200,
    body: {
      versions: [
        v(7, 'draft'),
        v(6, 'published', { agreedBy: 'Dana' }),
        v(5, 'archived', { note: 'Q3 model' }),
      ],
    },
  };
}

function previewReply(overrides: Record<string, unknown> = {}) {
  const side = (qualification: string, fitScore: number, intentScore: number, explanation: string[]) => ({
    qualification,
    fitScore,
    intentScore,
    explanation,
  });
  return {
    status: 200,
    body: {
      contacts: 240,
      before: { mql: 12, iql: 8, nurture: 200, disqualified: 20 },
      after: { mql: 15, iql: 8, nurture: 196, disqualified: 21 },
      mqlIn: 4,
      mqlOut: 1,
      newlyDisqualified: 1,
      changed: 6,
      sample: [
        {
          contactId: '901',
          before: side('nurture', 55, 60, ['+25 Industry: Computer Software', '+30 Demo requested']),
          after: side('mql', 65, 60, ['+35 Industry: Computer Software', '+30 Demo requested']),
        },
      ],
      tookMs: 42,
      ...overrides,
    },
  };
}

const ok = (body: unknown, status = 200): Reply => ({ status, body });

async function openPage() {
  const renderer = createRenderer('settings');
  renderer.render(createElement(SettingsPage, { context: renderer.mocks.context }));
  await renderer.waitFor(() => expect(renderer.maybeFind(LoadingSpinner)).toBeNull());
  return renderer;
}

type Page = Awaited<ReturnType<typeof openPage>>;

const numberInput = (page: Page, testId: string) => page.findByTestId(NumberInput, testId);
const alertTitle = (page: Page) => page.maybeFind(Alert)?.props.title ?? null;
/** The text of every Text inside a node (a node's own `text` holds only its direct text). */
const textsIn = (node: { findAll: Page['findAll'] }) =>
  node
    .findAll(Text)
    .map((t) => t.text ?? '')
    .join('\n');
const alertText = (page: Page) => textsIn(page.find(Alert));

/**
 * The value an input hands its `onChange` handler. (`trigger`'s second parameter is typed as the
 * handler itself in @hubspot/ui-extensions 0.17.0, though at run time it is the handler's argument.)
 */
const value = (v: string | number | boolean) => v as never;

/** Clicks a button; "preview" and "publish" are loading buttons, the others plain ones. */
async function click(page: Page, testId: string) {
  const button =
    testId === 'preview' || testId === 'publish'
      ? page.findByTestId(LoadingButton, testId)
      : page.findByTestId(Button, testId);
  button.trigger('onClick');
  // Let the handler's requests and state updates run.
  await new Promise((resolve) => setTimeout(resolve, 0));
}

// ---------------------------------------------------------------------------------------------

describe('settings page', () => {
  it('when the page opens, then it loads the model in force and its history from the service, without adding the portal itself', async () => {
    const service = fakeService({
      'GET /settings/api/model': active(),
      'GET /settings/api/versions': history(),
    });
    const page = await openPage();

    expect(service.calls.map((c) => `${c.method} ${c.url}`).sort()).toEqual([
      `GET ${BASE}/settings/api/model`,
      `GET ${BASE}/settings/api/versions`,
    ]);
    expect(
      page.findAll(Text).some((t) => t.text === 'In force: version 6 — Seed: fit + intent (B2B software)'),
    ).toBe(true);
    expect(numberInput(page, 'mql-fit-value').props.value).toBe(60);
    expect(page.findByTestId(Select, 'mql-intent-operator').props.value).toBe('>');
    expect(numberInput(page, 'criterion-points-industry').props.value).toBe(25);
    expect(numberInput(page, 'signal-points-sales_no_interest').props.value).toBe(-50);
    expect(numberInput(page, 'signal-expires-days-demo_requested').props.value).toBe(90);
    expect(page.findByTestId(Toggle, 'disqualifier-on-free_email').props.checked).toBe(true);
    // Only an archived version can be rolled back to.
    expect(page.maybeFindByTestId(Button, 'rollback-5')).not.toBeNull();
    expect(page.maybeFindByTestId(Button, 'rollback-6')).toBeNull();
    expect(page.maybeFindByTestId(Button, 'rollback-7')).toBeNull();
  });

  it('when the service cannot be reached while loading, then the page says so and loads on "Try again"', async () => {
    const service = fakeService({
      'GET /settings/api/model': [new Error('connect ETIMEDOUT'), active()],
      'GET /settings/api/versions': history(),
    });
    const renderer = createRenderer('settings');
    renderer.render(createElement(SettingsPage, { context: renderer.mocks.context }));
    await renderer.waitFor(() => expect(renderer.maybeFind(Alert)).not.toBeNull());

    expect(renderer.find(Alert).props.title).toBe('The qualification model could not be loaded');
    expect(renderer.find(Alert).text).toContain(
      'Could not reach the lead-qualification service at https://lq.example.com',
    );
    renderer.findByTestId(Button, 'retry-load').trigger('onClick');
    await renderer.waitFor(() =>
      expect(renderer.maybeFindByTestId(NumberInput, 'mql-fit-value')).not.toBeNull(),
    );
    expect(service.requests('GET', '/settings/api/model')).toHaveLength(2);
  });

  it('when points are edited and previewed, then the whole model is sent with only that change, and the numbers and chart are shown', async () => {
    const original = model();
    const service = fakeService({
      'GET /settings/api/model': active(original),
      'GET /settings/api/versions': history(),
      'POST /settings/api/preview': previewReply(),
    });
    const page = await openPage();

    numberInput(page, 'criterion-points-industry').trigger('onChange', value(35));
    page.findByTestId(Select, 'mql-fit-operator').trigger('onChange', value('>='));
    await click(page, 'preview');
    await page.waitFor(() => expect(page.maybeFind(BarChart)).not.toBeNull());

    const [request] = service.requests('POST', '/settings/api/preview');
    const expected = structuredClone(original);
    expected.fit.criteria[0].points = 35;
    expected.thresholds.mql.fit.operator = '>=';
    expect(request!.body).toEqual({ model: expected });

    const stat = (label: string) => page.find(StatisticsItem, { label }).props.number;
    expect(stat('MQLs now → with your changes')).toBe('12 → 15');
    expect(stat('Become MQL')).toBe(4);
    expect(stat('Stop being MQL')).toBe(1);
    expect(stat('Newly disqualified')).toBe(1);
    expect(page.find(BarChart).props.data).toContainEqual({
      qualification: 'MQL',
      when: 'Now',
      contacts: 12,
    });
    expect(page.find(BarChart).props.data).toContainEqual({
      qualification: 'MQL',
      when: 'With your changes',
      contacts: 15,
    });
    const samples = textsIn(page.findAll(Table).at(-2)!);
    expect(samples).toContain('+35 Industry: Computer Software');
    expect(samples).toContain('+25 Industry: Computer Software');
  });

  it('when a value is out of range or not whole, then the field says why and nothing is sent', async () => {
    const service = fakeService({
      'GET /settings/api/model': active(),
      'GET /settings/api/versions': history(),
    });
    const page = await openPage();

    numberInput(page, 'criterion-points-region').trigger('onChange', value(150));
    numberInput(page, 'signal-points-trial_started').trigger('onChange', value(12.5));
    numberInput(page, 'signal-full-days-pricing_page_viewed').trigger('onChange', value(120));
    await click(page, 'preview');

    expect(numberInput(page, 'criterion-points-region').props).toMatchObject({
      error: true,
      validationMessage: 'Points must be a whole number between -100 and 100.',
    });
    expect(numberInput(page, 'signal-points-trial_started').props.validationMessage).toBe(
      'Points must be a whole number between -100 and 100.',
    );
    expect(numberInput(page, 'signal-full-days-pricing_page_viewed').props.validationMessage).toBe(
      'Full points cannot last longer than the signal counts at all (90 days).',
    );
    expect(alertTitle(page)).toBe('Fix the highlighted fields first');
    expect(alertText(page)).toContain(
      'Fit criterion "Region": points: Points must be a whole number between -100 and 100.',
    );
    expect(service.calls.filter((c) => c.method === 'POST')).toEqual([]);
    // The typed values stay, so the user can correct them.
    expect(numberInput(page, 'criterion-points-region').props.value).toBe(150);
  });

  it('when a disqualifier is switched off and the service refuses another one, then the problem shows next to the right field', async () => {
    const original = model();
    const service = fakeService({
      'GET /settings/api/model': active(original),
      'GET /settings/api/versions': history(),
      'POST /settings/api/preview': ok(
        {
          error: 'invalid_model',
          message: 'The model is invalid; nothing was saved.',
          problems: [{ path: '$.disqualifiers[0].reason', message: 'must be at most 80 characters' }],
        },
        422,
      ),
    });
    const page = await openPage();

    page.findByTestId(Toggle, 'disqualifier-on-too_small').trigger('onChange', value(false));
    await click(page, 'preview');
    await page.waitFor(() => expect(alertTitle(page)).toBe('The preview failed'));

    // The switched-off disqualifier is left out, so the service's [0] is the draft's free_email.
    const [request] = service.requests('POST', '/settings/api/preview');
    expect(request!.body.model.disqualifiers.map((d: { id: string }) => d.id)).toEqual(['free_email']);
    expect(page.findByTestId(Input, 'disqualifier-reason-free_email').props).toMatchObject({
      error: true,
      validationMessage: 'must be at most 80 characters',
    });
    expect(page.findByTestId(Input, 'disqualifier-reason-too_small').props.error).toBe(false);
    expect(alertText(page)).toContain(
      'Disqualifier "Free e-mail domain": reason: must be at most 80 characters',
    );
  });

  it('when publishing, then the draft is saved and published with the note and who in sales agreed', async () => {
    const service = fakeService({
      'GET /settings/api/model': [active(), active(undefined, { storedVersion: 8 })],
      'GET /settings/api/versions': history(),
      'POST /settings/api/drafts': ok({ version: 8, status: 'draft' }, 201),
      'POST /settings/api/publish': (body) =>
        ok({ version: body.version, status: 'published', rescoreEnqueued: 42 }),
    });
    const page = await openPage();

    numberInput(page, 'mql-intent-value').trigger('onChange', value(45));
    page
      .findByTestId(TextArea, 'publish-note')
      .trigger('onChange', value('Lower intent bar for Q1 campaigns'));
    page.findByTestId(Input, 'publish-agreed-by').trigger('onChange', value('Dana Jansen (Head of Sales)'));
    await click(page, 'publish');
    await page.waitFor(() => expect(alertTitle(page)).toBe('Version 8 is in force'));

    const [draft] = service.requests('POST', '/settings/api/drafts');
    expect(draft!.body.model.thresholds.mql.intent).toEqual({ operator: '>', value: 45 });
    expect(service.requests('POST', '/settings/api/publish').map((c) => c.body)).toEqual([
      { version: 8, note: 'Lower intent bar for Q1 campaigns', agreedBy: 'Dana Jansen (Head of Sales)' },
    ]);
    expect(alertText(page)).toContain('42 contacts whose qualification changes will be rescored');
    // The page reloads what is now in force and empties the form.
    await page.waitFor(() => expect(service.requests('GET', '/settings/api/model')).toHaveLength(2));
    expect(page.findByTestId(TextArea, 'publish-note').props.value).toBe('');
  });

  it('when saving fails, then an alert explains it, every edit is kept, and a retry publishes', async () => {
    const service = fakeService({
      'GET /settings/api/model': active(),
      'GET /settings/api/versions': history(),
      'POST /settings/api/drafts': [
        ok({ error: 'store_unavailable', message: 'The database is unavailable.' }, 503),
        ok({ version: 9, status: 'draft' }, 201),
      ],
      'POST /settings/api/publish': [
        ok({ error: 'internal', message: 'Something broke.' }, 500),
        ok({ version: 9, status: 'published', rescoreEnqueued: 1 }),
      ],
    });
    const page = await openPage();

    numberInput(page, 'criterion-points-decision_maker').trigger('onChange', value(40));
    page.findByTestId(Input, 'criterion-label-decision_maker').trigger('onChange', value('Decision maker'));
    page.findByTestId(TextArea, 'publish-note').trigger('onChange', value('Roles matter more'));
    await click(page, 'publish');
    await page.waitFor(() => expect(alertTitle(page)).toBe('The model could not be saved'));

    expect(page.find(Alert).props.variant).toBe('error');
    expect(alertText(page)).toContain('cannot reach its database');
    expect(alertText(page)).toContain('Your edits are kept');
    expect(numberInput(page, 'criterion-points-decision_maker').props.value).toBe(40);
    expect(page.findByTestId(Input, 'criterion-label-decision_maker').props.value).toBe('Decision maker');
    expect(page.findByTestId(TextArea, 'publish-note').props.value).toBe('Roles matter more');
    expect(service.requests('POST', '/settings/api/publish')).toEqual([]);

    // Saved this time, but publishing fails: the draft number is kept for the retry.
    await click(page, 'publish');
    await page.waitFor(() =>
      expect(alertTitle(page)).toBe('Saved as draft version 9, but publishing failed'),
    );
    expect(alertText(page)).toContain('Something broke. (internal, HTTP 500)');

    await click(page, 'publish');
    await page.waitFor(() => expect(alertTitle(page)).toBe('Version 9 is in force'));
    expect(service.requests('POST', '/settings/api/drafts')).toHaveLength(2);
    expect(service.requests('POST', '/settings/api/publish').map((c) => c.body.version)).toEqual([9, 9]);
    expect(alertText(page)).toContain('1 contact whose qualification changes will be rescored');
  });

  it('when rolling back, then the chosen archived version is published again with the reason', async () => {
    const service = fakeService({
      'GET /settings/api/model': active(),
      'GET /settings/api/versions': history(),
      'POST /settings/api/rollback': (body) =>
        ok({ version: body.version, status: 'published', rescoreEnqueued: 17 }),
    });
    const page = await openPage();

    await click(page, 'rollback-5');
    expect(page.findAll(Text).some((t) => (t.text ?? '').startsWith('Roll back to version 5?'))).toBe(true);
    page
      .findByTestId(Input, 'rollback-note')
      .trigger('onChange', value('Too many MQLs for sales to follow up'));
    await click(page, 'rollback-confirm');
    await page.waitFor(() => expect(alertTitle(page)).toBe('Rolled back: version 5 is in force again'));

    expect(service.requests('POST', '/settings/api/rollback').map((c) => c.body)).toEqual([
      { version: 5, note: 'Too many MQLs for sales to follow up' },
    ]);
    expect(alertText(page)).toContain('17 contacts will be rescored');
    expect(page.maybeFindByTestId(Button, 'rollback-confirm')).toBeNull();
  });
});
