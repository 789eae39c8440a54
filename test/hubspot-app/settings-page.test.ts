/**
 * The settings page, rendered with HubSpot's own test renderer for the `settings` extension point,
 * against a fake of the service's settings API (settings-fake.ts) that records every request. The
 * model tab first, then the funnel tab, whose answers are made by the service's own funnel maths
 * (`src/core/funnel.ts`).
 */
import { createElement, type ComponentType } from 'react';
import {
  Alert,
  BarChart,
  DateInput,
  DescriptionListItem,
  EmptyState,
  Input,
  LoadingSpinner,
  NumberInput,
  Select,
  StatisticsItem,
  Table,
  Tabs,
  Text,
  TextArea,
  Toggle,
  Button,
  MultiSelect,
  LoadingButton,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_PRESET,
  type FunnelDecision,
  type FunnelTimer,
  type FunnelTransition,
  funnelReport,
  loadPreset,
} from '../../src/core/index.js';
import {
  type Page,
  type Reply,
  BASE,
  active,
  alertText,
  alertTitle,
  approvalsReply,
  click,
  fakeService,
  history,
  loadSettingsPage,
  model,
  numberInput,
  ok,
  openPage,
  previewReply,
  textsIn,
  value,
} from './settings-fake.js';

let SettingsPage: ComponentType<{ context: unknown }>;
beforeAll(async () => {
  SettingsPage = await loadSettingsPage();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

// ---------------------------------------------------------------------------------------------

describe('settings page', () => {
  it('when the page opens, then it loads the model in force and its history from the service, without adding the portal itself', async () => {
    const service = fakeService({
      'GET /settings/api/model': active(),
      'GET /settings/api/versions': history(),
    });
    const page = await openPage();

    const catalog = (c: { path: string }) => c.path === '/settings/api/property-options';
    expect(
      service.calls.filter((c) => catalog(c)).map((c) => new URL(c.url).searchParams.get('properties')),
    ).toHaveLength(1);
    expect(
      service.calls
        .filter((c) => !catalog(c))
        .map((c) => `${c.method} ${c.url}`)
        .sort(),
    ).toEqual([
      `GET ${BASE}/settings/api/approvals`,
      `GET ${BASE}/settings/api/model`,
      `GET ${BASE}/settings/api/owners`,
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
    // Only the model was checked (a check saves nothing).
    expect(service.calls.filter((c) => c.method === 'POST').map((c) => c.path)).toEqual(
      expect.arrayContaining(['/settings/api/validate']),
    );
    expect(service.calls.filter((c) => c.method === 'POST' && c.path !== '/settings/api/validate')).toEqual(
      [],
    );
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

  it('when marketing publishes, then the draft is saved and sent for approval with the note, and nothing is in force until sales approves', async () => {
    const request = {
      id: 'req-1',
      version: 8,
      kind: 'publish',
      note: 'Lower intent bar for Q1 campaigns',
      requestedBy: 'ops@acme.example (user 1)',
      status: 'pending',
      decidedBy: null,
      decidedAt: null,
      approval: null,
      requestedAt: Date.UTC(2026, 10, 3, 9),
    };
    const renderer = createRenderer('settings');
    const me = String(renderer.mocks.context.user.id);
    const mine = { ...request, requestedByUserId: me };
    const service = fakeService({
      'GET /settings/api/model': active(),
      'GET /settings/api/versions': history(),
      'GET /settings/api/approvals': [
        approvalsReply(),
        approvalsReply({ ...mine, changes: [{ section: 'mql', text: 'MQL intent bar 50 → 45' }] }),
      ],
      'POST /settings/api/drafts': ok({ version: 8, status: 'draft' }, 201),
      'POST /settings/api/publish': ok({ state: 'awaiting_approval', request: mine }, 202),
    });
    renderer.render(createElement(SettingsPage, { context: renderer.mocks.context }));
    await renderer.waitFor(() => expect(renderer.maybeFind(LoadingSpinner)).toBeNull());
    const page = renderer;

    numberInput(page, 'mql-intent-value').trigger('onChange', value(45));
    page
      .findByTestId(TextArea, 'publish-note')
      .trigger('onChange', value('Lower intent bar for Q1 campaigns'));
    await click(page, 'publish');
    await page.waitFor(() => expect(alertTitle(page)).toBe('Version 8 is waiting for approval'));

    const [draft] = service.requests('POST', '/settings/api/drafts');
    expect(draft!.body.model.thresholds.mql.intent).toEqual({ operator: '>', value: 45 });
    // Who publishes and who approves are the signed users: the body names neither.
    expect(service.requests('POST', '/settings/api/publish').map((c) => c.body)).toEqual([
      { version: 8, note: 'Lower intent bar for Q1 campaigns' },
    ]);
    await page.waitFor(() => expect(textsIn(page)).toContain('MQL intent bar 50 → 45'));
    // The author sees who must approve, not an Approve button.
    expect(page.maybeFindByTestId(LoadingButton, 'approve')).toBeNull();
    expect(textsIn(page)).toContain('You asked for this: a colleague from sales approves it on this page.');
    expect(page.maybeFindByTestId(Input, 'publish-agreed-by')).toBeNull();
  });

  it('when a different HubSpot user approves the pending version, then it goes into force and the page reloads the model', async () => {
    const pending = {
      id: 'req-9',
      version: 8,
      kind: 'publish',
      note: 'Pharma fits',
      requestedBy: 'ops@acme.example (user 1)',
      requestedByUserId: '99999',
      requestedAt: Date.UTC(2026, 10, 3, 9),
      status: 'pending',
      decidedBy: null,
      decidedAt: null,
      approval: null,
      changes: [{ section: 'fit', text: 'added industry Pharmaceuticals (+25)' }],
    };
    const service = fakeService({
      'GET /settings/api/model': [active(), active(undefined, { storedVersion: 8 })],
      'GET /settings/api/versions': history(),
      'GET /settings/api/approvals': [approvalsReply(pending), approvalsReply()],
      'POST /settings/api/approve': (body) =>
        ok({
          state: 'published',
          version: 8,
          status: 'published',
          rescoreEnqueued: 3,
          approval: { mode: 'two-person', approvedBy: 'sam@acme.example (user 7)' },
          request: { ...pending, id: body.requestId, status: 'approved' },
        }),
    });
    const page = await openPage();
    await page.waitFor(() => expect(page.maybeFindByTestId(LoadingButton, 'approve')).not.toBeNull());
    expect(textsIn(page)).toContain('added industry Pharmaceuticals (+25)');

    page.findByTestId(LoadingButton, 'approve').trigger('onClick');
    await page.waitFor(() => expect(alertTitle(page)).toBe('Version 8 is in force'));

    expect(service.requests('POST', '/settings/api/approve').map((c) => c.body)).toEqual([
      { requestId: 'req-9' },
    ]);
    await page.waitFor(() => expect(service.requests('GET', '/settings/api/model')).toHaveLength(2));
    await page.waitFor(() => expect(page.maybeFindByTestId(LoadingButton, 'approve')).toBeNull());
  });

  it('when sales declines, or the portal relaxes the rule to one approver, then the service is told and the page follows', async () => {
    const pending = {
      id: 'req-3',
      version: 8,
      kind: 'rollback',
      note: null,
      requestedBy: 'ops@acme.example (user 1)',
      requestedByUserId: '99999',
      requestedAt: Date.UTC(2026, 10, 3, 9),
      status: 'pending',
      decidedBy: null,
      decidedAt: null,
      approval: null,
      changes: [],
    };
    const service = fakeService({
      'GET /settings/api/model': active(),
      'GET /settings/api/versions': history(),
      'GET /settings/api/approvals': [approvalsReply(pending), approvalsReply(), approvalsReply(null, true)],
      'POST /settings/api/decline': ok({ request: { ...pending, status: 'declined' } }),
      'POST /settings/api/approval-policy': (body) =>
        ok({ singleApprover: body.singleApprover, changedBy: 'sam', changedAt: 1 }),
    });
    const page = await openPage();
    await page.waitFor(() => expect(page.maybeFindByTestId(Button, 'decline')).not.toBeNull());

    await click(page, 'decline');
    await page.waitFor(() => expect(textsIn(page)).toContain('Nothing is waiting for approval.'));
    page.findByTestId(Toggle, 'single-approver').trigger('onChange', value(true));
    await page.waitFor(() => expect(page.findByTestId(Toggle, 'single-approver').props.checked).toBe(true));

    expect(service.requests('POST', '/settings/api/decline').map((c) => c.body)).toEqual([
      { requestId: 'req-3' },
    ]);
    expect(service.requests('POST', '/settings/api/approval-policy').map((c) => c.body)).toEqual([
      { singleApprover: true },
    ]);
  });

  it('when routing is edited, then owners come from the portal, a team adds its members, and owners and SLA hours are sent with the model', async () => {
    const service = fakeService({
      'GET /settings/api/model': active(),
      'GET /settings/api/versions': history(),
      'POST /settings/api/preview': previewReply(),
    });
    const page = await openPage();
    await page.waitFor(() =>
      expect(page.findByTestId(MultiSelect, 'routing-new-business-owners').props.options).toHaveLength(3),
    );

    page.findByTestId(Select, 'routing-add-team').trigger('onChange', value('1'));
    page.findByTestId(Select, 'routing-escalationOwner').trigger('onChange', value('70000005'));
    page.findByTestId(Select, 'routing-marketingOwner').trigger('onChange', value('70000002'));
    numberInput(page, 'sla-newBusiness').trigger('onChange', value(12));
    await click(page, 'preview');
    await page.waitFor(() => expect(service.requests('POST', '/settings/api/preview')).toHaveLength(1));

    const routing = service.requests('POST', '/settings/api/preview')[0]!.body.model.routing;
    expect(routing).toMatchObject({
      newBusinessOwners: ['70000001', '70000002'],
      escalationOwner: '70000005',
      marketingOwner: '70000002',
      slaHours: { newBusiness: 12 },
    });
    expect(page.findByTestId(MultiSelect, 'routing-new-business-owners').props.value).toEqual([
      '70000001',
      '70000002',
    ]);
  });

  it('when the service refuses routing values, then each problem shows next to its routing field', async () => {
    fakeService({
      'GET /settings/api/model': active(),
      'GET /settings/api/versions': history(),
      'POST /settings/api/preview': ok(
        {
          error: 'invalid_model',
          message: 'The model is invalid; nothing was saved.',
          problems: [
            { path: '$.routing.slaHours.salesAcceptance', message: 'must be more than 0' },
            { path: '$.routing.escalationOwner', message: 'must be a HubSpot owner id (digits)' },
          ],
        },
        422,
      ),
    });
    const page = await openPage();
    numberInput(page, 'sla-salesAcceptance').trigger('onChange', value(0));
    await click(page, 'preview');
    await page.waitFor(() => expect(alertTitle(page)).toBe('The preview failed'));

    expect(numberInput(page, 'sla-salesAcceptance').props).toMatchObject({
      error: true,
      validationMessage: 'must be more than 0',
    });
    expect(page.findByTestId(Select, 'routing-escalationOwner').props.validationMessage).toBe(
      'must be a HubSpot owner id (digits)',
    );
  });

  it('when "What changed" is clicked in the history, then the diff of that version against the one before is shown', async () => {
    const service = fakeService({
      'GET /settings/api/model': active(),
      'GET /settings/api/versions': history(),
      'GET /settings/api/diff': ok({
        changes: [
          { section: 'mql', text: 'MQL intent bar 50 → 40' },
          { section: 'fit', text: 'added industry Pharmaceuticals (+25)' },
        ],
        text: 'MQL intent bar 50 → 40; added industry Pharmaceuticals (+25)',
      }),
    });
    const page = await openPage();

    await click(page, 'diff-6');
    await page.waitFor(() => expect(textsIn(page)).toContain('added industry Pharmaceuticals (+25)'));

    expect(service.requests('GET', '/settings/api/diff').map((c) => new URL(c.url).search)).toEqual([
      '?from=5&to=6',
    ]);
    expect(textsIn(page)).toContain('From version 5 to version 6');
  });

  it('when the service refuses the portal or a repeated request, then the alert says what to do', async () => {
    const service = fakeService({
      'GET /settings/api/model': active(),
      'GET /settings/api/versions': history(),
      'POST /settings/api/drafts': [
        ok(
          {
            error: 'wrong_portal',
            message: 'This service serves HubSpot portal 1; the request is for portal 2.',
          },
          403,
        ),
        ok(
          { error: 'invalid_signature', message: 'replayed: This signed request was already received.' },
          401,
        ),
      ],
    });
    const page = await openPage();

    page.findByTestId(TextArea, 'publish-note').trigger('onChange', value('Roles matter more'));
    await click(page, 'publish');
    await page.waitFor(() => expect(alertTitle(page)).toBe('The model could not be saved'));
    expect(alertText(page)).toContain('serves another HubSpot portal');

    await click(page, 'publish');
    await page.waitFor(() => expect(alertText(page)).toContain('refused a repeated copy'));
    expect(service.requests('POST', '/settings/api/drafts')).toHaveLength(2);
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

// ---------------------------------------------------------------------------------------------
// The funnel tab

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const LOST_REASON_LABELS = Object.fromEntries(
  loadPreset(DEFAULT_PRESET).feedback.lostReasons.map((r) => [r.id, r.label]),
);

interface FakeMql {
  rules: string[];
  version?: string;
  decision?: { decision: 'accept' | 'return'; reason?: string };
  stage?: 'opportunity' | 'customer';
  followUp?: 'met' | 'breached';
}

/** The service's answer for a cohort of MQLs, computed by the service's own funnel maths. */
function funnelReply(mqls: FakeMql[], now = Date.now()) {
  const from = now - 28 * DAY;
  const transitions: FunnelTransition[] = [];
  const decisions: FunnelDecision[] = [];
  const timers: FunnelTimer[] = [];
  mqls.forEach((m, i) => {
    const contactId = `c${i}`;
    const at = now - 3 * DAY + i * 60_000;
    const modelVersion = m.version ?? 'seed-fit-intent@1';
    transitions.push({
      contactId,
      kind: 'lifecycle',
      from: 'lead',
      to: 'marketingqualifiedlead',
      at,
      modelVersion,
      cause: 'evaluation',
      details: { route: 'new-business', band: 'fit-high/intent-high', rules: m.rules },
    });
    if (m.decision) {
      const decidedAt = at + (m.decision.decision === 'accept' ? 5 : 7) * HOUR;
      decisions.push({ contactId, decidedAt, note: null, reason: null, ...m.decision });
      if (m.followUp)
        timers.push({
          contactId,
          kind: 'follow_up',
          startedAt: decidedAt,
          dueAt: decidedAt + 24 * HOUR,
          closedAt: m.followUp === 'met' ? decidedAt + 3 * HOUR : null,
          outcome: m.followUp,
        });
    }
    const stages = m.stage === 'customer' ? ['opportunity', 'customer'] : m.stage ? [m.stage] : [];
    stages.forEach((stage, n) =>
      transitions.push({
        contactId,
        kind: 'lifecycle',
        from: null,
        to: stage,
        at: at + (n + 1) * DAY,
        modelVersion,
        cause: 'hubspot',
      }),
    );
  });
  const report = funnelReport({
    transitions,
    decisions,
    timers,
    from,
    to: now,
    reasonLabels: LOST_REASON_LABELS,
  });
  return ok({ ...report, reasonLabels: LOST_REASON_LABELS });
}

const accept = { decision: 'accept' } as const;
const giveBack = (reason: string) => ({ decision: 'return' as const, reason });

/**
 * 42 MQLs, 32 accepted and 8 returned (2 await a decision). All MQLs have "industry". The ten
 * "webinar_attended" ones come back 6 times: 3.0× the cohort's 8 in 40. "pricing_page_viewed"
 * (5 MQLs, 2 back) is 2.0×; "demo_requested" (2.5×) has only 4 MQLs, too few to show. 8 SQLs became
 * opportunities, 3 of them customers; 2 of 10 follow-ups missed the SLA.
 */
function busyQuarter(): FakeMql[] {
  const returnReasons = [
    'unclear_mql',
    'unclear_mql',
    'unclear_mql',
    'no_budget',
    'no_budget',
    'wrong_timing',
  ];
  const out: FakeMql[] = [];
  for (let i = 0; i < 10; i++)
    out.push({
      rules: ['industry', 'webinar_attended', ...(i < 2 || i === 6 || i === 7 ? ['demo_requested'] : [])],
      decision: i < 6 ? giveBack(returnReasons[i]!) : accept,
    });
  for (let i = 0; i < 5; i++)
    out.push({
      rules: ['industry', 'pricing_page_viewed'],
      decision: i < 2 ? giveBack('no_budget') : accept,
    });
  for (let i = 0; i < 25; i++)
    out.push({
      rules: ['industry', 'company_size'],
      decision: accept,
      ...(i < 8 ? { stage: i < 3 ? ('customer' as const) : ('opportunity' as const) } : {}),
      ...(i < 10 ? { followUp: i < 8 ? ('met' as const) : ('breached' as const) } : {}),
    });
  out.push({ rules: ['industry'] }, { rules: ['industry'] });
  // The first 20 were made MQL by the previous model version.
  return out.map((m, i) => (i < 20 ? { ...m, version: 'seed-fit-intent@0' } : m));
}

/** Opens the funnel tab. */
async function openFunnel(page: Page) {
  page.find(Tabs).trigger('onSelectedChange', value('funnel'));
  await page.waitFor(() =>
    expect(
      page.maybeFindByTestId(BarChart, 'funnel-chart') ??
        page.maybeFindByTestId(EmptyState, 'funnel-empty') ??
        page.maybeFindByTestId(Alert, 'funnel-error'),
    ).not.toBeNull(),
  );
}

const funnelRequests = (service: ReturnType<typeof fakeService>) =>
  service.requests('GET', '/settings/api/funnel').map((c) => new URL(c.url));
const stat = (page: Page, label: string) => page.find(StatisticsItem, { label }).props.number;
const described = (page: Page, label: string) => textsIn(page.find(DescriptionListItem, { label }));
/** Every piece of text the page shows: Text, statistics and alerts. */
const everything = (page: Page) =>
  [
    ...page.findAll(Text).map((t) => t.text ?? ''),
    ...page.findAll(StatisticsItem).map((s) => String(s.props.number)),
    ...page.findAll(Alert).map((a) => a.text ?? ''),
  ].join('\n');

describe('settings page: the funnel tab', () => {
  it('when the funnel tab opens, then the last 28 days are asked for, by ISO dates and without the portal, and the funnel, its rates, lost reasons, warnings, rejecting rules and model versions are shown', async () => {
    const service = fakeService({
      'GET /settings/api/model': active(),
      'GET /settings/api/versions': history(),
      'GET /settings/api/funnel': funnelReply(busyQuarter()),
    });
    const page = await openPage();
    // Nothing is asked for until the tab is opened.
    expect(funnelRequests(service)).toEqual([]);

    const before = Date.now();
    await openFunnel(page);
    const [request] = funnelRequests(service);
    expect(`${request!.origin}${request!.pathname}`).toBe(`${BASE}/settings/api/funnel`);
    expect([...request!.searchParams.keys()]).toEqual(['from', 'to']);
    const from = request!.searchParams.get('from')!;
    const to = request!.searchParams.get('to')!;
    expect(new Date(from).toISOString()).toBe(from);
    expect(Date.parse(to)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(to)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(to) - Date.parse(from)).toBe(28 * DAY);
    expect(service.requests('GET', '/settings/api/funnel')[0]!.timeout).toBe(30_000);

    // The funnel as a chart, the rates as text.
    expect(page.findByTestId(BarChart, 'funnel-chart').props.data).toEqual([
      { stage: 'MQL', leads: 42 },
      { stage: 'SQL', leads: 32 },
      { stage: 'Opportunity', leads: 8 },
      { stage: 'Customer', leads: 3 },
    ]);
    expect(stat(page, 'MQLs')).toBe(42);
    expect(stat(page, 'MQL→SQL')).toBe('76.2%');
    expect(stat(page, 'SQL→Opportunity')).toBe('25%');
    expect(stat(page, 'SQL→Customer')).toBe('9.4%');
    expect(stat(page, 'Acceptance rate')).toBe('76.2%');
    expect(described(page, "Sales' decisions")).toBe('32 accepted, 8 returned, 2 awaiting a decision');
    expect(described(page, 'Median time to acceptance')).toBe('5 h');
    expect(described(page, 'Median time to follow-up')).toBe('3 h');
    expect(described(page, 'SLA breach rate')).toBe('20% (2 breaches)');

    // The lost reasons as a bar chart, with their shares.
    expect(page.findByTestId(BarChart, 'funnel-lost-reasons-chart').props.data).toEqual([
      { reason: 'No budget', leads: 4 },
      { reason: 'No idea why this is an MQL', leads: 3 },
      { reason: 'Wrong timing', leads: 1 },
    ]);
    const reasons = page
      .findByTestId(Table, 'funnel-lost-reasons')
      .findAll(Text)
      .map((t) => t.text);
    expect(reasons).toEqual([
      'No budget',
      '4',
      '50%',
      'No idea why this is an MQL',
      '3',
      '37.5%',
      'Wrong timing',
      '1',
      '12.5%',
    ]);

    // The seeds' warnings, as the service words them.
    expect(page.findAll(Alert).map((a) => a.props.testId)).toEqual([
      'funnel-warning-sql_to_opportunity_low',
      'funnel-warning-unclear_mql_reason',
      'funnel-warning-sla_breaches',
    ]);
    expect(page.findByTestId(Alert, 'funnel-warning-sql_to_opportunity_low').props.title).toBe(
      'SQL→Opportunity is below 40%',
    );
    expect(page.findByTestId(Alert, 'funnel-warning-sql_to_opportunity_low').text).toBe(
      'SQL→Opportunity is 25.0% (below 40%): "just looking" leads get through.',
    );
    expect(page.findByTestId(Alert, 'funnel-warning-unclear_mql_reason').props.title).toBe(
      '"No idea why this is an MQL" is a top lost reason',
    );

    // Only rules 1.5× or more, from at least 5 MQLs, named as the model names them.
    const rules = page
      .findByTestId(Table, 'funnel-rejecting-rules')
      .findAll(Text)
      .map((t) => t.text);
    expect(rules).toEqual([
      'webinar_attended',
      "Leads that qualified through 'webinar_attended' are returned 3.0× as often (6 of 10)",
      'Pricing page viewed',
      "Leads that qualified through 'pricing_page_viewed' are returned 2.0× as often (2 of 5)",
    ]);

    // By model version, the one in force marked.
    const versions = page
      .findByTestId(Table, 'funnel-by-model-version')
      .findAll(Text)
      .map((t) => t.text);
    expect(versions).toEqual([
      'seed-fit-intent@0',
      '20',
      '12',
      '60%',
      '60%',
      '8',
      'seed-fit-intent@1 (in force)',
      '22',
      '20',
      '90.9%',
      '90.9%',
      '0',
    ]);
    expect(page.findByTestId(Text, 'funnel-period-shown').text).toMatch(
      /^MQLs from \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d \(America\/New_York\), and what became of them by now\.$/,
    );
  });

  it('when a rate has no denominator, then it reads n/a, and nothing reads NaN or Infinity', async () => {
    fakeService({
      'GET /settings/api/model': active(),
      'GET /settings/api/versions': history(),
      // Three MQLs, no decision yet: no SQL, so SQL→anything has nothing to divide by.
      'GET /settings/api/funnel': funnelReply([
        { rules: ['industry'] },
        { rules: ['region'] },
        { rules: [] },
      ]),
    });
    const page = await openPage();
    await openFunnel(page);

    expect(stat(page, 'MQLs')).toBe(3);
    expect(stat(page, 'MQL→SQL')).toBe('0%');
    expect(stat(page, 'SQL→Opportunity')).toBe('n/a');
    expect(stat(page, 'SQL→Customer')).toBe('n/a');
    expect(stat(page, 'Acceptance rate')).toBe('0%');
    expect(described(page, 'Median time to acceptance')).toBe('n/a');
    expect(described(page, 'Median time to follow-up')).toBe('n/a');
    expect(described(page, 'SLA breach rate')).toBe('n/a');
    expect(page.findByTestId(Alert, 'funnel-warning-mql_to_sql_low').text).toContain('MQL→SQL is 0.0%');
    expect(everything(page)).toContain('Sales returned none of these MQLs.');
    expect(everything(page)).toContain('Sales has not decided on any of these MQLs yet.');
    expect(page.maybeFindByTestId(BarChart, 'funnel-lost-reasons-chart')).toBeNull();
    expect(everything(page)).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('when the period has no MQLs, then the tab says so instead of showing empty charts', async () => {
    fakeService({
      'GET /settings/api/model': active(),
      'GET /settings/api/versions': history(),
      'GET /settings/api/funnel': funnelReply([]),
    });
    const page = await openPage();
    await openFunnel(page);

    expect(page.findByTestId(EmptyState, 'funnel-empty').props.title).toBe('No MQLs in this period');
    expect(page.maybeFindByTestId(BarChart, 'funnel-chart')).toBeNull();
    expect(page.maybeFindByTestId(Table, 'funnel-by-model-version')).toBeNull();
    expect(everything(page)).not.toMatch(/NaN|Infinity|n\/a/);
  });

  it('when another period is chosen, then it is asked for: the last 7 days, or whole chosen days in the portal’s time zone', async () => {
    const service = fakeService({
      'GET /settings/api/model': active(),
      'GET /settings/api/versions': history(),
      'GET /settings/api/funnel': funnelReply(busyQuarter()),
    });
    const page = await openPage();
    await openFunnel(page);

    page.findByTestId(Select, 'funnel-period').trigger('onChange', value('7'));
    await page.waitFor(() => expect(funnelRequests(service)).toHaveLength(2));
    const week = funnelRequests(service)[1]!;
    expect(Date.parse(week.searchParams.get('to')!) - Date.parse(week.searchParams.get('from')!)).toBe(
      7 * DAY,
    );

    // Choosing dates starts from the days on show, then asks for each whole period chosen.
    page.findByTestId(Select, 'funnel-period').trigger('onChange', value('custom'));
    await page.waitFor(() => expect(funnelRequests(service)).toHaveLength(3));
    expect(page.findByTestId(DateInput, 'funnel-from').props.value).toMatchObject({
      year: expect.any(Number),
    });
    page
      .findByTestId(DateInput, 'funnel-from')
      .trigger('onChange', value({ year: 2026, month: 9, date: 1 } as never));
    page
      .findByTestId(DateInput, 'funnel-to')
      .trigger('onChange', value({ year: 2026, month: 10, date: 1 } as never));
    await page.waitFor(() => expect(funnelRequests(service)).toHaveLength(5));
    const chosen = funnelRequests(service)[4]!;
    // New York: 1 October starts at 04:00 UTC (summer time); 2 November at 05:00 UTC (winter time).
    expect(chosen.searchParams.get('from')).toBe('2026-10-01T04:00:00.000Z');
    expect(chosen.searchParams.get('to')).toBe('2026-11-02T05:00:00.000Z');
    expect(chosen.searchParams.has('portalId')).toBe(false);
    await page.waitFor(() =>
      expect(page.findByTestId(Text, 'funnel-period-shown').text).toContain(
        'MQLs from 2026-10-01 to 2026-11-01 (America/New_York)',
      ),
    );

    // A last day before the first: said at the field, nothing asked for.
    page
      .findByTestId(DateInput, 'funnel-to')
      .trigger('onChange', value({ year: 2026, month: 8, date: 30 } as never));
    expect(page.findByTestId(DateInput, 'funnel-to').props).toMatchObject({
      error: true,
      validationMessage: 'The last day cannot be before the first day.',
    });
    expect(page.findByTestId(LoadingButton, 'funnel-refresh').props.disabled).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(funnelRequests(service)).toHaveLength(5);
  });

  it('when the period is changed before the first answer came, then only the last chosen period is shown', async () => {
    let answerSlowly: (reply: Reply) => void = () => {};
    const slow = new Promise<Reply>((resolve) => (answerSlowly = resolve));
    const service = fakeService({
      'GET /settings/api/model': active(),
      'GET /settings/api/versions': history(),
      'GET /settings/api/funnel': [() => slow, funnelReply([])],
    });
    const page = await openPage();
    page.find(Tabs).trigger('onSelectedChange', value('funnel'));
    await page.waitFor(() => expect(funnelRequests(service)).toHaveLength(1));
    expect(page.maybeFind(LoadingSpinner)).not.toBeNull();

    page.findByTestId(Select, 'funnel-period').trigger('onChange', value('90'));
    await page.waitFor(() => expect(page.maybeFindByTestId(EmptyState, 'funnel-empty')).not.toBeNull());
    answerSlowly(funnelReply(busyQuarter()));
    await new Promise((resolve) => setTimeout(resolve, 10));

    expect(page.maybeFindByTestId(EmptyState, 'funnel-empty')).not.toBeNull();
    expect(page.maybeFindByTestId(BarChart, 'funnel-chart')).toBeNull();
    expect(page.findByTestId(LoadingButton, 'funnel-refresh').props.loading).toBe(false);
  });

  it('when the funnel cannot be loaded, then the tab shows an alert, the model tab keeps working, and Refresh loads it', async () => {
    const service = fakeService({
      'GET /settings/api/model': active(),
      'GET /settings/api/versions': history(),
      'POST /settings/api/preview': previewReply(),
      'GET /settings/api/funnel': [
        ok({ error: 'store_unavailable', message: 'The database is unavailable.' }, 503),
        funnelReply(busyQuarter()),
      ],
    });
    const page = await openPage();
    await openFunnel(page);

    const failure = page.findByTestId(Alert, 'funnel-error');
    expect(failure.props).toMatchObject({ title: 'The funnel could not be loaded', variant: 'error' });
    expect(failure.text).toContain('cannot reach its database');
    expect(page.maybeFindByTestId(BarChart, 'funnel-chart')).toBeNull();

    // The model tab is untouched: edit, preview, see the numbers.
    page.find(Tabs).trigger('onSelectedChange', value('model'));
    numberInput(page, 'criterion-points-industry').trigger('onChange', value(35));
    await click(page, 'preview');
    await page.waitFor(() => expect(page.find(StatisticsItem, { label: 'Become MQL' }).props.number).toBe(4));
    expect(service.requests('POST', '/settings/api/preview')[0]!.body.model.fit.criteria[0].points).toBe(35);

    // Back to the funnel, which loads on Refresh.
    page.find(Tabs).trigger('onSelectedChange', value('funnel'));
    page.findByTestId(LoadingButton, 'funnel-refresh').trigger('onClick');
    await page.waitFor(() => expect(page.maybeFindByTestId(BarChart, 'funnel-chart')).not.toBeNull());
    expect(page.maybeFindByTestId(Alert, 'funnel-error')).toBeNull();
    expect(funnelRequests(service)).toHaveLength(2);
  });
});
