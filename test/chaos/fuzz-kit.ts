/**
 * The fuzz kit shared by `test/chaos/fuzz-endpoints.test.ts` (short, in `npm test`) and the chaos
 * bench (`npm run bench -- --only chaos`): for every endpoint of the service and every class of
 * bad request, requests built from a seeded generator, each with what a correct answer looks like;
 * a valid signed request per endpoint; and the judge that compares an answer with its expectation.
 *
 * Hand-written rather than fast-check arbitraries: each bad request must carry the field a correct
 * answer names and whether the events riding along in it must be stored, which is knowledge about
 * our endpoints, not about random data. fast-check's `jsonValue` supplies the random JSON.
 */
import fc from 'fast-check';
import { hubSpotSignatureHeaders, signV1 } from '../../src/hubspot/signature.js';
import type { Sandbox, WebhookEvent } from '../../src/sandbox/index.js';

/** Every endpoint of the service (HubSpot-facing, settings page, contact card, ops). */
export const ENDPOINTS = {
  webhooks: { method: 'POST', path: '/hubspot/webhooks', kind: 'webhook' },
  qualify: { method: 'POST', path: '/hubspot/actions/qualify', kind: 'action' },
  'record-signal': { method: 'POST', path: '/hubspot/actions/record-signal', kind: 'action' },
  'sales-decision': { method: 'POST', path: '/hubspot/actions/sales-decision', kind: 'action' },
  'signal-options': { method: 'POST', path: '/hubspot/actions/signal-options', kind: 'options' },
  'reason-options': { method: 'POST', path: '/hubspot/actions/reason-options', kind: 'options' },
  'settings-model': { method: 'GET', path: '/settings/api/model', kind: 'settings' },
  'settings-versions': { method: 'GET', path: '/settings/api/versions', kind: 'settings' },
  'settings-funnel': { method: 'GET', path: '/settings/api/funnel', kind: 'settings' },
  'settings-drafts': { method: 'POST', path: '/settings/api/drafts', kind: 'settings' },
  'settings-preview': { method: 'POST', path: '/settings/api/preview', kind: 'settings' },
  'settings-publish': { method: 'POST', path: '/settings/api/publish', kind: 'settings' },
  'settings-rollback': { method: 'POST', path: '/settings/api/rollback', kind: 'settings' },
  'settings-approvals': { method: 'GET', path: '/settings/api/approvals', kind: 'settings' },
  'settings-approve': { method: 'POST', path: '/settings/api/approve', kind: 'settings' },
  'settings-decline': { method: 'POST', path: '/settings/api/decline', kind: 'settings' },
  'settings-approval-policy': { method: 'POST', path: '/settings/api/approval-policy', kind: 'settings' },
  'settings-diff': { method: 'GET', path: '/settings/api/diff', kind: 'settings' },
  'settings-validate': { method: 'POST', path: '/settings/api/validate', kind: 'settings' },
  'settings-property-options': { method: 'GET', path: '/settings/api/property-options', kind: 'settings' },
  'settings-owners': { method: 'GET', path: '/settings/api/owners', kind: 'settings' },
  'settings-insights': { method: 'GET', path: '/settings/api/insights', kind: 'settings' },
  'settings-backtest': { method: 'POST', path: '/settings/api/backtest', kind: 'settings' },
  'card-contact': { method: 'GET', path: '/card/api/contact', kind: 'card' },
  'card-decision': { method: 'POST', path: '/card/api/decision', kind: 'card' },
  'card-dispute': { method: 'POST', path: '/card/api/dispute', kind: 'card' },
  healthz: { method: 'GET', path: '/healthz', kind: 'ops' },
  readyz: { method: 'GET', path: '/readyz', kind: 'ops' },
  metrics: { method: 'GET', path: '/metrics', kind: 'ops' },
} as const;
export type EndpointName = keyof typeof ENDPOINTS;
export const ENDPOINT_NAMES = Object.keys(ENDPOINTS) as EndpointName[];

/** The classes of bad request (issue #13). */
export const CLASSES = [
  'malformed-json',
  'huge',
  'deep',
  'content-type',
  'signature',
  'replay',
  'wrong-portal',
  'prototype-keys',
  'hostile-strings',
  'wrong-types',
  'mixed-batch',
  'wrong-method',
] as const;
export type FuzzClass = (typeof CLASSES)[number];

/** What the fuzz needs to know about the running service. */
export interface FuzzContext {
  /** The service's local URL. */
  url: string;
  /** The public URL HubSpot signs over. */
  publicUrl: string;
  secret: string;
  portalId: string;
  appId: number;
  opsToken: string;
  contactIds: readonly string[];
  events: Sandbox['events'];
  /** A valid model to save as a draft. */
  model: Record<string, unknown>;
  /** Two saved versions the publish and rollback requests alternate between. */
  versions: readonly [number, number];
  /**
   * Two more saved versions the approve requests put into force, whichever is not in force yet
   * (so `versions` are never in force and their publish requests always wait for approval).
   */
  approvalVersions: readonly [number, number];
  /** A contact the service has scored: the contact card shows it. */
  cardContactId: string;
  signalTypes: readonly string[];
}

/** A webhook event that must end up stored, with the exact text it was sent as. */
export interface SentEvent {
  text: string;
  event: WebhookEvent;
}

/** What a correct answer to a request is. */
export type Expectation =
  /** A 4xx (of `status`, when given) whose `problems` name `field`. */
  | { kind: 'refused'; field: string; status?: number }
  /** A workflow action's documented way to refuse input: 200, FAIL_CONTINUE, the field in error_message. */
  | { kind: 'fail-continue'; field: string }
  /** A webhook batch: 200; the valid events taken (stored or duplicates); the others named in problems. */
  | { kind: 'batch'; valid: SentEvent[]; invalid: number; otherPortal: number }
  /** A valid request: `check` says what is wrong with the answer, or null. */
  | { kind: 'valid'; check: (status: number, json: any) => string | null };

export interface FuzzRequest {
  cls: FuzzClass | 'valid';
  endpoint: EndpointName;
  method: string;
  /** Path and query. */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  expect: Expectation;
  /** Send this many times (a replay); the expectation is for the last copy. */
  copies?: number;
  /** For copies before the last: what is expected. */
  firstExpect?: Expectation;
  /**
   * For a request about state made just before it is sent (approving a publish request needs one
   * pending): makes that state and gives the request's path, headers and body, signed then.
   */
  prepare?: () => Promise<Pick<FuzzRequest, 'path' | 'headers' | 'body'>>;
}

export interface Answer {
  status: number;
  json: any;
  ms: number;
}

// ---------------------------------------------------------------------------------------------
// Randomness

/** A small seeded generator (mulberry32): the same requests on every run. */
export function randomFrom(seed: number) {
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
export type Random = ReturnType<typeof randomFrom>;

/** Random JSON values (fast-check), drawn once per seed. */
export function jsonPool(seed: number, size = 200): unknown[] {
  return fc.sample(fc.jsonValue({ maxDepth: 5 }), { seed, numRuns: size });
}

/** Strings that break naive code: NUL, lone surrogates, emoji, quotes, Object members, a long run. */
export const HOSTILE = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\ud83d',
  '😀',
  '"',
  '\\',
  '\n\r\t',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  ' ',
  '',
  '%00',
  '../../etc/passwd',
  "'; drop table webhook_events; --",
] as const;

const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

// ---------------------------------------------------------------------------------------------
// Signing

type Signing = 'webhook' | 'hubspot' | 'settings' | 'ops';

/** Routes called through hubspot.fetch (the settings page, the contact card): v3, the signed user. */
const isFetched = (kind: string) => kind === 'settings' || kind === 'card';

const signingOf = (endpoint: EndpointName): Signing => {
  const kind = ENDPOINTS[endpoint].kind;
  return kind === 'webhook' ? 'webhook' : isFetched(kind) ? 'settings' : kind === 'ops' ? 'ops' : 'hubspot';
};

/** The query HubSpot adds to a hubspot.fetch URL (user 42 of the portal). */
export function settingsQuery(ctx: FuzzContext, portalId = ctx.portalId, extra = ''): string {
  return `?userId=42&userEmail=ops%40acme.example&appId=${ctx.appId}&portalId=${portalId}${extra}`;
}

/** The same for user 7 from sales, who approves what user 42 (marketing) asked to publish. */
export function salesQuery(ctx: FuzzContext, extra = ''): string {
  return `?userId=7&userEmail=sam%40acme.example&appId=${ctx.appId}&portalId=${ctx.portalId}${extra}`;
}

/** Headers as HubSpot signs the request now (v3 plus the legacy version the route's caller sends). */
export function signed(
  ctx: FuzzContext,
  endpoint: EndpointName,
  method: string,
  path: string,
  body: string | Buffer,
  timestamp = Date.now(),
): Record<string, string> {
  const signing = signingOf(endpoint);
  if (signing === 'ops') return { authorization: `Bearer ${ctx.opsToken}` };
  return hubSpotSignatureHeaders({
    clientSecret: ctx.secret,
    method,
    uri: `${ctx.publicUrl}${path}`,
    rawBody: body,
    timestamp,
    legacyVersion: signing === 'webhook' ? 'v1' : 'v2',
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** A request to `endpoint` with `body`, correctly signed. */
function request(
  ctx: FuzzContext,
  cls: FuzzRequest['cls'],
  endpoint: EndpointName,
  body: string | undefined,
  expect: Expectation,
  options: { path?: string; query?: string; headers?: Record<string, string>; method?: string } = {},
): FuzzRequest {
  const spec = ENDPOINTS[endpoint];
  const method = options.method ?? spec.method;
  const query = options.query ?? (isFetched(spec.kind) ? settingsQuery(ctx) : '');
  const path = `${options.path ?? spec.path}${query}`;
  const raw = body ?? '';
  return {
    cls,
    endpoint,
    method,
    path,
    headers: {
      ...(body !== undefined ? JSON_TYPE : {}),
      ...signed(ctx, endpoint, method, path, raw),
      ...options.headers,
    },
    ...(body !== undefined ? { body } : {}),
    expect,
  };
}

// ---------------------------------------------------------------------------------------------
// Valid bodies

let serial = 0;
/** A callback id never used before (in this process). */
export const freshCallbackId = (tag: string) => `fuzz-${tag}-${process.pid}-${++serial}-${Date.now()}`;

/** A workflow-action execution as HubSpot sends it. */
export function actionBody(
  ctx: FuzzContext,
  contactId: string,
  inputFields: Record<string, unknown>,
  callbackId = freshCallbackId('cb'),
): Record<string, unknown> {
  return {
    callbackId,
    origin: { portalId: Number(ctx.portalId), actionDefinitionId: 1, actionDefinitionVersion: 1 },
    context: { source: 'WORKFLOWS', workflowId: 7 },
    object: { objectId: Number(contactId), objectType: 'CONTACT' },
    inputFields,
  };
}

const validInputs = (ctx: FuzzContext, endpoint: EndpointName, r: Random): Record<string, unknown> =>
  endpoint === 'record-signal'
    ? { signal_type: r.pick(ctx.signalTypes) }
    : endpoint === 'sales-decision'
      ? { decision: 'accept', note: 'fuzz' }
      : {};

/** A fresh, valid webhook event about one of the contacts. */
export function freshEvent(ctx: FuzzContext, r: Random, propertyValue?: string): WebhookEvent {
  const objectId = r.pick(ctx.contactIds);
  const format = r.next() < 0.5 ? 'legacy' : 'generic';
  if (propertyValue === undefined && r.next() < 0.2) return ctx.events.creation({ objectId, format });
  return ctx.events.propertyChange({
    objectId,
    format,
    propertyName: r.pick(['jobtitle', 'industry', 'firstname', 'hs_lead_status', 'city']),
    propertyValue: propertyValue ?? `fuzz ${r.int(1e9)}`,
    changeSource: 'CRM_UI',
  });
}

/** A request id no publish request has. */
const NO_REQUEST = '00000000-0000-4000-8000-000000000000';

/**
 * Asks (as user 42, marketing) to publish whichever approval version is not in force, and answers
 * the id of the request now pending. A reason rides along: after the first approval, the model's
 * minimum period between publishes asks for one.
 */
export async function pendingRequestId(ctx: FuzzContext): Promise<string> {
  const answers: string[] = [];
  for (const version of ctx.approvalVersions) {
    const body = JSON.stringify({ version, note: 'fuzz: to approve', reason: 'fuzz: approving again' });
    const asked = request(ctx, 'valid', 'settings-publish', body, { kind: 'valid', check: () => null });
    const answer = await send(ctx, asked);
    if (answer.status === 202 && typeof answer.json?.request?.id === 'string')
      return answer.json.request.id as string;
    answers.push(`${answer.status} ${JSON.stringify(answer.json).slice(0, 200)}`);
  }
  throw new Error(`no publish request could be made pending: ${answers.join('; ')}`);
}

/**
 * A request about a pending publish request, as user 7 from sales: sent with a request id asked
 * for right before it (`prepare`); the body as built names no request, for the classes that
 * change something else.
 */
function pendingRequestAnswer(
  ctx: FuzzContext,
  endpoint: 'settings-approve' | 'settings-decline',
  expect: Expectation,
  query = salesQuery(ctx),
): FuzzRequest {
  const built = request(ctx, 'valid', endpoint, JSON.stringify({ requestId: NO_REQUEST }), expect, { query });
  return {
    ...built,
    prepare: async () => {
      const requestId = await pendingRequestId(ctx);
      const { path, headers, body } = request(ctx, 'valid', endpoint, JSON.stringify({ requestId }), expect, {
        query,
      });
      return { path, headers, body };
    },
  };
}

/** The body of the valid request to `endpoint`, and what its answer must be. */
export function validRequest(ctx: FuzzContext, endpoint: EndpointName, r: Random): FuzzRequest {
  const spec = ENDPOINTS[endpoint];
  const ok = (check: (status: number, json: any) => string | null): Expectation => ({ kind: 'valid', check });
  const contactId = r.pick(ctx.contactIds);
  switch (spec.kind) {
    case 'webhook': {
      const events = Array.from({ length: 1 + r.int(3) }, () => freshEvent(ctx, r));
      const valid = events.map((event) => ({ text: JSON.stringify(event), event }));
      return request(ctx, 'valid', endpoint, `[${valid.map((v) => v.text).join(',')}]`, {
        kind: 'batch',
        valid,
        invalid: 0,
        otherPortal: 0,
      });
    }
    case 'action': {
      const body = JSON.stringify(actionBody(ctx, contactId, validInputs(ctx, endpoint, r)));
      return request(
        ctx,
        'valid',
        endpoint,
        body,
        ok((status, json) => {
          const state = json?.outputFields?.hs_execution_state;
          if (status !== 200) return `status ${status}`;
          if (state === 'BLOCK') return null;
          if (state !== 'SUCCESS') return `state ${state}: ${json?.outputFields?.error_message}`;
          if (endpoint === 'qualify' && !/^\d+$/.test(json.outputFields.fit_score)) return 'no fit_score';
          if (endpoint === 'record-signal' && json.outputFields.duplicate !== 'false') return 'not recorded';
          return null;
        }),
      );
    }
    case 'options':
      return request(
        ctx,
        'valid',
        endpoint,
        JSON.stringify({
          origin: { portalId: Number(ctx.portalId) },
          inputFieldName: 'x',
          fetchOptions: { q: '' },
        }),
        ok((status, json) =>
          status === 200 && Array.isArray(json?.options) && json.options.length > 0
            ? null
            : `status ${status}`,
        ),
      );
    case 'settings': {
      const want = (expected: number, test: (json: any) => boolean) =>
        ok((status, json) =>
          status === expected && test(json) ? null : `status ${status} ${JSON.stringify(json).slice(0, 300)}`,
        );
      switch (endpoint) {
        case 'settings-model':
          return request(
            ctx,
            'valid',
            endpoint,
            undefined,
            want(200, (j) => typeof j?.active === 'object'),
          );
        case 'settings-versions':
          return request(
            ctx,
            'valid',
            endpoint,
            undefined,
            want(200, (j) => j !== null),
          );
        case 'settings-funnel':
          return request(
            ctx,
            'valid',
            endpoint,
            undefined,
            want(200, (j) => j !== null),
            {
              query: settingsQuery(ctx, ctx.portalId, '&from=2026-01-01&to=2026-12-01'),
            },
          );
        case 'settings-drafts':
          return request(
            ctx,
            'valid',
            endpoint,
            JSON.stringify({ model: ctx.model }),
            want(201, (j) => typeof j?.version === 'number'),
          );
        case 'settings-preview':
          return request(
            ctx,
            'valid',
            endpoint,
            JSON.stringify({ model: ctx.model }),
            want(200, (j) => j !== null),
          );
        case 'settings-approvals':
          return request(
            ctx,
            'valid',
            endpoint,
            undefined,
            want(200, (j) => typeof j?.policy?.singleApprover === 'boolean' && Array.isArray(j?.recent)),
          );
        case 'settings-approve':
          // User 7 from sales approves what user 42 asked for just before: the version goes into force.
          return pendingRequestAnswer(
            ctx,
            endpoint,
            want(200, (j) => j?.state === 'published' && j?.request?.status === 'approved'),
          );
        case 'settings-decline':
          return pendingRequestAnswer(
            ctx,
            endpoint,
            want(200, (j) => j?.request?.status === 'declined'),
          );
        case 'settings-approval-policy':
          // Restating the two-person rule: relaxing it would publish every publish request at once.
          return request(
            ctx,
            'valid',
            endpoint,
            JSON.stringify({ singleApprover: false }),
            want(200, (j) => j?.singleApprover === false),
          );
        case 'settings-diff':
          return request(
            ctx,
            'valid',
            endpoint,
            undefined,
            want(200, (j) => Array.isArray(j?.changes) && typeof j?.text === 'string'),
            {
              query: settingsQuery(
                ctx,
                ctx.portalId,
                `&from=${ctx.versions[r.int(2)]}&to=${r.pick([String(ctx.versions[1]), 'active'])}`,
              ),
            },
          );
        case 'settings-validate':
          return request(
            ctx,
            'valid',
            endpoint,
            JSON.stringify({ model: ctx.model }),
            want(200, (j) => j?.valid === true && Array.isArray(j?.warnings)),
          );
        case 'settings-property-options':
          return request(
            ctx,
            'valid',
            endpoint,
            undefined,
            want(
              200,
              (j) => Array.isArray(j?.properties) && j.properties.length > 0 && Array.isArray(j?.missing),
            ),
            {
              query: settingsQuery(
                ctx,
                ctx.portalId,
                `&properties=${r.pick(['company.industry', 'contact.lifecyclestage'])},contact.jobtitle`,
              ),
            },
          );
        case 'settings-owners':
          return request(
            ctx,
            'valid',
            endpoint,
            undefined,
            want(200, (j) => Array.isArray(j?.owners) && Array.isArray(j?.teams)),
          );
        case 'settings-insights':
          return request(
            ctx,
            'valid',
            endpoint,
            undefined,
            want(200, (j) => j !== null && typeof j === 'object' && 'calibration' in j),
            {
              query: settingsQuery(ctx, ctx.portalId, r.pick(['', '&outcome=sql', '&outcome=customer'])),
            },
          );
        case 'settings-backtest':
          return request(
            ctx,
            'valid',
            endpoint,
            JSON.stringify({ model: ctx.model, months: 1 + r.int(6) }),
            want(200, (j) => Array.isArray(j?.monthly) && typeof j?.summary === 'string'),
          );
        default:
          return request(
            ctx,
            'valid',
            endpoint,
            // A reason rides along: once the fuzz approved a version, the model's minimum period
            // between publishes asks for one (as the page asks the user).
            JSON.stringify({
              version: ctx.versions[r.int(2)],
              note: 'fuzz',
              reason: 'fuzz: publishing again',
            }),
            // Publishing waits for a second person's approval (two-sided approval).
            want(202, (j) => j?.state === 'awaiting_approval'),
          );
      }
    }
    case 'card': {
      const want = (expected: number, test: (json: any) => boolean) =>
        ok((status, json) =>
          status === expected && test(json) ? null : `status ${status} ${JSON.stringify(json).slice(0, 300)}`,
        );
      const id = ctx.cardContactId;
      switch (endpoint) {
        case 'card-contact':
          return request(
            ctx,
            'valid',
            endpoint,
            undefined,
            want(200, (j) => j?.contactId === id && typeof j?.breakdown === 'object'),
            { query: settingsQuery(ctx, ctx.portalId, `&contactId=${id}`) },
          );
        case 'card-decision':
          return request(
            ctx,
            'valid',
            endpoint,
            JSON.stringify(
              r.next() < 0.5
                ? { contactId: id, decision: 'accept' }
                : { contactId: id, decision: 'return', reason: 'no_budget', note: 'Budget next year' },
            ),
            want(202, (j) => j?.recorded === true),
            { query: salesQuery(ctx) },
          );
        default:
          return request(
            ctx,
            'valid',
            endpoint,
            JSON.stringify({ contactId: id, reason: 'A student project, not a buyer' }),
            want(201, (j) => j?.dispute?.reason === 'A student project, not a buyer'),
            { query: salesQuery(ctx) },
          );
      }
    }
    case 'ops':
      return request(
        ctx,
        'valid',
        endpoint,
        undefined,
        ok((status) => (status === 200 ? null : `status ${status}`)),
      );
  }
}

// ---------------------------------------------------------------------------------------------
// Bad requests

const refused = (field: string, status?: number): Expectation => ({
  kind: 'refused',
  field,
  ...(status !== undefined ? { status } : {}),
});
const failContinue = (field: string): Expectation => ({ kind: 'fail-continue', field });

/** For each webhook event field: values of a wrong type for it. */
const WRONG_EVENT_FIELDS: Record<string, readonly unknown[]> = {
  eventId: [{}, [], true, null, 'abc', 1.5, '12a', '1\u0000'],
  subscriptionId: [{}, false, 'x', 2.5],
  portalId: [[], 'portal', 0.1, null],
  appId: [{}, 'app'],
  occurredAt: ['yesterday', -1, 1.5, null, '1700000000000', {}, 1e300],
  subscriptionType: [5, 'nodot', '', null, 'contact.'],
  attemptNumber: [-1, '0', 0.5, null],
  objectId: [{}, 'abc', 1.25, null, '123456789012345678901'],
  propertyName: [5, [], {}, 'p'.repeat(101)],
  propertyValue: [5, [], {}, true, 'x'.repeat(70_000)],
  mergedObjectIds: ['1,2', [{}], 7],
};

/** One element of a webhook batch: its text, and whether it is a valid event of the served portal. */
interface Element {
  text: string;
  valid?: SentEvent;
  otherPortal?: boolean;
}

function wrongTypeEvent(ctx: FuzzContext, r: Random): Element {
  const event = freshEvent(ctx, r) as unknown as Record<string, unknown>;
  const field = r.pick(Object.keys(WRONG_EVENT_FIELDS));
  event[field] = r.pick(WRONG_EVENT_FIELDS[field]!);
  return { text: JSON.stringify(event) };
}

const validElement = (ctx: FuzzContext, r: Random, value?: string, style?: number): Element => {
  const event = freshEvent(ctx, r, value);
  let text = JSON.stringify(event);
  if (style === 1) text = text.replace('{', '{"__proto__":{"polluted":true},"constructor":{"prototype":1},');
  if (style === 2) text = JSON.stringify(event, null, 2);
  return { text, valid: { text, event: JSON.parse(text) as WebhookEvent } };
};

/** Elements of a mixed batch for one class: broken ones of that kind, and valid ones between them. */
function batchElements(ctx: FuzzContext, cls: FuzzClass, r: Random, json: readonly unknown[]): Element[] {
  const broken = (): Element => {
    switch (cls) {
      case 'malformed-json':
        return {
          text: r.pick(['tru', 'NaN', '01', '{"a":}', "'x'", 'undefined', '{"a" 1}', '-', '+1', '[,]']),
        };
      case 'huge':
        return {
          text: JSON.stringify({ ...freshEvent(ctx, r), propertyValue: 'h'.repeat(65_537 + r.int(100_000)) }),
        };
      case 'deep':
        return {
          text:
            r.next() < 0.5
              ? deepArray(65 + r.int(5_000))
              : JSON.stringify(freshEvent(ctx, r)).replace('{', `{"deep":${deepObject(70 + r.int(2_000))},`),
        };
      case 'wrong-portal':
        return { text: JSON.stringify({ ...freshEvent(ctx, r), portalId: 999 }), otherPortal: true };
      case 'prototype-keys':
        return {
          text: r.pick([
            '{"__proto__":{"eventId":1,"portalId":1}}',
            '{"constructor":{"prototype":{"polluted":true}}}',
            JSON.stringify({ ...freshEvent(ctx, r), eventId: '__proto__' }),
          ]),
        };
      case 'hostile-strings':
        return {
          text: JSON.stringify({
            ...freshEvent(ctx, r),
            [r.pick(['eventId', 'objectId', 'portalId'])]: r.pick(HOSTILE),
          }),
        };
      case 'wrong-types':
        return wrongTypeEvent(ctx, r);
      default: {
        const which = r.int(4);
        if (which === 0) return wrongTypeEvent(ctx, r);
        if (which === 1) return { text: JSON.stringify(r.pick(json)) ?? 'null' };
        if (which === 2) return { text: deepArray(100 + r.int(1_000)) };
        const event = freshEvent(ctx, r) as unknown as Record<string, unknown>;
        delete event[
          r.pick(['eventId', 'subscriptionId', 'portalId', 'occurredAt', 'objectId', 'subscriptionType'])
        ];
        return { text: JSON.stringify(event) };
      }
    }
  };
  const good = (): Element => {
    if (cls === 'hostile-strings') return validElement(ctx, r, r.pick(HOSTILE) + r.pick(HOSTILE));
    if (cls === 'prototype-keys')
      return r.next() < 0.5
        ? validElement(ctx, r, undefined, 1)
        : validElement(ctx, r, r.pick(HOSTILE.slice(9, 13)));
    if (cls === 'huge') return validElement(ctx, r, 'v'.repeat(60_000));
    return validElement(ctx, r, undefined, r.int(3));
  };
  const elements: Element[] = [];
  const n = cls === 'huge' ? 4 : 2 + r.int(12);
  for (let i = 0; i < n; i++) elements.push(r.next() < 0.4 ? good() : broken());
  if (!elements.some((e) => e.valid)) elements.push(good());
  return elements;
}

function batchRequest(ctx: FuzzContext, cls: FuzzClass, elements: Element[], r: Random): FuzzRequest {
  const separator = r.pick([',', ' , ', ',\n', '\t,']);
  const valid = elements.flatMap((e) => (e.valid ? [e.valid] : []));
  const otherPortal = elements.filter((e) => e.otherPortal).length;
  return request(ctx, cls, 'webhooks', `[${elements.map((e) => e.text).join(separator)}]`, {
    kind: 'batch',
    valid,
    invalid: elements.length - valid.length - otherPortal,
    otherPortal,
  });
}

/** Signature headers that are wrong in one way each, with the header a correct answer names. */
function badSignatures(
  ctx: FuzzContext,
  endpoint: EndpointName,
  method: string,
  path: string,
  body: string,
): { headers: Record<string, string>; field: string }[] {
  const now = Date.now();
  const good = signed(ctx, endpoint, method, path, body, now);
  const v3 = good['X-HubSpot-Signature-v3']!;
  const flipped = `${v3[0] === 'A' ? 'B' : 'A'}${v3.slice(1)}`;
  const without = (...names: string[]) =>
    Object.fromEntries(Object.entries(good).filter(([k]) => !names.includes(k)));
  const V3 = 'X-HubSpot-Signature-v3';
  const TS = 'X-HubSpot-Request-Timestamp';
  const list = [
    {
      headers: without(V3, TS, 'X-HubSpot-Signature', 'X-HubSpot-Signature-Version'),
      field: 'X-HubSpot-Signature',
    },
    { headers: { ...good, [V3]: flipped }, field: V3 },
    { headers: { ...good, [V3]: 'not base64 at all!' }, field: V3 },
    { headers: signed(ctx, endpoint, method, path, body, now - 301_000), field: TS },
    { headers: signed(ctx, endpoint, method, path, body, now + 301_000), field: TS },
    { headers: { ...good, [TS]: 'yesterday' }, field: TS },
    { headers: without(TS), field: TS },
    // Signed for another URL (the signature covers the path).
    { headers: signed(ctx, endpoint, method, `${path}x`, body, now), field: V3 },
    // v1 only: the legacy signature without the method and URL (no route accepts it).
    {
      headers: {
        'X-HubSpot-Signature': signV1({ clientSecret: ctx.secret, rawBody: body }),
        'X-HubSpot-Signature-Version': 'v1',
      },
      field: 'X-HubSpot-Signature',
    },
    {
      headers: { ...without(V3, TS), 'X-HubSpot-Signature-Version': 'v9' },
      field: 'X-HubSpot-Signature-Version',
    },
  ];
  if (signingOf(endpoint) === 'settings')
    // A v2 capture without its v3: v2 has no timestamp, so the settings API refuses it.
    list.push({ headers: without(V3, TS), field: V3 });
  return list;
}

/** Adds a request of the class at hand to the endpoint at hand. */
type Add = (body: string | undefined, expect: Expectation, options?: Parameters<typeof request>[5]) => void;

/**
 * The model check answers a verdict, not a refusal: 200, `valid: false`, the field named among its
 * problems. A body that is no object with a model is refused naming `$` instead.
 */
const verdict = (field: string, orRefused = false): Expectation => ({
  kind: 'valid',
  check: (status, j) => {
    if (orRefused && status >= 400 && status < 500) return judge(refused(field), { status, json: j, ms: 0 });
    return status === 200 &&
      j?.valid === false &&
      Array.isArray(j?.problems) &&
      j.problems.some(
        (p: any) =>
          typeof p?.path === 'string' && (p.path.includes(field) || String(p.message).includes(field)),
      )
      ? null
      : `not a verdict naming ${field}: ${status} ${JSON.stringify(j).slice(0, 300)}`;
  },
});

/** A 2xx answer of `status` (a request that is odd, not wrong). */
const answered = (...statuses: number[]): Expectation => ({
  kind: 'valid',
  check: (status, j) =>
    statuses.includes(status)
      ? null
      : `status ${status}, expected ${statuses.join(' or ')}: ${JSON.stringify(j).slice(0, 300)}`,
});

/**
 * Bad requests of one class to the routes of the settings page's approval, diff, catalog and
 * insights tabs and of the contact card: what each takes in its body or query, wrong in each way
 * the class stands for. The classes every route shares (signatures, replays, another portal,
 * sizes, media types, methods) come from `badRequests`.
 */
function pageRouteRequests(
  ctx: FuzzContext,
  cls: FuzzClass,
  endpoint: EndpointName,
  r: Random,
  add: Add,
  out: FuzzRequest[],
): void {
  const q = (extra: string) => ({ query: settingsQuery(ctx, ctx.portalId, extra) });
  const sales = { query: salesQuery(ctx) };
  const id = ctx.cardContactId;
  const v = ctx.versions;
  const decision = (fields: Record<string, unknown>) => JSON.stringify({ contactId: id, ...fields });
  const requestRoute = endpoint === 'settings-approve' || endpoint === 'settings-decline';
  const withModel = (model: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ model, ...extra });
  switch (cls) {
    case 'malformed-json': {
      // The GET routes take their input in the query: malformed values there.
      if (endpoint === 'settings-diff') {
        for (const bad of ['', '&from=one', '&from=1e3', '&from=a&from=b', '&from=%E0%A4%A', '&to=2'])
          add(undefined, refused('query.from', 400), q(bad));
        for (const bad of ['yesterday', '%E0%A4%A', '1&to=2'])
          add(undefined, refused('query.to', 400), q(`&from=${v[0]}&to=${bad}`));
      }
      if (endpoint === 'settings-insights') {
        for (const bad of ['from=yesterday', 'from=2026-02-31', 'to=%E0%A4%A', 'from=a&from=b', 'to=1e999'])
          add(undefined, refused(bad.startsWith('to') ? 'query.to' : 'query.from', 400), q(`&${bad}`));
        for (const bad of ['won', 'SQL', 'sql&outcome=customer', '%E0%A4%A'])
          add(undefined, refused('query.outcome', 400), q(`&outcome=${bad}`));
      }
      if (endpoint === 'settings-property-options') {
        for (const bad of [
          '',
          '&properties=',
          '&properties=,,%20,',
          '&properties=contact.jobtitle&properties=contact.city',
        ])
          add(undefined, refused('query.properties', 400), q(bad));
        for (const bad of [
          'industry',
          'contact.',
          '.jobtitle',
          'deal.amount',
          'contact.Job%20Title',
          '%E0%A4%A',
        ])
          add(undefined, refused('query.properties[0]', 400), q(`&properties=${bad}`));
      }
      if (endpoint === 'card-contact')
        for (const bad of [
          '',
          '&contactId=',
          '&contactId=abc',
          '&contactId=1&contactId=2',
          '&contactId=%E0%A4%A',
        ])
          add(undefined, refused('query.contactId', 400), q(bad));
      break;
    }
    case 'huge': {
      // Long query values, below what Node takes in a request line (16 KiB of headers).
      const long = (c: string) => c.repeat(8_000);
      if (endpoint === 'settings-diff') add(undefined, refused('query.from', 400), q(`&from=${long('9')}`));
      if (endpoint === 'settings-insights')
        add(undefined, refused('query.outcome', 400), q(`&outcome=${long('o')}`));
      if (endpoint === 'settings-property-options') {
        add(undefined, refused('query.properties[0]', 400), q(`&properties=contact.${long('p')}`));
        add(
          undefined,
          refused('query.properties', 400),
          q(`&properties=${Array.from({ length: 500 }, (_, i) => `contact.p${i}`).join(',')}`),
        );
      }
      if (endpoint === 'card-contact')
        add(undefined, refused('query.contactId', 400), q(`&contactId=${long('1')}`));
      // Long fields in bodies under the route's size limit.
      if (requestRoute)
        add(JSON.stringify({ requestId: 'r'.repeat(60_000) }), refused('$.requestId', 400), sales);
      if (endpoint === 'card-decision')
        add(decision({ decision: 'accept', note: 'n'.repeat(60_000) }), refused('$.note', 400), sales);
      if (endpoint === 'card-dispute')
        add(decision({ reason: 'r'.repeat(60_000) }), refused('$.reason', 400), sales);
      if (endpoint === 'settings-validate')
        add(withModel({ ...ctx.model, description: 'd'.repeat(900_000) }), verdict('$.description'));
      if (endpoint === 'settings-backtest')
        add(withModel({ ...ctx.model, description: 'd'.repeat(900_000) }), refused('$.description', 422));
      break;
    }
    case 'prototype-keys': {
      if (requestRoute) {
        add(
          `{"requestId":"${NO_REQUEST}","__proto__":{"approvedBy":"mallory"}}`,
          refused('__proto__', 400),
          sales,
        );
        for (const member of ['__proto__', 'constructor', 'toString'])
          add(JSON.stringify({ requestId: member }), refused('$.requestId', 404), sales);
      }
      if (endpoint === 'settings-approval-policy')
        add('{"singleApprover":false,"__proto__":{"singleApprover":true}}', refused('__proto__', 400));
      if (endpoint === 'settings-validate' || endpoint === 'settings-backtest') {
        const polluted = withModel(ctx.model).replace('{"model":{', '{"model":{"__proto__":{"version":"x"},');
        add(polluted, endpoint === 'settings-validate' ? verdict('__proto__') : refused('__proto__', 422));
      }
      if (endpoint === 'settings-backtest')
        // Not a field of the backtest: ignored, as every unknown field of a model body is.
        add(
          `{"__proto__":{"months":99},"constructor":{"prototype":1},"model":${JSON.stringify(ctx.model)}}`,
          answered(200),
        );
      if (endpoint === 'settings-diff') {
        add(undefined, refused('query.from', 400), q('&__proto__=1&from=__proto__'));
        add(undefined, refused('query.to', 400), q(`&constructor=2&from=${v[0]}&to=constructor`));
      }
      if (endpoint === 'settings-insights')
        for (const member of ['__proto__', 'constructor', 'toString', 'hasOwnProperty'])
          add(undefined, refused('query.outcome', 400), q(`&outcome=${member}`));
      if (endpoint === 'settings-property-options')
        // Valid property names HubSpot does not have: named as missing, not found on Object.prototype.
        add(
          undefined,
          {
            kind: 'valid',
            check: (status, j) =>
              status === 200 &&
              Array.isArray(j?.missing) &&
              ['contact.__proto__', 'contact.constructor', 'company.hasownproperty'].every((p) =>
                j.missing.includes(p),
              )
                ? null
                : `not named missing: ${status} ${JSON.stringify(j).slice(0, 300)}`,
          },
          q('&properties=contact.__proto__,contact.constructor,company.hasownproperty'),
        );
      if (endpoint === 'card-contact')
        add(undefined, refused('query.contactId', 400), q('&__proto__=1&contactId=__proto__'));
      if (endpoint === 'card-decision') {
        for (const member of ['constructor', '__proto__', 'toString', 'hasOwnProperty'])
          add(decision({ decision: 'return', reason: member }), refused('$.reason', 400), sales);
        add(decision({ decision: 'constructor' }), refused('$.decision', 400), sales);
        add(
          `{"contactId":"${id}","decision":"accept","__proto__":{"decidedBy":"ceo"}}`,
          refused('__proto__', 400),
          sales,
        );
      }
      if (endpoint === 'card-dispute') {
        add(
          `{"contactId":"${id}","reason":"x","__proto__":{"disputedBy":"ceo"}}`,
          refused('__proto__', 400),
          sales,
        );
        // A reason is free text: "constructor" is one like any other.
        add(decision({ reason: 'constructor' }), answered(201), sales);
      }
      break;
    }
    case 'hostile-strings': {
      // Not 'a\u0000b', sent below as well: the same body signed in the same millisecond is a replay.
      const hostile = r.pick(HOSTILE.filter((h) => h.trim() !== '' && h !== 'a\u0000b'));
      const all = HOSTILE.join('');
      if (requestRoute) {
        add(JSON.stringify({ requestId: hostile }), refused('$.requestId', 404), sales);
        add(JSON.stringify({ requestId: 'a\u0000b' }), refused('$.requestId', 404), sales);
        add(JSON.stringify({ requestId: '' }), refused('$.requestId', 400), sales);
      }
      if (endpoint === 'settings-diff') add(undefined, refused('query.from', 400), q('&from=1%00'));
      if (endpoint === 'settings-insights')
        add(undefined, refused('query.outcome', 400), q('&outcome=sql%00'));
      if (endpoint === 'settings-property-options')
        for (const bad of ['contact.job%00title', 'contact.%ED%A0%80', 'contact.job%0Atitle', "contact.x'--"])
          add(undefined, refused('query.properties[0]', 400), q(`&properties=${bad}`));
      if (endpoint === 'card-contact')
        for (const bad of ['1%00', '%ED%A0%80', '1%0A'])
          add(undefined, refused('query.contactId', 400), q(`&contactId=${bad}`));
      if (endpoint === 'card-decision') {
        add(
          decision({ decision: 'return', reason: `no_budget${HOSTILE[0]}` }),
          refused('$.reason', 400),
          sales,
        );
        add(decision({ decision: `accept${HOSTILE[0]}` }), refused('$.decision', 400), sales);
        add(decision({ decision: 'accept', note: all }), answered(202), sales);
      }
      if (endpoint === 'card-dispute') {
        add(decision({ reason: all }), answered(201), sales);
        add(decision({ reason: hostile }), answered(201), sales);
        add(
          JSON.stringify({ contactId: `${id}${HOSTILE[0]}`, reason: 'x' }),
          refused('$.contactId', 400),
          sales,
        );
      }
      if (endpoint === 'settings-validate')
        add(withModel({ ...ctx.model, version: `v${HOSTILE[0]}${HOSTILE[2]}` }), {
          kind: 'valid',
          check: (status, j) => (status === 200 && typeof j?.valid === 'boolean' ? null : `status ${status}`),
        });
      if (endpoint === 'settings-backtest')
        add(withModel({ ...ctx.model, version: `v${HOSTILE[0]}${HOSTILE[2]}` }), answered(200, 422));
      break;
    }
    case 'wrong-types': {
      if (requestRoute) {
        for (const value of [5, null, {}, [], true, '', 'x'.repeat(65)])
          add(JSON.stringify({ requestId: value }), refused('$.requestId', 400), sales);
        add('{}', refused('$.requestId', 400), sales);
        add(JSON.stringify({ requestId: NO_REQUEST }), refused('$.requestId', 404), sales);
        const by = endpoint === 'settings-approve' ? 'approvedBy' : 'declinedBy';
        add(JSON.stringify({ requestId: NO_REQUEST, [by]: 'mallory' }), refused(by, 400), sales);
      }
      if (endpoint === 'settings-approve')
        // Its author approving: refused naming the signed user, while two people must agree.
        out.push({
          ...pendingRequestAnswer(ctx, endpoint, refused('query.userId', 403), settingsQuery(ctx)),
          cls,
        });
      if (endpoint === 'settings-approval-policy') {
        for (const value of ['true', 'false', 1, 0, null, {}, []])
          add(JSON.stringify({ singleApprover: value }), refused('$.singleApprover', 400));
        add('{}', refused('$.singleApprover', 400));
        add(JSON.stringify({ singleApprover: false, changedBy: 'ceo' }), refused('changedBy', 400));
      }
      if (endpoint === 'settings-diff') {
        for (const bad of ['1.5', '-1', '0', '01', 'Active', '%20'])
          add(undefined, refused('query.from', 400), q(`&from=${bad}`));
        add(undefined, refused('query.to', 400), q(`&from=${v[0]}&to=x`));
        add(undefined, refused('query.from', 404), q(`&from=99999&to=${v[0]}`));
        add(undefined, refused('query.to', 404), q(`&from=${v[0]}&to=99999`));
      }
      if (endpoint === 'settings-insights') {
        add(undefined, refused('query.from', 400), q('&from=2026-12-01&to=2026-01-01'));
        add(undefined, refused('query.from', 400), q('&from=2026-01-01&to=2026-01-01'));
        add(undefined, refused('query.outcome', 400), q('&outcome=1'));
      }
      if (endpoint === 'settings-validate') {
        add(JSON.stringify({ model: r.pick([5, 'x', [], null, true]) }), verdict('$'));
        add(withModel({ ...ctx.model, thresholds: 5 }), verdict('$.thresholds'));
        add(withModel({ ...ctx.model, fit: { criteria: 'x' } }), verdict('$.fit'));
      }
      if (endpoint === 'settings-backtest') {
        for (const months of ['3', 1.5, 0, 37, -1, null, {}, true])
          add(withModel(ctx.model, { months }), refused('$.months', 400));
        add(JSON.stringify({ model: r.pick([5, 'x', [], null, true]) }), refused('$', 422));
        add(withModel({ ...ctx.model, thresholds: 5 }), refused('$.thresholds', 422));
      }
      if (endpoint === 'card-contact') {
        for (const bad of ['1.5', '-1', '1e3', '%20', '1'.repeat(21)])
          add(undefined, refused('query.contactId', 400), q(`&contactId=${bad}`));
        add(undefined, refused('query.contactId', 404), q('&contactId=999999999'));
      }
      if (endpoint === 'card-decision' || endpoint === 'card-dispute') {
        const rest = endpoint === 'card-decision' ? { decision: 'accept' } : { reason: 'x' };
        for (const contactId of [5, null, 'abc', '', {}, [], '1'.repeat(21), '-1'])
          add(JSON.stringify({ contactId, ...rest }), refused('$.contactId', 400), sales);
        add(JSON.stringify(rest), refused('$.contactId', 400), sales);
      }
      if (endpoint === 'card-decision') {
        for (const value of [5, true, null, 'Accept', 'maybe', ['accept']])
          add(decision({ decision: value }), refused('$.decision', 400), sales);
        for (const reason of [5, {}, 'r'.repeat(65), 'not_a_reason'])
          add(decision({ decision: 'return', reason }), refused('$.reason', 400), sales);
        add(decision({ decision: 'return' }), refused('$.reason', 400), sales);
        add(decision({ decision: 'return', reason: 'other', note: '  ' }), refused('$.note', 400), sales);
        for (const note of [5, {}, 'n'.repeat(1_001)])
          add(decision({ decision: 'accept', note }), refused('$.note', 400), sales);
        add(decision({ decision: 'accept', decidedBy: 'ceo' }), refused('decidedBy', 400), sales);
      }
      if (endpoint === 'card-dispute') {
        for (const reason of [5, null, {}, '', '   ', 'r'.repeat(501)])
          add(decision({ reason }), refused('$.reason', 400), sales);
        add(decision({}), refused('$.reason', 400), sales);
        add(decision({ reason: 'x', disputedBy: 'ceo' }), refused('disputedBy', 400), sales);
      }
      break;
    }
    default:
      break;
  }
}

/** Bad requests of one class to one endpoint (none where the class does not apply). */
export function badRequests(
  ctx: FuzzContext,
  cls: FuzzClass,
  endpoint: EndpointName,
  r: Random,
  json: readonly unknown[],
): FuzzRequest[] {
  const spec = ENDPOINTS[endpoint];
  const out: FuzzRequest[] = [];
  const valid = validRequest(ctx, endpoint, r);
  const validBody = typeof valid.body === 'string' ? valid.body : '';
  const hasBody = spec.method === 'POST';
  const add = (body: string | undefined, expect: Expectation, options: Parameters<typeof request>[5] = {}) =>
    out.push(request(ctx, cls, endpoint, body, expect, options));
  const kind = spec.kind;
  const bodyPath = '$';
  const action = kind === 'action';
  const contactId = r.pick(ctx.contactIds);
  /** An action body with `inputFields` (or the whole body) changed. */
  const actionWith = (inputs: Record<string, unknown>, top: Record<string, unknown> = {}) =>
    JSON.stringify({ ...actionBody(ctx, contactId, inputs), ...top });

  switch (cls) {
    case 'malformed-json': {
      if (!hasBody) {
        if (endpoint === 'settings-funnel')
          for (const bad of ['from=yesterday', 'from=2026-02-31', 'to=%E0%A4%A', 'from=a&from=b', 'to=1e999'])
            add(undefined, refused(bad.startsWith('to') ? 'query.to' : 'query.from'), {
              query: settingsQuery(ctx, ctx.portalId, `&${bad}`),
            });
        break;
      }
      const truncated = validBody.slice(0, 1 + r.int(Math.max(1, validBody.length - 2)));
      add(truncated, kind === 'webhook' ? refused(bodyPath, 400) : refused(bodyPath, 400));
      add('{"callbackId": "x", ', refused(bodyPath, 400));
      add('\u00ff\u00fe garbage', refused(bodyPath, 400));
      if (kind !== 'webhook') add('[1,2,3]', refused(bodyPath, 400));
      if (kind === 'webhook') {
        add('{"events": []}', refused(bodyPath, 400));
        out.push(batchRequest(ctx, cls, batchElements(ctx, cls, r, json), r));
      }
      break;
    }
    case 'huge': {
      if (!hasBody) break;
      const limit =
        kind === 'webhook' || kind === 'settings' ? 1_048_576 : kind === 'card' ? 65_536 : 262_144;
      add(JSON.stringify({ pad: 'x'.repeat(limit + 10) }), refused('Content-Length', 413));
      if (action) {
        // Random text (no compression helps a database index with it).
        const callbackId = Array.from({ length: 20_000 + r.int(20_000) }, () => r.int(36).toString(36)).join(
          '',
        );
        add(actionWith(validInputs(ctx, endpoint, r), { callbackId }), refused('$.callbackId', 400));
        add(
          actionWith(validInputs(ctx, endpoint, r), { callbackId: callbackId.slice(0, 257) }),
          refused('$.callbackId', 400),
        );
        if (endpoint === 'record-signal')
          add(actionWith({ signal_type: 's'.repeat(200_000) }), failContinue('signal_type'));
        if (endpoint === 'sales-decision')
          add(actionWith({ decision: 'd'.repeat(200_000) }), failContinue('decision'));
      }
      if (kind === 'options')
        add(
          JSON.stringify({
            origin: { portalId: Number(ctx.portalId) },
            fetchOptions: { q: 'q'.repeat(200_000) },
          }),
          refused('$.fetchOptions.q', 400),
        );
      if (kind === 'webhook') out.push(batchRequest(ctx, cls, batchElements(ctx, cls, r, json), r));
      if (endpoint === 'settings-drafts' || endpoint === 'settings-preview')
        add(
          JSON.stringify({ model: { ...ctx.model, description: 'd'.repeat(900_000) } }),
          refused('$.description', 422),
        );
      break;
    }
    case 'deep': {
      if (!hasBody) break;
      if (kind === 'webhook') {
        out.push(batchRequest(ctx, cls, [{ text: deepArray(4_999) }, validElement(ctx, r)], r));
        out.push(batchRequest(ctx, cls, batchElements(ctx, cls, r, json), r));
        break;
      }
      add(deepArray(5_000), refused(bodyPath, 400));
      add(`{"model":${deepObject(3_000)}}`, refused(bodyPath, 400));
      if (action)
        add(actionWith({ signal_type: JSON.parse(deepObject(70)) as unknown }), refused(bodyPath, 400));
      break;
    }
    case 'content-type': {
      if (!hasBody) break;
      add(validBody, refused('Content-Encoding', 415), {
        headers: { 'content-encoding': r.pick(['gzip', 'br', 'deflate', 'x-unknown']) },
      });
      add(validBody, refused('Content-Type', 415), {
        headers: { 'content-type': 'application/json; charset=latin1' },
      });
      add(validBody, refused('Content-Type', 415), {
        headers: {
          'content-type': r.pick([
            'text/plain',
            'multipart/form-data; boundary=x',
            'application/x-www-form-urlencoded',
            'text/html',
          ]),
        },
      });
      break;
    }
    case 'signature': {
      for (const bad of kind === 'ops'
        ? []
        : badSignatures(ctx, endpoint, spec.method, valid.path, hasBody ? validBody : '')) {
        // The v2-only capture is valid on HubSpot's routes (webhooks and actions accept v2).
        if (
          !isFetched(kind) &&
          bad.headers['X-HubSpot-Signature-Version'] === 'v2' &&
          !bad.headers['X-HubSpot-Signature-v3']
        )
          continue;
        out.push({
          ...valid,
          cls,
          headers: { ...(hasBody ? JSON_TYPE : {}), ...bad.headers },
          expect: refused(bad.field, 401),
          // Refused before anything is read: no pending publish request needed (nor re-signed).
          prepare: undefined,
        });
      }
      if (kind === 'ops' && endpoint !== 'healthz') {
        for (const authorization of [
          undefined,
          'Bearer wrong-token-000000000',
          `Basic ${ctx.opsToken}`,
          'Bearer',
          `Bearer ${ctx.opsToken}x`,
        ])
          out.push({
            ...valid,
            cls,
            headers: authorization === undefined ? {} : { authorization },
            expect: refused('Authorization', 401),
          });
      }
      break;
    }
    case 'replay': {
      if (isFetched(kind)) {
        // Each v3 signature is accepted once: the second copy is refused.
        out.push({
          ...valid,
          cls,
          copies: 2,
          firstExpect: valid.expect,
          expect: refused('X-HubSpot-Signature-v3', 401),
        });
      } else if (kind === 'webhook') {
        // HubSpot's retries resend a batch: its events are stored once.
        const again = { ...valid, cls, copies: 2, firstExpect: valid.expect };
        out.push(again);
      } else if (action && endpoint === 'record-signal') {
        out.push({
          ...valid,
          cls,
          copies: 2,
          firstExpect: valid.expect,
          expect: {
            kind: 'valid',
            check: (status, j) =>
              status === 200 && j?.outputFields?.duplicate === 'true'
                ? null
                : `replay not a duplicate: ${status}`,
          },
        });
      }
      break;
    }
    case 'wrong-portal': {
      if (kind === 'webhook') out.push(batchRequest(ctx, cls, batchElements(ctx, cls, r, json), r));
      if (action) {
        const body = actionBody(ctx, contactId, validInputs(ctx, endpoint, r));
        add(JSON.stringify({ ...body, origin: { portalId: 999 } }), refused('$.origin.portalId', 403));
        add(JSON.stringify({ ...body, origin: { portalId: '999' } }), refused('$.origin.portalId', 403));
      }
      if (kind === 'options')
        add(JSON.stringify({ origin: { portalId: 999 } }), refused('$.origin.portalId', 403));
      if (isFetched(kind)) {
        add(hasBody ? validBody : undefined, refused('query.portalId', 403), {
          query: settingsQuery(ctx, '999'),
        });
        add(hasBody ? validBody : undefined, refused('query.portalId', 403), {
          query: `${settingsQuery(ctx)}&portalId=999`,
        });
        add(hasBody ? validBody : undefined, refused('query.userId', 403), {
          query: `?portalId=${ctx.portalId}&appId=${ctx.appId}`,
        });
      }
      break;
    }
    case 'prototype-keys': {
      if (kind === 'webhook') out.push(batchRequest(ctx, cls, batchElements(ctx, cls, r, json), r));
      if (endpoint === 'record-signal') {
        add(actionWith({ __proto__: { signal_type: ctx.signalTypes[0] } }), failContinue('signal_type'));
        add(
          actionWith({}).replace(
            '"inputFields":{}',
            `"inputFields":{"__proto__":{"signal_type":"${ctx.signalTypes[0]}"}}`,
          ),
          failContinue('signal_type'),
        );
        for (const member of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])
          add(actionWith({ signal_type: member }), failContinue('signal_type'));
      }
      if (endpoint === 'sales-decision') {
        for (const member of ['constructor', '__proto__', 'toString'])
          add(actionWith({ decision: 'return', reason: member }), failContinue('reason'));
        add(actionWith({ decision: 'constructor' }), failContinue('decision'));
      }
      if (action)
        add(
          JSON.stringify(actionBody(ctx, contactId, {})).replace(
            '{"callbackId"',
            '{"__proto__":{"callbackId":"x"},"x"',
          ),
          refused('$.callbackId', 400),
        );
      if (endpoint === 'settings-publish' || endpoint === 'settings-rollback')
        add(
          `{"version":${ctx.versions[0]},"__proto__":{"publishedBy":"mallory"}}`,
          refused('__proto__', 400),
        );
      if (endpoint === 'settings-drafts' || endpoint === 'settings-preview')
        add(
          JSON.stringify({ model: ctx.model }).replace(
            '{"model":{',
            '{"model":{"__proto__":{"version":"x"},',
          ),
          refused('__proto__', 422),
        );
      if (kind === 'options')
        add(
          JSON.stringify({ origin: { portalId: Number(ctx.portalId) } }).replace(
            '{"origin"',
            '{"__proto__":{"origin":1},"origin"',
          ),
          {
            kind: 'valid',
            check: (status, j) => (status === 200 && Array.isArray(j?.options) ? null : `status ${status}`),
          },
        );
      if (endpoint === 'settings-funnel')
        add(undefined, refused('query.from', 400), {
          query: settingsQuery(ctx, ctx.portalId, '&__proto__=1&constructor=2&from=__proto__'),
        });
      break;
    }
    case 'hostile-strings': {
      if (kind === 'webhook') out.push(batchRequest(ctx, cls, batchElements(ctx, cls, r, json), r));
      if (endpoint === 'record-signal') {
        add(
          actionWith({ signal_type: `${r.pick(ctx.signalTypes)}${r.pick(HOSTILE.slice(0, 5))}` }),
          failContinue('signal_type'),
        );
        add(
          actionWith({
            signal_type: r.pick(ctx.signalTypes),
            occurred_at: r.pick(['2026-13-45', '\u0000', 'now', '2026-02-30']),
          }),
          failContinue('occurred_at'),
        );
        // A callback id with NUL and lone surrogates is still a callback id: recorded, once.
        add(
          actionWith(
            { signal_type: r.pick(ctx.signalTypes) },
            { callbackId: `cb${r.pick(HOSTILE.slice(0, 5))}${freshCallbackId('h')}` },
          ),
          {
            kind: 'valid',
            check: (status, j) =>
              status === 200 && j?.outputFields?.hs_execution_state === 'SUCCESS'
                ? null
                : `status ${status} ${JSON.stringify(j)}`,
          },
        );
      }
      if (endpoint === 'sales-decision') {
        add(actionWith({ decision: 'return', reason: `no_budget${HOSTILE[0]}` }), failContinue('reason'));
        add(actionWith({ decision: 'accept', note: 'n'.repeat(2_001) }), failContinue('note'));
      }
      if (endpoint === 'qualify')
        add(
          actionWith({}, { object: { objectId: `1${HOSTILE[0]}`, objectType: 'CONTACT' } }),
          refused('$.object.objectId', 400),
        );
      if (kind === 'options')
        add(
          JSON.stringify({
            origin: { portalId: Number(ctx.portalId) },
            fetchOptions: { q: HOSTILE.join('') },
          }),
          {
            kind: 'valid',
            check: (status, j) => (status === 200 && Array.isArray(j?.options) ? null : `status ${status}`),
          },
        );
      if (isFetched(kind))
        add(hasBody ? validBody : undefined, refused('query.userId', 403), {
          query: `?userId=4%002&userEmail=%00%ED%A0%80&appId=${ctx.appId}&portalId=${ctx.portalId}`,
        });
      if (endpoint === 'settings-drafts')
        add(JSON.stringify({ model: { ...ctx.model, version: `v${HOSTILE[0]}${HOSTILE[2]}` } }), {
          kind: 'valid',
          check: (status) => (status === 201 || status === 422 ? null : `status ${status}`),
        });
      break;
    }
    case 'wrong-types': {
      if (kind === 'webhook')
        out.push(
          batchRequest(
            ctx,
            cls,
            Array.from({ length: 8 }, (_, i) =>
              i % 3 === 0 ? validElement(ctx, r) : wrongTypeEvent(ctx, r),
            ),
            r,
          ),
        );
      if (action) {
        const base = actionBody(ctx, contactId, validInputs(ctx, endpoint, r));
        const wrong: [string, unknown, string][] = [
          ['callbackId', r.pick([5, null, {}, [], ''])],
          ['origin', r.pick(['x', 5, null, []])],
          ['object', r.pick(['x', 5, null, []])],
          ['inputFields', r.pick(['x', 5, []])],
        ].map(([k, v]) => [k as string, v, `$.${k as string}`]);
        for (const [key, value, field] of wrong)
          add(JSON.stringify({ ...base, [key]: value }), refused(field, 400));
        add(
          JSON.stringify({
            ...base,
            object: { objectId: r.pick(['abc', 1.5, null, {}, -1]), objectType: 'CONTACT' },
          }),
          refused('$.object.objectId', 400),
        );
        add(
          JSON.stringify({ ...base, object: { objectId: Number(contactId), objectType: 'COMPANY' } }),
          failContinue('objectType'),
        );
        // A number that is no id may be refused as another portal (403) or as no id (400): both name it.
        add(
          JSON.stringify({ ...base, origin: { portalId: r.pick(['abc', 1.5, null, {}, -62515]) } }),
          refused('$.origin.portalId'),
        );
        if (endpoint === 'record-signal') {
          add(actionWith({ signal_type: r.pick([5, true, {}, [], null]) }), failContinue('signal_type'));
          for (const at of [{}, [], true, -8.7e15, 8.7e15, 1e21, -1e300, 'tomorrow'])
            add(
              actionWith({ signal_type: ctx.signalTypes[0], occurred_at: at }),
              failContinue('occurred_at'),
            );
        }
        if (endpoint === 'sales-decision') {
          add(actionWith({ decision: r.pick([5, true, {}, null]) }), failContinue('decision'));
          add(actionWith({ decision: 'accept', note: r.pick([5, {}, []]) }), failContinue('note'));
        }
      }
      if (kind === 'options') {
        add(JSON.stringify({ origin: r.pick(['x', 5, null]) }), refused('$.origin', 400));
        add(
          JSON.stringify({
            origin: { portalId: Number(ctx.portalId) },
            fetchOptions: { q: r.pick([5, {}, []]) },
          }),
          refused('$.fetchOptions.q', 400),
        );
      }
      if (endpoint === 'settings-publish' || endpoint === 'settings-rollback') {
        for (const v of ['1', 1.5, -1, 0, 1e300, null, {}, []])
          add(JSON.stringify({ version: v }), refused('$.version', 400));
        add(JSON.stringify({ version: 99_999 }), refused('version', 404));
        add(
          JSON.stringify({ version: ctx.versions[0], note: r.pick([5, {}, 'n'.repeat(1_001)]) }),
          refused('$.note', 400),
        );
        add(
          JSON.stringify({ version: ctx.versions[0], publishedBy: 'mallory' }),
          refused('publishedBy', 400),
        );
      }
      if (endpoint === 'settings-drafts' || endpoint === 'settings-preview') {
        add(JSON.stringify({ model: r.pick([5, 'x', [], null, true]) }), refused('$', 422));
        add(JSON.stringify({}), refused('$.model', 400));
        add(JSON.stringify({ model: { ...ctx.model, thresholds: 5 } }), refused('$.thresholds', 422));
        add(JSON.stringify({ model: { ...ctx.model, fit: { criteria: 'x' } } }), refused('$.fit', 422));
      }
      break;
    }
    case 'mixed-batch': {
      if (kind === 'webhook')
        for (let i = 0; i < 3; i++) out.push(batchRequest(ctx, cls, batchElements(ctx, cls, r, json), r));
      if (hasBody && kind !== 'webhook')
        // The model check answers any object with a verdict (no model is no valid model).
        add(
          JSON.stringify(r.pick(json)) ?? 'null',
          endpoint === 'settings-validate' ? verdict('$', true) : refused('$'),
        );
      break;
    }
    case 'wrong-method': {
      for (const method of spec.method === 'POST'
        ? ['GET', 'PUT', 'DELETE', 'PATCH']
        : ['POST', 'PUT', 'DELETE'])
        add(undefined, refused('method', 405), { method });
      add(undefined, refused('url', 404), {
        path: `${spec.path}/${r.pick(['__proto__', 'constructor', 'toString', '%00', '%ED%A0%80', 'x'])}`,
      });
      break;
    }
  }
  pageRouteRequests(ctx, cls, endpoint, r, add, out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Sending and judging

/** Sends a request; a body that is no JSON is kept as `{ text }`. */
export async function send(ctx: FuzzContext, req: FuzzRequest): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(`${ctx.url}${req.path}`, {
    method: req.method,
    headers: req.headers,
    ...(req.body !== undefined && req.method !== 'GET' ? { body: req.body } : {}),
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = { text: text.slice(0, 200) };
  }
  return { status: response.status, json, ms: performance.now() - started };
}

/** Does the answer name `field` among its problems' paths (or, for a 4xx, in its message)? */
function namesField(json: any, field: string): boolean {
  const problems: unknown = json?.problems;
  return (
    Array.isArray(problems) &&
    problems.some(
      (p: any) =>
        typeof p?.path === 'string' &&
        (field === '' || p.path.includes(field) || String(p.message).includes(field)),
    )
  );
}

/** What is wrong with `answer` for `req` (null when it is right). */
export function judge(expect: Expectation, answer: Answer): string | null {
  const { status, json } = answer;
  if (status >= 500) return `5xx: ${status} ${JSON.stringify(json).slice(0, 300)}`;
  switch (expect.kind) {
    case 'refused':
      if (status < 400)
        return `accepted (${status}) instead of refused naming ${expect.field}: ${JSON.stringify(json).slice(0, 300)}`;
      if (expect.status !== undefined && status !== expect.status)
        return `status ${status}, expected ${expect.status}: ${JSON.stringify(json).slice(0, 300)}`;
      if (typeof json?.error !== 'string' || typeof json?.message !== 'string')
        return `no error code and message: ${JSON.stringify(json).slice(0, 200)}`;
      if (!namesField(json, expect.field))
        return `the answer does not name ${expect.field}: ${JSON.stringify(json).slice(0, 300)}`;
      return null;
    case 'fail-continue': {
      const out = json?.outputFields;
      if (status !== 200 || out?.hs_execution_state !== 'FAIL_CONTINUE')
        return `not FAIL_CONTINUE naming ${expect.field}: ${status} ${JSON.stringify(json).slice(0, 300)}`;
      if (typeof out.error_code !== 'string' || !String(out.error_message).includes(expect.field))
        return `FAIL_CONTINUE does not name ${expect.field}: ${JSON.stringify(out).slice(0, 300)}`;
      return null;
    }
    case 'batch': {
      if (status !== 200) return `batch answered ${status}: ${JSON.stringify(json).slice(0, 300)}`;
      const taken = (json.accepted as number) + (json.duplicates as number);
      if (taken !== expect.valid.length) return `batch took ${taken} of ${expect.valid.length} valid events`;
      if (json.invalid !== expect.invalid) return `batch refused ${json.invalid}, expected ${expect.invalid}`;
      if ((json.otherPortal ?? 0) !== expect.otherPortal)
        return `batch set aside ${json.otherPortal}, expected ${expect.otherPortal} of another portal`;
      const named = Array.isArray(json.problems) ? json.problems.length : 0;
      if (named !== Math.min(20, expect.invalid + expect.otherPortal))
        return `batch names ${named} problems for ${expect.invalid + expect.otherPortal} refused events`;
      if (named > 0 && !json.problems.every((p: any) => /^\$\[\d+\]/.test(p.path)))
        return `batch problems without their event's place: ${JSON.stringify(json.problems).slice(0, 200)}`;
      return null;
    }
    case 'valid':
      return expect.check(status, json);
  }
}

/** Sends a request (all its copies) and judges each answer; returns the last answer and the problems. */
export async function sendAndJudge(
  ctx: FuzzContext,
  unprepared: FuzzRequest,
): Promise<{ answer: Answer; problems: string[] }> {
  const problems: string[] = [];
  let req = unprepared;
  if (unprepared.prepare) {
    try {
      req = { ...unprepared, ...(await unprepared.prepare()) };
    } catch (error) {
      const problem = `${req.cls} → ${req.method} ${req.endpoint}: preparing failed: ${String(error)}`;
      return { answer: { status: 0, json: null, ms: 0 }, problems: [problem] };
    }
  }
  let answer: Answer | undefined;
  const copies = req.copies ?? 1;
  for (let i = 0; i < copies; i++) {
    answer = await send(ctx, req);
    const expect = i < copies - 1 ? (req.firstExpect ?? req.expect) : req.expect;
    const problem = judge(expect, answer);
    if (problem)
      problems.push(
        `${req.cls} → ${req.method} ${req.endpoint}${copies > 1 ? ` (copy ${i + 1})` : ''}: ${problem}`,
      );
  }
  return { answer: answer!, problems };
}

/** The valid events a request carries that must end up stored. */
export function eventsToStore(req: FuzzRequest): SentEvent[] {
  const lists = [req.expect, req.firstExpect].flatMap((e) => (e?.kind === 'batch' ? [e.valid] : []));
  return lists.flat();
}
