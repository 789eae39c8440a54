/**
 * The contact record card, rendered with HubSpot's own test renderer for `crm.record.tab`, with
 * `self.hsFetch` stubbed (card-fakes.ts): what it shows, what each button sends, and what it says
 * when the service refuses. The card's JSON is the service's core output for a real MQL.
 */
import { createElement, type ComponentType } from 'react';
import {
  Alert,
  Button,
  DescriptionListItem,
  Heading,
  LineChart,
  LoadingSpinner,
  Select,
  StatusTag,
  Table,
  TableCell,
  TableRow,
  Text,
  TextArea,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Answer, OWNERS_REPLY, type Reply, serviceCard, stubService } from './card-fakes.js';

const BASE = 'https://lq.example.com';
const CARD = new URL('../../hubspot-app/src/app/cards/ContactCard.tsx', import.meta.url).href;

let ContactCard: ComponentType<{ context: unknown }>;
beforeAll(async () => {
  // Loaded by path: the card is bundled by HubSpot, outside the service's TypeScript project.
  ({ ContactCard } = (await import(CARD)) as { ContactCard: ComponentType<{ context: unknown }> });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

const ok = (body: unknown, status = 200): Reply => ({ status, body });

function service(own: Record<string, Answer | Answer[]> = {}) {
  return stubService({
    'GET /card/api/contact': ok(serviceCard()),
    'GET /settings/api/owners': OWNERS_REPLY,
    ...own,
  });
}

/** Renders the card on record 123 and waits until it has loaded (or, with 'alert', shows an alert). */
async function openCard(until: 'loaded' | 'alert' = 'loaded') {
  const card = createRenderer('crm.record.tab');
  card.render(createElement(ContactCard, { context: card.mocks.context }));
  if (until === 'alert') await card.waitFor(() => expect(card.maybeFind(Alert)).not.toBeNull());
  else await card.waitFor(() => expect(card.maybeFind(LoadingSpinner)).toBeNull());
  return card;
}

type Card = Awaited<ReturnType<typeof openCard>>;

const fact = (card: Card, label: string) => {
  const item = card.find(DescriptionListItem, { label });
  return [...item.findAll(Text), ...item.findAll(StatusTag)].map((t) => t.text).join(' ');
};
const rows = (card: Card, testId: string) =>
  card
    .findByTestId(Table, testId)
    .findAll(TableRow)
    .slice(1)
    .map((row) => row.findAll(TableCell).map((cell) => cell.text));
const alert = (card: Card) => {
  const a = card.maybeFind(Alert);
  return a
    ? { title: a.props.title, variant: a.props.variant, text: a.findAll(Text).map((t) => t.text) }
    : null;
};
/** `trigger`'s value parameter is typed as the handler in 0.17.0; at run time it is the value. */
const value = (v: string) => v as never;

async function click(card: Card, testId: string) {
  card.findByTestId(Button, testId).trigger('onClick');
  await new Promise((resolve) => setTimeout(resolve, 0));
}

describe('contact card', () => {
  it('when it opens on an MQL, then it shows the verdict, every fit and intent line, the version, the chart, the owner and the SLA clock', async () => {
    const calls = service();
    const card = await openCard();
    const expected = serviceCard();

    // The record's id from HubSpot's context; HubSpot adds the portal and user itself.
    expect(calls.requests.map((r) => `${r.method} ${r.url}`).sort()).toEqual([
      `GET ${BASE}/card/api/contact?contactId=123`,
      `GET ${BASE}/settings/api/owners`,
    ]);
    expect(card.findAll(Heading).map((h) => h.text)).toEqual([
      'MQL: fit 100 > 60 and intent 70 > 50',
      'Fit: 100',
      'Intent: 70',
    ]);
    expect(rows(card, 'fit-lines')).toEqual(
      expected.breakdown.fit.lines.map((l) => [`+${l.points}`, l.text]),
    );
    expect(rows(card, 'intent-lines')).toEqual([
      ['+40', expect.stringContaining('Trial started')],
      ['+30', expect.stringContaining('Demo requested')],
    ]);
    expect(fact(card, 'Model version')).toBe('seed-fit-intent@1');
    expect(fact(card, 'Qualification')).toBe('MQL');
    expect(fact(card, 'Owner')).toBe('Bram de Wit (round robin)');
    expect(fact(card, 'Route')).toBe('new_business: New-business MQL');
    expect(fact(card, 'SLA: Acceptance')).toMatch(/^47 hours left \(due \d+ \w+ 2026, \d\d:\d\d\)$/);

    const chart = card.findByTestId(LineChart, 'score-over-time');
    const data = chart.props.data as { day: number; score: string; points: number }[];
    expect(data).toHaveLength(2 * 91);
    expect(data.filter((r) => r.score === 'Intent').map((r) => r.points)).toEqual(
      expected.timeline.map((p) => p.intent),
    );
    expect(data.at(-1)).toEqual({ day: expected.timeline.at(-1)!.at, score: 'Intent', points: 70 });
    expect(chart.props.axes).toMatchObject({
      x: { field: 'day', fieldType: 'datetime' },
      options: { groupFieldByColor: 'score' },
    });
  });

  it('when sales clicks Accept, then the decision is sent for this contact, the card says so and shows itself anew', async () => {
    const calls = service({
      'POST /card/api/decision': ok({ recorded: true, decision: 'accept', reason: null }, 202),
    });
    const card = await openCard();

    await click(card, 'accept');
    await card.waitFor(() => expect(alert(card)?.title).toBe('Accepted'));

    expect(calls.to('POST', '/card/api/decision').map((r) => r.body)).toEqual([
      { contactId: '123', decision: 'accept' },
    ]);
    expect(alert(card)).toMatchObject({ variant: 'success' });
    await card.waitFor(() => expect(calls.to('GET', '/card/api/contact')).toHaveLength(2));
  });

  it('when sales returns a lead, then a reason is required (and a note for "other") before anything is sent', async () => {
    const calls = service({
      'POST /card/api/decision': ok({ recorded: true, decision: 'return', reason: 'no_budget' }, 202),
    });
    const card = await openCard();
    await click(card, 'return');
    const reasons = card.findByTestId(Select, 'return-reason');
    expect(reasons.props.options.map((o) => o.value)).toEqual(serviceCard().lostReasons.map((r) => r.id));

    await click(card, 'send-return');
    expect(card.findByTestId(Select, 'return-reason').props).toMatchObject({
      error: true,
      validationMessage: 'Pick why the lead goes back.',
    });
    card.findByTestId(Select, 'return-reason').trigger('onChange', value('other'));
    await click(card, 'send-return');
    expect(card.findByTestId(TextArea, 'return-note').props.validationMessage).toBe('Say why in the note.');
    expect(calls.to('POST', '/card/api/decision')).toEqual([]);

    card.findByTestId(Select, 'return-reason').trigger('onChange', value('no_budget'));
    card.findByTestId(TextArea, 'return-note').trigger('onChange', value('  Budget next year '));
    await click(card, 'send-return');
    await card.waitFor(() => expect(alert(card)?.title).toBe('Returned to marketing'));

    expect(calls.to('POST', '/card/api/decision').map((r) => r.body)).toEqual([
      { contactId: '123', decision: 'return', reason: 'no_budget', note: 'Budget next year' },
    ]);
    expect(alert(card)!.text.join(' ')).toContain('Reason: No budget');
    expect(card.maybeFindByTestId(Select, 'return-reason')).toBeNull();
  });

  it('when sales disputes the score, then a reason is required and is sent with the contact', async () => {
    const calls = service({
      'POST /card/api/dispute': (body) =>
        ok(
          { dispute: { ...body, disputedBy: 'sam', disputedAt: 1, modelVersion: 'seed-fit-intent@1' } },
          201,
        ),
    });
    const card = await openCard();
    await click(card, 'dispute');

    card.findByTestId(TextArea, 'dispute-reason').trigger('onChange', value('   '));
    await click(card, 'send-dispute');
    expect(card.findByTestId(TextArea, 'dispute-reason').props.validationMessage).toBe(
      'Say what does not make sense about this score.',
    );
    expect(calls.to('POST', '/card/api/dispute')).toEqual([]);

    card.findByTestId(TextArea, 'dispute-reason').trigger('onChange', value(' A student project '));
    await click(card, 'send-dispute');
    await card.waitFor(() => expect(alert(card)?.title).toBe('Dispute recorded'));

    expect(calls.to('POST', '/card/api/dispute').map((r) => r.body)).toEqual([
      { contactId: '123', reason: 'A student project' },
    ]);
  });

  it('when the card shows earlier disputes and a closed, breached clock, then both are on it', async () => {
    const breached = serviceCard('123', {
      sla: {
        kind: 'acceptance',
        startedAt: 0,
        dueAt: Date.UTC(2026, 10, 20, 12),
        closedAt: Date.UTC(2026, 10, 21, 12),
        outcome: 'breached',
        hoursLeft: null,
      },
      disputes: [
        {
          reason: 'Not a buyer',
          disputedBy: 'sam@acme.example (user 7)',
          disputedAt: Date.UTC(2026, 10, 22),
          modelVersion: 'seed-fit-intent@1',
        },
      ],
    });
    service({ 'GET /card/api/contact': ok(breached) });
    const card = await openCard();

    expect(fact(card, 'SLA: Acceptance')).toMatch(
      /^breached on 21 Nov 2026, 07:00 \(was due 20 Nov 2026, 07:00\)$/,
    );
    expect(card.find(DescriptionListItem, { label: 'SLA: Acceptance' }).find(StatusTag).props.variant).toBe(
      'danger',
    );
    expect(card.findAll(Text).map((t) => t.text)).toContainEqual(
      expect.stringMatching(
        /^“Not a buyer” — sam@acme\.example \(user 7\), 21 Nov 2026, 19:00 \(model seed-fit-intent@1\)$/,
      ),
    );
  });
});

describe('contact card errors', () => {
  it('when the service has not scored the contact, then the card says so with the service’s words', async () => {
    service({
      'GET /card/api/contact': ok(
        {
          error: 'not_found',
          message: 'The service has not scored contact 123 yet.',
          problems: [{ path: 'query.contactId', message: 'not scored yet' }],
        },
        404,
      ),
    });
    const card = await openCard('alert');

    expect(alert(card)).toEqual({
      title: 'Not scored yet',
      variant: 'info',
      text: ['The service has not scored contact 123 yet. (not_found, HTTP 404)'],
    });
  });

  it('when the service cannot be reached, then the card says where it tried and loads on "Try again"; without the owner list it names the owner by id', async () => {
    const calls = service({
      'GET /card/api/contact': [new Error('connect ETIMEDOUT'), ok(serviceCard())],
      'GET /settings/api/owners': ok({ error: 'hubspot_unavailable', message: 'HubSpot is down' }, 503),
    });
    const card = await openCard('alert');

    expect(alert(card)).toEqual({
      title: 'The qualification could not be loaded',
      variant: 'error',
      text: [`Could not reach the lead-qualification service at ${BASE} (connect ETIMEDOUT).`],
    });
    card.findByTestId(Button, 'retry-load').trigger('onClick');
    await card.waitFor(() => expect(card.maybeFind(LineChart)).not.toBeNull());
    expect(calls.to('GET', '/card/api/contact')).toHaveLength(2);
    expect(fact(card, 'Owner')).toBe('HubSpot owner 70000002 (round robin)');
  });

  it('when the service refuses a decision, then the card shows why, field by field, and keeps the form as typed', async () => {
    service({
      'POST /card/api/decision': ok(
        {
          error: 'invalid_input',
          message: 'Say why in the note.',
          problems: [{ path: '$.note', message: 'is required when the reason is other' }],
        },
        400,
      ),
    });
    const card = await openCard();
    await click(card, 'return');
    card.findByTestId(Select, 'return-reason').trigger('onChange', value('wrong_timing'));
    await click(card, 'send-return');
    await card.waitFor(() => expect(alert(card)).not.toBeNull());

    expect(alert(card)).toEqual({
      title: 'The lead was not returned',
      variant: 'error',
      text: [
        'Say why in the note. (invalid_input, HTTP 400)',
        '$.note: is required when the reason is other',
      ],
    });
    expect(card.findByTestId(Select, 'return-reason').props.value).toBe('wrong_timing');
  });

  it('when the service answers with something that is not a card, then the card says it cannot read it', async () => {
    service({ 'GET /card/api/contact': ok({ contactId: '123' }) });
    const card = await openCard('alert');

    expect(alert(card)?.text).toEqual(['The service sent a card the card cannot read.']);
  });
});
