/**
 * A fake of the service's settings API for the settings page's tests: `hubspot.fetch` calls
 * `self.hsFetch` (there is no built-in mock), so each test stubs it with routes by "METHOD /path"
 * and every request is recorded. What every page load asks for is answered by default: the
 * portal's owners, the approvals, the portal's property options (the sandbox's property catalog
 * read through the service's own `propertyOptions`) and the model check (the service's own
 * `checkModel`, i.e. the core's parser). Also the page helpers the tests share.
 */
import { createElement, type ComponentType } from 'react';
import { Alert, Button, LoadingButton, LoadingSpinner, NumberInput, Text } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { expect, vi } from 'vitest';
import { DEFAULT_PRESET, loadPreset } from '../../src/core/index.js';
import { HubSpotError } from '../../src/hubspot/crm-gateway-types.js';
import { checkModel, propertyOptions } from '../../src/jobs/portal-catalog.js';
import { builtInProperties } from '../../src/sandbox/property-catalog.js';

export const BASE = 'https://lq.example.com';
const PAGE = new URL('../../hubspot-app/src/app/settings/SettingsPage.tsx', import.meta.url).href;

/** The page, loaded by path: it is bundled by HubSpot, outside the service's TypeScript project. */
export async function loadSettingsPage() {
  return ((await import(PAGE)) as { SettingsPage: ComponentType<{ context: unknown }> }).SettingsPage;
}

/** The portal's property definitions as the sandbox (HubSpot's defaults) has them, through the service. */
export const catalogGateway = {
  propertyDefinition: (objectType: 'contacts' | 'companies', name: string) => {
    const p = builtInProperties(objectType).find((d) => d.name === name);
    if (!p) return Promise.reject(new HubSpotError('rejected', `Property ${name} does not exist`, 404));
    return Promise.resolve({
      name: p.name,
      label: p.label,
      type: p.type,
      options: p.options.map(({ value, label }) => ({ value, label })),
    });
  },
  listOwners: () => Promise.resolve([]),
};

export function propertyOptionsRoute(url: string): Promise<Reply> {
  const refs = (new URL(url).searchParams.get('properties') ?? '').split(',').filter(Boolean);
  return propertyOptions(catalogGateway, refs).then((body) => ({ status: 200, body }));
}

export function validateRoute(body: { model: unknown }): Reply {
  return { status: 200, body: checkModel(body.model) };
}

// ---------------------------------------------------------------------------------------------
// A fake of the service's settings API

export interface Reply {
  status: number;
  body: unknown;
}
export type Route = Reply | ((body: any, url: string) => Reply | Promise<Reply>) | Error;

export interface Call {
  method: string;
  url: string;
  path: string;
  body: any;
  timeout: number | undefined;
}

/** Answers `hubspot.fetch` by "METHOD /path"; a list of replies is used one per call, the last repeats. */
export function fakeService(own: Record<string, Route | Route[]>) {
  // What every page load also asks for: the portal's owners (routing) and the approvals.
  const routes: Record<string, Route | Route[]> = {
    'GET /settings/api/owners': ownersReply(),
    'GET /settings/api/approvals': approvalsReply(),
    'GET /settings/api/property-options': (_body: unknown, url: string) => propertyOptionsRoute(url),
    'POST /settings/api/validate': validateRoute,
    ...own,
  };
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
      const reply = typeof route === 'function' ? await route(options.body, url) : route;
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

export function ownersReply() {
  return {
    status: 200,
    body: {
      owners: [
        { id: '70000001', name: 'Anna Visser', email: 'anna@acme.example' },
        { id: '70000002', name: 'Bram de Wit', email: 'bram@acme.example' },
        { id: '70000005', name: 'Eva Schulz', email: 'eva@acme.example' },
      ],
      teams: [{ id: '1', name: 'New business', ownerIds: ['70000001', '70000002'] }],
    },
  };
}

export function approvalsReply(pending: unknown = null, singleApprover = false) {
  return {
    status: 200,
    body: {
      policy: { singleApprover, changedBy: null, changedAt: null },
      pending,
      recent: [],
    },
  };
}

export function model() {
  return structuredClone(loadPreset(DEFAULT_PRESET)) as any;
}

export function active(m = model(), overrides: Record<string, unknown> = {}) {
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

export function history() {
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

export function previewReply(overrides: Record<string, unknown> = {}) {
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

export const ok = (body: unknown, status = 200): Reply => ({ status, body });

export async function openPage() {
  const SettingsPage = await loadSettingsPage();
  const renderer = createRenderer('settings');
  renderer.render(createElement(SettingsPage, { context: renderer.mocks.context }));
  await renderer.waitFor(() => expect(renderer.maybeFind(LoadingSpinner)).toBeNull());
  return renderer;
}

export type Page = Awaited<ReturnType<typeof openPage>>;

export const numberInput = (page: Page, testId: string) => page.findByTestId(NumberInput, testId);
export const alertTitle = (page: Page) => page.maybeFind(Alert)?.props.title ?? null;
/** The text of every Text inside a node (a node's own `text` holds only its direct text). */
export const textsIn = (node: { findAll: Page['findAll'] }) =>
  node
    .findAll(Text)
    .map((t) => t.text ?? '')
    .join('\n');
export const alertText = (page: Page) => textsIn(page.find(Alert));

/**
 * The value an input hands its `onChange` handler. (`trigger`'s second parameter is typed as the
 * handler itself in @hubspot/ui-extensions 0.17.0, though at run time it is the handler's argument.)
 */
export const value = (v: string | number | boolean) => v as never;

/** Lets a handler's requests and state updates run. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Clicks a button; "preview" and "publish" are loading buttons, the others plain ones. */
export async function click(page: Page, testId: string) {
  const button =
    testId === 'preview' || testId === 'publish'
      ? page.findByTestId(LoadingButton, testId)
      : page.findByTestId(Button, testId);
  button.trigger('onClick');
  // Let the handler's requests and state updates run.
  await new Promise((resolve) => setTimeout(resolve, 0));
}
