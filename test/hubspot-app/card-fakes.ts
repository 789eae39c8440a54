/**
 * What the contact-card tests share: a card as the service sends it, computed by the service's own
 * core (an MQL of the seed model with a demo and a trial), and a stand-in for `self.hsFetch` (which
 * `hubspot.fetch` calls) that answers by "METHOD /path" and records every request.
 */
import { vi } from 'vitest';
import { evaluate, loadPreset, scoreBreakdown, scoreTimeline } from '../../src/core/index.js';
import { daysAgo, idealContact, NOW } from '../core/helpers.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** The card the service would send for an MQL of `seed-fit-intent` at NOW. */
export function serviceCard(contactId = '123', overrides: Record<string, unknown> = {}) {
  const model = loadPreset('seed-fit-intent');
  const contact = idealContact({
    signals: [
      { type: 'demo_requested', occurredAt: daysAgo(2) },
      { type: 'trial_started', occurredAt: daysAgo(1) },
    ],
  });
  const now = NOW.getTime();
  const evaluation = evaluate(contact, model, NOW);
  const days = Array.from({ length: 91 }, (_, i) => now - (90 - i) * DAY);
  return {
    contactId,
    modelVersion: model.version,
    scoredAt: now - HOUR,
    qualification: evaluation.qualification,
    breakdown: scoreBreakdown(evaluation, model),
    timeline: scoreTimeline(contact, model, days),
    route: {
      kind: 'new_business',
      ownerId: '70000002',
      ownerSource: 'round-robin',
      why: 'New-business MQL',
      routedAt: now - HOUR,
    },
    sla: {
      kind: 'acceptance',
      startedAt: now - HOUR,
      dueAt: now + 47 * HOUR,
      closedAt: null,
      outcome: null,
      hoursLeft: 47,
    },
    lostReasons: model.feedback.lostReasons,
    disputes: [],
    ...overrides,
  };
}

export interface Reply {
  status: number;
  body: unknown;
}
export type Answer = Reply | Error | ((body: any) => Reply);

export interface Request {
  method: string;
  url: string;
  path: string;
  query: URLSearchParams;
  body: any;
}

/**
 * Stubs `self.hsFetch`. Each key answers its requests in turn (the last answer repeats); a request
 * nobody answers fails the test with its method and path.
 */
export function stubService(answers: Record<string, Answer | Answer[]>) {
  const requests: Request[] = [];
  const seen = new Map<string, number>();
  const hsFetch = vi.fn(async (url: string, init: { method?: string; body?: unknown } = {}) => {
    const parsed = new URL(url);
    const method = init.method ?? 'GET';
    requests.push({ method, url, path: parsed.pathname, query: parsed.searchParams, body: init.body });
    const key = `${method} ${parsed.pathname}`;
    const queue = answers[key];
    if (!queue) throw new Error(`no answer for ${key}`);
    const list = Array.isArray(queue) ? queue : [queue];
    const turn = seen.get(key) ?? 0;
    seen.set(key, turn + 1);
    const answer = list[Math.min(turn, list.length - 1)]!;
    if (answer instanceof Error) throw answer;
    const { status, body } = typeof answer === 'function' ? answer(init.body) : answer;
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  });
  vi.stubGlobal('self', { hsFetch });
  return {
    requests,
    to: (method: string, path: string) => requests.filter((r) => r.method === method && r.path === path),
  };
}

export const OWNERS_REPLY: Reply = {
  status: 200,
  body: {
    owners: [
      { id: '70000001', name: 'Anna Visser', email: 'anna@acme.example' },
      { id: '70000002', name: 'Bram de Wit', email: 'bram@acme.example' },
    ],
    teams: [],
  },
};
