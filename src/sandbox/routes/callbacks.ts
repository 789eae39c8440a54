/**
 * Workflow-action callback completion (`/automation/v4/actions/callbacks/...`): 204, recorded.
 * HubSpot refuses a completion it is not waiting for: an unknown callback id, an execution that
 * did not BLOCK or was completed by HubSpot's own expiration (`hs_expiration_duration`). A batch
 * with such a callback is refused as a whole, naming them; nothing of it is completed.
 */
import { Router } from 'express';
import type { CallbackStatus } from '../action-executor.js';
import type { SandboxContext } from '../context.js';
import { SandboxHttpError, validationError } from '../errors.js';
import { endpoint } from '../http-kit.js';

const outputFieldsOf = (value: unknown): Record<string, unknown> => {
  const outputFields = (value as { outputFields?: unknown } | undefined)?.outputFields;
  if (!outputFields || typeof outputFields !== 'object' || Array.isArray(outputFields)) {
    throw validationError('Invalid input JSON: "outputFields" must be an object.');
  }
  return outputFields as Record<string, unknown>;
};

/** Why a callback cannot be completed, in words (the texts are the sandbox's own). */
const REFUSED: Record<Exclude<CallbackStatus, 'waiting'>, string> = {
  unknown: 'was not found',
  'not-waiting': 'is not waiting for a completion',
  expired: 'has expired',
};

/** Routes for completing BLOCKed workflow-action executions. */
export function callbackRoutes(ctx: SandboxContext): Router {
  const router = Router();

  const record = (callbackId: string, outputFields: Record<string, unknown>, batch: boolean): void => {
    const receivedAt = ctx.now();
    const known = ctx.executor.complete(callbackId, outputFields, batch, receivedAt);
    ctx.callbacks.push({ callbackId, outputFields, batch, receivedAt, known });
  };

  router.post(
    '/automation/v4/actions/callbacks/complete',
    endpoint(ctx, 'callbacks.complete.batch', (req, res) => {
      const inputs = (req.body as { inputs?: unknown } | undefined)?.inputs;
      if (!Array.isArray(inputs)) throw validationError('Invalid input JSON: "inputs" must be an array.');
      if (inputs.length > ctx.batchLimit) {
        throw validationError(
          `Batch input size ${inputs.length} exceeds the limit of ${ctx.batchLimit} inputs.`,
        );
      }
      const parsed = inputs.map((input: unknown) => {
        const callbackId = (input as { callbackId?: unknown } | undefined)?.callbackId;
        if (typeof callbackId !== 'string' || callbackId === '')
          throw validationError('Every input needs a callbackId.');
        return { callbackId, outputFields: outputFieldsOf(input) };
      });
      const at = ctx.now();
      const refused = parsed.filter((input) => ctx.executor.status(input.callbackId, at) !== 'waiting');
      if (refused.length > 0) {
        const ids = refused.map((input) => input.callbackId);
        throw validationError(
          `Some callbacks cannot be completed (not found, not waiting or expired): ${ids.join(', ')}.`,
          { callbackIds: ids },
        );
      }
      for (const input of parsed) record(input.callbackId, input.outputFields, true);
      res.status(204).end();
    }),
  );

  router.post(
    '/automation/v4/actions/callbacks/:callbackId/complete',
    endpoint(ctx, 'callbacks.complete', (req, res) => {
      const callbackId = String(req.params.callbackId ?? '');
      const outputFields = outputFieldsOf(req.body);
      const status = ctx.executor.status(callbackId, ctx.now());
      if (status !== 'waiting') {
        const message = `Callback ${callbackId} ${REFUSED[status]}.`;
        throw status === 'unknown'
          ? new SandboxHttpError(404, { message, category: 'OBJECT_NOT_FOUND' })
          : validationError(message, { callbackId: [callbackId] });
      }
      record(callbackId, outputFields, false);
      res.status(204).end();
    }),
  );

  return router;
}
