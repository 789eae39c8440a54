/**
 * The service's contact-card API, called through `hubspot.fetch`: HubSpot signs each request and
 * adds the portal and the user to the query, so the card sends only the contact and what sales
 * decided. Every failure becomes a `CardApiError` a sales rep can act on.
 *
 * The card is its own bundle (its own package.json), so it does not import the settings page's
 * client; the two agree with the service through the same contract tests.
 */
import { hubspot } from '@hubspot/ui-extensions';
import { SERVICE_URL } from './service-url';

export const CARD_PATHS = {
  contact: '/card/api/contact',
  decision: '/card/api/decision',
  dispute: '/card/api/dispute',
  /** The settings API's owner list, to show the owner's name (the card works without it). */
  owners: '/settings/api/owners',
} as const;

/** hubspot.fetch's own default; the card's answers come from the service's store, never HubSpot. */
const TIMEOUT_MS = 15_000;

export interface ScoreLine {
  points: number;
  text: string;
}

export interface CardData {
  contactId: string;
  modelVersion: string;
  scoredAt: number | null;
  qualification: string;
  breakdown: {
    verdict: string;
    fit: { score: number; raw: number; lines: ScoreLine[] };
    intent: { score: number; raw: number; lines: ScoreLine[] };
  };
  timeline: { at: number; fit: number; intent: number; qualification: string }[];
  route: { kind: string; ownerId: string | null; ownerSource: string; why: string; routedAt: number } | null;
  sla: {
    kind: 'acceptance' | 'follow_up';
    startedAt: number;
    dueAt: number;
    closedAt: number | null;
    outcome: string | null;
    hoursLeft: number | null;
  } | null;
  lostReasons: { id: string; label: string }[];
  disputes: { reason: string; disputedBy: string; disputedAt: number; modelVersion: string }[];
}

export interface Decision {
  decision: 'accept' | 'return';
  /** One of the model's lost reasons; required to return. */
  reason?: string;
  /** Required when the reason is `other`. */
  note?: string;
}

export interface Dispute {
  reason: string;
  disputedBy: string;
  disputedAt: number;
  modelVersion: string;
  qualification: string | null;
}

export interface Problem {
  path: string;
  message: string;
}

export class CardApiError extends Error {
  constructor(
    message: string,
    /** HTTP status, or 0 when the service could not be reached. */
    readonly status: number,
    readonly code: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => !!value && typeof value === 'object';

function problemsIn(body: Json): Problem[] {
  const list = Array.isArray(body.problems) ? (body.problems as unknown[]) : [];
  return list.filter(
    (p): p is Problem => isObject(p) && typeof p.path === 'string' && typeof p.message === 'string',
  );
}

/** A refusal in words a sales rep can act on; the service's own message where it has one. */
function refusal(status: number, body: Json): string {
  const code = typeof body.error === 'string' ? body.error : '';
  const said = typeof body.message === 'string' ? body.message : '';
  if (code === 'wrong_portal')
    return 'This lead-qualification service serves another HubSpot portal, so it refused this one.';
  if (said.startsWith('replayed:')) return 'The service refused a repeated copy of a request. Try again.';
  if (status === 401)
    return 'The lead-qualification service did not accept HubSpot’s signature; ask your admin to check the app’s client secret on the service.';
  if (status === 503)
    return 'The lead-qualification service is busy or cannot reach its database. Try again in a minute.';
  return said
    ? `${said} (${code || 'error'}, HTTP ${status})`
    : `The lead-qualification service answered HTTP ${status}.`;
}

async function request(path: string, method: 'GET' | 'POST', body?: Json): Promise<Json> {
  let response: { ok: boolean; status: number; json: () => Promise<unknown> };
  try {
    response = await hubspot.fetch(`${SERVICE_URL}${path}`, {
      method,
      timeout: TIMEOUT_MS,
      ...(body ? { body } : {}),
    });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new CardApiError(
      `Could not reach the lead-qualification service at ${SERVICE_URL} (${why}).`,
      0,
      'unreachable',
    );
  }
  const answer: unknown = await response.json().catch(() => null);
  const json: Json = isObject(answer) ? answer : {};
  if (!response.ok)
    throw new CardApiError(
      refusal(response.status, json),
      response.status,
      typeof json.error === 'string' ? json.error : 'http_error',
      problemsIn(json),
    );
  if (!isObject(answer))
    throw new CardApiError(
      'The service sent an answer the card cannot read.',
      response.status,
      'bad_response',
    );
  return json;
}

/** The card's JSON, checked where the card relies on it (a list it maps over, the scores). */
export function readCard(json: Json): CardData {
  const b = json.breakdown as CardData['breakdown'] | undefined;
  const ok =
    typeof json.contactId === 'string' &&
    typeof json.modelVersion === 'string' &&
    isObject(b) &&
    Array.isArray(b.fit?.lines) &&
    Array.isArray(b.intent?.lines) &&
    Array.isArray(json.timeline) &&
    Array.isArray(json.lostReasons) &&
    Array.isArray(json.disputes);
  if (!ok) throw new CardApiError('The service sent a card the card cannot read.', 200, 'bad_response');
  return json as unknown as CardData;
}

export const cardApi = {
  load: async (contactId: string) =>
    readCard(await request(`${CARD_PATHS.contact}?contactId=${encodeURIComponent(contactId)}`, 'GET')),
  /** Accept, or return with a reason: applied by the service as the *Sales decision* action is. */
  decide: async (contactId: string, decision: Decision) =>
    (await request(CARD_PATHS.decision, 'POST', { contactId, ...decision })) as {
      recorded: true;
      decision: Decision['decision'];
      reason: string | null;
    },
  dispute: async (contactId: string, reason: string) =>
    ((await request(CARD_PATHS.dispute, 'POST', { contactId, reason })) as { dispute: Dispute }).dispute,
  /** The portal's owners by id (empty when the service cannot list them). */
  ownerNames: async (): Promise<Map<string, string>> => {
    const { owners } = (await request(CARD_PATHS.owners, 'GET')) as { owners?: unknown };
    const list = Array.isArray(owners) ? owners.filter(isObject) : [];
    return new Map(
      list
        .filter((o) => typeof o.id === 'string' && typeof o.name === 'string')
        .map((o) => [o.id as string, o.name as string]),
    );
  },
};
