import { AssociationSpecAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/objects/tasks/index.js';
import {
  PropertyCreateFieldTypeEnum,
  PropertyCreateTypeEnum,
} from '@hubspot/api-client/lib/codegen/crm/properties/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { call, sdk, startSandbox } from './helpers.js';

let sandbox: Sandbox;
afterEach(async () => {
  await sandbox?.close();
});

const source = { changeSource: 'IMPORT' };

function contactAtCompany(s: Sandbox): { contactId: string; companyId: string } {
  const company = s.state.create(
    'companies',
    { name: 'Acme BV', industry: 'FOOD_PRODUCTION', numberofemployees: 250 },
    source,
  );
  const contact = s.state.create('contacts', { email: 'x@acme.example' }, source);
  s.state.associate('contacts', contact.id, 'companies', company.id, 1);
  return { contactId: contact.id, companyId: company.id };
}

describe('companies and the contact→company association', () => {
  it('when a contact has a primary company, then its associatedcompanyid property names it (batch read)', async () => {
    sandbox = await startSandbox();
    const { contactId, companyId } = contactAtCompany(sandbox);
    const read = await sdk(sandbox).crm.contacts.batchApi.read({
      inputs: [{ id: contactId }],
      properties: ['associatedcompanyid'],
      propertiesWithHistory: [],
    });
    expect(read.results[0]?.properties.associatedcompanyid).toBe(companyId);
  });

  it('when a contact is read with associations=companies, then v3 lists the primary and unlabeled types', async () => {
    sandbox = await startSandbox();
    const { contactId, companyId } = contactAtCompany(sandbox);
    const read = await sdk(sandbox).crm.contacts.basicApi.getById(contactId, ['email'], undefined, [
      'companies',
    ]);
    expect(read.associations?.companies?.results).toEqual([
      { id: companyId, type: 'contact_to_company' },
      { id: companyId, type: 'contact_to_company_unlabeled' },
    ]);
  });

  it('when v4 associations are read for one contact, then the SDK gets ids and HubSpot type ids', async () => {
    sandbox = await startSandbox();
    const { contactId, companyId } = contactAtCompany(sandbox);
    const page = await sdk(sandbox).crm.associations.v4.basicApi.getPage('contacts', contactId, 'companies');
    expect(page.results).toEqual([
      {
        toObjectId: Number(companyId),
        associationTypes: [
          { category: 'HUBSPOT_DEFINED', typeId: 1, label: 'Primary' },
          { category: 'HUBSPOT_DEFINED', typeId: 279, label: null },
        ],
      },
    ]);
  });

  it('when v4 associations are batch-read, then contacts without a company come back as 207 errors', async () => {
    sandbox = await startSandbox();
    const { contactId, companyId } = contactAtCompany(sandbox);
    const lonely = sandbox.state.create('contacts', { email: 'alone@gmail.com' }, source);
    const result = await sdk(sandbox).crm.associations.v4.batchApi.getPage('contacts', 'companies', {
      inputs: [{ id: contactId }, { id: lonely.id }],
    });
    // The SDK's model renames `from` to `_from`.
    expect(result.results).toEqual([
      expect.objectContaining({
        _from: { id: contactId },
        to: [expect.objectContaining({ toObjectId: Number(companyId) })],
      }),
    ]);
    expect('errors' in result && result.errors?.[0]).toMatchObject({
      category: 'OBJECT_NOT_FOUND',
      subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
    });
  });

  it('when a company has more contacts than a page, then each input pages on its own with after', async () => {
    sandbox = await startSandbox({ associationPageLimit: 2 });
    const { contactId, companyId } = contactAtCompany(sandbox);
    const others = ['b', 'c', 'd', 'e'].map((x) => {
      const contact = sandbox.state.create('contacts', { email: `${x}@acme.example` }, source);
      sandbox.state.associate('contacts', contact.id, 'companies', companyId, 279);
      return contact.id;
    });
    const small = sandbox.state.create('companies', { name: 'Small BV' }, source);
    sandbox.state.associate('companies', small.id, 'contacts', contactId, 280);
    const batch = sdk(sandbox).crm.associations.v4.batchApi;

    const first = await batch.getPage('companies', 'contacts', {
      inputs: [{ id: companyId }, { id: small.id }],
    });
    const [big, one] = first.results;
    expect(big?.to.map((t) => String(t.toObjectId))).toEqual([contactId, others[0]]);
    expect(big?.paging?.next?.after).toEqual(expect.any(String));
    expect(one).toMatchObject({ _from: { id: small.id }, to: [{ toObjectId: Number(contactId) }] });
    expect(one?.paging).toBeUndefined();

    const ids: string[] = big!.to.map((t) => String(t.toObjectId));
    let after = big?.paging?.next?.after;
    while (after) {
      const page = await batch.getPage('companies', 'contacts', { inputs: [{ id: companyId, after }] });
      ids.push(...page.results[0]!.to.map((t) => String(t.toObjectId)));
      after = page.results[0]?.paging?.next?.after;
    }
    expect(ids).toEqual([contactId, ...others]);
  });

  it('when a batch read asks for more than 1,000 ids, then it is refused', async () => {
    sandbox = await startSandbox();
    const inputs = Array.from({ length: 1001 }, (_, i) => ({ id: String(5_000_001 + i) }));
    const response = await call(sandbox, 'POST', '/crm/v4/associations/companies/contacts/batch/read', {
      inputs,
    });
    expect(response.status).toBe(400);
    const ok = await call(sandbox, 'POST', '/crm/v4/associations/companies/contacts/batch/read', {
      inputs: inputs.slice(0, 1000),
    });
    expect(ok.status).toBe(207);
  });

  it('when a company is deleted, then it has no associations left and its contacts no associatedcompanyid', async () => {
    sandbox = await startSandbox();
    const { contactId, companyId } = contactAtCompany(sandbox);
    sandbox.state.archive('companies', companyId, source);
    expect(sandbox.state.get('contacts', contactId)?.properties.associatedcompanyid).toBeUndefined();
    expect(sandbox.state.associations('contacts', contactId, 'companies')).toEqual([]);
    const result = await sdk(sandbox).crm.associations.v4.batchApi.getPage('companies', 'contacts', {
      inputs: [{ id: companyId }],
    });
    expect(result.results).toEqual([]);
    expect('errors' in result && result.errors?.[0]).toMatchObject({
      subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
    });
  });

  it('when a contact is dissociated from its primary company, then both sides lose it', async () => {
    sandbox = await startSandbox();
    const { contactId, companyId } = contactAtCompany(sandbox);
    expect(sandbox.state.dissociate('contacts', contactId, 'companies', companyId)).toBe(true);
    expect(sandbox.state.dissociate('contacts', contactId, 'companies', companyId)).toBe(false);
    expect(sandbox.state.associations('companies', companyId, 'contacts')).toEqual([]);
    expect(sandbox.state.get('contacts', contactId)?.properties.associatedcompanyid).toBeUndefined();
  });

  it('when companies are batch-read for fit properties, then industry and employee count come back', async () => {
    sandbox = await startSandbox();
    const { companyId } = contactAtCompany(sandbox);
    const result = await sdk(sandbox).crm.companies.batchApi.read({
      inputs: [{ id: companyId }],
      properties: ['industry', 'numberofemployees'],
      propertiesWithHistory: [],
    });
    expect(result.results[0]?.properties).toMatchObject({
      industry: 'FOOD_PRODUCTION',
      numberofemployees: '250',
      hs_lastmodifieddate: expect.any(String),
    });
  });

  it('when a company gets a non-numeric employee count, then the write is refused', async () => {
    sandbox = await startSandbox();
    const { companyId } = contactAtCompany(sandbox);
    const response = await call(sandbox, 'PATCH', `/crm/v3/objects/companies/${companyId}`, {
      properties: { numberofemployees: 'many' },
    });
    expect(response.status).toBe(400);
  });
});

describe('owners', () => {
  it('when owners are listed and read by id, then the SDK parses PublicOwner', async () => {
    sandbox = await startSandbox({ data: { contacts: 5, seed: 3 } });
    const client = sdk(sandbox);
    const page = await client.crm.owners.ownersApi.getPage(undefined, undefined, 2);
    expect(page.results).toHaveLength(2);
    expect(page.paging?.next?.after).toBe('2');
    const first = page.results[0];
    expect(first?.createdAt).toBeInstanceOf(Date);
    const one = await client.crm.owners.ownersApi.getById(Number(first?.id));
    expect(one.email).toBe(first?.email);
  });

  it('when an owner does not exist, then 404 is returned', async () => {
    sandbox = await startSandbox();
    const response = await call(sandbox, 'GET', '/crm/v3/owners/1');
    expect(response.status).toBe(404);
  });
});

describe('tasks', () => {
  it('when a task is created with a contact association, then it is stored and linked', async () => {
    sandbox = await startSandbox();
    const { contactId } = contactAtCompany(sandbox);
    const task = await sdk(sandbox).crm.objects.tasks.basicApi.create({
      properties: {
        hs_timestamp: '2025-06-02T09:00:00.000Z',
        hs_task_subject: 'Call: new MQL',
        hs_task_priority: 'HIGH',
      },
      associations: [
        {
          to: { id: contactId },
          types: [
            {
              associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined,
              associationTypeId: 204,
            },
          ],
        },
      ],
    });
    expect(task.properties.hs_task_subject).toBe('Call: new MQL');
    expect(sandbox.state.associations('contacts', contactId, 'tasks')).toEqual([
      { toId: task.id, typeIds: [203] },
    ]);
  });

  it('when tasks are batch-created, then each is linked to its contact and its trace id comes back', async () => {
    sandbox = await startSandbox();
    const { contactId } = contactAtCompany(sandbox);
    const association = (id: string) => ({
      to: { id },
      types: [
        {
          associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined,
          associationTypeId: 204,
        },
      ],
    });
    const response = await sdk(sandbox).crm.objects.tasks.batchApi.create({
      inputs: ['first', 'second'].map((name) => ({
        properties: { hs_timestamp: '2025-06-02T09:00:00.000Z', hs_task_subject: name },
        associations: [association(contactId)],
        objectWriteTraceId: `trace-${name}`,
      })),
    });
    expect(response.results.map((r) => [r.objectWriteTraceId, r.properties.hs_task_subject])).toEqual([
      ['trace-first', 'first'],
      ['trace-second', 'second'],
    ]);
    expect(sandbox.state.associations('contacts', contactId, 'tasks').map((a) => a.toId)).toEqual(
      response.results.map((r) => r.id),
    );
    expect(sandbox.stats.count('tasks.batch.create')).toBe(1);
  });

  it('when one task of a batch is invalid, then none is created', async () => {
    sandbox = await startSandbox();
    const response = await call(sandbox, 'POST', '/crm/v3/objects/tasks/batch/create', {
      inputs: [
        { properties: { hs_timestamp: '2025-06-02T09:00:00.000Z', hs_task_subject: 'ok' } },
        { properties: { hs_task_subject: 'no due date' } },
      ],
    });
    expect(response.status).toBe(400);
    expect(sandbox.state.count('tasks')).toBe(0);
  });

  it('when a task has no hs_timestamp, then it is refused', async () => {
    sandbox = await startSandbox();
    const response = await call(sandbox, 'POST', '/crm/v3/objects/tasks', {
      properties: { hs_task_subject: 'x' },
    });
    expect(response.status).toBe(400);
    expect(response.body.message).toContain('hs_timestamp');
  });
});

describe('properties and groups', () => {
  it('when built-in contact properties are read, then HubSpot option values are present', async () => {
    sandbox = await startSandbox();
    const client = sdk(sandbox);
    const lifecycle = await client.crm.properties.coreApi.getByName('contacts', 'lifecyclestage');
    expect(lifecycle.options.map((o) => o.value)).toEqual([
      'subscriber',
      'lead',
      'marketingqualifiedlead',
      'salesqualifiedlead',
      'opportunity',
      'customer',
      'evangelist',
      'other',
    ]);
    const all = await client.crm.properties.coreApi.getAll('contacts');
    const byName = new Map(all.results.map((p) => [p.name, p]));
    expect(byName.get('hs_lead_status')?.options.map((o) => o.value)).toContain('ATTEMPTED_TO_CONTACT');
    expect(byName.get('numberofemployees')?.options.map((o) => o.value)).toEqual([
      '1-5',
      '5-25',
      '25-50',
      '50-100',
      '100-500',
      '500-1000',
      '1000+',
    ]);
    const companyIndustry = await client.crm.properties.coreApi.getByName('companies', 'industry');
    expect(companyIndustry.options.map((o) => o.value)).toContain('COMPUTER_SOFTWARE');
  });

  it('when a group and a property are created, then 201 and then 409 on the same name', async () => {
    sandbox = await startSandbox();
    const client = sdk(sandbox);
    const group = await client.crm.properties.groupsApi.create('contacts', {
      name: 'lead_qualification',
      label: 'Lead qualification',
    });
    expect(group.name).toBe('lead_qualification');
    const input = {
      name: 'lq_fit_score',
      label: 'Fit score',
      type: PropertyCreateTypeEnum.Number,
      fieldType: PropertyCreateFieldTypeEnum.Number,
      groupName: 'lead_qualification',
    };
    const created = await client.crm.properties.coreApi.create('contacts', input);
    expect(created).toMatchObject({
      name: 'lq_fit_score',
      hubspotDefined: false,
      createdAt: expect.any(Date),
    });
    const conflict = await client.crm.properties.coreApi.create('contacts', input).catch((e: unknown) => e);
    expect(conflict).toMatchObject({
      code: 409,
      body: { status: 'error', category: 'OBJECT_ALREADY_EXISTS' },
    });
    const contact = sandbox.state.create('contacts', { email: 'p@acme.example' }, source);
    const updated = await client.crm.contacts.basicApi.update(contact.id, {
      properties: { lq_fit_score: '72' },
    });
    expect(updated.properties.lq_fit_score).toBe('72');
  });

  it('when a property is missing, then reading it gives 404', async () => {
    sandbox = await startSandbox();
    const response = await call(sandbox, 'GET', '/crm/v3/properties/contacts/lq_nothing');
    expect(response.status).toBe(404);
  });

  it('when a property is created in a group that does not exist, then it is refused', async () => {
    sandbox = await startSandbox();
    const response = await call(sandbox, 'POST', '/crm/v3/properties/contacts', {
      name: 'lq_x',
      label: 'X',
      type: 'string',
      fieldType: 'text',
      groupName: 'nope',
    });
    expect(response.status).toBe(400);
  });
});

describe('workflow-action callbacks', () => {
  it('when a completion has no outputFields, then it is refused', async () => {
    sandbox = await startSandbox();
    const response = await call(sandbox, 'POST', '/automation/v4/actions/callbacks/ap-1/complete', {});
    expect(response.status).toBe(400);
  });
});
