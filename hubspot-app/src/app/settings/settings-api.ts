/**
 * The service's settings API, called through `hubspot.fetch` (HubSpot signs each request and adds
 * the portal and user to the query string; the page never adds them itself). Every failure becomes
 * a `SettingsApiError` with a message a marketer can act on.
 */
import { hubspot } from '@hubspot/ui-extensions';
import { type Funnel, readFunnel } from './funnel';
import { type Backtest, type Insights, type Outcome, readBacktest, readInsights } from './insights';
import type { Model, Problem, Qualification } from './model';
import { SERVICE_URL } from './service-url';

export const SETTINGS_PATHS = {
  model: '/settings/api/model',
  versions: '/settings/api/versions',
  drafts: '/settings/api/drafts',
  preview: '/settings/api/preview',
  publish: '/settings/api/publish',
  rollback: '/settings/api/rollback',
  funnel: '/settings/api/funnel',
  insights: '/settings/api/insights',
  backtest: '/settings/api/backtest',
  approvals: '/settings/api/approvals',
  approve: '/settings/api/approve',
  decline: '/settings/api/decline',
  approvalPolicy: '/settings/api/approval-policy',
  diff: '/settings/api/diff',
  validate: '/settings/api/validate',
  propertyOptions: '/settings/api/property-options',
  owners: '/settings/api/owners',
} as const;

/**
 * hubspot.fetch's default timeout is 15 s; a preview evaluates every stored contact twice, and the
 * funnel reads a period's whole history.
 */
const TIMEOUT_MS = 15_000;
const SLOW_TIMEOUT_MS = 30_000;

export interface ActiveModel {
  storedVersion: number | null;
  isDefault: boolean;
  model: Model;
  label?: string;
  publishedAt: number | null;
  publishedBy: string | null;
  agreedBy: string | null;
  note: string | null;
  /** Why it was published within the model's minimum period after the previous publish. */
  publishReason?: string | null;
  approval?: VersionApproval | null;
}

/** Whether publishing now needs a reason: the model's minimum period since the last publish. */
export interface Cadence {
  reasonRequired: boolean;
  daysSinceLastPublish: number | null;
  minimumDays: number;
  freeFrom: number | null;
  message: string | null;
}

/** How a version's publication was agreed: by two people, or by one where the portal allows it. */
export interface VersionApproval {
  mode: 'two-person' | 'single-approver';
  requestedAt: number;
  approvedBy: string;
  approvedAt: number;
}

export interface ModelChange {
  section: string;
  text: string;
}

export interface PublishRequest {
  id: string;
  version: number;
  kind: 'publish' | 'rollback';
  note: string | null;
  /** The reason given for publishing within the model's minimum period. */
  reason?: string | null;
  requestedBy: string;
  requestedByUserId: string;
  requestedAt: number;
  status: 'pending' | 'approved' | 'declined' | 'superseded';
  decidedBy: string | null;
  decidedAt: number | null;
  approval: VersionApproval['mode'] | null;
}

export interface ApprovalPolicy {
  singleApprover: boolean;
  changedBy: string | null;
  changedAt: number | null;
}

export interface Approvals {
  policy: ApprovalPolicy;
  pending: (PublishRequest & { changes: ModelChange[] }) | null;
  recent: PublishRequest[];
}

/** Publishing or rolling back: in force at once where one approver suffices, else waiting for one. */
export type Publication =
  | { state: 'awaiting_approval'; request: PublishRequest }
  | ({ state: 'published'; request: PublishRequest; rescoreEnqueued: number } & VersionSummary);

export interface Owner {
  id: string;
  name: string;
  email: string;
}

export interface PropertyOptions {
  property: string;
  label: string;
  type: string;
  options: { value: string; label: string }[];
}

export interface VersionSummary {
  version: number;
  status: 'draft' | 'published' | 'archived';
  label: string;
  createdBy: string;
  createdAt: number;
  publishedBy: string | null;
  publishedAt: number | null;
  agreedBy: string | null;
  note: string | null;
  publishReason?: string | null;
  approval?: VersionApproval | null;
}

export type QualificationCounts = Record<Qualification, number>;

export interface PreviewSide {
  qualification: Qualification;
  fitScore: number;
  intentScore: number;
  explanation: string[];
}

export interface Preview {
  contacts: number;
  before: QualificationCounts;
  after: QualificationCounts;
  mqlIn: number;
  mqlOut: number;
  newlyDisqualified: number;
  changed: number;
  sample: { contactId: string; before: PreviewSide; after: PreviewSide }[];
  tookMs: number;
}

export class SettingsApiError extends Error {
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

/** The part of hubspot.fetch's Response the page reads. */
interface FetchResponse {
  ok: boolean;
  status: number;
  json: () => Promise<unknown>;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function explain(status: number, body: { error?: unknown; message?: unknown }): string {
  const code = typeof body.error === 'string' ? body.error : '';
  const message = typeof body.message === 'string' ? body.message : '';
  if (code === 'wrong_portal')
    return 'This lead-qualification service serves another HubSpot portal, so it refused this one. Each portal needs its own service (its own access token).';
  if (message.startsWith('replayed:'))
    return 'The service refused a repeated copy of an earlier request. Reload the page and try again.';
  if (status === 401 || code === 'invalid_signature')
    return 'The lead-qualification service did not accept HubSpot’s signature. Check that the service runs with this app’s client secret (HUBSPOT_CLIENT_SECRET).';
  if (status === 503 || code === 'store_unavailable')
    return 'The lead-qualification service cannot reach its database right now. Try again in a minute.';
  if (status === 422 || code === 'invalid_model')
    return message || 'The service found problems in the model; nothing was saved.';
  if (message) return `${message} (${code || 'error'}, HTTP ${status})`;
  return `The lead-qualification service answered HTTP ${status}.`;
}

async function call<T>(
  path: string,
  options: { method: 'GET' | 'POST'; body?: Record<string, unknown>; timeout?: number },
): Promise<T> {
  let response: FetchResponse;
  try {
    response = (await hubspot.fetch(`${SERVICE_URL}${path}`, {
      method: options.method,
      timeout: options.timeout ?? TIMEOUT_MS,
      ...(options.body ? { body: options.body } : {}),
    })) as FetchResponse;
  } catch (error) {
    throw new SettingsApiError(
      `Could not reach the lead-qualification service at ${SERVICE_URL} (${reason(error)}).`,
      0,
      'unreachable',
    );
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // An empty or non-JSON body: reported below by status.
  }
  if (!response.ok) {
    const error = (body && typeof body === 'object' ? body : {}) as {
      error?: unknown;
      message?: unknown;
      problems?: unknown;
    };
    const problems = Array.isArray(error.problems)
      ? (error.problems as unknown[]).filter(
          (p): p is Problem =>
            !!p && typeof (p as Problem).path === 'string' && typeof (p as Problem).message === 'string',
        )
      : [];
    throw new SettingsApiError(
      explain(response.status, error),
      response.status,
      typeof error.error === 'string' ? error.error : 'http_error',
      problems,
    );
  }
  if (body === null || typeof body !== 'object')
    throw new SettingsApiError(
      'The lead-qualification service sent an answer the page cannot read.',
      response.status,
      'bad_response',
    );
  return body as T;
}

export const settingsApi = {
  loadModel: () =>
    call<{ active: ActiveModel; cadence?: Cadence; presets: string[] }>(SETTINGS_PATHS.model, {
      method: 'GET',
    }),
  loadVersions: () => call<{ versions: VersionSummary[] }>(SETTINGS_PATHS.versions, { method: 'GET' }),
  saveDraft: (model: Model) =>
    call<VersionSummary>(SETTINGS_PATHS.drafts, { method: 'POST', body: { model } }),
  preview: (model: Model) =>
    call<Preview>(SETTINGS_PATHS.preview, { method: 'POST', body: { model }, timeout: SLOW_TIMEOUT_MS }),
  /**
   * Asks to publish a version; a second HubSpot user approves it (unless the portal relaxed that).
   * Within the model's minimum period after the last publish, the service needs a `reason`.
   */
  publish: (request: { version: number; note?: string; reason?: string }) =>
    call<Publication>(SETTINGS_PATHS.publish, { method: 'POST', body: request, timeout: SLOW_TIMEOUT_MS }),
  rollback: (request: { version: number; note?: string }) =>
    call<Publication>(SETTINGS_PATHS.rollback, { method: 'POST', body: request, timeout: SLOW_TIMEOUT_MS }),
  loadApprovals: () => call<Approvals>(SETTINGS_PATHS.approvals, { method: 'GET' }),
  approve: (requestId: string) =>
    call<Publication>(SETTINGS_PATHS.approve, {
      method: 'POST',
      body: { requestId },
      timeout: SLOW_TIMEOUT_MS,
    }),
  decline: (requestId: string) =>
    call<{ request: PublishRequest }>(SETTINGS_PATHS.decline, { method: 'POST', body: { requestId } }),
  setPolicy: (singleApprover: boolean) =>
    call<ApprovalPolicy>(SETTINGS_PATHS.approvalPolicy, { method: 'POST', body: { singleApprover } }),
  /** What changed from one stored version to another (`active`: the model in force). */
  diff: (from: number | 'active', to: number | 'active') =>
    call<{ changes: ModelChange[]; text: string }>(`${SETTINGS_PATHS.diff}?from=${from}&to=${to}`, {
      method: 'GET',
    }),
  /** The service's check of the whole model: every problem with its path, and warnings. */
  validate: (model: Model) =>
    call<{ valid: boolean; problems: Problem[]; warnings: Problem[] }>(SETTINGS_PATHS.validate, {
      method: 'POST',
      body: { model },
    }),
  propertyOptions: (properties: string[]) =>
    call<{ properties: PropertyOptions[]; missing: string[] }>(
      `${SETTINGS_PATHS.propertyOptions}?properties=${encodeURIComponent(properties.join(','))}`,
      { method: 'GET' },
    ),
  loadOwners: () =>
    call<{ owners: Owner[]; teams: { id: string; name: string; ownerIds: string[] }[] }>(
      SETTINGS_PATHS.owners,
      {
        method: 'GET',
      },
    ),
  /** The funnel of the MQLs of [from, to) (ms since the epoch), sent as ISO dates. */
  loadFunnel: async (from: number, to: number): Promise<Funnel> => {
    const query = `from=${encodeURIComponent(new Date(from).toISOString())}&to=${encodeURIComponent(new Date(to).toISOString())}`;
    return readFunnel(
      await call<unknown>(`${SETTINGS_PATHS.funnel}?${query}`, { method: 'GET', timeout: SLOW_TIMEOUT_MS }),
    );
  },
  /** Calibration of the model in force and suggestions, over [from, to) (ms since the epoch). */
  loadInsights: async (from: number, to: number, outcome: Outcome): Promise<Insights> => {
    const query = `from=${encodeURIComponent(new Date(from).toISOString())}&to=${encodeURIComponent(new Date(to).toISOString())}&outcome=${outcome}`;
    return readInsights(
      await call<unknown>(`${SETTINGS_PATHS.insights}?${query}`, { method: 'GET', timeout: SLOW_TIMEOUT_MS }),
    );
  },
  /** The draft against the model in force over the last `months` months of history. */
  backtest: async (model: Model, months: number): Promise<Backtest> =>
    readBacktest(
      await call<unknown>(SETTINGS_PATHS.backtest, {
        method: 'POST',
        body: { model, months },
        timeout: SLOW_TIMEOUT_MS,
      }),
    ),
};
