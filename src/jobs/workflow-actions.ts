/**
 * The custom workflow actions HubSpot calls: *Qualify contact*, *Record intent signal*, *Sales
 * decision*, and the option lists for the signal type and the lost reason. Each validates its
 * input, acts, and answers in HubSpot's `outputFields` shape, every value a string. Slow or
 * rate-limited HubSpot → `BLOCK`, completed later by the worker through the callback API, rather
 * than a timeout. Input that cannot be acted on → `FAIL_CONTINUE` with an `error_code` the
 * action's execution rules turn into a message in the workflow's history (a 4xx would show none).
 */
import { AppError, parseInput } from '../errors.js';
import { ownValue } from '../core/own.js';
import { HubSpotError } from '../hubspot/crm-gateway.js';
import {
  type ActionErrorCode,
  type ActionExecution,
  actionErrorCodeOf,
  type ExecutionState,
  RecordSignalInputSchema,
  SalesDecisionInputSchema,
} from '../hubspot/payloads.js';
import { failureOutputs, outputValue, qualifyOutputFields } from '../hubspot/write-back.js';
import type { Logger } from '../logger.js';
import type {
  CallbackStore,
  ContactId,
  ContactStore,
  DecisionStore,
  PortalId,
  WorkQueue,
} from '../store/store.port.js';
import type { ActiveModels } from './active-model.js';
import type { ScoreResult } from './scoring/score-contacts.job.js';
import { asDecisionOutcome, type DecisionOutcome, salesDecisionOutputs } from './feedback/sales-decisions.js';

export interface ActionDeps {
  store: { contacts: ContactStore; callbacks: CallbackStore; queue: WorkQueue; decisions: DecisionStore };
  models: ActiveModels;
  score: (portalId: PortalId, contactIds: readonly ContactId[]) => Promise<ScoreResult>;
  /** Called after work was enqueued in this process. */
  wakeWorker: () => void;
  logger: Logger;
  clock: () => number;
  /** How long *Qualify contact* may take before answering BLOCK (default 4 s). */
  syncTimeoutMs?: number;
}

export type ActionResponse = {
  outputFields: Record<string, string> & { hs_execution_state: ExecutionState };
};

/**
 * How long HubSpot keeps a BLOCKed action waiting before it moves on, as answered
 * (`hs_expiration_duration`, ISO-8601) and in ms (when the pending callback expires here: HubSpot
 * refuses a completion after it, so the worker stops completing it).
 */
export const BLOCK_EXPIRATION = 'P1D';
export const BLOCK_EXPIRATION_MS = 24 * 60 * 60 * 1000;

/** A `FAIL_CONTINUE` answer: the workflow moves on and shows the message of the code's rule. */
export function failContinue(
  code: ActionErrorCode,
  message: string,
  outputs: Record<string, string> = {},
): ActionResponse {
  return { outputFields: failureOutputs(code, message, outputs) };
}

/**
 * Runs an action; input it cannot act on (an `invalid_input` AppError) becomes a `FAIL_CONTINUE`
 * answer naming the first problem, rather than a 4xx that HubSpot shows without a message.
 */
async function answeringInputProblems(
  deps: Pick<ActionDeps, 'logger'>,
  execution: ActionExecution,
  run: () => Promise<ActionResponse>,
): Promise<ActionResponse> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'invalid_input') throw error;
    const problem = error.problems[0];
    const code = actionErrorCodeOf(problem?.path);
    const field = problem?.path.replace(/^\$\.(inputFields|object)\./, '');
    deps.logger.info(
      { callbackId: execution.callbackId, code, problems: error.problems },
      'action input cannot be acted on: answered FAIL_CONTINUE',
    );
    return failContinue(code, problem ? `${field}: ${problem.message}` : error.message);
  }
}

function requireContact(execution: ActionExecution): void {
  if (execution.object.objectType.toUpperCase() !== 'CONTACT')
    throw new AppError('invalid_input', 'This action works on contacts only.', [
      { path: '$.object.objectType', message: `must be CONTACT, not ${execution.object.objectType}` },
    ]);
}

class Timeout extends Error {}

/**
 * Scores the action's contact now and answers from the result, unless HubSpot is slow or
 * rate-limited: then the action answers BLOCK, the contact is queued, and the worker completes the
 * action through the callback API once it has scored the contact.
 */
async function scoreOrBlock(
  deps: ActionDeps,
  execution: ActionExecution,
  action: string,
  answer: (result: ScoreResult) => ActionResponse,
): Promise<ActionResponse> {
  const portalId = execution.origin.portalId;
  const contactId = execution.object.objectId;
  let timer: NodeJS.Timeout | undefined;
  const scoring = deps.score(portalId, [contactId]);
  try {
    const result = await Promise.race([
      scoring,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Timeout()), deps.syncTimeoutMs ?? 4_000);
      }),
    ]);
    return answer(result);
  } catch (error) {
    if (!(error instanceof Timeout) && !(error instanceof HubSpotError && error.transient)) throw error;
    // Let the late result (if any) land quietly; the queued rescore completes the callback.
    scoring.catch((late: unknown) =>
      deps.logger.debug({ err: late, action }, 'late action result discarded'),
    );
    const blockedAt = deps.clock();
    await deps.store.callbacks.add({
      callbackId: execution.callbackId,
      portalId,
      contactId,
      action,
      createdAt: blockedAt,
      expiresAt: blockedAt + BLOCK_EXPIRATION_MS,
      completedAt: null,
    });
    await deps.store.queue.enqueue([
      { portalId, contactId, reason: action === 'qualify' ? 'workflow-action' : action },
    ]);
    deps.wakeWorker();
    deps.logger.info(
      { callbackId: execution.callbackId, action, reason: error instanceof Timeout ? 'slow' : error.message },
      'action answered BLOCK',
    );
    return {
      outputFields: {
        hs_execution_state: 'BLOCK',
        hs_expiration_duration: BLOCK_EXPIRATION,
      } as ActionResponse['outputFields'],
    };
  } finally {
    clearTimeout(timer);
  }
}

/** *Qualify contact*: evaluate now, write back, answer with the outputs (or BLOCK and finish later). */
export function qualifyContact(deps: ActionDeps, execution: ActionExecution): Promise<ActionResponse> {
  return answeringInputProblems(deps, execution, () => {
    requireContact(execution);
    const contactId = execution.object.objectId;
    return scoreOrBlock(deps, execution, 'qualify', (result): ActionResponse => {
      const evaluation = result.evaluations.get(contactId);
      const refused = result.rejected.find((r) => r.id === contactId);
      if (!evaluation) return notDone(result, contactId, 'not scored');
      if (refused) return failContinue('write_refused', refused.message, qualifyOutputFields(evaluation));
      return { outputFields: { ...qualifyOutputFields(evaluation), hs_execution_state: 'SUCCESS' } };
    });
  });
}

/** Why an action's contact was not scored or decided on, as a FAIL_CONTINUE answer. */
function notDone(result: ScoreResult, contactId: ContactId, otherwise: string): ActionResponse {
  if (result.missing.includes(contactId)) {
    const why = 'HubSpot does not know this contact (deleted or merged)';
    return failContinue('contact_not_found', why, { explanation: why });
  }
  const why = result.rejected.find((r) => r.id === contactId)?.message ?? otherwise;
  return failContinue('write_refused', why, { explanation: why });
}

/** *Record intent signal*: stored once per callbackId (HubSpot's retries re-send it), then rescored via the queue. */
export function recordIntentSignal(deps: ActionDeps, execution: ActionExecution): Promise<ActionResponse> {
  return answeringInputProblems(deps, execution, () => recordSignalNow(deps, execution));
}

async function recordSignalNow(deps: ActionDeps, execution: ActionExecution): Promise<ActionResponse> {
  requireContact(execution);
  const input = parseInput(
    RecordSignalInputSchema,
    execution.inputs,
    'The action’s input fields are invalid.',
    ['inputFields'],
  );
  const portalId = execution.origin.portalId;
  const contactId = execution.object.objectId;
  const { model } = await deps.models.get(portalId);
  const rule = model.intent.signals.find((s) => s.type === input.signal_type);
  if (!rule)
    throw new AppError('invalid_input', 'Unknown signal type.', [
      {
        path: '$.inputFields.signal_type',
        message: `"${input.signal_type}" is not a signal of the active model (${model.version}); choose one of ${model.intent.signals.map((s) => s.type).join(', ')}`,
      },
    ]);
  const now = deps.clock();
  const occurredAt = input.occurred_at ?? now;
  if (occurredAt > now + 5 * 60_000)
    throw new AppError('invalid_input', 'The signal lies in the future.', [
      { path: '$.inputFields.occurred_at', message: 'must not be in the future' },
    ]);

  const { created } = await deps.store.contacts.recordSignal(
    {
      portalId,
      contactId,
      type: rule.type,
      occurredAt,
      source: 'workflow-action',
      idempotencyKey: `callback:${execution.callbackId}`,
      recordedAt: now,
    },
    { portalId, contactId, reason: 'signal' },
  );
  if (created) deps.wakeWorker();
  return {
    outputFields: { hs_execution_state: 'SUCCESS', signal_type: rule.type, duplicate: outputValue(!created) },
  };
}

/** The signal-type options for the *Record intent signal* action, from the active model. */
export async function signalOptions(
  deps: Pick<ActionDeps, 'models'>,
  portalId: PortalId,
  query: string | undefined,
): Promise<{ options: { label: string; value: string; description: string }[]; searchable: boolean }> {
  const { model } = await deps.models.get(portalId);
  const q = (query ?? '').trim().toLowerCase();
  const options = model.intent.signals
    .filter((s) => q === '' || s.label.toLowerCase().includes(q) || s.type.includes(q))
    .map((s) => ({
      label: s.label,
      value: s.type,
      description: `${s.points > 0 ? '+' : ''}${s.points} points; full for ${s.ageing.fullDays} days, gone after ${s.ageing.expiresAfterDays}`,
    }));
  return { options, searchable: true };
}

/**
 * *Sales decision*: accept or return the enrolled MQL, with a reason from the active model. The
 * decision is recorded once per `callbackId` (HubSpot's retries re-send it), then applied at once
 * by scoring the contact (the same path a lead-status decision takes); a retry answers what the
 * first run did. Slow or rate-limited HubSpot → BLOCK, completed by the worker.
 */
export function salesDecision(deps: ActionDeps, execution: ActionExecution): Promise<ActionResponse> {
  return answeringInputProblems(deps, execution, () => decideNow(deps, execution));
}

async function decideNow(deps: ActionDeps, execution: ActionExecution): Promise<ActionResponse> {
  requireContact(execution);
  const input = parseInput(
    SalesDecisionInputSchema,
    execution.inputs,
    'The action’s input fields are invalid.',
    ['inputFields'],
  );
  const portalId = execution.origin.portalId;
  const contactId = execution.object.objectId;
  const { model } = await deps.models.get(portalId);
  const reasons = model.feedback.lostReasons;
  let reason: string | null = null;
  if (input.decision === 'return') {
    if (!input.reason)
      throw new AppError('invalid_input', 'A returned lead needs a reason.', [
        {
          path: '$.inputFields.reason',
          message: `is required when the decision is return: choose one of ${reasons.map((r) => r.id).join(', ')}`,
        },
      ]);
    if (!reasons.some((r) => r.id === input.reason))
      throw new AppError('invalid_input', 'Unknown lost reason.', [
        {
          path: '$.inputFields.reason',
          message: `"${input.reason}" is not a lost reason of the active model (${model.version}); choose one of ${reasons.map((r) => r.id).join(', ')}`,
        },
      ]);
    reason = input.reason;
    if (reason === 'other' && !input.note)
      throw new AppError('invalid_input', 'Say why in the note.', [
        { path: '$.inputFields.note', message: 'is required when the reason is other' },
      ]);
  }

  const key = `callback:${execution.callbackId}`;
  const existing = await deps.store.decisions.get(portalId, key);
  const settled = existing && existing.status !== 'pending' ? asDecisionOutcome(existing.outcome) : null;
  if (settled) return { outputFields: { ...salesDecisionOutputs(settled), hs_execution_state: 'SUCCESS' } };
  if (!existing)
    await deps.store.decisions.request({
      portalId,
      contactId,
      decision: input.decision,
      reason,
      note: input.note ?? null,
      decidedBy: execution.context?.workflowId ? `workflow:${execution.context.workflowId}` : 'workflow',
      decidedAt: deps.clock(),
      idempotencyKey: key,
      source: 'workflow-action',
    });

  return scoreOrBlock(deps, execution, 'sales-decision', (result): ActionResponse => {
    const outcome: DecisionOutcome | undefined = result.decisions.get(key);
    if (!outcome) return notDone(result, contactId, 'not applied');
    return { outputFields: { ...salesDecisionOutputs(outcome), hs_execution_state: 'SUCCESS' } };
  });
}

/** The lost-reason options for the *Sales decision* action, from the active model. */
export async function reasonOptions(
  deps: Pick<ActionDeps, 'models'>,
  portalId: PortalId,
  query: string | undefined,
): Promise<{ options: { label: string; value: string; description: string }[]; searchable: boolean }> {
  const { model } = await deps.models.get(portalId);
  const q = (query ?? '').trim().toLowerCase();
  const { renurtureTracks, reasonSignals } = model.feedback;
  const options = model.feedback.lostReasons
    .filter((r) => q === '' || r.label.toLowerCase().includes(q) || r.id.includes(q))
    .map((r) => {
      const effects = [
        ownValue(renurtureTracks, r.id) ? `re-nurture track ${ownValue(renurtureTracks, r.id)}` : null,
        ownValue(reasonSignals, r.id) ? `adds the signal ${ownValue(reasonSignals, r.id)}` : null,
        r.id === 'other' ? 'say why in the note' : null,
      ].filter(Boolean);
      return {
        label: r.label,
        value: r.id,
        description: effects.length > 0 ? effects.join('; ') : 'recycled to nurture',
      };
    });
  return { options, searchable: true };
}
