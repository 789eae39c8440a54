/**
 * The settings page's backtest of the draft (next to the preview) and the publish reason the
 * cadence guard asks for, rendered with HubSpot's test renderer. The answers are the core's
 * (`backtestSummary`, `checkCadence`).
 */
import {
  Alert,
  LineChart,
  LoadingButton,
  NumberInput,
  Select,
  Table,
  Text,
  TextArea,
} from '@hubspot/ui-extensions';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Backtest, backtestSummary, checkCadence } from '../../src/core/index.js';
import { DAY, T_NOW } from '../core/insights/fixtures.js';
import {
  type Reply,
  active,
  approvalsReply,
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
    const page = await openPage();

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
    const table = textsIn(page.findByTestId(Table, 'backtest-cohorts'));
    expect(table).toContain('Dropped by the draft\n240\n40\n50\n20\n12');
    expect(table).toContain('Added by the draft\n72\n12\n30\n10\n30');

    // An edit after the backtest marks it stale.
    page.findByTestId(NumberInput, 'mql-intent-value').trigger('onChange', value(75));
    await settle();
    expect(textsIn(page)).toContain('You changed the draft since this backtest');
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
    const page = await openPage();
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
    const page = await openPage();

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
    const page = await openPage();
    const reason = () => page.findByTestId(TextArea, 'publish-reason');
    expect(reason().props.label).toBe('Why publish now? (optional)');

    page.findByTestId(NumberInput, 'mql-intent-value').trigger('onChange', value(45));
    page.findByTestId(LoadingButton, 'publish').trigger('onClick');
    await page.waitFor(() => expect(reason().props.error).toBe(true));
    expect(reason().props.validationMessage).toBe('is required within 60 days of the last publish');
    expect(page.find(Alert).props.title).toBe('Saved as draft version 8, but publishing failed');
    expect(textsIn(page.find(Alert))).toContain('The last publish was 2 days ago');

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
    const page = await openPage();

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
    const page = await openPage();

    expect(page.findByTestId(Text, 'active-publish-reason').text).toBe(
      'Published within the minimum period because: Pilot results',
    );
    await page.waitFor(() =>
      expect(textsIn(page)).toContain('Why now, within the minimum period: The trade fair starts Monday'),
    );
  });
});
