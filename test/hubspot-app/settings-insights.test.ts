/**
 * The settings page's Insights tab, rendered with HubSpot's test renderer. The service's answers
 * are made by the service's own analyses (`insights` in src/core), so the page is tested on what
 * the service really sends.
 */
import {
  Alert,
  BarChart,
  Button,
  EmptyState,
  LoadingButton,
  LoadingSpinner,
  Select,
  Table,
  Tabs,
  Text,
} from '@hubspot/ui-extensions';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  applyDraftChange,
  DEFAULT_PRESET,
  formatProportion,
  type HistoryContact,
  insights,
  loadPreset,
} from '../../src/core/index.js';
import { convertedContact, DAY, T_NOW, YEAR_AGO } from '../core/insights/fixtures.js';
import {
  type Reply,
  type Page,
  active,
  fakeService,
  history,
  value,
  model,
  ok,
  openPage,
  settle,
  textsIn,
} from './settings-fake.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

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
    const page = await openPage();
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
    const page = await openPage();
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
    const page = await openPage();
    await openInsights(page);

    expect(page.findByTestId(Text, 'suggestions-not-enough').text).toBe(
      'Not enough data: 25 contacts judged in the period (at least 30 are needed).',
    );
    expect(textsIn(page.findByTestId(Table, 'insights-qualification'))).toContain('not enough data (n = 25)');
    expect(page.maybeFindByTestId(BarChart, 'insights-band-chart')).toBeNull();
    expect(textsIn(page)).toContain('Not enough data: no score band has 30 contacts yet.');
  });

  it('when the history has data, then the band chart, the tables with n and intervals, the flags and the suggestions are the service’s', async () => {
    const reply = insightsReply(planted());
    const { calibration, suggestions } = reply.body as ReturnType<typeof insights>;
    fakeService({
      'GET /settings/api/model': active(),
      'GET /settings/api/versions': history(),
      'GET /settings/api/insights': reply,
    });
    const page = await openPage();
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
      const text = textsIn(page.findByTestId(Table, testId));
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
    const texts = textsIn(page);
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
    const page = await openPage();
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
    expect(textsIn(page)).toContain('1 unsaved change.');
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
    const page = await openPage();
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
