/**
 * One fuzz run against a running stack, shared by the fuzz test and the chaos bench: rounds of
 * every class of bad request at every endpoint, each class followed by a valid signed request to
 * the same endpoint (its latency measured), then a check that every valid webhook event sent along
 * the way is stored once, as the text it arrived in.
 */
import { createHash } from 'node:crypto';
import { PRESETS } from '../../src/core/index.js';
import type { WebhookEvent } from '../../src/sandbox/index.js';
import { sanitizeText } from '../../src/store/sql/sanitize-text.js';
import { PUBLIC, queryStackDatabase, SECRET, type Stack } from '../service/helpers.js';
import {
  actionBody,
  badRequests,
  CLASSES,
  ENDPOINT_NAMES,
  eventsToStore,
  type FuzzContext,
  jsonPool,
  randomFrom,
  send,
  sendAndJudge,
  signed,
  validRequest,
} from './fuzz-kit.js';

export const OPS_TOKEN = 'fuzz-ops-token-0123456789';

/**
 * The fuzz context of a stack started with `env: { OPS_TOKEN }`: four saved model versions (two to
 * ask to publish, two to approve) and a contact the service scored (for the contact card).
 */
export async function fuzzContext(stack: Stack): Promise<FuzzContext> {
  const model = structuredClone(PRESETS['seed-fit-intent']) as unknown as Record<string, unknown>;
  const ctx: FuzzContext = {
    url: stack.url,
    publicUrl: PUBLIC,
    secret: SECRET,
    portalId: stack.portalId,
    appId: stack.sandbox.appId,
    opsToken: OPS_TOKEN,
    contactIds: stack.sandbox.data!.contacts.map((c) => c.id),
    events: stack.sandbox.events,
    model,
    versions: [0, 0],
    approvalVersions: [0, 0],
    cardContactId: stack.sandbox.data!.contacts[0]!.id,
    signalTypes: (model.intent as { signals: { type: string }[] }).signals.map((s) => s.type),
  };
  const r = randomFrom(1);
  const saved: number[] = [];
  for (let i = 0; i < 4; i++) {
    const answer = await send(ctx, validRequest(ctx, 'settings-drafts', r));
    if (answer.status !== 201) throw new Error(`saving a draft failed: ${answer.status}`);
    saved.push(answer.json.version as number);
  }
  ctx.versions = [saved[0]!, saved[1]!];
  ctx.approvalVersions = [saved[2]!, saved[3]!];
  // The card shows a contact the service has scored: the Qualify action scores it now.
  const qualify = '/hubspot/actions/qualify';
  const body = JSON.stringify(actionBody(ctx, ctx.cardContactId, {}));
  const scored = await send(ctx, {
    cls: 'valid',
    endpoint: 'qualify',
    method: 'POST',
    path: qualify,
    headers: { 'content-type': 'application/json', ...signed(ctx, 'qualify', 'POST', qualify, body) },
    body,
    expect: { kind: 'valid', check: () => null },
  });
  if (scored.json?.outputFields?.hs_execution_state !== 'SUCCESS')
    throw new Error(`scoring the card's contact failed: ${scored.status} ${JSON.stringify(scored.json)}`);
  return ctx;
}

export interface FuzzFigures {
  /** Bad requests sent (each copy of a replay counted). */
  badRequests: number;
  validRequests: number;
  fiveXx: number;
  statuses: Map<number, number>;
  /** Latencies (ms) of the valid request sent right after each class. */
  validAfterMs: number[];
  /** The same, by endpoint. */
  validAfterMsByEndpoint: Map<string, number[]>;
  problems: string[];
  /** Distinct valid webhook events sent: dedupe key → SHA-256 of the text they were sent as. */
  sentEvents: Map<string, string>;
}

export function emptyFigures(): FuzzFigures {
  return {
    badRequests: 0,
    validRequests: 0,
    fiveXx: 0,
    statuses: new Map(),
    validAfterMs: [],
    validAfterMsByEndpoint: new Map(),
    problems: [],
    sentEvents: new Map(),
  };
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64');

/** The dedupe key of an event as the store keeps it. */
export function eventKey(e: WebhookEvent): string {
  return [
    e.portalId,
    e.eventId,
    e.subscriptionId,
    e.objectId,
    e.occurredAt,
    sanitizeText(e.propertyName ?? ''),
  ].join('|');
}

/**
 * One round: every class at every endpoint, each (class, endpoint) followed by a valid signed
 * request to that endpoint. Stops early once `budget` bad requests were sent.
 */
export async function fuzzRound(
  ctx: FuzzContext,
  seed: number,
  figures: FuzzFigures,
  budget = Infinity,
): Promise<void> {
  const r = randomFrom(seed);
  const json = jsonPool(seed, 100);
  const count = (status: number) => {
    figures.statuses.set(status, (figures.statuses.get(status) ?? 0) + 1);
    if (status >= 500) figures.fiveXx++;
  };
  for (const cls of CLASSES)
    for (const endpoint of ENDPOINT_NAMES) {
      const requests = badRequests(ctx, cls, endpoint, r, json);
      if (requests.length === 0) continue;
      for (const req of requests) {
        if (figures.badRequests >= budget) return;
        const { answer, problems } = await sendAndJudge(ctx, req);
        figures.badRequests += req.copies ?? 1;
        count(answer.status);
        figures.problems.push(...problems);
        for (const e of eventsToStore(req)) figures.sentEvents.set(eventKey(e.event), digest(e.text));
      }
      const valid = validRequest(ctx, endpoint, r);
      const { answer, problems } = await sendAndJudge(ctx, valid);
      figures.validRequests++;
      count(answer.status);
      figures.validAfterMs.push(answer.ms);
      const byEndpoint = figures.validAfterMsByEndpoint.get(endpoint) ?? [];
      byEndpoint.push(answer.ms);
      figures.validAfterMsByEndpoint.set(endpoint, byEndpoint);
      figures.problems.push(...problems.map((p) => `valid request right after ${cls}: ${p}`));
      for (const e of eventsToStore(valid)) figures.sentEvents.set(eventKey(e.event), digest(e.text));
    }
}

/** Valid events sent but not stored exactly once as received: their keys and what is wrong. */
export async function lostEvents(stack: Stack, sent: Map<string, string>): Promise<string[]> {
  const rows = await queryStackDatabase<{
    portal_id: string;
    event_id: string;
    subscription_id: string;
    object_id: string;
    occurred_at: string | number;
    property_name: string;
    raw: string;
  }>(
    stack,
    'select portal_id, event_id, subscription_id, object_id, occurred_at, property_name, raw from webhook_events',
  );
  const stored = new Map<string, string[]>();
  for (const row of rows) {
    const key = [
      row.portal_id,
      row.event_id,
      row.subscription_id,
      row.object_id,
      Number(row.occurred_at),
      row.property_name,
    ].join('|');
    stored.set(key, [...(stored.get(key) ?? []), digest(row.raw)]);
  }
  const lost: string[] = [];
  for (const [key, text] of sent) {
    const raws = stored.get(key);
    if (raws === undefined) lost.push(`${key}: not stored`);
    else if (raws.length !== 1) lost.push(`${key}: stored ${raws.length} times`);
    else if (raws[0] !== text) lost.push(`${key}: stored text differs`);
  }
  return lost;
}

/** p-th percentile (0–100) of `xs`. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
