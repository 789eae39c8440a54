/**
 * Derived signals end to end: HubSpot records an opt-out, a meeting's outcome or a form
 * conversion, sends its webhooks, and the service reads the record's history through the official
 * client, stores the signal once and rescores the contact, with the dated line in its explanation.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/hubspot/payloads.js';
import type { WebhookEvent } from '../../src/sandbox/index.js';
import { queryStackDatabase, type Stack, startStack } from './helpers.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** A contact that fits the seed-fit-intent ICP on all four criteria (fit 100), at its company. */
function idealContact(s: Stack, email: string): string {
  const source = { changeSource: 'IMPORT' };
  const company = s.sandbox.state.create(
    'companies',
    { name: 'Acme Software', industry: 'COMPUTER_SOFTWARE', numberofemployees: 250 },
    source,
  );
  const contact = s.sandbox.state.create(
    'contacts',
    { email, jobtitle: 'VP Sales', country: 'Netherlands', lifecyclestage: 'lead' },
    source,
  );
  s.sandbox.state.associate('contacts', contact.id, 'companies', company.id, 1);
  return contact.id;
}

/** Records a trial (+40) through the workflow action, and scores the contact. */
async function withTrial(s: Stack, contactId: string): Promise<void> {
  await s.execute(ACTIONS.recordSignal.path, { contactId, inputFields: { signal_type: 'trial_started' } });
  await s.service.worker.drain();
}

/** Delivers HubSpot's webhooks for a change and lets the worker finish everything it queued. */
async function deliverAndDrain(s: Stack, events: WebhookEvent[]): Promise<void> {
  const report = await s.deliver(events);
  expect(report.failed).toBe(0);
  await s.service.worker.drain();
}

const written = (s: Stack, id: string) => s.sandbox.state.get('contacts', id)!.properties;

describe('derived signals from HubSpot’s own records', () => {
  it('when HubSpot sends an opt-out webhook, then intent drops by the model’s 20 points, once however often it is sent', async () => {
    stack = await startStack({ contacts: 1 });
    const id = idealContact(stack, 'anna@acme-software.nl');
    await withTrial(stack, id);
    expect(written(stack, id).lq_intent_score).toBe('40');

    const optOut = stack.sandbox.activity.optOut(id);
    await deliverAndDrain(stack, optOut);
    expect(written(stack, id).lq_intent_score).toBe('20');
    expect(written(stack, id).lq_explanation).toMatch(
      /^[−-]20 Unsubscribed from e-mail \(\d{4}-\d{2}-\d{2}\)$/m,
    );

    // HubSpot retries and duplicates deliveries: the signal is keyed by its source, stored once.
    await deliverAndDrain(
      stack,
      optOut.map((e) => ({ ...e, attemptNumber: 1 })),
    );
    expect(written(stack, id).lq_intent_score).toBe('20');
    const rows = await queryStackDatabase<{ n: number }>(
      stack,
      `select count(*) as n from signals where contact_id = '${id}' and type = 'unsubscribed'`,
    );
    expect(Number(rows[0]!.n)).toBe(1);
  });

  it('when two meetings of a contact are marked no-show, then the first gives nothing and the second −30', async () => {
    stack = await startStack({ contacts: 1 });
    const id = idealContact(stack, 'bram@acme-software.nl');
    await withTrial(stack, id);
    const { activity } = stack.sandbox;

    const first = activity.logMeeting(id, { title: 'Demo' });
    await deliverAndDrain(stack, [
      ...first.events,
      ...activity.setMeetingOutcome(first.meetingId, 'NO_SHOW'),
    ]);
    expect(written(stack, id).lq_intent_score).toBe('40');

    const second = activity.logMeeting(id, { title: 'Demo, second try' });
    await deliverAndDrain(stack, [
      ...second.events,
      ...activity.setMeetingOutcome(second.meetingId, 'NO_SHOW'),
    ]);
    expect(written(stack, id).lq_intent_score).toBe('10');
    expect(written(stack, id).lq_explanation).toMatch(
      /^[−-]30 Demo no-show \(\d{4}-\d{2}-\d{2}, 2nd time\)$/m,
    );
    // Each meeting was read with its history, through the budgeted client, 50 records a call at most.
    expect(stack.calls('meetings.batch.read')).toBeGreaterThanOrEqual(2);
  });

  it('when the contact submits the demo form, then it becomes an MQL with a dated line; another form gives nothing', async () => {
    stack = await startStack({ contacts: 1 });
    const id = idealContact(stack, 'carla@acme-software.nl');
    await withTrial(stack, id);
    expect(written(stack, id).lq_qualification).toBe('nurture');

    await deliverAndDrain(stack, stack.sandbox.activity.submitForm(id, 'Newsletter sign-up'));
    expect(written(stack, id).lq_intent_score).toBe('40');

    await deliverAndDrain(stack, stack.sandbox.activity.submitForm(id, 'Request a Demo'));
    const after = written(stack, id);
    expect(after.lq_qualification).toBe('mql');
    expect(after.lifecyclestage).toBe('marketingqualifiedlead');
    const today = new Date().toISOString().slice(0, 10);
    expect(after.lq_explanation).toContain(`+30 Demo requested (${today})`);
  });

  it('when a property no rule watches changes, then no history is read and nothing is queued', async () => {
    stack = await startStack({ contacts: 1 });
    const id = idealContact(stack, 'dirk@acme-software.nl');
    const before = stack.calls('contacts.batch.read');
    // A property no rule watches and the model does not read.
    const event = stack.sandbox.events.propertyChange({
      objectId: id,
      propertyName: 'hs_analytics_num_visits',
      propertyValue: '3',
    });
    await deliverAndDrain(stack, [event]);
    expect(stack.calls('contacts.batch.read')).toBe(before);
  });

  it('when 120 contacts opt out in one burst, then their histories are read 50 a call and their meetings in one call', async () => {
    stack = await startStack({ contacts: 120 });
    const ids = stack.sandbox.data!.contacts.map((c) => c.id);
    stack.sandbox.reset();
    const events = ids.flatMap((id) => stack!.sandbox.activity.optOut(id));
    await deliverAndDrain(stack, events);
    expect({
      histories: stack.calls('contacts.batch.read') - Math.ceil(events.length / 100),
      associations: stack.calls('associations.v4.batch.read'),
      meetings: stack.calls('meetings.batch.read'),
    }).toEqual({ histories: Math.ceil(events.length / 50), associations: 1, meetings: 0 });
    const rows = await queryStackDatabase<{ n: number }>(
      stack,
      "select count(*) as n from signals where type = 'unsubscribed'",
    );
    // Contacts the seed had opted out already send no webhook: one signal per contact that opted out now.
    expect(events.length).toBeGreaterThan(100);
    expect(Number(rows[0]!.n)).toBe(events.length);
  });
});
