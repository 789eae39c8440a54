/**
 * A short fuzz of the webhook route (part of `npm test`; the long one is `npm run bench -- --only
 * chaos`): a few hundred correctly signed bodies mixing valid events with malformed ones (random
 * JSON, wrong types per field, missing fields, NUL bytes and lone surrogates, deep nesting, huge
 * strings, `__proto__` keys), plus bodies that are no array at all or too large. Whatever comes,
 * no 5xx; every valid event is stored exactly once, as the text it arrived in; nothing else is
 * stored. On SQLite and (with TEST_DATABASE_URL) PostgreSQL, from a fixed seed.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { hubSpotSignatureHeaders } from '../../src/hubspot/signature.js';
import type { WebhookEvent } from '../../src/sandbox/webhook-events.js';
import { sanitizeText } from '../../src/store/sql/sanitize-text.js';
import {
  freshPostgresDatabase,
  PUBLIC,
  queryStackDatabase,
  SECRET,
  type Stack,
  startStack,
} from './helpers.js';

const BODIES = 300;
const SEED = 20_261_213;

let stack: Stack | undefined;
let dropDatabase: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stack?.close();
  await dropDatabase?.();
  stack = undefined;
  dropDatabase = undefined;
});

/** A small seeded generator (mulberry32): the same bodies on every run. */
function randomFrom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(items: readonly T[]): T => items[int(items.length)]! };
}

type Random = ReturnType<typeof randomFrom>;

/** Text with what breaks naive storage: NUL, lone surrogates, emoji, quotes, long runs. */
function nastyText(r: Random): string {
  const parts = [
    'VP Sales',
    '\u0000',
    '\ud800',
    '\udc00',
    '😀',
    'é',
    '"',
    '\\',
    '\n',
    'x'.repeat(r.int(2_000)),
  ];
  return Array.from({ length: 1 + r.int(5) }, () => r.pick(parts)).join('');
}

/** For each field: values of a wrong type for it (never valid, whatever else the event holds). */
const WRONG: Record<string, readonly unknown[]> = {
  eventId: [{}, [], true, null, 'abc', 1.5, '12a'],
  subscriptionId: [{}, false, 'x', 2.5],
  portalId: [[], 'portal', 0.1, null],
  appId: [{}, 'app'],
  occurredAt: ['yesterday', -1, 1.5, null, '1700000000000', {}],
  subscriptionType: [5, 'nodot', '', null, 'contact.'],
  attemptNumber: [-1, '0', 0.5, null],
  objectId: [{}, 'abc', 1.25, null],
  propertyName: [5, [], {}],
  propertyValue: [5, [], {}, true, 'x'.repeat(70_000)],
  mergedObjectIds: ['1,2', [{}], 7],
};

/** Element texts that keep the array's framing but are not JSON (or not a webhook event). */
const NOT_JSON = [
  'tru',
  'NaN',
  '01',
  '{"a":}',
  "'single'",
  '\u0000',
  'undefined',
  '{"a" 1}',
  '-',
  '+1',
  '[,]',
];

interface Sent {
  body: string;
  /** Valid events of the body: their exact text and value. */
  valid: { text: string; event: WebhookEvent }[];
  kind: 'array' | 'not-array' | 'too-large';
}

/** One body: 1–20 elements, about a third valid (some sent before), the rest broken in some way. */
function makeBody(
  s: Stack,
  r: Random,
  json: readonly unknown[],
  earlier: readonly { text: string; event: WebhookEvent }[],
): Sent {
  const roll = r.next();
  if (roll < 0.03) {
    const value = r.pick(json);
    const body = JSON.stringify(Array.isArray(value) ? { events: value } : value) ?? 'null';
    return { body, valid: [], kind: 'not-array' };
  }
  if (roll < 0.05) {
    const event = fresh(s, r);
    return { body: `[${JSON.stringify(event)},"${'x'.repeat(1_100_000)}"]`, valid: [], kind: 'too-large' };
  }
  const valid: { text: string; event: WebhookEvent }[] = [];
  const elements: string[] = [];
  let huge = false;
  for (let i = 0, n = 1 + r.int(20); i < n; i++) {
    const kind = r.int(10);
    if (kind <= 2) {
      // A valid event: plain, with nasty text, extra fields, `__proto__` keys or odd spacing.
      const event = fresh(s, r);
      let text = JSON.stringify(event);
      const style = r.int(5);
      if (style === 1) text = JSON.stringify({ ...event, extra: r.pick(json), isSensitive: false });
      if (style === 2) text = text.replace('{', '{"__proto__":{"polluted":true},"constructor":{"x":1},');
      if (style === 3) text = JSON.stringify(event, null, r.int(4) + 1);
      if (style === 4 && !huge) {
        huge = true;
        text = JSON.stringify({ ...event, propertyValue: 'y'.repeat(60_000) });
      }
      elements.push(text);
      valid.push({ text, event: JSON.parse(text) as WebhookEvent });
    } else if (kind === 3 && earlier.length > 0) {
      // A valid event sent before (HubSpot's retries): stored once all the same.
      const again = r.pick(earlier);
      elements.push(again.text);
      valid.push(again);
    } else if (kind === 4) {
      // One field of the wrong type.
      const event = fresh(s, r) as unknown as Record<string, unknown>;
      const field = r.pick(Object.keys(WRONG));
      event[field] = r.pick(WRONG[field]!);
      elements.push(JSON.stringify(event));
    } else if (kind === 5) {
      // A required field missing.
      const event = fresh(s, r) as unknown as Record<string, unknown>;
      delete event[
        r.pick([
          'eventId',
          'subscriptionId',
          'portalId',
          'appId',
          'occurredAt',
          'subscriptionType',
          'attemptNumber',
          'objectId',
        ])
      ];
      elements.push(JSON.stringify(event));
    } else if (kind === 6) {
      // Random JSON (never shaped like an event).
      elements.push(JSON.stringify(r.pick(json)) ?? 'null');
    } else if (kind === 7) {
      // Nested deeper than the limit, alone or inside an event.
      const depth = 65 + r.int(3_000);
      const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      elements.push(r.next() < 0.5 ? deep : JSON.stringify(fresh(s, r)).replace('{', `{"deep":${deep},`));
    } else if (kind === 8) {
      elements.push(r.pick(NOT_JSON));
    } else {
      // A huge string where an event should be.
      elements.push(JSON.stringify('z'.repeat(r.int(50_000))));
    }
  }
  const separators = [',', ' , ', ',\n', '\t,'];
  return { body: `[${elements.map((e) => e).join(r.pick(separators))}]`, valid, kind: 'array' };
}

/** A new, valid event about one of the stack's contacts, with nasty text where text goes. */
function fresh(s: Stack, r: Random): WebhookEvent {
  const contacts = s.sandbox.data!.contacts;
  const objectId = r.pick(contacts).id;
  const format = r.next() < 0.5 ? 'legacy' : 'generic';
  if (r.next() < 0.2) return s.sandbox.events.creation({ objectId, format });
  return s.sandbox.events.propertyChange({
    objectId,
    format,
    propertyName: r.pick(['jobtitle', 'industry', 'firstname', 'hs_lead_status', 'lifecyclestage']),
    propertyValue: nastyText(r),
    changeSource: r.pick(['CRM_UI', 'IMPORT', 'API', 'CRM\u0000UI']),
  });
}

async function post(s: Stack, body: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers = {
    ...hubSpotSignatureHeaders({
      clientSecret: SECRET,
      method: 'POST',
      uri: `${PUBLIC}/hubspot/webhooks`,
      rawBody: body,
      timestamp: Date.now(),
    }),
    'content-type': 'application/json',
  };
  const response = await fetch(`${s.url}/hubspot/webhooks`, { method: 'POST', body, headers });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** The dedupe key of an event as the store keeps it. */
function keyOf(e: WebhookEvent): string {
  return [
    e.portalId,
    e.eventId,
    e.subscriptionId,
    e.objectId,
    e.occurredAt,
    sanitizeText(e.propertyName ?? ''),
  ].join('|');
}

const DATABASES = [
  { name: 'SQLite', skip: false, open: () => Promise.resolve(undefined) },
  { name: 'PostgreSQL', skip: !process.env.TEST_DATABASE_URL, open: () => freshPostgresDatabase() },
];

describe.each(DATABASES)('fuzzing the webhook route on $name', (database) => {
  it.skipIf(database.skip)(
    `when ${BODIES} signed bodies mix valid events with every kind of malformed one, then no answer is a 5xx and every valid event is stored exactly once, as received`,
    async () => {
      const pg = await database.open();
      dropDatabase = pg?.drop;
      stack = await startStack({ contacts: 20, ...(pg ? { databaseUrl: pg.url } : {}) });
      const s = stack;
      const r = randomFrom(SEED);
      const json = fc.sample(fc.jsonValue({ maxDepth: 6 }), { seed: SEED, numRuns: 200 });
      const sentValid = new Map<string, { text: string; event: WebhookEvent }>();
      const statuses = new Map<number, number>();
      let events = 0;
      let invalid = 0;
      const started = Date.now();

      for (let i = 0; i < BODIES; i++) {
        const sent = makeBody(s, r, json, [...sentValid.values()].slice(-50));
        const response = await post(s, sent.body);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status, sent.body.slice(0, 200)).toBeLessThan(500);
        if (sent.kind === 'not-array') expect(response.status).toBe(400);
        if (sent.kind === 'too-large') expect(response.status).toBe(413);
        if (sent.kind !== 'array') continue;
        expect(response.status, sent.body.slice(0, 200)).toBe(200);
        // Every valid event of the batch is accepted or found a duplicate; all others are refused.
        const { accepted, duplicates } = response.json as { accepted: number; duplicates: number };
        expect(accepted + duplicates).toBe(sent.valid.length);
        invalid += response.json.invalid as number;
        events += sent.valid.length + (response.json.invalid as number);
        for (const v of sent.valid) if (!sentValid.has(keyOf(v.event))) sentValid.set(keyOf(v.event), v);
      }

      const rows = await queryStackDatabase<{
        portal_id: string;
        event_id: string;
        subscription_id: string;
        object_id: string;
        occurred_at: string | number;
        property_name: string;
        property_value: string | null;
        raw: string;
      }>(s, 'select * from webhook_events');
      const stored = new Map(
        rows.map((row) => [
          [
            row.portal_id,
            row.event_id,
            row.subscription_id,
            row.object_id,
            Number(row.occurred_at),
            row.property_name,
          ].join('|'),
          row,
        ]),
      );
      expect(rows).toHaveLength(sentValid.size);
      for (const [key, { text, event }] of sentValid) {
        const row = stored.get(key);
        expect(row, key).toBeDefined();
        expect(row!.raw).toBe(text);
        expect(row!.property_value).toBe(
          event.propertyValue === undefined ? null : sanitizeText(event.propertyValue),
        );
      }
      console.log(
        `webhook fuzz on ${database.name}: ${BODIES} bodies, ${events} events (${sentValid.size} distinct valid, ${invalid} refused), ` +
          `statuses ${JSON.stringify(Object.fromEntries(statuses))}, 0 × 5xx, ${rows.length} stored, ${Date.now() - started} ms`,
      );
    },
    60_000,
  );
});
