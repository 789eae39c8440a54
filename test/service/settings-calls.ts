/** Calling the settings (and card) API the way hubspot.fetch does: signed v3, HubSpot's query added. */
import { expect } from 'vitest';
import { PRESETS } from '../../src/core/index.js';
import { hubSpotSignatureHeaders } from '../../src/hubspot/signature.js';
import { PUBLIC, SECRET, type Stack } from './helpers.js';

export interface CallOptions {
  /** The portal HubSpot names in the query (default the stack's). */
  portalId?: string;
  /** Which signatures ride along: hubspot.fetch sends v3 and v2 (default); `v2` alone is an old capture. */
  sign?: 'v3+v2' | 'v2' | 'none';
  /** The query HubSpot adds (default user 42, ops@acme.example, the app and the portal). */
  query?: string;
  timestamp?: number;
}

/** A request as hubspot.fetch sends it: HubSpot adds the portal and user to the signed URL. */
export function signedRequest(
  s: Stack,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  options: CallOptions = {},
) {
  const portalId = options.portalId ?? s.portalId;
  const added =
    options.query ?? `?userId=42&userEmail=ops%40acme.example&appId=${s.sandbox.appId}&portalId=${portalId}`;
  // HubSpot appends its parameters to the page's own query, if it has one.
  const query = path.includes('?') ? `&${added.slice(1)}` : added;
  const raw = body === undefined ? '' : JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const sign = options.sign ?? 'v3+v2';
  if (sign !== 'none') {
    const all = hubSpotSignatureHeaders({
      clientSecret: SECRET,
      method,
      uri: `${PUBLIC}${path}${query}`,
      rawBody: raw,
      timestamp: options.timestamp ?? Date.now(),
      legacyVersion: 'v2',
    });
    if (sign === 'v2') {
      delete all['X-HubSpot-Signature-v3'];
      delete all['X-HubSpot-Request-Timestamp'];
    }
    Object.assign(headers, all);
  }
  return {
    url: `${s.url}${path}${query}`,
    init: { method, headers, ...(method === 'POST' ? { body: raw } : {}) },
  };
}

export async function send(request: { url: string; init: RequestInit }) {
  const response = await fetch(request.url, request.init);
  return { status: response.status, json: (await response.json()) as any };
}

/** Calls the settings API the way hubspot.fetch does. */
export async function call(
  s: Stack,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  options: CallOptions = {},
) {
  return send(signedRequest(s, method, path, body, options));
}

export function modelWithIntentBar(value: number) {
  const model = structuredClone(PRESETS['seed-fit-intent']) as any;
  model.thresholds.mql.intent.value = value;
  model.version = `intent-bar-${value}`;
  return model;
}

export const SALES_USER = (s: Stack) => ({
  query: `?userId=7&userEmail=sam%40acme.example&appId=${s.sandbox.appId}&portalId=${s.portalId}`,
});

/**
 * Publishes (or rolls back to) a version as marketing does it: asked for by user 42 (the default
 * signed user), approved by user 7 from sales. Returns the approval's answer.
 */
export async function publishApproved(
  s: Stack,
  version: number,
  options: { kind?: 'publish' | 'rollback'; note?: string; reason?: string } = {},
) {
  const asked = await call(s, 'POST', `/settings/api/${options.kind ?? 'publish'}`, {
    version,
    ...(options.note ? { note: options.note } : {}),
    ...(options.reason ? { reason: options.reason } : {}),
  });
  expect(asked).toMatchObject({ status: 202, json: { state: 'awaiting_approval' } });
  return call(s, 'POST', '/settings/api/approve', { requestId: asked.json.request.id }, SALES_USER(s));
}

/** Scores the stack's contacts with strong signals and returns the ids of two MQLs (for the card). */
export async function twoMqls(s: Stack): Promise<[string, string]> {
  const ids = s.sandbox.data!.contacts.map((c) => c.id);
  for (const id of ids)
    for (const type of ['demo_requested', 'trial_started'])
      await s.service.store.contacts.recordSignal(
        {
          portalId: s.portalId,
          contactId: id,
          type,
          occurredAt: Date.now() - 86_400_000,
          source: 'test',
          idempotencyKey: `t-${id}-${type}`,
          recordedAt: Date.now(),
        },
        { portalId: s.portalId, contactId: id, reason: 'signal' },
      );
  await s.service.worker.drain();
  const evaluations = await s.service.store.contacts.latestEvaluations(s.portalId, ids);
  const mqls = [...evaluations.values()].filter((e) => e.qualification === 'mql').map((e) => e.contactId);
  expect(mqls.length).toBeGreaterThanOrEqual(2);
  return [mqls[0]!, mqls[1]!];
}

/** Scores the stack's contacts once with a signal each, so the store holds a history. */
export async function scoreAll(s: Stack) {
  const ids = s.sandbox.data!.contacts.map((c) => c.id);
  for (const [i, id] of ids.entries())
    await s.service.store.contacts.recordSignal(
      {
        portalId: s.portalId,
        contactId: id,
        type: ['demo_requested', 'pricing_page_viewed', 'trial_started'][i % 3]!,
        occurredAt: Date.now() - 86_400_000,
        source: 'test',
        idempotencyKey: `t-${id}`,
        recordedAt: Date.now(),
      },
      { portalId: s.portalId, contactId: id, reason: 'signal' },
    );
  await s.service.worker.drain();
}
