/**
 * Deals end to end against the sandbox: an accept makes exactly one deal (a retried accept too),
 * associated with the contact and its company and owned by the routed owner; deal webhooks keep
 * the store true; the funnel counts opportunities and customers from deals, with their amounts,
 * as a hand count does; installed-base MQLs raise no false warning.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadPreset } from '../../src/core/index.js';
import { createDeals } from '../../src/jobs/feedback/deals-on-accept.js';
import { funnelFromStore } from '../../src/jobs/funnel.js';
import {
  contact,
  DAY,
  decide,
  type FeedbackStack,
  HOUR,
  makeContact,
  NEW_BUSINESS_INTENT,
  OWNERS,
  publishRouting,
  ROUTING,
  startFeedbackStack,
} from './feedback-helpers.js';

let stack: FeedbackStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const DEAL_ON_ACCEPT = {
  pipeline: 'default',
  stage: 'appointmentscheduled',
  nameTemplate: '{company} – {contact}',
};

async function withDeals(s: FeedbackStack, dealOnAccept: object | undefined = DEAL_ON_ACCEPT): Promise<void> {
  const feedback = { ...loadPreset('seed-fit-intent').feedback, ...(dealOnAccept ? { dealOnAccept } : {}) };
  await publishRouting(s, ROUTING, feedback as never);
}

function dealsOf(s: FeedbackStack, contactId: string) {
  return s.sandbox.state
    .associations('contacts', contactId, 'deals')
    .map((a) => s.sandbox.state.get('deals', a.toId)!);
}

/** A person in HubSpot changes a deal; HubSpot sends the webhooks the app subscribes to. */
async function salesChangesDeal(s: FeedbackStack, dealId: string, properties: Record<string, string>) {
  s.sandbox.state.update('deals', dealId, properties, { changeSource: 'CRM_UI', sourceId: 'userId:42' });
  const deal = s.sandbox.state.get('deals', dealId)!;
  const events = Object.keys(properties).map((name) =>
    s.sandbox.events.propertyChange({
      objectType: 'deals',
      objectId: dealId,
      propertyName: name,
      propertyValue: deal.properties[name] ?? '',
      changeSource: 'CRM_UI',
      sourceId: 'userId:42',
    }),
  );
  await s.deliver(events);
  await s.service.worker.drain();
}

describe('deals on accept', () => {
  it('when sales accepts an MQL (and the accept is retried), then exactly one deal is made, with the contact, its company and the routed owner', async () => {
    stack = await startFeedbackStack();
    await withDeals(stack);
    const id = await makeContact(stack, { name: 'Ann Smit', signals: NEW_BUSINESS_INTENT });
    await stack.service.worker.drain();
    const companyId = contact(stack, id).associatedcompanyid!;
    expect(contact(stack, id).hubspot_owner_id).toBe(OWNERS.anna);
    stack.clock.advance(2 * HOUR);

    const first = await decide(stack, id, { decision: 'accept' }, 'cb-deal-1');
    const retry = await decide(stack, id, { decision: 'accept' }, 'cb-deal-1');
    // A person also sets the lead status to "in progress" (another accept): the contact is an SQL already.
    stack.sandbox.state.update('contacts', id, { hs_lead_status: 'IN_PROGRESS' }, { changeSource: 'CRM_UI' });
    await stack.deliver([
      stack.sandbox.events.propertyChange({
        objectId: id,
        propertyName: 'hs_lead_status',
        propertyValue: 'IN_PROGRESS',
      }),
    ]);
    await stack.service.worker.drain();
    await stack.service.scheduler.runOnce();

    expect([first.outputFields?.applied, retry.outputFields?.applied]).toEqual(['true', 'true']);
    const deals = dealsOf(stack, id);
    expect(deals).toHaveLength(1);
    const deal = deals[0]!;
    expect(deal.properties).toMatchObject({
      dealname: 'Ann Smit BV – Ann Smit',
      pipeline: 'default',
      dealstage: 'appointmentscheduled',
      hubspot_owner_id: OWNERS.anna,
      hs_is_closed: 'false',
    });
    expect(
      stack.sandbox.state.associations('deals', deal.id, 'contacts').map((a) => [a.toId, a.typeIds]),
    ).toEqual([[id, [3]]]);
    expect(
      stack.sandbox.state.associations('deals', deal.id, 'companies').map((a) => [a.toId, a.typeIds]),
    ).toEqual([[companyId, [5, 341]]]);
    // One create call made it, with both associations.
    expect(stack.calls('deals.create')).toBe(1);
    expect(await stack.service.store.deals.dealsOfContacts(stack.portalId, [id])).toMatchObject([
      { dealId: deal.id, contactIds: [id], stage: 'appointmentscheduled', outcome: null },
    ]);
  });

  it('when the switch is off, then an accept makes no deal but the contact’s deals are read for the funnel', async () => {
    stack = await startFeedbackStack();
    const id = await makeContact(stack, { name: 'Bo Boer', signals: NEW_BUSINESS_INTENT });
    await stack.service.worker.drain();
    stack.clock.advance(HOUR);
    // A rep made a deal by hand meanwhile.
    const handMade = stack.sandbox.state.create(
      'deals',
      { dealname: 'by hand', dealstage: 'qualifiedtobuy', amount: '900' },
      { changeSource: 'CRM_UI' },
      [{ to: { id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }] }],
    );
    await decide(stack, id, { decision: 'accept' });
    expect(stack.calls('deals.create')).toBe(0);
    expect(
      (await stack.service.store.deals.dealsOfContacts(stack.portalId, [id])).map((d) => [
        d.dealId,
        d.amount,
      ]),
    ).toEqual([[handMade.id, 900]]);
  });

  it('when HubSpot refuses the deal (a stage of another pipeline), then the accept stands and the refusal is kept, never retried', async () => {
    stack = await startFeedbackStack();
    await withDeals(stack, { pipeline: 'default', stage: '7580113' });
    const id = await makeContact(stack, { name: 'Cor Visser', signals: NEW_BUSINESS_INTENT });
    await stack.service.worker.drain();
    const accept = await decide(stack, id, { decision: 'accept' }, 'cb-refused');
    expect(accept.outputFields?.lifecycle_stage).toBe('salesqualifiedlead');
    stack.clock.advance(10 * 60_000);
    await stack.service.scheduler.runOnce();
    const requests = await stack.service.store.deals.requestsOf(stack.portalId, [
      ...(await keysOf(stack, id)),
    ]);
    expect([...requests.values()].map((r) => [r.status, r.attempts])).toEqual([['refused', 1]]);
    expect([...requests.values()][0]?.lastError).toContain(
      '7580113 is not a valid stage of pipeline default',
    );
    expect(stack.calls('deals.create')).toBe(1);
    expect(dealsOf(stack, id)).toEqual([]);
  });

  it('when HubSpot is down at the accept, then the scheduler makes the deal later; an attempt that made it already adopts it', async () => {
    stack = await startFeedbackStack();
    await withDeals(stack);
    const id = await makeContact(stack, { name: 'Dik Dijk', signals: NEW_BUSINESS_INTENT });
    await stack.service.worker.drain();
    stack.sandbox.setFaults({ 'deals.create': { rate503: 1 } });
    await decide(stack, id, { decision: 'accept' });
    expect(dealsOf(stack, id)).toEqual([]);
    stack.sandbox.setFaults({});
    stack.clock.advance(10 * 60_000);
    await stack.service.scheduler.runOnce();
    expect(dealsOf(stack, id)).toHaveLength(1);

    // A request whose earlier attempt's answer was lost: the deal HubSpot made is found, not made again.
    const request = await stack.service.store.deals.request({
      portalId: stack.portalId,
      key: 'lost-answer',
      contactId: id,
      companyId: null,
      ownerId: null,
      pipeline: 'default',
      stage: 'appointmentscheduled',
      name: dealsOf(stack, id)[0]!.properties.dealname!,
      requestedAt: stack.clock.now() - 11 * 60_000,
    });
    const made = await createDeals(
      { store: stack.service.store, crm: stack.service.crm, clock: stack.clock.now },
      [{ ...request, attempts: 2 }],
    );
    expect(made).toBe(1);
    expect(dealsOf(stack, id)).toHaveLength(1);
    expect(
      (await stack.service.store.deals.requestsOf(stack.portalId, ['lost-answer'])).get('lost-answer')
        ?.dealId,
    ).toBe(dealsOf(stack, id)[0]!.id);
  });
});

describe('the funnel from deals', () => {
  it('when deals made after the MQL moment move on in HubSpot, then they count as opportunities and a won one as a customer with its amount, as a hand count says', async () => {
    stack = await startFeedbackStack();
    await withDeals(stack);
    const start = stack.clock.now();
    const names = ['Ann Smit', 'Ben Bakker', 'Cor Visser', 'Dirk Dam'];
    const ids: string[] = [];
    for (const name of names) ids.push(await makeContact(stack, { name, signals: NEW_BUSINESS_INTENT }));
    await stack.service.worker.drain();
    stack.clock.advance(HOUR);
    // Sales accepts three, returns one.
    for (const id of ids.slice(0, 3)) await decide(stack, id, { decision: 'accept' });
    await decide(stack, ids[3]!, { decision: 'return', reason: 'no_budget' });
    const [a, b, c] = ids.slice(0, 3).map((id) => dealsOf(stack!, id)[0]!);
    // Ten days later: A is won for 12,000, B lost, C still open.
    stack.clock.advance(10 * DAY);
    await salesChangesDeal(stack, a!.id, { dealstage: 'closedwon', amount: '12000' });
    await salesChangesDeal(stack, b!.id, { dealstage: 'closedlost' });
    await salesChangesDeal(stack, c!.id, { amount: '5000' });

    const funnel = await funnelFromStore(
      stack.service.store,
      stack.portalId,
      start - 1,
      start + DAY,
      {},
      stack.clock.now(),
    );
    // Hand count: 4 MQLs, 3 SQLs, 3 opportunities (A, B, C), 1 customer (A: 12,000 in 10 days).
    expect([funnel.mqls, funnel.sqls, funnel.opportunities, funnel.customers]).toEqual([4, 3, 3, 1]);
    expect([funnel.wonDeals, funnel.wonDealValue, funnel.averageDealValuePerSql]).toEqual([
      1, 12_000, 12_000,
    ]);
    expect(funnel.averageCycleDays).toBeCloseTo(10, 3);
    // 3 SQLs × 12,000 × 1/3 / 10 days.
    expect(funnel.pipelineVelocityPerDay).toBeCloseTo(1_200, 3);
    expect(funnel.economicsFrom).toEqual({ dealValue: 'deals', cycleDays: 'deals' });
    expect(funnel.warnings.map((w) => w.code)).not.toContain('sql_to_opportunity_low');
    const stored = await stack.service.store.deals.dealsOfContacts(stack.portalId, ids);
    expect(stored.map((d) => [d.outcome, d.amount])).toEqual([
      ['won', 12_000],
      ['lost', null],
      [null, 5_000],
    ]);
  });

  it('when a deal is deleted in HubSpot, then it counts no more', async () => {
    stack = await startFeedbackStack();
    await withDeals(stack);
    const start = stack.clock.now();
    const id = await makeContact(stack, { name: 'Eva Eens', signals: NEW_BUSINESS_INTENT });
    await stack.service.worker.drain();
    await decide(stack, id, { decision: 'accept' });
    const deal = dealsOf(stack, id)[0]!;
    stack.sandbox.state.archive('deals', deal.id, { changeSource: 'CRM_UI' });
    await stack.deliver([stack.sandbox.events.deletion({ objectType: 'deals', objectId: deal.id })]);
    await stack.service.worker.drain();
    const funnel = await funnelFromStore(
      stack.service.store,
      stack.portalId,
      start - 1,
      start + DAY,
      {},
      stack.clock.now(),
    );
    expect([funnel.sqls, funnel.opportunities]).toEqual([1, 0]);
  });

  it('when installed-base MQLs are accepted beside new business, then they stay apart and cause no "just looking" warning', async () => {
    // No deals made on accept: the account manager handles expansion without a new deal yet.
    stack = await startFeedbackStack();
    const start = stack.clock.now();
    const newBusiness = await makeContact(stack, { name: 'Nina Nieuw', signals: NEW_BUSINESS_INTENT });
    const customers: string[] = [];
    for (const name of ['Kees Klant', 'Karin Klant', 'Koen Klant'])
      customers.push(
        await makeContact(stack, {
          name,
          signals: { pricing_page_viewed: 5 },
          properties: { lifecyclestage: 'customer' },
          company: { lifecyclestage: 'customer', hubspot_owner_id: OWNERS.eva },
        }),
      );
    await stack.service.worker.drain();
    stack.clock.advance(HOUR);
    // The new-business SQL gets a deal from its rep; the accept reads it.
    stack.sandbox.state.create(
      'deals',
      { dealname: 'Nina', dealstage: 'qualifiedtobuy' },
      { changeSource: 'CRM_UI' },
      [
        {
          to: { id: newBusiness },
          types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }],
        },
      ],
    );
    for (const id of [newBusiness, ...customers]) await decide(stack, id, { decision: 'accept' });

    const funnel = await funnelFromStore(
      stack.service.store,
      stack.portalId,
      start - 1,
      start + DAY,
      {},
      stack.clock.now(),
    );
    expect(funnel.byRoute['installed-base']?.mqls).toBe(3);
    expect([funnel.mqls, funnel.sqls, funnel.opportunities]).toEqual([1, 1, 1]);
    expect([funnel.installedBase.sqls, funnel.installedBase.opportunities]).toEqual([3, 0]);
    // Counted together, SQL→Opportunity would be 1 / 4: a false "just looking" warning.
    expect(funnel.warnings).toEqual([]);
  });
});

async function keysOf(s: FeedbackStack, contactId: string): Promise<string[]> {
  const decisions = await s.service.store.decisions.applied(s.portalId, 0, Number.MAX_SAFE_INTEGER);
  return decisions.filter((d) => d.contactId === contactId).map((d) => d.idempotencyKey);
}
