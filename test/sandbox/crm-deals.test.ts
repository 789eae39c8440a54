/**
 * Deals in the sandbox as HubSpot has them: the deals object (0-3) with its pipeline rules and
 * calculated properties, the pipelines API, deal↔contact and deal↔company associations (v4),
 * deal webhooks, scopes, and the seeded deals.
 */
import { AssociationSpecAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/deals/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createSandbox, generateSeedData, type Sandbox } from '../../src/sandbox/index.js';
import { sdk } from './helpers.js';

let sandbox: Sandbox;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined as unknown as Sandbox;
});

const source = { changeSource: 'CRM_UI', sourceId: 'userId:1' };
const assoc = (id: string, typeId: number) => ({
  to: { id },
  types: [
    { associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined, associationTypeId: typeId },
  ],
});

function contactAtCompany(s: Sandbox): { contactId: string; companyId: string } {
  const company = s.state.create('companies', { name: 'Acme BV' }, source);
  const contact = s.state.create('contacts', { email: 'ann@acme.example' }, source);
  s.state.associate('contacts', contact.id, 'companies', company.id, 1);
  return { contactId: contact.id, companyId: company.id };
}

async function statusOf(promise: Promise<unknown>): Promise<{ code: number; body: unknown }> {
  try {
    await promise;
    return { code: 200, body: null };
  } catch (error) {
    const e = error as { code: number; body: unknown };
    return { code: e.code, body: e.body };
  }
}

describe('deals', () => {
  it('when a deal is created with associations to a contact and its company, then one call makes it, with the calculated properties, and v4 lists both ends', async () => {
    sandbox = await createSandbox();
    const { contactId, companyId } = contactAtCompany(sandbox);
    const owner = sandbox.state.owners()[0]?.id;
    expect(owner).toBeUndefined(); // no seed: no owners
    const client = sdk(sandbox);
    const created = await client.crm.deals.basicApi.create({
      properties: { dealname: 'Acme – new business', amount: '12000', dealstage: 'qualifiedtobuy' },
      associations: [assoc(contactId, 3), assoc(companyId, 5)],
    });
    expect(created.properties).toMatchObject({ dealname: 'Acme – new business', amount: '12000' });

    const read = await client.crm.deals.batchApi.read({
      inputs: [{ id: created.id }],
      properties: [
        'pipeline',
        'dealstage',
        'hs_is_closed',
        'hs_is_closed_won',
        'hs_deal_stage_probability',
        'closedate',
      ],
      propertiesWithHistory: [],
    });
    expect(read.results[0]?.properties).toMatchObject({
      pipeline: 'default',
      dealstage: 'qualifiedtobuy',
      hs_is_closed: 'false',
      hs_is_closed_won: 'false',
      hs_deal_stage_probability: '0.4',
      closedate: null,
    });

    const toDeals = await client.crm.associations.v4.batchApi.getPage('contacts', 'deals', {
      inputs: [{ id: contactId }],
    });
    expect(
      toDeals.results[0]?.to.map((t) => [String(t.toObjectId), t.associationTypes.map((a) => a.typeId)]),
    ).toEqual([[created.id, [4]]]);
    const companyOfDeal = await client.crm.associations.v4.basicApi.getPage('deals', created.id, 'companies');
    expect(companyOfDeal.results.map((r) => r.associationTypes.map((a) => a.typeId))).toEqual([[5, 341]]);
    // The deal is no contact's primary company: associatedcompanyid is untouched.
    expect(sandbox.state.get('contacts', contactId)?.properties.associatedcompanyid).toBe(companyId);
  });

  it('when a deal moves to closed won, then it is closed and won with a close date; to closed lost, closed and not won', async () => {
    let now = Date.UTC(2026, 0, 10, 12);
    sandbox = await createSandbox({ now: () => now });
    const won = sandbox.state.create(
      'deals',
      { dealname: 'A', dealstage: 'contractsent', amount: '500' },
      source,
    );
    now += 3_600_000;
    sandbox.state.update('deals', won.id, { dealstage: 'closedwon' }, source);
    expect(sandbox.state.get('deals', won.id)?.properties).toMatchObject({
      hs_is_closed: 'true',
      hs_is_closed_won: 'true',
      hs_deal_stage_probability: '1',
      closedate: new Date(now).toISOString(),
    });
    const lost = sandbox.state.create(
      'deals',
      { dealname: 'B', dealstage: 'closedlost', closedate: '2026-01-01T00:00:00.000Z' },
      source,
    );
    expect(sandbox.state.get('deals', lost.id)?.properties).toMatchObject({
      hs_is_closed: 'true',
      hs_is_closed_won: 'false',
      closedate: '2026-01-01T00:00:00.000Z',
    });
  });

  it('when a write names a stage of another pipeline, no stage, or sets a calculated property, then HubSpot refuses it naming the property', async () => {
    sandbox = await createSandbox();
    const client = sdk(sandbox);
    const wrongPipeline = await statusOf(
      client.crm.deals.basicApi.create({
        properties: { dealname: 'x', dealstage: '7580113' },
        associations: [],
      }),
    );
    expect(wrongPipeline.code).toBe(400);
    expect(JSON.stringify(wrongPipeline.body)).toContain('7580113 is not a valid stage of pipeline default');
    const ok = await client.crm.deals.basicApi.create({
      properties: { dealname: 'x', pipeline: '7580112', dealstage: '7580113' },
      associations: [],
    });
    expect(ok.id).toMatch(/^\d+$/);
    const noStage = await statusOf(
      client.crm.deals.basicApi.create({ properties: { dealname: 'y' }, associations: [] }),
    );
    expect(noStage.code).toBe(400);
    expect(JSON.stringify(noStage.body)).toContain('dealstage is required');
    const calculated = await statusOf(
      client.crm.deals.basicApi.update(ok.id, { properties: { hs_is_closed_won: 'true' } }),
    );
    expect(calculated.code).toBe(400);
    expect(JSON.stringify(calculated.body)).toContain('hs_is_closed_won');
  });

  it('when pipelines are read, then each stage carries isClosed and probability as strings', async () => {
    sandbox = await createSandbox();
    const pipelines = await sdk(sandbox).crm.pipelines.pipelinesApi.getAll('deals');
    const sales = pipelines.results.find((p) => p.id === 'default');
    expect(sales?.label).toBe('Sales Pipeline');
    expect(sales?.stages.map((s) => [s.id, s.metadata?.isClosed, s.metadata?.probability])).toEqual([
      ['appointmentscheduled', 'false', '0.2'],
      ['qualifiedtobuy', 'false', '0.4'],
      ['presentationscheduled', 'false', '0.6'],
      ['decisionmakerboughtin', 'false', '0.8'],
      ['contractsent', 'false', '0.9'],
      ['closedwon', 'true', '1'],
      ['closedlost', 'true', '0'],
    ]);
    const missing = await statusOf(sdk(sandbox).crm.pipelines.pipelinesApi.getById('deals', 'nope'));
    expect(missing.code).toBe(404);
  });

  it('when deals are searched by stage, then the search API finds them', async () => {
    sandbox = await createSandbox();
    for (const dealstage of ['closedwon', 'closedwon', 'qualifiedtobuy'])
      sandbox.state.create('deals', { dealname: dealstage, dealstage }, source);
    const found = await sdk(sandbox).crm.deals.searchApi.doSearch({
      filterGroups: [
        { filters: [{ propertyName: 'hs_is_closed_won', operator: 'EQ' as never, value: 'true' }] },
      ],
      properties: ['dealname'],
      limit: 10,
      after: '0',
      sorts: [],
    });
    expect(found.total).toBe(2);
  });

  it('when deals change, then webhooks say deal.creation, deal.propertyChange for stage and amount only, and deal.deletion', async () => {
    sandbox = await createSandbox({ echoWrites: true });
    const deal = sandbox.state.create(
      'deals',
      { dealname: 'A', dealstage: 'qualifiedtobuy', amount: '10' },
      source,
    );
    sandbox.state.update('deals', deal.id, { dealstage: 'closedwon', dealname: 'renamed' }, source);
    sandbox.state.archive('deals', deal.id, source);
    const events = sandbox.queuedEvents().filter((e) => e.objectId === Number(deal.id));
    expect(events.map((e) => [e.subscriptionType, e.propertyName ?? null, e.propertyValue ?? null])).toEqual([
      ['deal.creation', null, null],
      ['deal.propertyChange', 'dealstage', 'qualifiedtobuy'],
      ['deal.propertyChange', 'amount', '10'],
      ['deal.propertyChange', 'dealstage', 'closedwon'],
      ['deal.propertyChange', 'closedate', expect.any(String)],
      ['deal.deletion', null, null],
    ]);
  });

  it('when a token lacks the deals scopes, then deals, their associations and pipelines are a 403 naming them', async () => {
    sandbox = await createSandbox({
      accessTokens: ['narrow'],
      tokenScopes: { narrow: ['crm.objects.contacts.read', 'crm.objects.companies.read'] },
    });
    const client = sdk(sandbox, { accessToken: 'narrow' });
    const read = await statusOf(client.crm.deals.basicApi.getPage(10));
    const assocRead = await statusOf(
      client.crm.associations.v4.batchApi.getPage('contacts', 'deals', { inputs: [{ id: '1' }] }),
    );
    const pipes = await statusOf(client.crm.pipelines.pipelinesApi.getAll('deals'));
    for (const r of [read, assocRead, pipes]) {
      expect(r.code).toBe(403);
      expect(JSON.stringify(r.body)).toContain('crm.objects.deals.read');
    }
  });

  it('when the sandbox is seeded, then customers have won deals and opportunities open or lost ones, each with its contact and company', () => {
    const data = generateSeedData({ contacts: 600, seed: 3 });
    const stageOf = new Map(data.contacts.map((c) => [c.id, c.properties.lifecyclestage]));
    const byContact = new Map(data.dealLinks.map((l) => [l.dealId, l.contactId]));
    expect(data.deals.length).toBeGreaterThan(20);
    for (const deal of data.deals) {
      const stage = stageOf.get(byContact.get(deal.id)!);
      if (deal.properties.dealstage === 'closedwon') expect(['customer', 'evangelist']).toContain(stage);
      if (stage === 'customer')
        expect(deal.properties).toMatchObject({ dealstage: 'closedwon', hs_is_closed_won: 'true' });
      expect(Date.parse(deal.properties.closedate!)).toBeGreaterThanOrEqual(deal.createdAt);
    }
    expect(data.dealLinks.filter((l) => l.companyId !== null).length).toBeGreaterThan(0);
  });
});
