/**
 * The deals aggregate's contract: deals saved with their contacts (newer knowledge wins), deleted
 * deals gone from reads, deal requests once per key with leases and settlement, and what a
 * contact's deletion, erasure or merge does to its links.
 */
import { expect, it } from 'vitest';
import type { DealRecord, DealRequest } from '../../../src/store/index.js';
import { T0, type TestDatabase } from '../helpers.js';
import { storeUnderTest } from './store-under-test.js';

/** Registers the contract; `fresh` makes a new, empty database. */
export function dealsContract(fresh: () => TestDatabase): void {
  const t = storeUnderTest(fresh);
  const deal = (overrides: Partial<DealRecord> = {}): DealRecord => ({
    portalId: 'p1',
    dealId: 'd1',
    contactIds: ['c1'],
    pipeline: 'default',
    stage: 'qualifiedtobuy',
    amount: 1200.5,
    createdAt: T0,
    closedAt: null,
    outcome: null,
    updatedAt: T0,
    ...overrides,
  });
  const request = (overrides: Partial<DealRequest> = {}): DealRequest => ({
    portalId: 'p1',
    key: 'accept-1',
    contactId: 'c1',
    companyId: '5000001',
    ownerId: '70000001',
    pipeline: 'default',
    stage: 'appointmentscheduled',
    name: 'Acme BV – new business',
    requestedAt: T0,
    ...overrides,
  });

  it('when deals are saved, then they are read by any of their contacts, and a newer save replaces stage, amount and contacts', async () => {
    await t.store.deals.save([deal(), deal({ dealId: 'd2', contactIds: ['c2', 'c3'], amount: null })]);
    await t.store.deals.save([
      deal({
        stage: 'closedwon',
        outcome: 'won',
        closedAt: T0 + 50,
        contactIds: ['c1', 'c4'],
        updatedAt: T0 + 60,
      }),
    ]);

    expect(await t.store.deals.dealsOfContacts('p1', ['c4'])).toEqual([
      deal({
        stage: 'closedwon',
        outcome: 'won',
        closedAt: T0 + 50,
        contactIds: ['c1', 'c4'],
        updatedAt: T0 + 60,
      }),
    ]);
    expect((await t.store.deals.dealsOfContacts('p1', ['c3', 'c1'])).map((d) => d.dealId)).toEqual([
      'd1',
      'd2',
    ]);
    expect(await t.store.deals.dealsOfContacts('p2', ['c1'])).toEqual([]);
    expect((await t.store.deals.dealsOfContacts('p1', ['c2']))[0]?.amount).toBeNull();
  });

  it('when an older read of a deal arrives after a newer one, then the newer facts stay', async () => {
    await t.store.deals.save([deal({ stage: 'closedwon', outcome: 'won', updatedAt: T0 + 100 })]);
    await t.store.deals.save([deal({ stage: 'qualifiedtobuy', updatedAt: T0 + 10 })]);
    expect((await t.store.deals.dealsOfContacts('p1', ['c1']))[0]?.outcome).toBe('won');
  });

  it('when a deal is deleted in HubSpot, then it is read no more; saved again (restored), it is back', async () => {
    await t.store.deals.save([deal()]);
    await t.store.deals.markDeleted('p1', ['d1'], T0 + 5);
    expect(await t.store.deals.dealsOfContacts('p1', ['c1'])).toEqual([]);
    await t.store.deals.save([deal({ updatedAt: T0 + 6 })]);
    expect(await t.store.deals.dealsOfContacts('p1', ['c1'])).toHaveLength(1);
  });

  it('when a deal is requested twice under one key, then one request is kept, the first', async () => {
    const first = await t.store.deals.request(request());
    const again = await t.store.deals.request(request({ name: 'other', requestedAt: T0 + 9 }));
    expect(again).toEqual(first);
    expect(first).toMatchObject({
      status: 'owed',
      dealId: null,
      attempts: 0,
      attemptedAt: null,
      name: 'Acme BV – new business',
    });
  });

  it('when owed requests are claimed, then each is leased and counted once until settled or released', async () => {
    await t.store.deals.request(request());
    await t.store.deals.request(request({ key: 'accept-2', requestedAt: T0 + 1 }));
    const claimed = await t.store.deals.claimOwed(T0 + 5, T0 + 10, 10, 100);
    expect(claimed.map((r) => [r.key, r.attempts, r.attemptedAt])).toEqual([
      ['accept-1', 1, T0 + 10],
      ['accept-2', 1, T0 + 10],
    ]);
    expect(await t.store.deals.claimOwed(T0 + 5, T0 + 50, 10, 100)).toEqual([]);
    await t.store.deals.settle('p1', 'accept-1', { dealId: '20000001' });
    await t.store.deals.release('p1', 'accept-2', 'hubspot 503');
    const again = await t.store.deals.claimOwed(T0 + 5, T0 + 60, 10, 100);
    expect(again.map((r) => [r.key, r.attempts, r.lastError])).toEqual([['accept-2', 2, 'hubspot 503']]);
    await t.store.deals.settle('p1', 'accept-2', { refused: 'INVALID_OPTION: no such stage' });
    const stored = await t.store.deals.requestsOf('p1', ['accept-1', 'accept-2', 'nope']);
    expect([...stored.values()].map((r) => [r.key, r.status, r.dealId, r.lastError])).toEqual([
      ['accept-1', 'created', '20000001', null],
      ['accept-2', 'refused', null, 'INVALID_OPTION: no such stage'],
    ]);
    expect(await t.store.deals.claimOwed(T0 + 5, T0 + 500, 10, 100)).toEqual([]);
  });

  it('when a contact is deleted, then its deals still count for it; erased, its links and requests go; merged, they move to the survivor', async () => {
    await t.store.deals.save([
      deal({ contactIds: ['c1', 'c9'] }),
      deal({ dealId: 'd2', contactIds: ['c2'] }),
      deal({ dealId: 'd3', contactIds: ['c3'] }),
    ]);
    await t.store.deals.request(request({ contactId: 'c1' }));
    await t.store.deals.request(request({ key: 'accept-3', contactId: 'c3' }));

    await t.store.deals.removeContacts({ kind: 'deleted', portalId: 'p1', contactIds: ['c1'] });
    expect((await t.store.deals.dealsOfContacts('p1', ['c1'])).map((d) => d.dealId)).toEqual(['d1']);
    expect((await t.store.deals.requestsOf('p1', ['accept-1'])).size).toBe(0);

    await t.store.deals.removeContacts({ kind: 'erased', portalId: 'p1', contactIds: ['c2'] });
    expect(await t.store.deals.dealsOfContacts('p1', ['c2'])).toEqual([]);

    await t.store.deals.removeContacts({ kind: 'merged', portalId: 'p1', from: ['c3', 'c1'], into: 'c9' });
    expect((await t.store.deals.dealsOfContacts('p1', ['c9'])).map((d) => [d.dealId, d.contactIds])).toEqual([
      ['d1', ['c9']],
      ['d3', ['c9']],
    ]);
    expect((await t.store.deals.requestsOf('p1', ['accept-3'])).get('accept-3')?.contactId).toBe('c9');
  });
}
