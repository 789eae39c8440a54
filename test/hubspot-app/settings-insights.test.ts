/**
 * The settings page's Insights tab, the backtest next to the preview and the publish reason,
 * rendered with HubSpot's test renderer. The service's answers are made by the service's own
 * analyses (`insights`, `backtestSummary`, `checkCadence` in src/core), so the page is tested on
 * what the service really sends.
 */
import { createElement, type ComponentType } from 'react';
import {
  Alert,
  BarChart,
  Button,
  EmptyState,
  LineChart,
  LoadingButton,
  LoadingSpinner,
  NumberInput,
  Select,
  Table,
  Tabs,
  Text,
  TextArea,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  applyDraftChange,
  type Backtest,
  backtestSummary,
  checkCadence,
  DEFAULT_PRESET,
  formatProportion,
  type HistoryContact,
  insights,
  loadPreset,
} from '../../src/core/index.js';
import { convertedContact, DAY, T_NOW, YEAR_AGO } from '../core/insights/fixtures.js';
import { type Reply, active, approvalsReply, fakeService, history, model } from './fake-settings-service.js';

const PAGE = new URL('../../hubspot-app/src/app/settings/SettingsPage.tsx', import.meta.url).href;
let SettingsPage: ComponentType<{ context: unknown }>;
beforeAll(async () => {
  // Loaded by path: the page is bundled by HubSpot, outside the service's TypeScript project.
  ({ SettingsPage } = (await import(PAGE)) as { SettingsPage: ComponentType<{ context: unknown }> });
});
afterEach(() => {
  vi.unstubAllGlobals();
});

const ok = (body: unknown, status = 200): Reply => ({ status, body });
/** What an input hands its onChange handler (typed as the handler itself in 0.17.0). */
const value = (v: string | number) => v as never;
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

async function render() {
  const page = createRenderer('settings');
  page.render(createElement(SettingsPage, { context: page.mocks.context }));
  await page.waitFor(() => expect(page.maybeFind(LoadingSpinner)).toBeNull());
  return page;
}
type Page = Awaited<ReturnType<typeof render>>;

const allText = (node: { findAll: Page['findAll'] }) =>
  node
    .findAll(Text)
    .map((t) => t.text ?? '')
    .join('\n');

const seed = loadPreset(DEFAULT_PRESET);
const period = { from: YEAR_AGO, to: T_NOW, observedUntil: T_NOW };

/** `n` leads of one industry, `converted` of which became customers. */
function leads(prefix: string, n: number, converted: number, industry: string): HistoryContact[] {
  return Array.from({ length: n }, (_, i) =>
    convertedContact(
      { id: `${prefix}${i}`, createdAt: YEAR_AGO + ((i * 7) % 300) * DAY + DAY, industry },
      i < converted,
    ),
  );
}

/** `n` software leads of the last weeks with a demo, pricing and a trial: MQLs with a route. */
const hotLeads = (n: number, converted: number) =>
  Array.from({ length: n }, (_, i) =>
    convertedContact(
      {
        id: `hot${i}`,
        createdAt: T_NOW - 20 * DAY + i * 3_600_000,
        signals: ['demo_requested', 'pricing_page_viewed', 'trial_started'].map((type, k) => ({
          type,
          at: T_NOW - (10 - k) * DAY,
        })),
      },
      i < converted,
    ),
  );

/**
 * A year with a planted pattern: food production (outside the model's target industries, so a
 * lower fit) converts at 20%, software (a target) at 2.9%: higher fit converts worse.
 */
const planted = () => [
  ...leads('food', 300, 60, 'FOOD_PRODUCTION'),
  ...leads('retail', 600, 30, 'RETAIL'),
  ...leads('soft', 2100, 60, 'COMPUTER_SOFTWARE'),
  ...hotLeads(80, 20),
];

/** The service's answer: the core's insights of `contacts`, as JSON. */
const insightsReply = (contacts: HistoryContact[]) =>
  ok(JSON.parse(JSON.stringify({ ...insights(contacts, seed, period), tookMs: 12 })));

async function openInsights(page: Page) {
  page.find(Tabs).trigger('onSelectedChange', value('insights'));
  await page.waitFor(() =>
    expect(
      page.maybeFindByTestId(Text, 'insights-period-shown') ??
        page.maybeFindByTestId(Alert, 'insights-error'),
    ).not.toBeNull(),
  );
}

describe('settings page: the Insights tab', () => {
  it('when the tab opens, then it shows a spinner until the last 12 months arrive, asked by ISO dates for customers', async () => {
    let answer: (reply: Reply) => void = () => {};
    const service = fakeService({
      'GET /settings/api/model': active(),
      'GET /settings/api/versions': history(),
      'GET /settings/api/insights': () => new Promise<Reply>((resolve) => (answer = resolve)),
    });
    const page = await render();
    expect(service.requests('GET', '/settings/api/insights')).toEqual([]);

    page.find(Tabs).trigger('onSelectedChange', value('insights'));
    await page.waitFor(() => expect(service.requests('GET', '/settings/api/insights')).toHaveLength(1));
    expect(page.findByTestId(LoadingButton, 'insights-refresh').props.loading).toBe(true);
    expect(page.find(LoadingSpinner).props.label).toBe('Loading the insights…');

    const [request] = service.requests('GET', '/settings/api/insights');
    const url = new URL(request!.url);
    const from = Date.parse(url.searchParams.get('from')!);
    const to = Date.parse(url.searchParams.get('to')!);
    expect(url.searchParams.get('from')).toBe(new Date(from).toISOString());
    expect((to - from) / DAY).toBeCloseTo(12 * 30.436875, 6);
    expect(url.searchParams.get('outcome')).toBe('customer');
    expect(url.searchParams.has('portalId')).toBe(false);
    expect(request!.timeout).toBe(30_000);

    answer(insightsReply(planted()));
    await page.waitFor(() => expect(page.maybeFind(LoadingSpinner)).toBeNull());
    expect(page.maybeFindByTestId(BarChart, 'insights-band-chart')).not.toBeNull();
  });

  it('when there is no history, then the tab says not enough data instead of rates', async () => {
    fakeService({
      'GET /settings/api/model': active(),
      'GET /settings/api/versions': history(),
      'GET /settings/api/insights': insightsReply([]),
    });
    const page = await render();
    await openInsights(page);

    expect(page.findByTestId(EmptyState, 'insights-empty').props.title).toBe('Not enough data');
    expect(page.maybeFindByTestId(BarChart, 'insights-band-chart')).toBeNull();
    expect(page.maybeFindByTestId(Table, 'insights-grid')).toBeNull();
  });

  it('when fewer than 30 contacts were judged, then every rate and the suggestions read "not enough data"', async () => {
    const few = leads('few', 25, 12, 'RETAIL');
    const reply = insightsReply(few);
    fakeService({
      'GET /settings/api/model': active(),
      'GET /settings/api/versions': history(),
      'GET /settings/api/insights': reply,
    });
    const page = await render();
    await openInsights(page);

    expect(page.findByTestId(Text, 'suggestions-not-enough').text).toBe(
      'Not enough data: 25 contacts judged in the period (at least 30 are needed).',
    );
    expect(allText(page.findByTestId(Table, 'insights-qualification'))).toContain('not enough data (n = 25)');
    expect(page.maybeFindByTestId(BarChart, 'insights-band-chart')).toBeNull();
    expect(allText(page)).toContain('Not enough data: no score band has 30 contacts yet.');
  });

  it('when the history has data, then the band chart, the tables with n and intervals, the flags and the suggestions are the service’s', async () => {
    const reply = insightsReply(planted());
    const { calibration, suggestions } = reply.body as ReturnType<typeof insights>;
    fakeService({
      'GET /settings/api/model': active(),
      'GET /settings/api/versions': history(),
      'GET /settings/api/insights': reply,
    });
    const page = await render();
    await openInsights(page);

    // One bar per band with at least 30 contacts, fit and intent, in percent became customer.
    const bars = [
      ...calibration.byFit.map((c) => ({ c, score: 'Fit' })),
      ...calibration.byIntent.map((c) => ({ c, score: 'Intent' })),
    ]
      .filter(({ c }) => c.n >= 30)
      .map(({ c, score }) => ({
        band: c.key,
        score,
        converted: Number((c.rates.customer.rate! * 100).toFixed(1)),
      }));
    expect(bars.length).toBeGreaterThan(1);
    expect(page.findByTestId(BarChart, 'insights-band-chart').props.data).toEqual(bars);
    expect(page.findByTestId(BarChart, 'insights-band-chart').props.axes.options).toEqual({
      groupFieldByColor: 'score',
    });

    // Each cut's numbers with their n and 95% interval, as the core words them.
    expect(calibration.byRoute.length).toBeGreaterThan(0);
    for (const [testId, cells] of [
      ['insights-grid', calibration.grid],
      ['insights-qualification', calibration.byQualification],
      ['insights-route', calibration.byRoute],
    ] as const) {
      const text = allText(page.findByTestId(Table, testId));
      for (const cell of cells)
        for (const outcome of ['sql', 'opportunity', 'customer'] as const)
          expect(text, `${testId} ${cell.key} ${outcome}`).toContain(formatProportion(cell.rates[outcome]));
    }

    // Higher fit converting worse is flagged, each flag as a warning with the core's message.
    expect(calibration.flags.length).toBeGreaterThan(0);
    const shown = page
      .findAll(Alert)
      .filter((a) => String(a.props.testId).startsWith('insights-flag-'))
      .map((a) => a.text);
    expect(shown.sort()).toEqual(calibration.flags.map((f) => f.message).sort());

    // Suggestions in the seeds' words, the best first, each with its change.
    expect(suggestions.suggestions[0]!.segment.value).toBe('FOOD_PRODUCTION');
    const texts = allText(page);
    for (const s of suggestions.suggestions) {
      expect(texts).toContain(s.text);
      expect(texts).toContain(s.change);
    }
    expect(texts).toContain(`Support 300 contacts · lift ${suggestions.suggestions[0]!.lift!.toFixed(2)}×`);
  });

  it('when "Add to draft" is clicked, then the model tab’s draft has the change, counts it and previews it; nothing is published', async () => {
    const original = model();
    const reply = insightsReply(planted());
    const service = fakeService({
      'GET /settings/api/model': active(original),
      'GET /settings/api/versions': history(),
      'GET /settings/api/insights': reply,
      'POST /settings/api/preview': ok({
        contacts: 0,
        before: { mql: 0, iql: 0, nurture: 0, disqualified: 0 },
        after: { mql: 0, iql: 0, nurture: 0, disqualified: 0 },
        mqlIn: 0,
        mqlOut: 0,
        newlyDisqualified: 0,
        changed: 0,
        sample: [],
        tookMs: 1,
      }),
    });
    const page = await render();
    await openInsights(page);

    page.findByTestId(Button, 'add-to-draft-industry-FOOD_PRODUCTION').trigger('onClick');
    await page.waitFor(() => expect(page.maybeFindByTestId(Alert, 'insights-notice')).not.toBeNull());
    expect(page.findByTestId(Alert, 'insights-notice').text).toContain(
      'Added to your draft: add "Food Production" to the fit criterion "Industry" (+25 points).',
    );
    const button = page.findByTestId(Button, 'add-to-draft-industry-FOOD_PRODUCTION');
    expect(button.props.disabled).toBe(true);
    expect(button.text).toBe('Added to draft');

    page.find(Tabs).trigger('onSelectedChange', value('model'));
    await settle();
    expect(allText(page)).toContain('1 unsaved change.');
    page.findByTestId(LoadingButton, 'preview').trigger('onClick');
    await page.waitFor(() => expect(service.requests('POST', '/settings/api/preview')).toHaveLength(1));

    // The draft the page sends is the core's draft change made on the model in force.
    const sent = service.requests('POST', '/settings/api/preview')[0]!.body.model;
    const change = (reply.body as ReturnType<typeof insights>).suggestions.suggestions[0]!.draftChange;
    const core = applyDraftChange(loadPreset(DEFAULT_PRESET), change);
    if (!core.success) throw new Error('the core refused its own change');
    expect(sent.fit.criteria).toEqual(
      original.fit.criteria.map((c: { id: string }) => core.model.fit.criteria.find((x) => x.id === c.id)),
    );
    expect(sent.fit.criteria.find((c: { id: string }) => c.id === 'industry').match.values).toContain(
      'FOOD_PRODUCTION',
    );
    expect(service.requests('POST', '/settings/api/drafts')).toEqual([]);
    expect(service.requests('POST', '/settings/api/publish')).toEqual([]);
  });

  it('when the insights cannot be loaded, then the tab says so and Refresh asks again', async () => {
    const service = fakeService({
      'GET /settings/api/model': active(),
      'GET /settings/api/versions': history(),
      'GET /settings/api/insights': [
        ok({ error: 'invalid_input', message: 'The period is empty.' }, 400),
        insightsReply([]),
      ],
    });
    const page = await render();
    await openInsights(page);

    expect(page.findByTestId(Alert, 'insights-error').text).toContain('The period is empty.');
    page.findByTestId(Select, 'insights-period').trigger('onChange', value('3'));
    await page.waitFor(() => expect(page.maybeFindByTestId(EmptyState, 'insights-empty')).not.toBeNull());
    const [, second] = service.requests('GET', '/settings/api/insights').map((c) => new URL(c.url));
    const days =
      (Date.parse(second!.searchParams.get('to')!) - Date.parse(second!.searchParams.get('from')!)) / DAY;
    expect(days).toBeCloseTo(3 * 30.436875, 6);
  });
});

// ---------------------------------------------------------------------------------------------
// The backtest, next to the preview

/** A backtest as the core makes it: 6 months, the draft drops 240 MQLs (12 customers) and adds 72 (30). */
function backtestReply(): Reply {
  const cohort = (contacts: number, sql: number, opportunity: number, customer: number) => ({
    contacts,
    perMonth: contacts / 6,
    converted: { sql, opportunity, customer },
    rates: {},
    sample: [],
  });
  const result: Omit<Backtest, 'summary'> = {
    from: T_NOW - 6 * 30.436875 * DAY,
    to: T_NOW,
    months: 6,
    observedUntil: T_NOW,
    publishedVersion: 'seed-fit-intent@1#6',
    draftVersion: 'seed-fit-intent@1',
    contacts: 5000,
    monthly: ['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10'].map((month, i) => ({
      month,
      published: 100 + i,
      draft: 72 + i,
    })),
    published: cohort(621, 200, 90, 40) as never,
    draft: cohort(453, 180, 80, 58) as never,
    both: cohort(381, 150, 70, 28) as never,
    added: cohort(72, 30, 10, 30) as never,
    removed: cohort(240, 50, 20, 12) as never,
  };
  return ok({ ...result, summary: backtestSummary(result), tookMs: 900 });
}

describe('settings page: the backtest of the draft', () => {
  it('when the draft is backtested, then it is sent with the months chosen, and the months, cohorts and summary are shown', async () => {
    const original = model();
    const service = fakeService({
      'GET /settings/api/model': active(original),
      'GET /settings/api/versions': history(),
      'POST /settings/api/backtest': backtestReply(),
    });
    const page = await render();

    page.findByTestId(NumberInput, 'mql-intent-value').trigger('onChange', value(70));
    page.findByTestId(Select, 'backtest-months').trigger('onChange', value(12));
    page.findByTestId(LoadingButton, 'backtest').trigger('onClick');
    await page.waitFor(() => expect(page.maybeFind(LineChart)).not.toBeNull());

    const expected = structuredClone(original);
    expected.thresholds.mql.intent.value = 70;
    const [request] = service.requests('POST', '/settings/api/backtest');
    expect(request!.body).toEqual({ model: expected, months: 12 });
    expect(request!.timeout).toBe(30_000);

    expect(page.findByTestId(Text, 'backtest-summary').text).toBe(
      'The draft drops 40 MQLs a month, of which 2 became customers; it adds 12, of which 5 did (MQLs a month: 104 now, 76 with the draft).',
    );
    const chart = page.find(LineChart).props;
    const rows = Array.isArray(chart.data) ? chart.data : chart.data.data;
    expect(rows).toHaveLength(12);
    expect(rows.slice(0, 2)).toEqual([
      { month: '2026-05', model: 'Published', mqls: 100 },
      { month: '2026-05', model: 'Draft', mqls: 72 },
    ]);
    expect(chart.axes.options).toEqual({ groupFieldByColor: 'model' });
    const table = allText(page.findByTestId(Table, 'backtest-cohorts'));
    expect(table).toContain('Dropped by the draft\n240\n40\n50\n20\n12');
    expect(table).toContain('Added by the draft\n72\n12\n30\n10\n30');

    // An edit after the backtest marks it stale.
    page.findByTestId(NumberInput, 'mql-intent-value').trigger('onChange', value(75));
    await settle();
    expect(allText(page)).toContain('You changed the draft since this backtest');
  });

  it('when the service refuses the draft, then the backtest says why and the edits stay', async () => {
    fakeService({
      'GET /settings/api/model': active(),
      'GET /settings/api/versions': history(),
      'POST /settings/api/backtest': ok(
        { error: 'invalid_model', message: 'The model is invalid; nothing was saved.', problems: [] },
        422,
      ),
    });
    const page = await render();
    page.findByTestId(NumberInput, 'mql-intent-value').trigger('onChange', value(70));
    page.findByTestId(LoadingButton, 'backtest').trigger('onClick');
    await page.waitFor(() => expect(page.maybeFindByTestId(Alert, 'backtest-error')).not.toBeNull());

    expect(page.findByTestId(Alert, 'backtest-error').text).toContain(
      'The model is invalid; nothing was saved.',
    );
    expect(page.findByTestId(NumberInput, 'mql-intent-value').props.value).toBe(70);
  });
});

// ---------------------------------------------------------------------------------------------
// The publish reason (the cadence guard)

const publishedAt = Date.UTC(2026, 10, 2, 9, 30);
/** The model in force, published 12 days before now, as the service answers with its cadence. */
function activeWithCadence(now = publishedAt + 12 * DAY + 3_600_000) {
  const reply = active();
  return ok({ ...(reply.body as object), cadence: checkCadence(publishedAt, 60, now) });
}

describe('settings page: the publish reason', () => {
  it('when publishing within the minimum period, then a reason is required before anything is sent, and it is sent with the request', async () => {
    const service = fakeService({
      'GET /settings/api/model': activeWithCadence(),
      'GET /settings/api/versions': history(),
      'POST /settings/api/drafts': ok({ version: 8, status: 'draft' }, 201),
      'POST /settings/api/publish': ok({ version: 8, status: 'published', rescoreEnqueued: 3 }),
    });
    const page = await render();

    expect(page.findByTestId(Alert, 'cadence-warning').text).toContain(
      'The last publish was 12 days ago; the model asks for 60 days between publishes',
    );
    const reason = () => page.findByTestId(TextArea, 'publish-reason');
    expect(reason().props.label).toBe('Why publish now? (required)');
    expect(reason().props.required).toBe(true);

    page.findByTestId(NumberInput, 'mql-intent-value').trigger('onChange', value(45));
    page.findByTestId(LoadingButton, 'publish').trigger('onClick');
    await settle();
    expect(service.requests('POST', '/settings/api/drafts')).toEqual([]);
    expect(reason().props.error).toBe(true);
    expect(reason().props.validationMessage).toBe(
      'Say why you publish now: the last publish was 12 days ago, and the model asks for 60 days between publishes.',
    );

    reason().trigger('onChange', value('  The pilot showed the intent bar was too high  '));
    await settle();
    expect(reason().props.error).toBe(false);
    page.findByTestId(LoadingButton, 'publish').trigger('onClick');
    await page.waitFor(() => expect(service.requests('POST', '/settings/api/publish')).toHaveLength(1));
    expect(service.requests('POST', '/settings/api/publish')[0]!.body).toEqual({
      version: 8,
      reason: 'The pilot showed the intent bar was too high',
    });
  });

  it('when the service refuses a publish for want of a reason, then its message shows at the field and the retry sends the reason', async () => {
    const service = fakeService({
      // The page believed no reason was needed (another user published meanwhile).
      'GET /settings/api/model': active(),
      'GET /settings/api/versions': history(),
      'POST /settings/api/drafts': ok({ version: 8, status: 'draft' }, 201),
      'POST /settings/api/publish': [
        ok(
          {
            error: 'conflict',
            message: checkCadence(publishedAt, 60, publishedAt + 2 * DAY).message,
            problems: [{ path: '$.reason', message: 'is required within 60 days of the last publish' }],
          },
          409,
        ),
        ok({ version: 8, status: 'published', rescoreEnqueued: 1 }),
      ],
    });
    const page = await render();
    const reason = () => page.findByTestId(TextArea, 'publish-reason');
    expect(reason().props.label).toBe('Why publish now? (optional)');

    page.findByTestId(NumberInput, 'mql-intent-value').trigger('onChange', value(45));
    page.findByTestId(LoadingButton, 'publish').trigger('onClick');
    await page.waitFor(() => expect(reason().props.error).toBe(true));
    expect(reason().props.validationMessage).toBe('is required within 60 days of the last publish');
    expect(page.find(Alert).props.title).toBe('Saved as draft version 8, but publishing failed');
    expect(allText(page.find(Alert))).toContain('The last publish was 2 days ago');

    reason().trigger('onChange', value('Fixing a typo in the bar'));
    await settle();
    expect(reason().props.error).toBe(false);
    page.findByTestId(LoadingButton, 'publish').trigger('onClick');
    await page.waitFor(() => expect(service.requests('POST', '/settings/api/publish')).toHaveLength(2));
    expect(service.requests('POST', '/settings/api/publish')[1]!.body).toEqual({
      version: 8,
      reason: 'Fixing a typo in the bar',
    });
    // The draft saved the first time is published; it is not saved again.
    expect(service.requests('POST', '/settings/api/drafts')).toHaveLength(1);
  });

  it('when a version was published within the minimum period, then the history shows why', async () => {
    const versions = history();
    (versions.body.versions[1] as Record<string, unknown>).publishReason = 'Pilot results';
    fakeService({ 'GET /settings/api/model': active(), 'GET /settings/api/versions': versions });
    const page = await render();

    expect(page.findByTestId(Text, 'publish-reason-6').text).toBe('Published early because: Pilot results');
    expect(page.maybeFindByTestId(Text, 'publish-reason-5')).toBeNull();
  });

  it('when the version in force or the pending request was published early, then the page says why', async () => {
    fakeService({
      'GET /settings/api/model': active(undefined, { publishReason: 'Pilot results' }),
      'GET /settings/api/versions': history(),
      'GET /settings/api/approvals': approvalsReply({
        id: 'req-9',
        version: 8,
        kind: 'publish',
        note: null,
        reason: 'The trade fair starts Monday',
        requestedBy: 'ops@acme.example (user 1)',
        requestedByUserId: '99999',
        requestedAt: Date.UTC(2026, 10, 3, 9),
        status: 'pending',
        decidedBy: null,
        decidedAt: null,
        approval: null,
        changes: [],
      }),
    });
    const page = await render();

    expect(page.findByTestId(Text, 'active-publish-reason').text).toBe(
      'Published within the minimum period because: Pilot results',
    );
    await page.waitFor(() =>
      expect(allText(page)).toContain('Why now, within the minimum period: The trade fair starts Monday'),
    );
  });
});
