/**
 * HubSpot's side of custom workflow actions (hubspot.md §1.2–1.4): POSTs the execution payload
 * to the app's `actionUrl`, signed v2 and v3, retries 429 (honouring `Retry-After`) and 5xx,
 * records every response, and lets the callback endpoints complete BLOCKed executions until
 * their expiration (`hs_expiration_duration`, one week by default), after which HubSpot has moved
 * the workflow on and refuses a completion. Also fetches `optionsUrl` options with HubSpot's payload.
 */
import { hubSpotSignatureHeaders } from '../hubspot/signature.js';
import { type OutboundDeps, type OutboundResult, sendRequest } from './outbound.js';

/** `origin` of an execution. */
export interface ActionOrigin {
  portalId: number;
  actionDefinitionId: number;
  actionDefinitionVersion: number;
  extensionDefinitionId?: number;
  extensionDefinitionVersionId?: number;
}

/** The body HubSpot POSTs to `actionUrl`. */
export interface ActionExecutionPayload {
  callbackId: string;
  origin: ActionOrigin;
  context: { source: string; workflowId: number; actionId?: number };
  object: { objectId: number; objectType: string; properties: Record<string, string | null> };
  inputFields: Record<string, unknown>;
  /** Legacy key some older payloads carry, with the same inputs. */
  fields?: Record<string, unknown>;
}

/** Input of {@link ActionExecutor.executeAction}. */
export interface ExecuteActionInput {
  actionUrl: string;
  clientSecret: string;
  /** The public URL HubSpot signs when it differs from `actionUrl`. */
  signedUrl?: string;
  callbackId?: string;
  origin: ActionOrigin;
  context?: { source?: string; workflowId?: number; actionId?: number };
  object: { objectId: number | string; objectType?: string; properties?: Record<string, string | null> };
  inputFields?: Record<string, unknown>;
  /** Also send the inputs under the legacy `fields` key. */
  includeLegacyFields?: boolean;
  /** No timeout is documented for actions; default 30 s like the workflow webhook action. */
  timeoutMs?: number;
  /** Retries after the first attempt for 429, 5xx and connection failures. Default 5. */
  maxRetries?: number;
  /** Delay before retry `n`; the default honours `Retry-After` and otherwise doubles from 1 s. */
  retryDelayMs?: (retryNumber: number, last: { status: number | null; retryAfterMs?: number }) => number;
}

/** One HTTP attempt of an execution. */
export interface ActionAttempt {
  attempt: number;
  status: number | null;
  durationMs: number;
  error?: string;
  retryAfterMs?: number;
  /** The wait before the next attempt, when there was one. */
  delayBeforeNextMs?: number;
}

/** The final state HubSpot would record for an execution. */
export type ExecutionState = 'SUCCESS' | 'FAIL_CONTINUE' | 'BLOCK' | 'ASYNC' | 'FAILED';

/** One recorded execution. */
export interface ActionExecution {
  callbackId: string;
  payload: ActionExecutionPayload;
  attempts: ActionAttempt[];
  status: number | null;
  /** The parsed `outputFields` of the last response, when it had any. */
  outputFields?: Record<string, unknown>;
  responseBody: string;
  state: ExecutionState;
  /** Set when the app completed a BLOCKed execution through the callback endpoints. */
  completion?: { outputFields: Record<string, unknown>; completedAt: number; batch: boolean };
  /** BLOCK (or ASYNC) only: when HubSpot stops waiting for the completion (sandbox clock, epoch ms). */
  expiresAt?: number;
}

/** Whether a callback can be completed: HubSpot refuses unknown, finished and expired ones. */
export type CallbackStatus = 'waiting' | 'unknown' | 'not-waiting' | 'expired';

/** HubSpot's default BLOCK expiration: one week (hubspot.md §1.4). */
export const DEFAULT_BLOCK_EXPIRATION_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * An ISO-8601 duration as HubSpot takes it for `hs_expiration_duration` (`P1D`, `PT12H`, `P1WT1H`),
 * in ms; null when it is not one.
 */
export function parseIsoDuration(text: string): number | null {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return null;
  const [, w, d, h, min, s] = m.map((part) => Number(part ?? 0));
  return ((((w! * 7 + d!) * 24 + h!) * 60 + min!) * 60 + s!) * 1000;
}

/** Input of {@link ActionExecutor.fetchOptions}. */
export interface FetchOptionsInput {
  optionsUrl: string;
  clientSecret: string;
  signedUrl?: string;
  origin: ActionOrigin;
  objectTypeId?: string;
  inputFieldName: string;
  inputFields?: Record<
    string,
    { type: 'OBJECT_PROPERTY'; propertyName: string } | { type: 'STATIC_VALUE'; value: string }
  >;
  fetchOptions?: { q?: string; after?: string };
  timeoutMs?: number;
}

/** The app's answer to an options fetch. */
export interface FetchOptionsResult {
  status: number | null;
  options?: { label: string; value: string; description?: string }[];
  after?: string;
  searchable?: boolean;
  body: string;
}

/** Runs workflow actions against the app and keeps the executions. */
export interface ActionExecutor {
  executeAction(input: ExecuteActionInput): Promise<ActionExecution>;
  fetchOptions(input: FetchOptionsInput): Promise<FetchOptionsResult>;
  /** Executions by callback id, including completions received by the callback endpoints. */
  readonly executions: ReadonlyMap<string, ActionExecution>;
  /** Whether the callback can be completed at `at` (used by the sandbox's callback routes). */
  status(callbackId: string, at: number): CallbackStatus;
  /** Records a callback completion (used by the sandbox's callback routes); false when unknown. */
  complete(callbackId: string, outputFields: Record<string, unknown>, batch: boolean, at: number): boolean;
}

const parseRetryAfter = (value: string | undefined, now: number): number | undefined => {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
};

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const isRetryable = (status: number | null): boolean => status === null || status === 429 || status >= 500;

/**
 * Creates an {@link ActionExecutor}; `executions` is the registry shared with the callback routes,
 * `clock` the sandbox's clock for BLOCK expirations (default: the outbound clock).
 */
export function createActionExecutor(
  deps: OutboundDeps,
  executions = new Map<string, ActionExecution>(),
  clock: () => number = deps.now,
): ActionExecutor {
  let sequence = 0;

  const signedPost = (
    url: string,
    signedUrl: string | undefined,
    secret: string,
    body: string,
    timeoutMs: number,
  ) =>
    sendRequest(deps, {
      method: 'POST',
      url,
      body,
      timeoutMs,
      headers: {
        'Content-Type': 'application/json',
        ...hubSpotSignatureHeaders({
          clientSecret: secret,
          method: 'POST',
          uri: signedUrl ?? url,
          rawBody: body,
          timestamp: deps.now(),
          legacyVersion: 'v2',
        }),
      },
    });

  const executeAction = async (input: ExecuteActionInput): Promise<ActionExecution> => {
    sequence++;
    const callbackId =
      input.callbackId ??
      `ap-${input.origin.portalId}-${1_000_000 + sequence}-${input.origin.actionDefinitionId}-0`;
    const inputFields = input.inputFields ?? {};
    const payload: ActionExecutionPayload = {
      callbackId,
      origin: input.origin,
      context: {
        source: input.context?.source ?? 'WORKFLOWS',
        workflowId: input.context?.workflowId ?? 1000 + input.origin.actionDefinitionId,
        ...(input.context?.actionId !== undefined ? { actionId: input.context.actionId } : {}),
      },
      object: {
        objectId: Number(input.object.objectId),
        objectType: input.object.objectType ?? 'CONTACT',
        properties: input.object.properties ?? {},
      },
      inputFields,
      ...(input.includeLegacyFields ? { fields: inputFields } : {}),
    };
    const body = JSON.stringify(payload);
    const maxRetries = input.maxRetries ?? 5;
    const attempts: ActionAttempt[] = [];
    let last: OutboundResult | undefined;
    for (let attempt = 0; attempt <= maxRetries; attempt++) {
      last = await signedPost(
        input.actionUrl,
        input.signedUrl,
        input.clientSecret,
        body,
        input.timeoutMs ?? 30_000,
      );
      const retryAfterMs =
        last.status === 429 ? parseRetryAfter(last.headers['retry-after'], deps.now()) : undefined;
      const record: ActionAttempt = {
        attempt,
        status: last.status,
        durationMs: last.durationMs,
        ...(last.error ? { error: last.error } : {}),
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      };
      attempts.push(record);
      if (!isRetryable(last.status) || attempt === maxRetries) break;
      const delay =
        input.retryDelayMs?.(attempt + 1, {
          status: last.status,
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        }) ??
        retryAfterMs ??
        Math.min(1000 * 2 ** attempt, 60_000);
      record.delayBeforeNextMs = delay;
      await deps.sleep(delay);
    }
    const status = last?.status ?? null;
    const parsed = parseJson(last?.body ?? '') as { outputFields?: Record<string, unknown> } | undefined;
    const outputFields =
      parsed && typeof parsed.outputFields === 'object' && parsed.outputFields !== null
        ? parsed.outputFields
        : undefined;
    const success = status !== null && status >= 200 && status < 300;
    const declared = outputFields?.hs_execution_state;
    const state: ExecutionState = !success
      ? 'FAILED'
      : declared === 'FAIL_CONTINUE' || declared === 'BLOCK' || declared === 'ASYNC' || declared === 'SUCCESS'
        ? declared
        : 'SUCCESS';
    const expiration = outputFields?.hs_expiration_duration;
    const waitsMs =
      typeof expiration === 'string'
        ? (parseIsoDuration(expiration) ?? DEFAULT_BLOCK_EXPIRATION_MS)
        : DEFAULT_BLOCK_EXPIRATION_MS;
    const execution: ActionExecution = {
      callbackId,
      payload,
      attempts,
      status,
      ...(outputFields ? { outputFields } : {}),
      responseBody: last?.body ?? '',
      state,
      ...(state === 'BLOCK' || state === 'ASYNC' ? { expiresAt: clock() + waitsMs } : {}),
    };
    executions.set(callbackId, execution);
    return execution;
  };

  const fetchOptions = async (input: FetchOptionsInput): Promise<FetchOptionsResult> => {
    const body = JSON.stringify({
      origin: input.origin,
      objectTypeId: input.objectTypeId ?? '0-1',
      inputFieldName: input.inputFieldName,
      inputFields: input.inputFields ?? {},
      fetchOptions: input.fetchOptions ?? {},
    });
    const result = await signedPost(
      input.optionsUrl,
      input.signedUrl,
      input.clientSecret,
      body,
      input.timeoutMs ?? 15_000,
    );
    const parsed = parseJson(result.body) as Partial<FetchOptionsResult> | undefined;
    return {
      status: result.status,
      body: result.body,
      ...(Array.isArray(parsed?.options) ? { options: parsed.options } : {}),
      ...(typeof parsed?.after === 'string' ? { after: parsed.after } : {}),
      ...(typeof parsed?.searchable === 'boolean' ? { searchable: parsed.searchable } : {}),
    };
  };

  return {
    executeAction,
    fetchOptions,
    executions,
    status: (callbackId, at) => {
      const execution = executions.get(callbackId);
      if (!execution) return 'unknown';
      if (execution.expiresAt === undefined) return 'not-waiting';
      if (at > execution.expiresAt) return 'expired';
      return 'waiting';
    },
    complete: (callbackId, outputFields, batch, at) => {
      const execution = executions.get(callbackId);
      if (!execution) return false;
      execution.completion = { outputFields, completedAt: at, batch };
      return true;
    },
  };
}
