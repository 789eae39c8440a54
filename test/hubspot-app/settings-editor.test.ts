/**
 * The settings page's model editor, rendered with HubSpot's test renderer against the fake
 * settings API (settings-fake.ts), whose property options come from the sandbox's catalog and
 * whose model check is the service's own. Every kind of field is edited, criteria, signals,
 * disqualifiers, rules and lost reasons are added and removed, and the draft the page sends must
 * be one the core's parser accepts, with exactly the edits made. Problems the service finds show
 * next to their fields, all at once, and publishing waits until there are none.
 */
import {
  Button,
  Input,
  LoadingButton,
  MultiSelect,
  NumberInput,
  Select,
  Text,
  TextArea,
  Toggle,
} from '@hubspot/ui-extensions';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PropertyRefSchema, parseModel } from '../../src/core/index.js';
import { SETTINGS_ROUTES } from '../../src/http/settings-routes.js';
import {
  type Page,
  active,
  alertText,
  alertTitle,
  click,
  fakeService,
  history,
  model,
  openPage,
  previewReply,
  textsIn,
  value,
} from './settings-fake.js';

let editorFields: (model: unknown) => string[];
beforeAll(async () => {
  const url = new URL('../../hubspot-app/src/app/settings/editor-fields.ts', import.meta.url).href;
  ({ editorFields } = (await import(url)) as { editorFields: typeof editorFields });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

const INPUTS = [Input, NumberInput, Select, MultiSelect, TextArea, Toggle] as const;

/** Sets the field whose name is this model path (every editor field is named by its path). */
function set(page: Page, path: string, v: unknown) {
  for (const kind of INPUTS) {
    const found = page.maybeFind(kind as typeof Input, { name: path });
    if (found) {
      found.trigger('onChange', v as never);
      return;
    }
  }
  throw new Error(`no field named ${path}`);
}

function fieldProps(
  page: Page,
  path: string,
): { error?: boolean; validationMessage?: string; value?: unknown } {
  for (const kind of INPUTS) {
    const found = page.maybeFind(kind as typeof Input, { name: path });
    if (found) return found.props as never;
  }
  throw new Error(`no field named ${path}`);
}

async function settle(page: Page) {
  await new Promise((resolve) => setTimeout(resolve, 0));
  await page.waitFor(() =>
    expect(page.maybeFind(MultiSelect, { name: '$.fit.criteria[0].match.values' })).not.toBeNull(),
  );
}

/** Previews, and returns the model the page sent after the core's parser accepted it. */
async function sentModel(page: Page, service: ReturnType<typeof fakeService>) {
  await click(page, 'preview');
  await page.waitFor(() => expect(service.requests('POST', '/settings/api/preview')).toHaveLength(1));
  const sent = service.requests('POST', '/settings/api/preview')[0]!.body.model;
  const parsed = parseModel(sent);
  expect(parsed.success ? [] : parsed.problems).toEqual([]);
  return sent;
}

function editorService(m = model()) {
  return fakeService({
    'GET /settings/api/model': active(m),
    'GET /settings/api/versions': history(),
    'POST /settings/api/preview': previewReply(),
  });
}

describe('settings page: the whole model', () => {
  it('when the editor opens, then each field is named by the model path it edits, and the problem map knows them all', async () => {
    const original = model();
    editorService(original);
    const page = await openPage();
    await settle(page);

    const names = INPUTS.flatMap((kind) =>
      page.findAll(kind as typeof Input).map((f) => String(f.props.name)),
    ).filter((name) => name.startsWith('$'));
    const fields = editorFields(original);
    expect(names.filter((n) => !fields.includes(n))).toEqual([]);
    // The rest are items and lists: each holds fields shown on the page, or is a list still empty
    // with its "add" button.
    const containers = fields.filter((f) => !names.includes(f));
    const holdsNothing = containers.filter(
      (c) => !names.some((n) => n.startsWith(`${c}.`) || n.startsWith(`${c}[`)),
    );
    expect(holdsNothing).toEqual([
      '$.intent.signals[6].derivedFrom[0].conditions',
      '$.intent.signals[7].derivedFrom[0].conditions',
      '$.disqualifiers[0].unless',
      '$.disqualifiers[1].unless',
    ]);
    for (const list of holdsNothing) expect(page.maybeFindByTestId(Button, `add ${list}`)).not.toBeNull();
    expect(names.length).toBeGreaterThan(100);
  });

  it('when every kind of field is edited, then the draft sent has exactly those edits and the model parser accepts it', async () => {
    const original = model();
    const service = editorService(original);
    const page = await openPage();
    await settle(page);

    // Industries are picked from the portal's own options; the model's spelling of a value is kept.
    const industries = page.find(MultiSelect, { name: '$.fit.criteria[0].match.values' });
    expect(industries.props.options).toContainEqual({ label: 'Pharmaceuticals', value: 'PHARMACEUTICALS' });
    expect(industries.props.options).toContainEqual({
      label: 'Computer Software',
      value: 'Computer Software',
    });
    set(page, '$.fit.criteria[0].match.values', ['Computer Software', 'Internet', 'PHARMACEUTICALS']);
    set(page, '$.fit.criteria[1].match.min', 50);
    set(page, '$.fit.criteria[1].match.max', 5000);
    set(page, '$.fit.criteria[2].match.values', 'Netherlands, Belgium\nGermany, Austria');
    set(page, '$.fit.criteria[3].match.values', 'CEO, head of, owner');
    set(page, '$.fit.criteria[3].match.except', 'assistant');
    set(page, '$.fit.criteria[3].property', 'contact.jobtitle, contact.hs_role');
    set(page, '$.fit.criteria[2].label', 'Region (DACH + Benelux)');
    set(page, '$.fit.criteria[2].points', 20);
    set(page, '$.intent.signals[0].label', 'Pricing page');
    set(page, '$.intent.signals[5].points', -60);
    set(page, '$.intent.signals[0].ageing.fullDays', 14);
    set(page, '$.intent.signals[0].ageing.expiresAfterDays', 60);
    set(page, '$.intent.signals[0].counting.max', 0);
    set(page, '$.intent.signals[6].counting.from', 3);
    set(page, '$.intent.signals[1].derivedFrom[0].conditions[0].match.pattern', '\\b(demo|trial)\\b');
    // A meeting's outcome and a yes/no property offer their values too.
    const outcome = page.find(MultiSelect, {
      name: '$.intent.signals[6].derivedFrom[0].change.match.values',
    });
    expect(outcome.props.options).toContainEqual({ label: 'No-show', value: 'NO_SHOW' });
    const optOut = page.find(MultiSelect, { name: '$.intent.signals[7].derivedFrom[0].change.match.values' });
    expect(optOut.props.options).toEqual([
      { label: 'Yes', value: 'true' },
      { label: 'No', value: 'false' },
    ]);
    set(page, '$.intent.signals[6].derivedFrom[0].change.match.values', ['NO_SHOW', 'CANCELED']);
    set(page, '$.disqualifiers[0].reason', 'Fewer than 10 people');
    set(page, '$.disqualifiers[1].when[0].match.domains', 'gmail.com, hotmail.com');
    set(page, '$.thresholds.mql.fit.value', 55);
    set(page, '$.thresholds.mql.requiredFitCriteria', ['industry']);
    set(page, '$.thresholds.iql.signalTypes', ['comparison_viewed', 'email_engaged']);
    set(page, '$.thresholds.installedBase.windowDays', 14);
    set(page, '$.routing.demoRequestSignals', ['demo_requested', 'trial_started']);
    set(page, '$.routing.slaHours.newBusiness', 12);
    set(page, '$.feedback.lostReasons[1].label', 'No budget this year');
    set(page, '$.feedback.renurtureTracks.no_budget', 'budget_next_year');
    set(page, '$.feedback.returnLeadStatus.no_interest', 'UNQUALIFIED');
    set(page, '$.feedback.reasonSignals.no_interest', '');
    set(page, '$.feedback.recycleStage', 'subscriber');
    set(page, '$.feedback.leadStatusDecisions.CONNECTED', 'not_reachable');
    set(page, '$.name', 'Fit + intent, Q1');
    set(page, '$.description', 'DACH added');
    const sent = await sentModel(page, service);

    const expected = structuredClone(original);
    const [industry, size, region, role] = expected.fit.criteria;
    industry.match.values = ['Computer Software', 'Internet', 'PHARMACEUTICALS'];
    size.match = { type: 'range', min: 50, max: 5000 };
    region.match.values = ['Netherlands', 'Belgium', 'Germany', 'Austria'];
    Object.assign(region, { label: 'Region (DACH + Benelux)', points: 20 });
    role.match = { type: 'contains', values: ['CEO', 'head of', 'owner'], except: ['assistant'] };
    role.property = ['contact.jobtitle', 'contact.hs_role'];
    const signals = expected.intent.signals;
    Object.assign(signals[0], { label: 'Pricing page', ageing: { fullDays: 14, expiresAfterDays: 60 } });
    signals[0].counting.max = null;
    signals[5].points = -60;
    signals[6].counting.from = 3;
    signals[1].derivedFrom[0].conditions[0].match.pattern = '\\b(demo|trial)\\b';
    signals[6].derivedFrom[0].change.match.values = ['NO_SHOW', 'CANCELED'];
    expected.disqualifiers[0].reason = 'Fewer than 10 people';
    expected.disqualifiers[1].when[0].match.domains = ['gmail.com', 'hotmail.com'];
    expected.thresholds.mql.fit.value = 55;
    expected.thresholds.mql.requiredFitCriteria = ['industry'];
    expected.thresholds.iql.signalTypes = ['comparison_viewed', 'email_engaged'];
    expected.thresholds.installedBase.windowDays = 14;
    expected.routing.demoRequestSignals = ['demo_requested', 'trial_started'];
    expected.routing.slaHours.newBusiness = 12;
    expected.feedback.lostReasons[1].label = 'No budget this year';
    expected.feedback.renurtureTracks.no_budget = 'budget_next_year';
    expected.feedback.returnLeadStatus.no_interest = 'UNQUALIFIED';
    delete expected.feedback.reasonSignals.no_interest;
    expected.feedback.recycleStage = 'subscriber';
    expected.feedback.leadStatusDecisions.CONNECTED = { decision: 'return', reason: 'not_reachable' };
    Object.assign(expected, { name: 'Fit + intent, Q1', description: 'DACH added' });
    expect(sent).toEqual(expected);
    // One per value changed: one per field, but the CONNECTED status's new decision and its reason.
    expect(textsIn(page)).toContain('34 unsaved changes.');
  });

  it('when a criterion, a signal, a derived rule, a disqualifier, a condition a lost reason and a lead status are added and others removed, then the sent draft parses with them', async () => {
    const original = model();
    const service = editorService(original);
    const page = await openPage();
    await settle(page);

    // A criterion on a property chosen from the portal's catalog: a number becomes a range.
    page.findByTestId(Select, 'add-criterion-choice').trigger('onChange', value('company.annualrevenue'));
    await click(page, 'add-criterion');
    set(page, '$.fit.criteria[4].match.min', 1_000_000);
    set(page, '$.fit.criteria[4].points', 15);
    await click(page, 'remove-criterion-region');
    // A signal type, fed by HubSpot: a completed meeting.
    page.findByTestId(Input, 'add-signal-label').trigger('onChange', value('Meeting held'));
    await click(page, 'add-signal');
    await click(page, 'add-rule-meeting-meeting_held');
    set(page, '$.intent.signals[8].points', 35);
    await click(page, 'remove-signal-comparison_viewed');
    // A competitor and an academic-domain disqualifier; an exception to the free-mail one.
    page.findByTestId(Select, 'add-disqualifier-choice').trigger('onChange', value('competitor'));
    await click(page, 'add-disqualifier');
    page.findByTestId(Select, 'add-disqualifier-choice').trigger('onChange', value('academic'));
    await click(page, 'add-disqualifier');
    set(page, '$.disqualifiers[2].when[0].match.domains', 'rival.example, rival-group.example');
    set(page, '$.disqualifiers[2].when[1].match.values', 'Rival');
    await click(page, 'remove-disqualifier-too_small');
    await click(page, 'add $.disqualifiers[0].unless');
    set(page, '$.disqualifiers[0].unless[0].property', 'contact.email');
    set(page, '$.disqualifiers[0].unless[0].match', 'email-domain');
    set(page, '$.disqualifiers[0].unless[0].match.domains', 'acme-partner.example');
    // A lost reason with its track; another removed.
    page.findByTestId(Input, 'add-reason-label').trigger('onChange', value('Chose a competitor'));
    await click(page, 'add-reason');
    set(page, '$.feedback.renurtureTracks.chose_a_competitor', 'win_back');
    await click(page, 'remove-reason-wrong_timing');
    // A lead status that means "accepted", and one that no longer decides anything.
    page.findByTestId(Input, 'add-status-label').trigger('onChange', value('ATTEMPTED_TO_CONTACT'));
    await click(page, 'add-status');
    await click(page, 'remove-status-OPEN_DEAL');
    const sent = await sentModel(page, service);

    expect(sent.fit.criteria.map((c: any) => [c.id, c.points])).toEqual([
      ['industry', 25],
      ['company_size', 25],
      ['decision_maker', 25],
      ['annual_revenue', 15],
    ]);
    expect(sent.fit.criteria[3]).toMatchObject({
      property: 'company.annualrevenue',
      match: { type: 'range', min: 1e6 },
    });
    expect(sent.intent.signals.map((s: any) => s.type)).not.toContain('comparison_viewed');
    // The IQL rule named only the removed signal: it went with it.
    expect(sent.thresholds.iql).toBeNull();
    expect(sent.intent.signals.at(-1)).toEqual({
      type: 'meeting_held',
      label: 'Meeting held',
      points: 35,
      ageing: { fullDays: 30, expiresAfterDays: 90 },
      counting: { from: 1, max: 1 },
      derivedFrom: [
        {
          object: 'meeting',
          property: 'hs_meeting_outcome',
          change: { type: 'becomes', match: { type: 'one-of', values: ['COMPLETED'] } },
          conditions: [],
        },
      ],
    });
    expect(sent.disqualifiers.map((d: any) => d.id)).toEqual([
      'free_email',
      'works_for_a_competitor',
      'academic_e_mail_domain',
    ]);
    expect(sent.disqualifiers[0].unless).toEqual([
      { property: 'contact.email', match: { type: 'email-domain', domains: ['acme-partner.example'] } },
    ]);
    expect(sent.disqualifiers[2].when[0].match.domains).toContain('edu');
    expect(sent.feedback.lostReasons.map((r: any) => r.id)).not.toContain('wrong_timing');
    expect(sent.feedback.lostReasons.at(-1)).toEqual({
      id: 'chose_a_competitor',
      label: 'Chose a competitor',
    });
    expect(sent.feedback.renurtureTracks).toEqual({
      no_budget: 'roi',
      no_interest: 'long_term',
      chose_a_competitor: 'win_back',
    });
    // BAD_TIMING returned leads as "wrong timing": now as "other".
    expect(sent.feedback.leadStatusDecisions).toEqual({
      IN_PROGRESS: { decision: 'accept' },
      CONNECTED: { decision: 'accept' },
      UNQUALIFIED: { decision: 'return', reason: 'other' },
      BAD_TIMING: { decision: 'return', reason: 'other' },
      ATTEMPTED_TO_CONTACT: { decision: 'accept' },
    });
  });

  it('when the service finds problems, then each shows next to its field, all at once, and publishing waits until none is left', async () => {
    const service = editorService();
    const page = await openPage();
    await settle(page);

    set(page, '$.fit.criteria[1].match.min', 2000);
    set(page, '$.intent.signals[1].derivedFrom[0].conditions[0].match.pattern', '(demo');
    set(page, '$.disqualifiers[1].when[0].match.domains', '');
    set(page, '$.feedback.lostReasons[0].label', ' ');
    page.findByTestId(Input, 'add-signal-label').trigger('onChange', value('Sales: no interest'));
    await click(page, 'add-signal');
    await page.waitFor(() => expect(page.maybeFind(Text, { testId: 'publish-blocked' })).not.toBeNull());

    expect(fieldProps(page, '$.fit.criteria[1].match.min')).toMatchObject({
      error: true,
      validationMessage: 'must not be more than max (1000)',
    });
    expect(
      fieldProps(page, '$.intent.signals[1].derivedFrom[0].conditions[0].match.pattern').validationMessage,
    ).toMatch(/^is not a valid regular expression/);
    expect(fieldProps(page, '$.disqualifiers[1].when[0].match.domains').validationMessage).toBe(
      'must list at least one value',
    );
    expect(fieldProps(page, '$.feedback.lostReasons[0].label').validationMessage).toBe('must not be empty');
    // "Sales: no interest" again makes the same type, sales_no_interest_2; no problem there.
    expect(fieldProps(page, '$.intent.signals[8].label').error).toBe(false);
    expect(page.find(Text, { testId: 'publish-blocked' }).text).toContain(
      '4 problems to fix before publishing',
    );
    expect(page.findByTestId(LoadingButton, 'publish').props.disabled).toBe(true);

    // Pressed anyway (a stale button): nothing is saved, and every problem is listed.
    await click(page, 'publish');
    await page.waitFor(() => expect(alertTitle(page)).toBe('Fix the highlighted fields first'));
    expect(alertText(page)).toContain(
      'Fit criterion "Company size": match.min: must not be more than max (1000)',
    );
    expect(service.requests('POST', '/settings/api/drafts')).toEqual([]);

    // Fixed one by one, the messages go; with none left, publishing is possible again.
    set(page, '$.fit.criteria[1].match.min', 25);
    set(page, '$.intent.signals[1].derivedFrom[0].conditions[0].match.pattern', '\\bdemo\\b');
    set(page, '$.disqualifiers[1].when[0].match.domains', 'gmail.com');
    set(page, '$.feedback.lostReasons[0].label', 'Too small');
    await page.waitFor(() => expect(page.maybeFind(Text, { testId: 'publish-blocked' })).toBeNull());
    expect(fieldProps(page, '$.fit.criteria[1].match.min').error).toBe(false);
    expect(page.findByTestId(LoadingButton, 'publish').props.disabled).toBe(false);
  });

  it('when the page reads the catalog and checks the model, then it calls only routes the service serves, with property lists it accepts', async () => {
    const service = editorService();
    const page = await openPage();
    await settle(page);
    set(page, '$.fit.criteria[3].property', 'contact.jobtitle, company.industy');
    await page.waitFor(() => expect(service.requests('POST', '/settings/api/validate')).toHaveLength(1));
    await page.waitFor(() =>
      expect(fieldProps(page, '$.fit.criteria[3].property')).toMatchObject({ error: false }),
    );
    await page.waitFor(() =>
      expect(page.find(Input, { name: '$.fit.criteria[3].property' }).props.description).toBe(
        'Not in this portal (never has a value): company.industy',
      ),
    );

    expect(Object.values(SETTINGS_ROUTES)).toEqual(
      expect.arrayContaining([...new Set(service.calls.map((c) => c.path))]),
    );
    const asked = service
      .requests('GET', '/settings/api/property-options')
      .map((c) => new URL(c.url).searchParams.get('properties')!.split(','));
    expect(asked).toHaveLength(2);
    for (const refs of asked) {
      expect(refs.length).toBeLessThanOrEqual(20);
      for (const ref of refs) expect(PropertyRefSchema.safeParse(ref).success).toBe(true);
    }
    expect(asked.flat().filter((r) => r === 'company.industry')).toHaveLength(1);
    expect(service.requests('POST', '/settings/api/validate').map((c) => Object.keys(c.body))).toEqual([
      ['model'],
    ]);
    expect(page.maybeFindByTestId(Button, 'retry-load')).toBeNull();
  });
});
