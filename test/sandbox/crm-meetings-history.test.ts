import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { call, sdk, startSandbox } from './helpers.js';

let sandbox: Sandbox;
afterEach(async () => {
  await sandbox?.close();
});

const source = { changeSource: 'IMPORT' };

function newContact(s: Sandbox, email = 'lena@acme.example'): string {
  return s.state.create('contacts', { email }, source).id;
}

describe('meetings (object 0-47) and their contacts', () => {
  it('when a meeting is logged on a contact, then the SDK reads it, its outcome and its association both ways', async () => {
    sandbox = await startSandbox();
    const contactId = newContact(sandbox);
    const { meetingId } = sandbox.activity.logMeeting(contactId, { outcome: 'NO_SHOW', title: 'Demo' });
    const client = sdk(sandbox);

    const read = await client.crm.objects.batchApi.read('meetings', {
      inputs: [{ id: meetingId }],
      properties: ['hs_meeting_outcome', 'hs_meeting_title'],
      propertiesWithHistory: [],
    });
    expect(read.results[0]?.properties).toMatchObject({
      hs_meeting_outcome: 'NO_SHOW',
      hs_meeting_title: 'Demo',
    });

    const fromContact = await client.crm.associations.v4.batchApi.getPage('contacts', 'meetings', {
      inputs: [{ id: contactId }],
    });
    expect(fromContact.results[0]?.to.map((t) => String(t.toObjectId))).toEqual([meetingId]);
    const fromMeeting = await client.crm.associations.v4.batchApi.getPage('0-47', 'contacts', {
      inputs: [{ id: meetingId }],
    });
    expect(fromMeeting.results[0]?.to.map((t) => String(t.toObjectId))).toEqual([contactId]);
  });

  it('when meetings are searched by outcome, then only the no-shows are found', async () => {
    sandbox = await startSandbox();
    const contactId = newContact(sandbox);
    const noShow = sandbox.activity.logMeeting(contactId, { outcome: 'NO_SHOW' }).meetingId;
    sandbox.activity.logMeeting(contactId, { outcome: 'COMPLETED' });
    const found = await sdk(sandbox).crm.objects.searchApi.doSearch('meetings', {
      filterGroups: [
        { filters: [{ propertyName: 'hs_meeting_outcome', operator: 'EQ' as never, value: 'NO_SHOW' }] },
      ],
      properties: ['hs_meeting_outcome'],
      limit: 10,
      after: '0',
      sorts: [],
    });
    expect(found.results.map((r) => r.id)).toEqual([noShow]);
  });

  it('when a meeting is created without hs_timestamp, then it is refused as HubSpot refuses it', async () => {
    sandbox = await startSandbox();
    const answer = await call(sandbox, 'POST', '/crm/v3/objects/meetings', {
      properties: { hs_meeting_title: 'Demo' },
    });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain('hs_timestamp is required');
  });

  it('when a meeting’s outcome is set, then HubSpot’s generic object.propertyChange (0-47) is returned', () => {
    return (async () => {
      sandbox = await startSandbox();
      const contactId = newContact(sandbox);
      const { meetingId, events: created } = sandbox.activity.logMeeting(contactId);
      expect(created.map((e) => [e.subscriptionType, e.objectTypeId])).toContainEqual([
        'object.creation',
        '0-47',
      ]);
      const events = sandbox.activity.setMeetingOutcome(meetingId, 'NO_SHOW');
      expect(events).toEqual([
        expect.objectContaining({
          subscriptionType: 'object.propertyChange',
          objectTypeId: '0-47',
          objectId: Number(meetingId),
          propertyName: 'hs_meeting_outcome',
          propertyValue: 'NO_SHOW',
        }),
      ]);
    })();
  });
});

describe('property history on batch reads (propertiesWithHistory)', () => {
  it('when a contact submits forms and unsubscribes, then each property lists its values newest first with source and time', async () => {
    let clock = Date.parse('2026-11-20T09:00:00Z');
    sandbox = await startSandbox({ now: () => clock });
    const contactId = newContact(sandbox);
    const first = sandbox.activity.submitForm(contactId, 'Newsletter');
    clock += 60_000;
    sandbox.activity.submitForm(contactId, 'Request a demo');
    clock += 60_000;
    const optOut = sandbox.activity.optOut(contactId);

    expect(first.map((e) => e.propertyName).sort()).toEqual([
      'first_conversion_event_name',
      'num_conversion_events',
      'recent_conversion_date',
      'recent_conversion_event_name',
    ]);
    expect(optOut).toEqual([
      expect.objectContaining({
        subscriptionType: 'contact.propertyChange',
        propertyName: 'hs_email_optout',
        propertyValue: 'true',
        changeSource: 'EMAIL',
      }),
    ]);

    const read = await sdk(sandbox).crm.contacts.batchApi.read({
      inputs: [{ id: contactId }],
      properties: ['email'],
      propertiesWithHistory: ['num_conversion_events', 'recent_conversion_event_name', 'hs_email_optout'],
    });
    const history = read.results[0]?.propertiesWithHistory ?? {};
    const versions = (name: string) =>
      (history[name] ?? []).map((v) => [v.value, new Date(v.timestamp).toISOString(), v.sourceType]);
    expect(versions('num_conversion_events')).toEqual([
      ['2', '2026-11-20T09:01:00.000Z', 'FORM'],
      ['1', '2026-11-20T09:00:00.000Z', 'FORM'],
    ]);
    expect(versions('recent_conversion_event_name')).toEqual([
      ['Request a demo', '2026-11-20T09:01:00.000Z', 'FORM'],
      ['Newsletter', '2026-11-20T09:00:00.000Z', 'FORM'],
    ]);
    expect(versions('hs_email_optout')).toEqual([['true', '2026-11-20T09:02:00.000Z', 'EMAIL']]);
  });

  it('when a loaded record’s property changes, then its history starts with the loaded value', async () => {
    sandbox = await startSandbox({ data: { contacts: 3, seed: 2 } });
    const contact = [...sandbox.state.all('contacts')][0]!;
    const before = contact.properties.jobtitle ?? '';
    sandbox.state.update('contacts', contact.id, { jobtitle: 'Plant manager' }, { changeSource: 'CRM_UI' });
    const history = sandbox.state.historyOf('contacts', contact.id, 'jobtitle');
    expect(history.map((v) => v.value)).toEqual(before ? ['Plant manager', before] : ['Plant manager']);
  });

  it('when a history read names more than 50 inputs, then it is refused with HubSpot’s message', async () => {
    sandbox = await startSandbox();
    const answer = await call(sandbox, 'POST', '/crm/v3/objects/contacts/batch/read', {
      inputs: Array.from({ length: 51 }, (_, i) => ({ id: String(100_001 + i) })),
      properties: [],
      propertiesWithHistory: ['hs_email_optout'],
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      category: 'VALIDATION_ERROR',
      message: 'The maximum number of inputs supported in a batch request for property histories is 50.',
    });
    const plain = await call(sandbox, 'POST', '/crm/v3/objects/contacts/batch/read', {
      inputs: Array.from({ length: 51 }, (_, i) => ({ id: String(100_001 + i) })),
      properties: [],
    });
    expect(plain.status).toBe(207);
  });
});

describe('a private app token’s scopes', () => {
  it('when the token info is asked for, then a token with a scope list gets exactly those', async () => {
    sandbox = await startSandbox({
      accessTokens: ['full', 'narrow'],
      tokenScopes: { narrow: ['crm.objects.contacts.read', 'oauth'] },
    });
    const narrow = await call(
      sandbox,
      'POST',
      '/oauth/v2/private-apps/get/access-token-info',
      { tokenKey: 'narrow' },
      'narrow',
    );
    expect(narrow.body).toMatchObject({
      hubId: sandbox.portalId,
      appId: sandbox.appId,
      scopes: ['crm.objects.contacts.read', 'oauth'],
    });
    const full = await call(
      sandbox,
      'POST',
      '/oauth/v2/private-apps/get/access-token-info',
      { tokenKey: 'full' },
      'full',
    );
    expect(full.body.scopes).toContain('crm.objects.owners.read');
    const unknown = await call(
      sandbox,
      'POST',
      '/oauth/v2/private-apps/get/access-token-info',
      { tokenKey: 'nope' },
      'full',
    );
    expect(unknown.status).toBe(400);
  });
});
