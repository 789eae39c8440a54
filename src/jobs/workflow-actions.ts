/**
 * The custom workflow actions HubSpot calls: *Qualify contact*, *Record intent signal*, *Sales
 * decision*, and the option lists for the signal type and the lost reason. Each validates its
 * input, acts, and answers in HubSpot's `outputFields` shape. Slow or rate-limited HubSpot →
 * `BLOCK`, completed later by the worker through the callback API, rather than a timeout.
 */
import { AppError, parseInput } from '../errors.js';
import { ownValue } from '../core/own.js';
import { HubSpotError } from '../hubspot/crm-gateway.js';
import {
  type ActionExecution,
  type ExecutionState,
  RecordSignalInputSchema,
  SalesDecisionInputSchema,
} from '../hubspot/payloads.js';
import { qualifyOutputFields } from '../hubspot/write-back.js';
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
  outputFields: Record<string, string | number | boolean> & { hs_execution_state: ExecutionState };
};

/** How long HubSpot keeps a BLOCKed action waiting before it moves on (ISO-8601 duration). */
export const BLOCK_EXPIRATION = 'P1D';

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
    await deps.store.callbacks.add({
      callbackId: execution.callbackId,
      portalId,
      contactId,
      action,
      createdAt: deps.clock(),
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
export async function qualifyContact(deps: ActionDeps, execution: ActionExecution): Promise<ActionResponse> {
  requireContact(execution);
  const contactId = execution.object.objectId;
  return scoreOrBlock(deps, execution, 'qualify', (result): ActionResponse => {
    const evaluation = result.evaluations.get(contactId);
    if (!evaluation) {
      const why = result.missing.includes(contactId)
        ? 'HubSpot does not know this contact'
        : (result.rejected[0]?.message ?? 'not scored');
      return { outputFields: { hs_execution_state: 'FAIL_CONTINUE', explanation: why } };
    }
    const refused = result.rejected.some((r) => r.id === contactId);
    return {
      outputFields: {
        ...qualifyOutputFields(evaluation),
        hs_execution_state: refused ? 'FAIL_CONTINUE' : 'SUCCESS',
      },
    };
  });
}

/** *Record intent signal*: stored once per callbackId (HubSpot's retries re-send it), then rescored via the queue. */
export async function recordIntentSignal(
  deps: ActionDeps,
  execution: ActionExecution,
): Promise<ActionResponse> {
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
  return { outputFields: { hs_execution_state: 'SUCCESS', signal_type: rule.type, duplicate: !created } };
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
export async function salesDecision(deps: ActionDeps, execution: ActionExecution): Promise<ActionResponse> {
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
    if (!outcome) {
      const why = result.missing.includes(contactId)
        ? 'HubSpot does not know this contact'
        : (result.rejected[0]?.message ?? 'not applied');
      return { outputFields: { hs_execution_state: 'FAIL_CONTINUE', explanation: why } };
    }
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
