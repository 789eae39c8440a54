/**
 * Webhook batches judged event by event, and the edges of the body: what one bad event, a NUL
 * byte, a compressed or deeply nested body, or a lead status named like an Object member does.
 * Storage is involved, so the per-event suites run on SQLite and (with TEST_DATABASE_URL) on
 * PostgreSQL.
 */
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { hubSpotSignatureHeaders } from '../../src/hubspot/signature.js';
import { createLogger } from '../../src/logger.js';
import type { WebhookEvent } from '../../src/sandbox/webhook-events.js';
import { contact, makeContact, NEW_BUSINESS_INTENT, startFeedbackStack } from './feedback-helpers.js';
import {
  freshPostgresDatabase,
  PUBLIC,
  queryStackDatabase,
  SECRET,
  type Stack,
  startStack,
} from './helpers.js';

let stack: Stack | undefined;
let dropDatabase: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stack?.close();
  await dropDatabase?.();
  stack = undefined;
  dropDatabase = undefined;
});

/** POSTs `body` to `path`, signed as HubSpot signs it; `headers` are added (or replace the defaults). */
async function postSigned(
  s: Stack,
  body: string | Buffer,
  headers: Record<string, string> = {},
  path = '/hubspot/webhooks',
): Promise<{ status: number; json: Record<string, unknown> }> {
  const signature = hubSpotSignatureHeaders({
    clientSecret: SECRET,
    method: 'POST',
    uri: `${PUBLIC}${path}`,
    rawBody: body,
    timestamp: Date.now(),
  });
  const response = await fetch(`${s.url}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...signature, ...headers },
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

interface EventRow {
  event_id: string;
  property_name: string;
  property_value: string | null;
  change_source: string | null;
  source_id: string | null;
  raw: string;
}

function storedEvents(s: Stack): Promise<EventRow[]> {
  return queryStackDatabase<EventRow>(
    s,
    'select event_id, property_name, property_value, change_source, source_id, raw from webhook_events order by event_id',
  );
}

/** JSON of `value` laid out unlike `JSON.stringify` (spaces, line breaks, `\u00e9` escapes). */
function handWritten(value: object): string {
  return JSON.stringify(value, null, 1).replace(/é/g, '\\u00e9');
}

const DATABASES = [
  { name: 'SQLite', skip: false, open: () => Promise.resolve(undefined) },
  { name: 'PostgreSQL', skip: !process.env.TEST_DATABASE_URL, open: () => freshPostgresDatabase() },
];

async function startOn(database: (typeof DATABASES)[number]): Promise<Stack> {
  const pg = await database.open();
  dropDatabase = pg?.drop;
  stack = await startStack({ contacts: 5, ...(pg ? { databaseUrl: pg.url } : {}) });
  return stack;
}

function jobTitleChange(
  s: Stack,
  index: number,
  value: string,
  more: Partial<WebhookEvent> = {},
): WebhookEvent {
  const id = s.sandbox.data!.contacts[index]!.id;
  return {
    ...s.sandbox.events.propertyChange({ objectId: id, propertyName: 'jobtitle', propertyValue: value }),
    ...more,
  };
}

describe.each(DATABASES)('webhook batches, event by event, on $name', (database) => {
  it.skipIf(database.skip)(
    'when text fields carry NUL characters and lone surrogates, then the batch is answered 200, every event is stored with U+FFFD in their place, and each raw event is its received text',
    async () => {
      const s = await startOn(database);
      const events = [
        jobTitleChange(s, 0, 'VP\u0000Sales', { changeSource: 'CRM\u0000UI' }),
        jobTitleChange(s, 1, 'Directeur g\u00e9n\u00e9ral \ud800', { sourceId: 'user\udc00' }),
        { ...jobTitleChange(s, 2, 'CTO'), propertyName: 'job\u0000title' },
      ];
      const texts = events.map(handWritten);
      const body = `[ ${texts.join(' ,\n')} ]`;

      const response = await postSigned(s, body);

      expect(response).toEqual({
        status: 200,
        json: { accepted: 3, duplicates: 0, enqueued: 2, invalid: 0 },
      });
      const rows = await storedEvents(s);
      expect(rows.map((r) => [r.property_name, r.property_value, r.change_source, r.source_id])).toEqual([
        ['jobtitle', 'VP\uFFFDSales', 'CRM\uFFFDUI', null],
        ['jobtitle', 'Directeur g\u00e9n\u00e9ral \uFFFD', 'CRM_UI', 'user\uFFFD'],
        ['job\uFFFDtitle', 'CTO', 'CRM_UI', null],
      ]);
      expect(rows.map((r) => r.raw)).toEqual(texts);

      // HubSpot's retry of the same batch: every event is a duplicate, nothing more is queued.
      expect(await postSigned(s, body)).toEqual({
        status: 200,
        json: { accepted: 0, duplicates: 3, enqueued: 0, invalid: 0 },
      });
    },
  );

  it.skipIf(database.skip)(
    'when a batch mixes valid events with malformed ones, then the valid ones are stored once, each other one is refused on its own with its reason, and the answer is 200',
    async () => {
      const s = await startOn(database);
      const valid = [jobTitleChange(s, 0, 'CEO'), jobTitleChange(s, 1, 'CFO'), jobTitleChange(s, 2, 'COO')];
      const deep = `{"eventId":1,"extra":${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
      const elements = [
        JSON.stringify(valid[0]),
        '42',
        '"an event"',
        'null',
        '[]',
        JSON.stringify({ ...valid[1], occurredAt: 'yesterday', eventId: 999 }),
        JSON.stringify({ eventId: 7, portalId: 'x'.repeat(500) }),
        deep,
        JSON.stringify(valid[1]),
        '{"eventId": tru}',
        JSON.stringify({ ...valid[2], propertyValue: 'x'.repeat(70_000) }),
        JSON.stringify(valid[2]),
        '\u0000',
      ];

      const response = await postSigned(s, `[${elements.join(',')}]`);

      expect(response.status).toBe(200);
      expect(response.json).toMatchObject({ accepted: 3, duplicates: 0, enqueued: 3, invalid: 10 });
      expect(response.json.problems).toEqual([
        { path: '$[1]', message: 'must be a JSON object (one webhook event)' },
        { path: '$[2]', message: 'must be a JSON object (one webhook event)' },
        { path: '$[3]', message: 'must be a JSON object (one webhook event)' },
        { path: '$[4]', message: 'must be a JSON object (one webhook event)' },
        { path: '$[5].occurredAt', message: 'must be epoch milliseconds' },
        { path: '$[6].subscriptionId', message: expect.any(String) },
        { path: '$[7]', message: 'is nested too deeply to be a webhook event' },
        { path: '$[9]', message: 'is not valid JSON' },
        { path: '$[10].propertyValue', message: 'must be at most 65536 characters' },
        { path: '$[12]', message: 'is not valid JSON' },
      ]);
      const invalid = s.service.metrics.eventsInvalid;
      expect(await invalid.get({ reason: 'not_an_object' })).toBe(4);
      expect(await invalid.get({ reason: 'invalid_field' })).toBe(3);
      expect(await invalid.get({ reason: 'too_deep' })).toBe(1);
      expect(await invalid.get({ reason: 'not_json' })).toBe(2);
      const rows = await storedEvents(s);
      expect(rows.map((r) => r.raw).sort()).toEqual(valid.map((e) => JSON.stringify(e)).sort());
      expect(await s.service.metrics.render()).toContain(
        'lq_webhook_events_invalid_total{reason="too_deep"} 1',
      );
    },
  );
});

describe('webhook batches: what is logged of a refused event', () => {
  it('when an event is refused, then one warning names its place, reason and short ids, and none of its values', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        callback();
      },
    });
    stack = await startStack({
      contacts: 2,
      service: { logger: createLogger({ level: 'info', destination }) },
    });
    const value = `private-note-${'v'.repeat(200)}`;
    const refused = { ...jobTitleChange(stack, 0, value), eventId: `9${'0'.repeat(99)}`, occurredAt: 'soon' };
    const body = JSON.stringify([refused, jobTitleChange(stack, 1, 'CEO')]);

    expect(await postSigned(stack, body)).toMatchObject({ status: 200, json: { accepted: 1, invalid: 1 } });

    const warnings = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      msg: 'webhook events refused; the rest of the batch was accepted',
      req: { id: expect.any(String) },
      invalid: 1,
      byReason: { invalid_field: 1 },
      events: [
        {
          index: 0,
          reason: 'invalid_field',
          path: '$[0].eventId',
          message: 'must be a numeric id',
          eventId: `9${'0'.repeat(63)}`,
          subscriptionType: 'contact.propertyChange',
        },
      ],
    });
    expect(lines.join('\n')).not.toContain('private-note');
  });
});

describe('webhook batches: sizes', () => {
  it('when a batch holds more than 100 events, then the first 100 are judged and the rest are refused as beyond the limit', async () => {
    stack = await startStack({ contacts: 5 });
    const s = stack;
    const events = Array.from({ length: 105 }, (_, i) => jobTitleChange(s, i % 5, `Title ${i}`));

    const response = await postSigned(s, JSON.stringify(events));

    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ accepted: 100, invalid: 5 });
    expect(await s.service.metrics.eventsInvalid.get({ reason: 'beyond_batch_limit' })).toBe(5);
  });

  it('when a signed body is a JSON array nested 5,000 deep, then it is answered (no stack overflow) with its one element refused as too deep', async () => {
    stack = await startStack({ contacts: 1 });
    const response = await postSigned(stack, `${'['.repeat(5_000)}${']'.repeat(5_000)}`);
    expect(response).toMatchObject({ status: 200, json: { accepted: 0, invalid: 1 } });

    const object = await postSigned(stack, `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`);
    expect(object).toMatchObject({ status: 400, json: { error: 'invalid_input' } });
  });

  it('when a workflow action or the settings API gets a body nested 5,000 deep, then it is a 400 naming the depth', async () => {
    stack = await startStack({ contacts: 1 });
    const body = `{"callbackId":"cb","inputFields":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`;
    for (const path of ['/hubspot/actions/qualify', '/settings/api/preview']) {
      const response = await postSigned(stack, body, {}, path);
      expect(response.status, path).toBe(400);
      expect(response.json, path).toMatchObject({
        error: 'invalid_input',
        problems: [{ path: '$', message: 'nested deeper than 64 levels' }],
      });
    }
  });
});

describe('webhook bodies: encodings', () => {
  it.each([
    ['gzip', 'gzip'],
    ['deflate', 'deflate'],
    ['br', 'br'],
    ['an unknown coding', 'x-lq-custom'],
    ['a list of codings', 'identity, gzip'],
  ])(
    'when the body is announced as %s, then it is refused with 415 before it is read, and nothing is stored',
    async (_name, encoding) => {
      stack = await startStack({ contacts: 1 });
      const body = JSON.stringify([jobTitleChange(stack, 0, 'CEO')]);

      const response = await postSigned(stack, body, { 'content-encoding': encoding });

      expect(response.status).toBe(415);
      expect(response.json).toMatchObject({
        error: 'unsupported_media_type',
        message: expect.stringContaining('send the body uncompressed'),
      });
      expect((await stack.service.store.queue.stats()).pending).toBe(0);
    },
  );

  it('when a correctly signed body really is gzip-compressed, then it is refused with 415 all the same (HubSpot does not compress)', async () => {
    stack = await startStack({ contacts: 1 });
    const body = gzipSync(JSON.stringify([jobTitleChange(stack, 0, 'CEO')]));
    const response = await postSigned(stack, body, { 'content-encoding': 'gzip' });
    expect(response.status).toBe(415);
  });

  it('when the body is identity-encoded, or announced as UTF-8, then it is read; another charset is refused with 415', async () => {
    stack = await startStack({ contacts: 1 });
    const body = JSON.stringify([jobTitleChange(stack, 0, 'CEO')]);
    expect(
      await postSigned(stack, body, {
        'content-encoding': 'identity',
        'content-type': 'application/json; charset=UTF-8',
      }),
    ).toMatchObject({ status: 200, json: { accepted: 1 } });
    const utf16 = await postSigned(stack, body, { 'content-type': 'application/json; charset=utf-16le' });
    expect(utf16).toMatchObject({ status: 415, json: { message: expect.stringContaining('send UTF-8') } });
  });

  it('when a workflow action is sent compressed, then it is refused with 415 as well', async () => {
    stack = await startStack({ contacts: 1 });
    const response = await postSigned(
      stack,
      '{}',
      { 'content-encoding': 'gzip' },
      '/hubspot/actions/qualify',
    );
    expect(response.status).toBe(415);
  });
});

describe('lead-status values named like Object members', () => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])(
    'when a rep sets the lead status of an MQL to %s, then it is no sales decision: nothing is returned or recycled',
    async (value) => {
      const feedback = await startFeedbackStack();
      stack = feedback;
      const id = await makeContact(feedback, { name: 'Proto Typo', signals: NEW_BUSINESS_INTENT });
      await feedback.service.worker.drain();
      expect(contact(feedback, id).lifecyclestage).toBe('marketingqualifiedlead');
      // A portal's custom lead-status option (the sandbox knows only the default ones): HubSpot's event.
      const event = feedback.sandbox.events.propertyChange({
        objectId: id,
        propertyName: 'hs_lead_status',
        propertyValue: value,
        sourceId: 'userId:9000001',
      });

      const report = await feedback.deliver([event]);
      await feedback.service.worker.drain();

      expect(report.failed).toBe(0);
      expect(contact(feedback, id)).toMatchObject({ lifecyclestage: 'marketingqualifiedlead' });
      expect(contact(feedback, id).lq_lost_reason ?? '').toBe('');
      expect(await feedback.service.store.decisions.pending(feedback.portalId, [id])).toEqual([]);
      const applied = await feedback.service.store.decisions.applied(
        feedback.portalId,
        0,
        Number.MAX_SAFE_INTEGER,
      );
      expect(applied).toEqual([]);
    },
  );
});
