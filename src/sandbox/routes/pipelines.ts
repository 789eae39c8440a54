/**
 * The pipelines API (`/crm/v3/pipelines/{objectType}`), for deals: every pipeline with its stages
 * (`metadata.isClosed`, `metadata.probability` as strings), one pipeline, and one pipeline's
 * stages. An unknown pipeline is HubSpot's 404; object types without pipelines here are a 400.
 */
import { Router, type Request } from 'express';
import type { SandboxContext } from '../context.js';
import { notFoundError, validationError } from '../errors.js';
import { endpoint } from '../http-kit.js';
import { resolveObjectType } from '../object-types.js';
import { DEAL_PIPELINES, findPipeline, toApiPipeline } from '../pipelines.js';

function dealsOnly(req: Request): void {
  const raw = String(req.params.objectType ?? '');
  if (resolveObjectType(raw) !== 'deals')
    throw validationError(`Unable to infer object type from: ${raw}, or it has no pipelines in the sandbox.`);
}

function pipelineOf(req: Request) {
  dealsOnly(req);
  const pipeline = findPipeline(String(req.params.pipelineId ?? ''));
  if (!pipeline) throw notFoundError();
  return pipeline;
}

/** Routes for deal pipelines and their stages. */
export function pipelineRoutes(ctx: SandboxContext): Router {
  const router = Router();
  const base = '/crm/v3/pipelines/:objectType';

  router.get(
    base,
    endpoint(ctx, 'pipelines.list', (req, res) => {
      dealsOnly(req);
      res.json({ results: DEAL_PIPELINES.map(toApiPipeline) });
    }),
  );
  router.get(
    `${base}/:pipelineId`,
    endpoint(ctx, 'pipelines.get', (req, res) => {
      res.json(toApiPipeline(pipelineOf(req)));
    }),
  );
  router.get(
    `${base}/:pipelineId/stages`,
    endpoint(ctx, 'pipelines.stages.list', (req, res) => {
      const pipeline = toApiPipeline(pipelineOf(req));
      res.json({ results: pipeline.stages });
    }),
  );
  return router;
}
