/**
 * What the endpoint fuzz found, one test each (each failed before its fix): a long callback id
 * gave a 500 on PostgreSQL; negative ids, pre-1970 or impossible epoch times and unbounded search
 * texts were accepted; an impossible funnel date rolled over into the next month; a non-JSON body
 * was read as JSON; refusals of signatures, sizes, media types, tokens and methods named no field;
 * webhook events of another portal were not named in the answer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { freshPostgresDatabase, type Stack, startStack } from '../service/helpers.js';
import { actionBody, type FuzzContext, send, settingsQuery, signed } from './fuzz-kit.js';
import { fuzzContext, OPS_TOKEN } from './fuzz-run.js';

let stack: Stack | undefined;
let dropDatabase: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stack?.close();
  await dropDatabase?.();
  stack = undefined;
  dropDatabase = undefined;
});

async function start(databaseUrl?: string): Promise<FuzzContext> {
  stack = await startStack({ contacts: 3, env: { OPS_TOKEN }, ...(databaseUrl ? { databaseUrl } : {}) });
  return fuzzContext(stack);
}

/** POSTs `body` to `path`, signed as HubSpot signs it, with `headers` added. */
function post(ctx: FuzzContext, path: string, body: unknown, headers: Record<string, string> = {}) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const endpoint = path.endsWith('webhooks') ? 'webhooks' : 'record-signal';
  return send(ctx, {
    cls: 'valid',
    endpoint,
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', ...signed(ctx, endpoint, 'POST', path, raw), ...headers },
    body: raw,
    expect: { kind: 'valid', check: () => null },
  });
}

const RECORD = '/hubspot/actions/record-signal';

describe('what the endpoint fuzz found', () => {
  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'when a workflow action sends a 20,000-character callback id on PostgreSQL, then it is a 400 naming callbackId, not a 500 from the index',
    async () => {
      const pg = (await freshPostgresDatabase())!;
      dropDatabase = pg.drop;
      const ctx = await start(pg.url);
      const callbackId = Array.from({ length: 20_000 }, (_, i) => ((i * 7919) % 36).toString(36)).join('');
      const answer = await post(
        ctx,
        RECORD,
        actionBody(ctx, ctx.contactIds[0]!, { signal_type: 'demo_requested' }, callbackId),
      );
      expect(answer.status).toBe(400);
      expect(answer.json.problems).toEqual([
        { path: '$.callbackId', message: 'must be at most 256 characters' },
      ]);
    },
  );

  it('when an action names a negative contact id or a signal time before 1970 or past what a date holds, then nothing is recorded', async () => {
    const ctx = await start();
    const negative = actionBody(ctx, ctx.contactIds[0]!, { signal_type: 'demo_requested' });
    (negative.object as { objectId: number }).objectId = -1;
    expect((await post(ctx, RECORD, negative)).json.problems[0].path).toBe('$.object.objectId');
    for (const at of [-8.7e15, 8.7e15, -1]) {
      const answer = await post(
        ctx,
        RECORD,
        actionBody(ctx, ctx.contactIds[0]!, { signal_type: 'demo_requested', occurred_at: at }),
      );
      expect(answer.json.outputFields).toMatchObject({
        hs_execution_state: 'FAIL_CONTINUE',
        error_code: 'invalid_occurred_at',
      });
    }
    expect(
      [
        ...(
          await stack!.service.store.contacts.signalsFor(ctx.portalId, ['-1', ctx.contactIds[0]!], -9e15)
        ).values(),
      ].flat(),
    ).toEqual([]);
  });

  it('when an option fetch searches for 200,001 characters, then it is a 400 naming fetchOptions.q', async () => {
    const ctx = await start();
    const answer = await post(ctx, '/hubspot/actions/signal-options', {
      origin: { portalId: Number(ctx.portalId) },
      fetchOptions: { q: 'q'.repeat(200_001) },
    });
    expect(answer.status).toBe(400);
    expect(answer.json.problems[0].path).toBe('$.fetchOptions.q');
  });

  it('when the funnel is asked from February 31, then it is a 400 naming from, not a funnel from March 3', async () => {
    const ctx = await start();
    const path = `/settings/api/funnel${settingsQuery(ctx, ctx.portalId, '&from=2026-02-31')}`;
    const answer = await send(ctx, {
      cls: 'valid',
      endpoint: 'settings-funnel',
      method: 'GET',
      path,
      headers: signed(ctx, 'settings-funnel', 'GET', path, ''),
      expect: { kind: 'valid', check: () => null },
    });
    expect(answer.status).toBe(400);
    expect(answer.json.problems).toEqual([
      { path: 'query.from', message: 'must be a date such as 2026-11-01' },
    ]);
  });

  it('when a signed body comes as text/plain, then it is a 415 naming Content-Type and nothing is recorded', async () => {
    const ctx = await start();
    const answer = await post(
      ctx,
      RECORD,
      actionBody(ctx, ctx.contactIds[0]!, { signal_type: 'demo_requested' }),
      {
        'content-type': 'text/plain',
      },
    );
    expect(answer.status).toBe(415);
    expect(answer.json.problems[0].path).toBe('header.Content-Type');
    const stored = await stack!.service.store.contacts.signalsFor(ctx.portalId, [ctx.contactIds[0]!], -9e15);
    expect([...stored.values()].flat()).toEqual([]);
  });

  it('when a request is refused for its signature, size, token or method, then the answer names the header or the method', async () => {
    const ctx = await start();
    const body = actionBody(ctx, ctx.contactIds[0]!, { signal_type: 'demo_requested' });
    const stale = await post(
      ctx,
      RECORD,
      body,
      signed(ctx, 'record-signal', 'POST', RECORD, JSON.stringify(body), Date.now() - 600_000),
    );
    expect([stale.status, stale.json.problems]).toEqual([
      401,
      [{ path: 'header.X-HubSpot-Request-Timestamp', message: 'stale_timestamp' }],
    ]);
    const large = await post(ctx, RECORD, { pad: 'x'.repeat(300_000) });
    expect([large.status, large.json.problems[0].path]).toEqual([413, 'header.Content-Length']);
    const metrics = await fetch(`${ctx.url}/metrics`, { headers: { authorization: 'Bearer wrong' } });
    expect([metrics.status, ((await metrics.json()) as any).problems[0].path]).toEqual([
      401,
      'header.Authorization',
    ]);
    const get = await fetch(`${ctx.url}${RECORD}`);
    expect([get.status, get.headers.get('allow'), ((await get.json()) as any).problems[0].path]).toEqual([
      405,
      'POST',
      'method',
    ]);
  });

  it('when a webhook batch holds an event of another portal, then the answer names its portalId', async () => {
    const ctx = await start();
    const ours = ctx.events.creation({ objectId: ctx.contactIds[0]! });
    const theirs = { ...ctx.events.creation({ objectId: ctx.contactIds[1]! }), portalId: 999 };
    const answer = await post(ctx, '/hubspot/webhooks', [ours, theirs]);
    expect(answer.json).toMatchObject({ accepted: 1, otherPortal: 1, invalid: 0 });
    expect(answer.json.problems).toEqual([
      {
        path: '$[1].portalId',
        message: `names portal 999; this service serves portal ${ctx.portalId}, so the event was not stored`,
      },
    ]);
  });
});
