/**
 * A fake of the service's settings API for the settings page's renderer tests: `hubspot.fetch`
 * calls `self.hsFetch` (there is no built-in mock), so each test stubs it with routes by
 * "METHOD /path" and reads back every request. Also the answers most tests start from: the
 * model in force, its history, the portal's owners and the approvals.
 */
import { createElement, type ComponentType } from 'react';
import { LoadingSpinner, Text } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { expect, vi } from 'vitest';
import { DEFAULT_PRESET, loadPreset } from '../../src/core/index.js';

export interface Reply {
  status: number;
  body: unknown;
}
export type Route = Reply | ((body: any) => Reply | Promise<Reply>) | Error;

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
      const reply = typeof route === 'function' ? await route(options.body) : route;
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

// ---------------------------------------------------------------------------------------------
// Rendering the page

const PAGE = new URL('../../hubspot-app/src/app/settings/SettingsPage.tsx', import.meta.url).href;
let page: ComponentType<{ context: unknown }> | undefined;

/** Renders the settings page (loaded by path: HubSpot bundles it, outside the service's project). */
export async function renderSettingsPage() {
  page ??= ((await import(PAGE)) as { SettingsPage: ComponentType<{ context: unknown }> }).SettingsPage;
  const renderer = createRenderer('settings');
  renderer.render(createElement(page, { context: renderer.mocks.context }));
  await renderer.waitFor(() => expect(renderer.maybeFind(LoadingSpinner)).toBeNull());
  return renderer;
}
export type RenderedPage = Awaited<ReturnType<typeof renderSettingsPage>>;

/** The text of every Text inside a node, a line each. */
export const textIn = (node: { findAll: RenderedPage['findAll'] }) =>
  node
    .findAll(Text)
    .map((t) => t.text ?? '')
    .join('\n');

export const ok = (body: unknown, status = 200): Reply => ({ status, body });
/** What an input hands its onChange handler (typed as the handler itself in 0.17.0). */
export const inputValue = (v: string | number) => v as never;
/** Lets a handler's requests and state updates run. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
