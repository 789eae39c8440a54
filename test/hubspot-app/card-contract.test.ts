/**
 * The contact card and the service agree: every path the card calls is a service route, every body
 * it sends passes the route's own schema, its limits are the service's, and its service URL is the
 * project's. Then the card's own api module against the real service (in-process, on the sandbox,
 * requests signed as hubspot.fetch signs them): Accept from the card does what the *Sales
 * decision* workflow action does.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CARD_ROUTES, DecisionBody, DisputeBody } from '../../src/http/card-routes.js';
import { SETTINGS_ROUTES } from '../../src/http/settings-routes.js';
import { DISPUTE_REASON_MAX, NOTE_MAX } from '../../src/jobs/contact-card.js';
import { decide } from '../service/feedback-helpers.js';
import { type Stack, startStack } from '../service/helpers.js';
import { signedRequest, twoMqls } from '../service/settings-calls.js';
import { serviceCard, stubService } from './card-fakes.js';
import { FILES, readComponent, SOURCE_DIR } from './helpers.js';

// Loaded by path: bundled by HubSpot, outside the service's TypeScript project.
const API = new URL('../../hubspot-app/src/app/cards/card-api.ts', import.meta.url).href;
const VIEW = new URL('../../hubspot-app/src/app/cards/card-view.ts', import.meta.url).href;
let api: any;
let view: any;
beforeAll(async () => {
  [api, view] = await Promise.all([import(API), import(VIEW)]);
});

let stack: Stack | undefined;
afterEach(async () => {
  vi.unstubAllGlobals();
  await stack?.close();
  stack = undefined;
});

const constantIn = async (file: string) =>
  /export const SERVICE_URL = '([^']+)';/.exec(await readFile(path.join(SOURCE_DIR, file), 'utf8'))![1];

describe('the card matches the service', () => {
  it('when the card calls the service, then each path is a service route: the three card routes and the owners list', () => {
    const { owners, ...card } = api.CARD_PATHS;
    expect(card).toEqual(CARD_ROUTES);
    expect(owners).toBe(SETTINGS_ROUTES.owners);
  });

  it('when the card sends an accept, a return (with and without a note) or a dispute, then the route’s own schema accepts the body as sent', async () => {
    const calls = stubService({
      'POST /card/api/decision': { status: 202, body: { recorded: true } },
      'POST /card/api/dispute': { status: 201, body: { dispute: {} } },
    });
    await api.cardApi.decide('901', { decision: 'accept' });
    await api.cardApi.decide('901', view.returnDecision({ reason: 'no_budget', note: ' next year ' }));
    await api.cardApi.decide('901', view.returnDecision({ reason: 'wrong_timing', note: '  ' }));
    await api.cardApi.dispute('901', 'A student project');

    const decisions = calls.to('POST', CARD_ROUTES.decision).map((r) => r.body);
    expect(decisions).toEqual([
      { contactId: '901', decision: 'accept' },
      { contactId: '901', decision: 'return', reason: 'no_budget', note: 'next year' },
      { contactId: '901', decision: 'return', reason: 'wrong_timing' },
    ]);
    for (const body of decisions) expect(DecisionBody.safeParse(body).error).toBeUndefined();
    const [dispute] = calls.to('POST', CARD_ROUTES.dispute);
    expect(DisputeBody.safeParse(dispute!.body).error).toBeUndefined();
  });

  it('when the card checks a note or dispute’s length, then its limits are the service’s', () => {
    expect(view.NOTE_MAX).toBe(NOTE_MAX);
    expect(view.DISPUTE_REASON_MAX).toBe(DISPUTE_REASON_MAX);
    expect(view.disputeProblem('x'.repeat(DISPUTE_REASON_MAX))).toBeNull();
    expect(
      DisputeBody.safeParse({ contactId: '1', reason: 'x'.repeat(DISPUTE_REASON_MAX + 1) }).success,
    ).toBe(false);
    expect(view.disputeProblem('x'.repeat(DISPUTE_REASON_MAX + 1))).toBe(
      `At most ${DISPUTE_REASON_MAX} characters.`,
    );
  });

  it('when the card reads the service’s card, then a card made by the core passes, and its base URL is the project’s, which the app may fetch', async () => {
    expect(api.readCard(serviceCard())).toMatchObject({ contactId: '123' });
    const base = await constantIn(FILES.serviceUrl);
    expect(await constantIn(FILES.cardServiceUrl)).toBe(base);
    expect((await readComponent(FILES.app)).config.permittedUrls.fetch).toContain(new URL(base!).origin);
  });
});

/** hubspot.fetch as HubSpot runs it: the request signed (v3) with the portal and user added, sent to the stack. */
function hubSpotFetchTo(s: Stack, base: string) {
  vi.stubGlobal('self', {
    hsFetch: async (url: string, init: { method?: 'GET' | 'POST'; body?: unknown }) => {
      expect(url.startsWith(base)).toBe(true);
      const request = signedRequest(s, init.method ?? 'GET', url.slice(base.length), init.body);
      return fetch(request.url, request.init);
    },
  });
}

describe('the card against the real service', () => {
  it('when sales accepts from the card, then the contact becomes an SQL exactly as the Sales decision action makes it', async () => {
    stack = await startStack({ contacts: 40 });
    const [fromCard, fromWorkflow] = await twoMqls(stack);
    hubSpotFetchTo(stack, (await constantIn(FILES.cardServiceUrl))!);

    const before = await api.cardApi.load(fromCard);
    expect(before).toMatchObject({
      contactId: fromCard,
      qualification: 'mql',
      sla: { kind: 'acceptance', closedAt: null },
    });
    expect(await api.cardApi.decide(fromCard, { decision: 'accept' })).toEqual({
      recorded: true,
      decision: 'accept',
      reason: null,
    });
    await decide(stack, fromWorkflow, { decision: 'accept' });
    await stack.service.worker.drain();

    const decided = (id: string) => {
      const props = stack!.sandbox.state.get('contacts', id)!.properties;
      return Object.fromEntries(
        [
          'lifecyclestage',
          'hs_lead_status',
          'lq_sales_decision',
          'lq_lost_reason',
          'lq_renurture_track',
          'lq_qualification',
        ].map((k) => [k, props[k] ?? null]),
      );
    };
    expect(decided(fromCard)).toMatchObject({
      lifecyclestage: 'salesqualifiedlead',
      lq_sales_decision: 'accepted',
    });
    expect(decided(fromCard)).toEqual(decided(fromWorkflow));
    const after = await api.cardApi.load(fromCard);
    expect(after.sla).toMatchObject({ kind: 'follow_up', closedAt: null });

    // A contact the service never scored: the card hears a 404 naming contactId.
    await expect(api.cardApi.decide('987654321', { decision: 'accept' })).rejects.toMatchObject({
      status: 404,
      code: 'not_found',
      problems: [{ path: '$.contactId' }],
    });
  });
});
