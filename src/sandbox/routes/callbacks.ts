/**
 * Workflow-action callback completion (`/automation/v4/actions/callbacks/...`): 204, recorded.
 */
import { Router } from 'express';
import type { SandboxContext } from '../context.js';
import { validationError } from '../errors.js';
import { endpoint } from '../http-kit.js';

const outputFieldsOf = (value: unknown): Record<string, unknown> => {
  const outputFields = (value as { outputFields?: unknown } | undefined)?.outputFields;
  if (!outputFields || typeof outputFields !== 'object' || Array.isArray(outputFields)) {
    throw validationError('Invalid input JSON: "outputFields" must be an object.');
  }
  return outputFields as Record<string, unknown>;
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
      for (const input of parsed) record(input.callbackId, input.outputFields, true);
      res.status(204).end();
    }),
  );

  router.post(
    '/automation/v4/actions/callbacks/:callbackId/complete',
    endpoint(ctx, 'callbacks.complete', (req, res) => {
      record(String(req.params.callbackId ?? ''), outputFieldsOf(req.body), false);
      res.status(204).end();
    }),
  );

  return router;
}
