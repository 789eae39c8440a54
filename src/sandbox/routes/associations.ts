/**
 * Association reads (v4): one object's associations to a type, and the batch read. The batch read
 * takes at most `associationBatchLimit` inputs (HubSpot: 1,000), pages each input's associations
 * on its own (`paging.next.after` in the result; the next call sends `{ id, after }`), and answers
 * 207 with an error per input that has no associations (including a deleted object).
 *
 * How many associations HubSpot returns per input before it pages is not documented (v3 paged at
 * 100 since 2021; one report of v4 saw more than 600 in one result): `associationPageLimit`,
 * default 500.
 */
import { Router } from 'express';
import type { SandboxContext } from '../context.js';
import { validationError } from '../errors.js';
import { endpoint, intParam, objectTypeParam, stringParam } from '../http-kit.js';
import { ASSOCIATION_TYPES, type ObjectType, SINGULAR } from '../object-types.js';

function toV4(ctx: SandboxContext, fromType: ObjectType, fromId: string, toType: ObjectType) {
  return ctx.store.associations(fromType, fromId, toType).map(({ toId, typeIds }) => ({
    // HubSpot's v4 responses carry the id as a JSON number, though the SDK's model types it as a string.
    toObjectId: Number(toId),
    associationTypes: typeIds.map((typeId) => ({
      category: 'HUBSPOT_DEFINED',
      typeId,
      label:
        ASSOCIATION_TYPES.find((t) => t.from === fromType && t.to === toType && t.typeId === typeId)?.label ??
        null,
    })),
  }));
}

/** Routes for `/crm/v4/objects/{type}/{id}/associations/{toType}` and the batch read. */
export function associationRoutes(ctx: SandboxContext): Router {
  const router = Router();
  const iso = (): string => new Date(ctx.now()).toISOString();

  router.get(
    '/crm/v4/objects/:objectType/:objectId/associations/:toObjectType',
    endpoint(ctx, 'associations.v4.list', (req, res) => {
      const fromType = objectTypeParam(req);
      const toType = objectTypeParam(req, 'toObjectType');
      const limit = intParam(req.query.limit, 'limit', 500, 1, 500);
      const offset = intParam(stringParam(req.query.after), 'after', 0, 0, Number.MAX_SAFE_INTEGER);
      const all = toV4(ctx, fromType, String(req.params.objectId ?? ''), toType);
      const results = all.slice(offset, offset + limit);
      const next = offset + limit;
      res.json({ results, ...(next < all.length ? { paging: { next: { after: String(next) } } } : {}) });
    }),
  );

  router.post(
    '/crm/v4/associations/:objectType/:toObjectType/batch/read',
    endpoint(ctx, 'associations.v4.batch.read', (req, res) => {
      const startedAt = iso();
      const fromType = objectTypeParam(req);
      const toType = objectTypeParam(req, 'toObjectType');
      const inputs = (req.body as { inputs?: unknown } | undefined)?.inputs;
      if (!Array.isArray(inputs)) throw validationError('Invalid input JSON: "inputs" must be an array.');
      if (inputs.length > ctx.associationBatchLimit) {
        throw validationError(
          `Batch input size ${inputs.length} exceeds the limit of ${ctx.associationBatchLimit} inputs.`,
        );
      }
      const results: Record<string, unknown>[] = [];
      const errors: Record<string, unknown>[] = [];
      const pageLimit = ctx.associationPageLimit;
      for (const input of inputs as { id?: unknown; after?: unknown }[]) {
        const id = String(input?.id ?? '');
        const after = input?.after === undefined ? undefined : String(input.after);
        if (after !== undefined && !/^\d+$/.test(after))
          throw validationError(
            `Invalid input JSON: "after" of ${id} is not a paging cursor this API returned.`,
          );
        const offset = Number(after ?? 0);
        const all = toV4(ctx, fromType, id, toType);
        const to = all.slice(offset, offset + pageLimit);
        if (to.length === 0) {
          errors.push({
            status: 'error',
            category: 'OBJECT_NOT_FOUND',
            subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
            message: `No ${SINGULAR[toType]} is associated with ${SINGULAR[fromType]} ${id}.`,
            context: {
              fromObjectId: [id],
              fromObjectType: [SINGULAR[fromType]],
              toObjectType: [SINGULAR[toType]],
            },
          });
          continue;
        }
        const next = offset + pageLimit;
        // HubSpot: "The 'paging' field will only be present if there are more pages".
        results.push({
          from: { id },
          to,
          ...(next < all.length ? { paging: { next: { after: String(next) } } } : {}),
        });
      }
      const completedAt = iso();
      if (errors.length === 0) res.json({ status: 'COMPLETE', results, startedAt, completedAt });
      else
        res
          .status(207)
          .json({ status: 'COMPLETE', results, numErrors: errors.length, errors, startedAt, completedAt });
    }),
  );

  return router;
}
