/**
 * Company changes reach the contacts: a company webhook fans out to every contact of the company
 * (associations read from the sandbox over HTTP, contacts queued in paced chunks of 100), an
 * association change rescores the contact, and what the model does not read, or the app wrote
 * itself, queues nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadPreset } from '../../src/core/index.js';
import type { QualificationModelInput } from '../../src/core/model.js';
import { chunkSpacingMs, fanOutCompanies } from '../../src/jobs/company-fanout.js';
import type { EnqueueRequest } from '../../src/store/store.port.js';
import { type Stack, startStack } from './helpers.js';

const HOUR = 3_600_000;

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** Publishes the industrial preset: MQL needs one of four sectors; any other sector disqualifies. */
async function publishIndustrial(s: Stack): Promise<void> {
  const { store, models } = s.service;
  const model = loadPreset('seed-industrial') as QualificationModelInput;
  const draft = await store.models.saveDraft(s.portalId, model, 'marketing-ops', Date.now());
  await store.models.publish(s.portalId, draft.version, { publishedBy: 'marketing-ops' }, Date.now());
  models.invalidate(s.portalId);
}

const person = { changeSource: 'CRM_UI', sourceId: 'userId:9000001' };

/**
 * A company in the industrial preset's target (food production, 400 people) with `n` plant
 * managers who each asked for a demo two hours ago: all MQLs on their next scoring (queued).
 */
async function companyWithContacts(
  s: Stack,
  n: number,
  name: string,
  company: Record<string, string> = {},
): Promise<{ companyId: string; contactIds: string[] }> {
  const { state } = s.sandbox;
  const slug = name.toLowerCase().replace(/\W+/g, '');
  const { id: companyId } = state.create(
    'companies',
    { name, industry: 'FOOD_PRODUCTION', numberofemployees: '400', country: 'Netherlands', ...company },
    person,
  );
  const contactIds: string[] = [];
  const now = Date.now();
  for (let i = 0; i < n; i++) {
    const { id } = state.create(
      'contacts',
      {
        email: `plant.manager.${i}@${slug}.example`,
        firstname: 'Pat',
        lastname: `Manager ${i}`,
        jobtitle: 'Plant Manager',
        country: 'Netherlands',
        lifecyclestage: 'lead',
      },
      person,
    );
    state.associate('contacts', id, 'companies', companyId, 1);
    await s.service.store.contacts.recordSignal(
      {
        portalId: s.portalId,
        contactId: id,
        type: 'demo_requested',
        occurredAt: now - 2 * HOUR,
        source: 'workflow-action',
        idempotencyKey: `${id}:demo`,
        recordedAt: now,
      },
      { portalId: s.portalId, contactId: id, reason: 'signal' },
    );
    contactIds.push(id);
  }
  return { companyId, contactIds };
}

const written = (s: Stack, id: string) => s.sandbox.state.get('contacts', id)!.properties;

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('a company change fans out to its contacts', () => {
  it('when a company of 1,000 MQLs moves to a disqualifying industry, then all are rewritten within 30 s, in ⌈1000/100⌉ reads + ⌈1000/100⌉ writes + the association reads', async () => {
    stack = await startStack({ contacts: 0 });
    await publishIndustrial(stack);
    const { companyId, contactIds } = await companyWithContacts(stack, 1000, 'Nordfoods BV');
    await stack.service.worker.drain();
    expect(contactIds.every((id) => written(stack!, id).lq_qualification === 'mql')).toBe(true);
    stack.sandbox.reset();

    stack.sandbox.state.update('companies', companyId, { industry: 'RETAIL' }, person);
    stack.service.worker.start();
    const t0 = Date.now();
    const report = await stack.deliver([
      stack.sandbox.events.propertyChange({
        objectType: 'companies',
        objectId: companyId,
        propertyName: 'industry',
        propertyValue: 'RETAIL',
        format: 'generic',
        ...person,
      }),
    ]);
    expect(report.failed).toBe(0);
    await waitFor(
      () => contactIds.every((id) => written(stack!, id).lq_qualification === 'disqualified'),
      30_000,
    );
    const seconds = (Date.now() - t0) / 1000;

    expect(seconds).toBeLessThan(30);
    const reads = stack.calls('contacts.batch.read');
    const writes = stack.calls('contacts.batch.update');
    const associationReads = stack.calls('associations.v4.batch.read');
    const companyReads = stack.calls('companies.batch.read');
    expect(reads).toBeLessThanOrEqual(Math.ceil(1000 / 100));
    expect(writes).toBeLessThanOrEqual(Math.ceil(1000 / 100));
    // One association read per 500 contacts of the company (the sandbox's page per input).
    expect(associationReads).toBeLessThanOrEqual(Math.ceil(1000 / 500));
    // The company itself is read once, fresh (its cache entry was forgotten), then cached again.
    expect(companyReads).toBe(1);
    expect(stack.calls()).toBe(reads + writes + associationReads + companyReads);
    expect(written(stack, contactIds[0]!).lq_disqualification_reason).toContain('Sector');
    expect(await stack.service.store.queue.stats()).toMatchObject({ pending: 0, dead: 0 });
  });

  it('when a big company fans out, then work that arrives meanwhile is written within a few seconds, not after the whole fan-out', async () => {
    stack = await startStack({ contacts: 0 });
    await publishIndustrial(stack);
    const big = await companyWithContacts(stack, 1000, 'Grootvoer NV');
    const other = await companyWithContacts(stack, 1, 'Kleinvoer BV');
    await stack.service.worker.drain();
    stack.sandbox.state.update('companies', big.companyId, { industry: 'RETAIL' }, person);
    stack.sandbox.state.update('contacts', other.contactIds[0]!, { jobtitle: 'Intern' }, person);
    stack.service.worker.start();

    await stack.deliver([
      stack.sandbox.events.propertyChange({
        objectType: 'companies',
        objectId: big.companyId,
        propertyName: 'industry',
        propertyValue: 'RETAIL',
      }),
    ]);
    await waitFor(() => written(stack!, big.contactIds[0]!).lq_qualification === 'disqualified', 10_000);
    const deliveredAt = Date.now();
    await stack.deliver([
      stack.sandbox.events.propertyChange({
        objectId: other.contactIds[0]!,
        propertyName: 'jobtitle',
        propertyValue: 'Intern',
      }),
    ]);
    await waitFor(() => written(stack!, other.contactIds[0]!).lq_qualification !== 'mql', 10_000);

    // The fan-out's chunks are due one after another, so the contact's own event waits for at
    // most one claim in hand, not for the company's 1,000 contacts (timing is loose: 2 cores).
    expect(Date.now() - deliveredAt).toBeLessThan(5_000);
    await waitFor(
      () => big.contactIds.every((id) => written(stack!, id).lq_qualification === 'disqualified'),
      30_000,
    );
  });

  it('when a contact moves to another company, then its association changes rescore it with the new one', async () => {
    stack = await startStack({
      contacts: 0,
      sandbox: { echoWrites: { objectTypes: ['contacts'], properties: [], lifecycleEvents: false } },
    });
    await publishIndustrial(stack);
    const { companyId, contactIds } = await companyWithContacts(stack, 1, 'Vita Foods BV');
    const [id] = contactIds as [string];
    const { id: retailer } = stack.sandbox.state.create(
      'companies',
      { name: 'Shop Shop BV', industry: 'RETAIL', numberofemployees: '400' },
      person,
    );
    await stack.service.worker.drain();
    expect(written(stack, id).lq_qualification).toBe('mql');
    stack.sandbox.reset();

    stack.sandbox.state.dissociate('contacts', id, 'companies', companyId, person);
    stack.sandbox.state.associate('contacts', id, 'companies', retailer, 1, person);
    const events = stack.sandbox.queuedEvents();
    expect(events).toMatchObject([
      {
        subscriptionType: 'contact.associationChange',
        associationType: 'CONTACT_TO_COMPANY',
        fromObjectId: Number(id),
        toObjectId: Number(companyId),
        associationRemoved: true,
        isPrimaryAssociation: true,
      },
      { toObjectId: Number(retailer), associationRemoved: false, isPrimaryAssociation: true },
    ]);
    const report = await stack.deliver([...events]);
    expect(report.failed).toBe(0);
    expect((await stack.service.store.queue.stats()).pending).toBe(1);
    await stack.service.worker.drain();

    expect(written(stack, id)).toMatchObject({
      associatedcompanyid: retailer,
      lq_qualification: 'disqualified',
    });
    expect(Number(written(stack, id).lq_fit_score)).toBeLessThan(100);
  });

  it('when an association change comes in the generic format without objectId, then its contact is queued all the same', async () => {
    stack = await startStack({ contacts: 3 });
    const [contact] = stack.sandbox.data!.contacts;
    const [company] = stack.sandbox.data!.companies;
    const { objectId: _dropped, ...event } = stack.sandbox.events.associationChange({
      fromObjectId: contact!.id,
      toObjectType: 'companies',
      toObjectId: company!.id,
      format: 'generic',
    });
    expect(event).toMatchObject({ subscriptionType: 'object.associationChange', fromObjectTypeId: '0-1' });

    const report = await stack.deliver([event as never]);

    expect(report.failed).toBe(0);
    const [item] = await stack.service.store.queue.claim('test', 10, 1000, Date.now());
    expect(item).toMatchObject({ contactId: contact!.id, reason: 'webhook' });
  });

  it('when a company is deleted, then its contacts are found from their snapshots and rescored without it', async () => {
    stack = await startStack({ contacts: 0 });
    await publishIndustrial(stack);
    const { companyId, contactIds } = await companyWithContacts(stack, 3, 'Gone Foods BV');
    await stack.service.worker.drain();
    stack.sandbox.state.archive('companies', companyId, person);
    stack.sandbox.reset();

    await stack.deliver([
      stack.sandbox.events.deletion({ objectType: 'companies', objectId: companyId, ...person }),
    ]);
    await stack.service.worker.drain();

    // HubSpot answers 207 (no associations) for a deleted company; the snapshots still know.
    expect(stack.sandbox.stats.count('associations.v4.batch.read', 207)).toBe(1);
    for (const id of contactIds) {
      expect(written(stack, id).associatedcompanyid).toBeUndefined();
      expect(written(stack, id).lq_qualification).not.toBe('mql');
    }
    expect(stack.calls('contacts.batch.read')).toBe(1);
  });

  it('when two companies are merged, then the contacts of both are rescored with the one that remains', async () => {
    stack = await startStack({ contacts: 0 });
    await publishIndustrial(stack);
    const kept = await companyWithContacts(stack, 2, 'Kept Retail BV', { industry: 'RETAIL' });
    const merged = await companyWithContacts(stack, 2, 'Merged Foods BV');
    await stack.service.worker.drain();
    expect(merged.contactIds.map((id) => written(stack!, id).lq_qualification)).toEqual(['mql', 'mql']);
    // HubSpot's merge: the merged company's contacts move to the one that remains.
    for (const id of merged.contactIds) {
      stack.sandbox.state.dissociate('contacts', id, 'companies', merged.companyId, person);
      stack.sandbox.state.associate('contacts', id, 'companies', kept.companyId, 1, person);
    }
    stack.sandbox.state.archive('companies', merged.companyId, person);

    const response = await stack.deliver([
      stack.sandbox.events.merge({
        objectType: 'companies',
        objectId: kept.companyId,
        primaryObjectId: Number(kept.companyId),
        mergedObjectIds: [Number(merged.companyId)],
        newObjectId: Number(kept.companyId),
        ...person,
      }),
    ]);
    expect(response.failed).toBe(0);
    await stack.service.worker.drain();

    for (const id of merged.contactIds)
      expect(written(stack, id)).toMatchObject({
        associatedcompanyid: kept.companyId,
        lq_qualification: 'disqualified',
      });
  });
});

describe('company events that change nothing', () => {
  it('when a company property the model does not read changes, then nothing is queued', async () => {
    stack = await startStack({ contacts: 5 });
    const [company] = stack.sandbox.data!.companies;

    const report = await stack.deliver([
      stack.sandbox.events.propertyChange({
        objectType: 'companies',
        objectId: company!.id,
        propertyName: 'description',
        propertyValue: 'Now with a longer description',
      }),
      stack.sandbox.events.propertyChange({
        objectType: 'companies',
        objectId: company!.id,
        propertyName: 'website',
        propertyValue: 'https://example.com',
        format: 'generic',
      }),
    ]);

    expect(report.failed).toBe(0);
    expect((await stack.service.store.queue.stats()).pending).toBe(0);
    expect(await stack.service.metrics.eventsIgnored.get({ reason: 'not_a_model_property' })).toBe(2);
  });

  it('when HubSpot echoes the app’s own writes on a company or an association, then nothing is queued', async () => {
    stack = await startStack({ contacts: 5 });
    const [contact] = stack.sandbox.data!.contacts;
    const [company] = stack.sandbox.data!.companies;
    const own = stack.sandbox.writeSource();
    expect(own.sourceId).toBe(String(stack.sandbox.appId));

    const report = await stack.deliver([
      stack.sandbox.events.propertyChange({
        objectType: 'companies',
        objectId: company!.id,
        propertyName: 'industry',
        propertyValue: 'RETAIL',
        ...own,
      }),
      stack.sandbox.events.associationChange({
        fromObjectId: contact!.id,
        toObjectType: 'companies',
        toObjectId: company!.id,
        ...own,
      }),
    ]);

    expect(report.failed).toBe(0);
    expect((await stack.service.store.queue.stats()).pending).toBe(0);
    expect(await stack.service.metrics.eventsIgnored.get({ reason: 'own_write' })).toBe(2);
  });

  it('when a contact is associated with something other than a company, then nothing is queued', async () => {
    stack = await startStack({ contacts: 2 });
    const [contact] = stack.sandbox.data!.contacts;

    await stack.deliver([
      stack.sandbox.events.associationChange({
        fromObjectId: contact!.id,
        toObjectType: 'tasks',
        toObjectId: 9_000_001,
      }),
    ]);

    expect((await stack.service.store.queue.stats()).pending).toBe(0);
    expect(await stack.service.metrics.eventsIgnored.get({ reason: 'not_a_company_association' })).toBe(1);
  });
});

describe('the pace of a fan-out', () => {
  it('when a company has 250 contacts, then they are queued in chunks of 100, each due one spacing after the last', async () => {
    const queued: EnqueueRequest[] = [];
    const forgotten: string[] = [];
    const contacts = Array.from({ length: 250 }, (_, i) => String(1000 + i));
    const limit = { points: 190, windowMs: 10_000 };

    const result = await fanOutCompanies(
      {
        store: {
          queue: { enqueue: async (r) => queued.push(...r) },
          contacts: { contactsOfCompanies: async () => new Map() },
        },
        crm: { companyContacts: async () => new Map([['77', contacts]]) },
        companies: { delete: (id) => forgotten.push(id) },
        budget: { limit },
        clock: () => 1_000_000,
      },
      'p1',
      ['77'],
    );

    const spacing = chunkSpacingMs(limit);
    // Two calls a chunk at half of 190 calls / 10 s.
    expect(spacing).toBe(211);
    expect(result).toEqual({ companies: 1, contacts: 250, fromSnapshots: 0, chunks: 3, spacingMs: spacing });
    expect(forgotten).toEqual(['77']);
    expect(queued.map((r) => r.contactId)).toEqual(contacts);
    expect(new Set(queued.map((r) => r.reason))).toEqual(new Set(['company-change']));
    expect([...new Set(queued.map((r) => r.dueAt))]).toEqual([1_000_000, 1_000_211, 1_000_422]);
  });

  it('when HubSpot lists no contacts for a company, then the ones its snapshots name are queued', async () => {
    const queued: EnqueueRequest[] = [];
    const result = await fanOutCompanies(
      {
        store: {
          queue: { enqueue: async (r) => queued.push(...r) },
          contacts: {
            contactsOfCompanies: async (_portal, ids) =>
              new Map(ids.map((id) => [id, id === 'gone' ? ['c1', 'c2'] : []])),
          },
        },
        crm: {
          companyContacts: async () =>
            new Map([
              ['kept', ['c2', 'c3']],
              ['gone', []],
            ]),
        },
        companies: { delete: () => {} },
        budget: { limit: { points: 100, windowMs: 10_000 } },
        clock: () => 0,
      },
      'p1',
      ['kept', 'gone'],
    );

    expect(result).toMatchObject({ contacts: 3, fromSnapshots: 1 });
    expect(queued.map((r) => r.contactId).sort()).toEqual(['c1', 'c2', 'c3']);
  });
});
