import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { addContacts, call, sdk, startSandbox } from './helpers.js';

let sandbox: Sandbox;
afterEach(async () => {
  await sandbox?.close();
});

const errorBody = (error: unknown): { code: number; body: Record<string, unknown> } => {
  const e = error as { code: number; body: Record<string, unknown> };
  return { code: e.code, body: e.body };
};

describe('contacts through the official @hubspot/api-client', () => {
  it('when a contact is created and read by id, then the SDK parses HubSpot shapes', async () => {
    sandbox = await startSandbox();
    const client = sdk(sandbox);
    const created = await client.crm.contacts.basicApi.create({
      properties: { email: 'ada@acme.example', firstname: 'Ada', jobtitle: 'CTO' },
      associations: [],
    });
    expect(created.id).toMatch(/^\d+$/);
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(created.properties).toMatchObject({ email: 'ada@acme.example', hs_object_id: created.id });

    const read = await client.crm.contacts.basicApi.getById(created.id, [
      'jobtitle',
      'lifecyclestage',
      'unknown_x',
    ]);
    expect(read.properties).toEqual({
      createdate: expect.any(String),
      hs_object_id: created.id,
      jobtitle: 'CTO',
      lastmodifieddate: expect.any(String),
      lifecyclestage: null,
    });
    expect(read.archived).toBe(false);
    expect(read.updatedAt).toBeInstanceOf(Date);
  });

  it('when no properties are asked for, then the default contact properties come back', async () => {
    sandbox = await startSandbox();
    const [id = ''] = addContacts(sandbox, 1);
    const read = await sdk(sandbox).crm.contacts.basicApi.getById(id);
    expect(Object.keys(read.properties).sort()).toEqual([
      'createdate',
      'email',
      'firstname',
      'hs_object_id',
      'lastmodifieddate',
      'lastname',
    ]);
  });

  it('when a contact id does not exist, then the SDK throws a 404 with HubSpot error body', async () => {
    sandbox = await startSandbox();
    const failure = await sdk(sandbox)
      .crm.contacts.basicApi.getById('999')
      .catch((e: unknown) => e);
    expect(errorBody(failure)).toMatchObject({
      code: 404,
      body: { status: 'error', category: 'OBJECT_NOT_FOUND', correlationId: expect.any(String) },
    });
  });

  it('when contacts are listed with limit and after, then every contact is seen once across pages', async () => {
    sandbox = await startSandbox();
    const ids = addContacts(sandbox, 250);
    const client = sdk(sandbox);
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await client.crm.contacts.basicApi.getPage(100, after, ['email']);
      expect(page.results.length).toBeLessThanOrEqual(100);
      seen.push(...page.results.map((r) => r.id));
      after = page.paging?.next?.after;
      pages++;
    } while (after);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
  });

  it('when a list page asks for more than 100, then HubSpot refuses it with 400', async () => {
    sandbox = await startSandbox();
    const response = await call(sandbox, 'GET', '/crm/v3/objects/contacts?limit=101');
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
  });

  it('when the SDK batch-reads with properties, then found ids come back and missing ones in a 207 error', async () => {
    sandbox = await startSandbox();
    const ids = addContacts(sandbox, 3, (i) => ({ email: `b${i}@acme.example`, jobtitle: `Title ${i}` }));
    const result = await sdk(sandbox).crm.contacts.batchApi.read({
      inputs: [...ids.map((id) => ({ id })), { id: '424242' }],
      properties: ['jobtitle'],
      propertiesWithHistory: [],
    });
    expect(result.status).toBe('COMPLETE');
    expect(result.results.map((r) => r.properties.jobtitle).sort()).toEqual([
      'Title 0',
      'Title 1',
      'Title 2',
    ]);
    expect('errors' in result && result.errors).toEqual([
      expect.objectContaining({ category: 'OBJECT_NOT_FOUND', context: { ids: ['424242'] } }),
    ]);
    expect(result.startedAt).toBeInstanceOf(Date);
  });

  it('when a batch read is keyed by email, then contacts are found by that unique property', async () => {
    sandbox = await startSandbox();
    addContacts(sandbox, 2, (i) => ({ email: `k${i}@acme.example` }));
    const result = await sdk(sandbox).crm.contacts.batchApi.read({
      inputs: [{ id: 'K1@acme.example' }],
      idProperty: 'email',
      properties: ['email'],
      propertiesWithHistory: [],
    });
    expect(result.results.map((r) => r.properties.email)).toEqual(['k1@acme.example']);
  });

  it('when a batch has 101 inputs, then it is refused with 400', async () => {
    sandbox = await startSandbox();
    const inputs = Array.from({ length: 101 }, (_, i) => ({ id: String(i + 1) }));
    const failure = await sdk(sandbox)
      .crm.contacts.batchApi.read({ inputs, properties: [], propertiesWithHistory: [] })
      .catch((e: unknown) => e);
    expect(errorBody(failure)).toMatchObject({ code: 400, body: { category: 'VALIDATION_ERROR' } });
  });

  it('when 100 contacts are batch-updated, then all change and updatedAt moves', async () => {
    let clock = Date.UTC(2025, 0, 1);
    sandbox = await startSandbox({ now: () => clock });
    const ids = addContacts(sandbox, 100);
    clock += 60_000;
    const result = await sdk(sandbox).crm.contacts.batchApi.update({
      inputs: ids.map((id) => ({ id, properties: { hs_lead_status: 'OPEN' } })),
    });
    expect(result.results).toHaveLength(100);
    expect(result.results[0]?.properties.hs_lead_status).toBe('OPEN');
    expect(result.results[0]?.updatedAt.getTime()).toBe(clock);
    expect(sandbox.state.get('contacts', ids[99] ?? '')?.properties.hs_lead_status).toBe('OPEN');
  });

  it('when a batch update repeats an id, then HubSpot refuses the whole batch', async () => {
    sandbox = await startSandbox();
    const [id = ''] = addContacts(sandbox, 1);
    const response = await call(sandbox, 'POST', '/crm/v3/objects/contacts/batch/update', {
      inputs: [
        { id, properties: { firstname: 'A' } },
        { id, properties: { firstname: 'B' } },
      ],
    });
    expect(response.status).toBe(400);
    expect(response.body.message).toContain('Duplicate IDs');
  });

  it('when a write names an undefined property, then a PROPERTY_DOESNT_EXIST validation error is returned', async () => {
    sandbox = await startSandbox();
    const [id = ''] = addContacts(sandbox, 1);
    const failure = await sdk(sandbox)
      .crm.contacts.basicApi.update(id, { properties: { lq_fit_score: '80' } })
      .catch((e: unknown) => e);
    const { code, body } = errorBody(failure);
    expect(code).toBe(400);
    expect(body.category).toBe('VALIDATION_ERROR');
    expect(String(body.message)).toMatch(/^Property values were not valid: \[/);
    const details = JSON.parse(String(body.message).replace('Property values were not valid: ', ''));
    expect(details).toEqual([
      expect.objectContaining({ error: 'PROPERTY_DOESNT_EXIST', name: 'lq_fit_score' }),
    ]);
  });

  it('when an enumeration gets a value outside its options, then an INVALID_OPTION error is returned', async () => {
    sandbox = await startSandbox();
    const [id = ''] = addContacts(sandbox, 1);
    const response = await call(sandbox, 'PATCH', `/crm/v3/objects/contacts/${id}`, {
      properties: { hs_lead_status: 'HOT' },
    });
    expect(response.status).toBe(400);
    expect(response.body.message).toContain('INVALID_OPTION');
  });

  it('when a batch update has one invalid value, then nothing in the batch is written', async () => {
    sandbox = await startSandbox();
    const [first = '', second = ''] = addContacts(sandbox, 2);
    const response = await call(sandbox, 'POST', '/crm/v3/objects/contacts/batch/update', {
      inputs: [
        { id: first, properties: { firstname: 'Changed' } },
        { id: second, properties: { lifecyclestage: 'not-a-stage' } },
      ],
    });
    expect(response.status).toBe(400);
    expect(sandbox.state.get('contacts', first)?.properties.firstname).toBeUndefined();
  });

  it('when a contact is created with an email in use, then a 409 conflict names the existing id', async () => {
    sandbox = await startSandbox();
    const [id] = addContacts(sandbox, 1, () => ({ email: 'dup@acme.example' }));
    const failure = await sdk(sandbox)
      .crm.contacts.basicApi.create({ properties: { email: 'DUP@acme.example' }, associations: [] })
      .catch((e: unknown) => e);
    expect(errorBody(failure)).toMatchObject({
      code: 409,
      body: { category: 'CONFLICT', message: `Contact already exists. Existing ID: ${id}` },
    });
  });

  it('when a request has no bearer token, then a 401 with HubSpot error body is returned', async () => {
    sandbox = await startSandbox();
    const response = await call(sandbox, 'GET', '/crm/v3/objects/contacts', undefined, null);
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
  });

  it('when an unknown object type is used, then HubSpot says it cannot infer it', async () => {
    sandbox = await startSandbox();
    const response = await call(sandbox, 'GET', '/crm/v3/objects/widgets');
    expect(response.status).toBe(400);
    expect(response.body.message).toBe('Unable to infer object type from: widgets');
  });
});

describe('the lifecycle stage rule', () => {
  it('when the stage moves forward, then the write is accepted', async () => {
    sandbox = await startSandbox();
    const [id = ''] = addContacts(sandbox, 1, () => ({ email: 'f@acme.example', lifecyclestage: 'lead' }));
    const updated = await sdk(sandbox).crm.contacts.basicApi.update(id, {
      properties: { lifecyclestage: 'marketingqualifiedlead' },
    });
    expect(updated.properties.lifecyclestage).toBe('marketingqualifiedlead');
  });

  it('when the stage moves backward, then the write is refused with a clear message', async () => {
    sandbox = await startSandbox();
    const [id = ''] = addContacts(sandbox, 1, () => ({
      email: 'b@acme.example',
      lifecyclestage: 'customer',
    }));
    const failure = await sdk(sandbox)
      .crm.contacts.basicApi.update(id, { properties: { lifecyclestage: 'lead' } })
      .catch((e: unknown) => e);
    const { code, body } = errorBody(failure);
    expect(code).toBe(400);
    expect(String(body.message)).toContain('can only be set forward');
    expect(sandbox.state.get('contacts', id)?.properties.lifecyclestage).toBe('customer');
  });

  it('when the stage is cleared first, then a backward value can be written next', async () => {
    sandbox = await startSandbox();
    const [id = ''] = addContacts(sandbox, 1, () => ({
      email: 'c@acme.example',
      lifecyclestage: 'customer',
    }));
    const client = sdk(sandbox);
    const cleared = await client.crm.contacts.basicApi.update(id, { properties: { lifecyclestage: '' } });
    expect(cleared.properties.lifecyclestage).toBeNull();
    const moved = await client.crm.contacts.basicApi.update(id, { properties: { lifecyclestage: 'lead' } });
    expect(moved.properties.lifecyclestage).toBe('lead');
  });

  it('when the sandbox is set to ignore backward writes, then the stage stays and the rest is written', async () => {
    sandbox = await startSandbox({ lifecycleBackwardWrite: 'ignore' });
    const [id = ''] = addContacts(sandbox, 1, () => ({
      email: 'i@acme.example',
      lifecyclestage: 'opportunity',
    }));
    const response = await call(sandbox, 'PATCH', `/crm/v3/objects/contacts/${id}`, {
      properties: { lifecyclestage: 'subscriber', firstname: 'Ida' },
    });
    expect(response.status).toBe(200);
    expect(sandbox.state.get('contacts', id)?.properties).toMatchObject({
      lifecyclestage: 'opportunity',
      firstname: 'Ida',
    });
  });
});
