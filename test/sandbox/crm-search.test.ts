import { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/contacts/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { addContacts, call, sdk, startSandbox } from './helpers.js';

let sandbox: Sandbox;
afterEach(async () => {
  await sandbox?.close();
});

const search = (body: unknown) => call(sandbox, 'POST', '/crm/v3/objects/contacts/search', body);

describe('contact search', () => {
  it('when filter groups are given, then groups are ORed and filters within a group ANDed', async () => {
    sandbox = await startSandbox();
    addContacts(sandbox, 6, (i) => ({
      email: `s${i}@${i % 2 === 0 ? 'gmail.com' : 'acme.example'}`,
      lifecyclestage: i < 3 ? 'lead' : 'customer',
      jobtitle: i === 5 ? 'Plant Manager' : 'Engineer',
    }));
    const result = await sdk(sandbox).crm.contacts.searchApi.doSearch({
      filterGroups: [
        {
          filters: [
            { propertyName: 'lifecyclestage', operator: FilterOperatorEnum.Eq, value: 'lead' },
            { propertyName: 'email', operator: FilterOperatorEnum.ContainsToken, value: '*@gmail.com' },
          ],
        },
        {
          filters: [{ propertyName: 'jobtitle', operator: FilterOperatorEnum.ContainsToken, value: 'plant' }],
        },
      ],
      properties: ['email', 'jobtitle'],
      limit: 10,
      after: '0',
      sorts: [],
    });
    expect(result.total).toBe(3);
    expect(result.results.map((r) => r.properties.email)).toEqual([
      's0@gmail.com',
      's2@gmail.com',
      's5@acme.example',
    ]);
  });

  it('when numeric, range and presence operators are used, then they compare as HubSpot does', async () => {
    sandbox = await startSandbox();
    addContacts(sandbox, 5, (i) => ({
      email: `n${i}@acme.example`,
      hs_analytics_num_page_views: String(i * 10),
      ...(i === 4 ? {} : { jobtitle: 'x' }),
    }));
    const ids = async (filters: unknown[]) =>
      (
        (await search({ filterGroups: [{ filters }], properties: ['email'] })).body.results as {
          id: string;
        }[]
      ).length;
    expect(await ids([{ propertyName: 'hs_analytics_num_page_views', operator: 'GTE', value: '20' }])).toBe(
      3,
    );
    expect(await ids([{ propertyName: 'hs_analytics_num_page_views', operator: 'LT', value: '9' }])).toBe(1);
    expect(
      await ids([
        { propertyName: 'hs_analytics_num_page_views', operator: 'BETWEEN', value: '10', highValue: '30' },
      ]),
    ).toBe(3);
    expect(await ids([{ propertyName: 'jobtitle', operator: 'NOT_HAS_PROPERTY' }])).toBe(1);
    expect(
      await ids([{ propertyName: 'email', operator: 'IN', values: ['n1@acme.example', 'n3@acme.example'] }]),
    ).toBe(2);
  });

  it('when IN is used on an enumeration with upper-case values, then they do not match, as documented', async () => {
    sandbox = await startSandbox();
    addContacts(sandbox, 2, (i) => ({ email: `e${i}@acme.example`, hs_lead_status: 'NEW' }));
    const upper = await search({
      filterGroups: [{ filters: [{ propertyName: 'hs_lead_status', operator: 'IN', values: ['NEW'] }] }],
    });
    const lower = await search({
      filterGroups: [{ filters: [{ propertyName: 'hs_lead_status', operator: 'IN', values: ['new'] }] }],
    });
    expect([upper.body.total, lower.body.total]).toEqual([0, 2]);
  });

  it('when results span pages, then paging.next.after leads through all of them', async () => {
    sandbox = await startSandbox();
    addContacts(sandbox, 450);
    const seen = new Set<string>();
    let after: string | undefined = '0';
    while (after !== undefined) {
      const page = await search({ limit: 200, after, properties: ['email'] });
      for (const r of page.body.results as { id: string }[]) seen.add(r.id);
      after = page.body.paging?.next?.after;
    }
    expect(seen.size).toBe(450);
  });

  it('when limit exceeds 200, then the search is refused', async () => {
    sandbox = await startSandbox();
    const response = await search({ limit: 201 });
    expect(response.status).toBe(400);
    expect(response.body.category).toBe('VALIDATION_ERROR');
  });

  it('when paging would pass 10,000 results, then the search is refused with 400', async () => {
    sandbox = await startSandbox();
    const response = await search({ limit: 100, after: '9950' });
    expect(response.status).toBe(400);
    expect(response.body.message).toContain('10000');
  });

  it('when there are 6 filter groups, or 7 filters in a group, or 19 in total, then it is refused', async () => {
    sandbox = await startSandbox();
    const filter = { propertyName: 'email', operator: 'HAS_PROPERTY' };
    const groups = (count: number, size: number) =>
      Array.from({ length: count }, () => ({ filters: Array.from({ length: size }, () => filter) }));
    expect((await search({ filterGroups: groups(6, 1) })).status).toBe(400);
    expect((await search({ filterGroups: groups(1, 7) })).status).toBe(400);
    expect((await search({ filterGroups: groups(4, 5) })).status).toBe(400);
    expect((await search({ filterGroups: groups(3, 6) })).status).toBe(200);
  });

  it('when a sort is given, then results follow it', async () => {
    sandbox = await startSandbox();
    addContacts(sandbox, 3, (i) => ({
      email: `o${i}@acme.example`,
      hs_analytics_num_page_views: String(5 - i),
    }));
    const response = await search({
      sorts: [{ propertyName: 'hs_analytics_num_page_views', direction: 'ASCENDING' }],
      properties: ['email'],
    });
    expect(response.body.results.map((r: { properties: { email: string } }) => r.properties.email)).toEqual([
      'o2@acme.example',
      'o1@acme.example',
      'o0@acme.example',
    ]);
  });

  it('when a search response is returned, then it carries no rate-limit headers', async () => {
    sandbox = await startSandbox();
    const response = await search({});
    expect(response.status).toBe(200);
    expect(response.headers.get('x-hubspot-ratelimit-remaining')).toBeNull();
  });

  it('when records are younger than the index lag, then search does not see them yet', async () => {
    let clock = Date.UTC(2025, 0, 1);
    sandbox = await startSandbox({ now: () => clock, searchIndexLagMs: 2000 });
    addContacts(sandbox, 1);
    expect((await search({})).body.total).toBe(0);
    clock += 2000;
    expect((await search({})).body.total).toBe(1);
  });
});
