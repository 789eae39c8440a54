import { afterEach, describe, expect, it } from 'vitest';
import { generateHistorySeed } from '../../src/sandbox/history-seed.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { sdk, startSandbox } from './helpers.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-01T00:00:00Z');

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('the history seed: two years of a portal as HubSpot holds it', () => {
  it('when the sandbox is seeded with history, then a contact’s stage dates, form conversions and opt-out are read with their property history', async () => {
    const seeded = generateHistorySeed({ contacts: 300, seed: 9, now: NOW });
    sandbox = await startSandbox({ data: seeded.data, now: () => NOW });
    const converted = seeded.history.find(
      (h) =>
        h.stageEntered.marketingqualifiedlead !== undefined &&
        h.signals.filter((s) =>
          ['demo_requested', 'webinar_attended', 'whitepaper_downloaded', 'trial_started'].includes(s.type),
        ).length >= 2,
    )!;
    const read = await sdk(sandbox).crm.contacts.batchApi.read({
      inputs: [{ id: converted.id }],
      properties: [
        'lifecyclestage',
        ...Object.keys(converted.stageEntered).map((s) => `hs_v2_date_entered_${s}`),
      ],
      propertiesWithHistory: ['num_conversion_events', 'lifecyclestage'],
    });
    const contact = read.results[0]!;
    expect(Date.parse(contact.properties.createdate!)).toBe(converted.createdAt);
    for (const [stage, at] of Object.entries(converted.stageEntered))
      expect(Date.parse(contact.properties[`hs_v2_date_entered_${stage}`]!)).toBe(at);
    const conversions = converted.signals.filter((s) =>
      ['demo_requested', 'webinar_attended', 'whitepaper_downloaded', 'trial_started'].includes(s.type),
    );
    const history = contact.propertiesWithHistory ?? {};
    // Newest first, one version per form submission, each dated when it happened.
    expect(history.num_conversion_events?.map((v) => [v.value, v.timestamp.getTime(), v.sourceType])).toEqual(
      conversions.map((s, i) => [String(i + 1), s.occurredAt, 'FORM']).reverse(),
    );
    const stages = Object.entries(converted.stageEntered).sort((a, b) => a[1] - b[1]);
    expect(history.lifecyclestage?.map((v) => [v.value, v.timestamp.getTime()])).toEqual(stages.reverse());

    const optedOut = seeded.history.find((h) => h.signals.some((s) => s.type === 'unsubscribed'))!;
    const optOut = await sdk(sandbox).crm.contacts.batchApi.read({
      inputs: [{ id: optedOut.id }],
      properties: ['hs_email_optout'],
      propertiesWithHistory: ['hs_email_optout'],
    });
    const at = optedOut.signals.find((s) => s.type === 'unsubscribed')!.occurredAt;
    expect(optOut.results[0]!.properties.hs_email_optout).toBe('true');
    expect(
      optOut.results[0]!.propertiesWithHistory?.hs_email_optout?.map((v) => v.timestamp.getTime()),
    ).toEqual([at]);
  });

  it('when a contact requested demos, then each became a meeting whose outcome history says whether it was held or missed', async () => {
    const seeded = generateHistorySeed({ contacts: 600, seed: 9, now: NOW });
    sandbox = await startSandbox({ data: seeded.data, now: () => NOW });
    const meetings = seeded.data.meetings!;
    const requests = seeded.history.flatMap((h) => h.signals.filter((s) => s.type === 'demo_requested'));
    expect(meetings).toHaveLength(requests.length);
    const noShow = meetings.find((m) => m.properties.hs_meeting_outcome === 'NO_SHOW')!;
    const client = sdk(sandbox);
    const read = await client.crm.objects.batchApi.read('meetings', {
      inputs: [{ id: noShow.id }],
      properties: ['hs_meeting_outcome', 'hs_meeting_start_time'],
      propertiesWithHistory: ['hs_meeting_outcome'],
    });
    const start = Date.parse(read.results[0]!.properties.hs_meeting_start_time!);
    expect(
      read.results[0]!.propertiesWithHistory?.hs_meeting_outcome?.map((v) => [
        v.value,
        v.timestamp.getTime(),
      ]),
    ).toEqual([
      ['NO_SHOW', start],
      ['SCHEDULED', Date.parse(noShow.properties.hs_createdate!)],
    ]);
    const links = await client.crm.associations.v4.batchApi.getPage('contacts', 'meetings', {
      inputs: [{ id: noShow.contactId }],
    });
    expect(links.results[0]?.to.map((t) => String(t.toObjectId))).toContain(noShow.id);
    // The no-show is one of the contact's signals too, at the meeting's start.
    const owner = seeded.history.find((h) => h.id === noShow.contactId)!;
    expect(owner.signals).toContainEqual(
      expect.objectContaining({ type: 'demo_no_show', occurredAt: start }),
    );
  });

  it('when contacts became opportunities, then each has one deal from that day, won the day it became a customer, with its contact and company', async () => {
    const seeded = generateHistorySeed({ contacts: 400, seed: 4, now: NOW });
    sandbox = await startSandbox({ data: seeded.data, now: () => NOW });
    const { deals, dealLinks } = seeded.data;
    const opportunities = seeded.history.filter((h) => h.stageEntered.opportunity !== undefined);
    expect(deals).toHaveLength(opportunities.length);
    const client = sdk(sandbox);
    const page = await client.crm.deals.basicApi.getPage(100, undefined, [
      'dealstage',
      'createdate',
      'closedate',
      'amount',
      'hs_is_closed_won',
      'hs_is_closed',
    ]);
    for (const deal of page.results) {
      const link = dealLinks.find((l) => l.dealId === deal.id)!;
      const h = seeded.history.find((c) => c.id === link.contactId)!;
      expect(Date.parse(deal.properties.createdate!)).toBe(h.stageEntered.opportunity);
      if (h.stageEntered.customer !== undefined) {
        expect(deal.properties).toMatchObject({ dealstage: 'closedwon', hs_is_closed_won: 'true' });
        expect(Date.parse(deal.properties.closedate!)).toBe(h.stageEntered.customer);
      } else expect(deal.properties.hs_is_closed_won).toBe('false');
      expect(Number(deal.properties.amount)).toBeGreaterThan(0);
    }
    const won = deals.filter((d) => d.properties.dealstage === 'closedwon').length;
    const lost = deals.filter((d) => d.properties.dealstage === 'closedlost').length;
    expect(won).toBe(seeded.history.filter((h) => h.stageEntered.customer !== undefined).length);
    expect(lost).toBeGreaterThan(0);
    expect(deals.length - won - lost).toBeGreaterThan(0);
    const withCompany = dealLinks.find((l) => l.companyId !== null)!;
    const companies = await client.crm.associations.v4.batchApi.getPage('deals', 'companies', {
      inputs: [{ id: withCompany.dealId }],
    });
    expect(companies.results[0]?.to.map((t) => String(t.toObjectId))).toEqual([withCompany.companyId]);
  });

  it('when the same seed is generated twice, then the history is the same, and 2,000 contacts take well under a few seconds', () => {
    const started = performance.now();
    const a = generateHistorySeed({ contacts: 2000, seed: 42, now: NOW });
    const ms = performance.now() - started;
    const b = generateHistorySeed({ contacts: 2000, seed: 42, now: NOW });
    expect(b.history).toEqual(a.history);
    expect(b.data.deals).toEqual(a.data.deals);
    expect(b.data.meetings).toEqual(a.data.meetings);
    expect(ms).toBeLessThan(3000);
    console.log(
      `history seed of 2,000 contacts: ${ms.toFixed(0)} ms; ${a.data.deals.length} deals, ${a.data.meetings!.length} meetings`,
    );
    const first = a.history[0]!.stageEntered.lead!;
    expect(first).toBeGreaterThanOrEqual(NOW - 730 * DAY);
  });

  it('when a contact moves to another lifecycle stage, then HubSpot’s date entered for that stage is set', async () => {
    let clock = NOW;
    sandbox = await startSandbox({ now: () => clock });
    const id = sandbox.state.create(
      'contacts',
      { email: 'a@b.example', lifecyclestage: 'lead' },
      { changeSource: 'CRM_UI' },
    ).id;
    clock += 3_600_000;
    await sdk(sandbox).crm.contacts.basicApi.update(id, {
      properties: { lifecyclestage: 'marketingqualifiedlead' },
    });
    const read = await sdk(sandbox).crm.contacts.basicApi.getById(id, [
      'hs_v2_date_entered_lead',
      'hs_v2_date_entered_marketingqualifiedlead',
      'hs_v2_date_entered_customer',
    ]);
    expect(read.properties).toMatchObject({
      hs_v2_date_entered_lead: new Date(NOW).toISOString(),
      hs_v2_date_entered_marketingqualifiedlead: new Date(NOW + 3_600_000).toISOString(),
      hs_v2_date_entered_customer: null,
    });
  });
});
