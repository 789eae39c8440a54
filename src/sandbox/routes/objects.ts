/**
 * CRM object endpoints (`/crm/v3/objects/{objectType}`): list, create, read, update, archive,
 * batch read, batch update and search, with HubSpot's shapes, limits and errors.
 */
import { type Request, type Response, Router } from 'express';
import type { SandboxContext } from '../context.js';
import type { AssociationInput, StoredObject } from '../crm-store.js';
import { notFoundError, validationError } from '../errors.js';
import { endpoint, intParam, listParam, objectTypeParam, stringParam, tokenOf } from '../http-kit.js';
import { type ObjectType, resolveObjectType, UPPER_NAME } from '../object-types.js';
import { parseSearchRequest, runSearch } from '../search.js';
import { toApiHistory, toApiObject, toWriteResult } from '../serialize.js';

/** Inputs of a batch read that asks for property histories: HubSpot allows 50 (hubspot.md §9). */
export const HISTORY_BATCH_LIMIT = 50;
/** HubSpot's message when a batch read with `propertiesWithHistory` has more inputs. */
export const HISTORY_BATCH_MESSAGE =
  'The maximum number of inputs supported in a batch request for property histories is 50.';

const keyOf =
  (suffix: string) =>
  (req: Request): string =>
    `${resolveObjectType(String(req.params.objectType ?? '')) ?? String(req.params.objectType)}.${suffix}`;

const associationTypesParam = (value: unknown): ObjectType[] =>
  (listParam(value) ?? []).map((raw) => {
    const type = resolveObjectType(raw);
    if (!type) throw validationError(`Unable to infer object type from: ${raw}`);
    return type;
  });

interface BatchInput {
  inputs: Record<string, unknown>[];
}

function batchInputs(ctx: SandboxContext, body: unknown): BatchInput['inputs'] {
  const inputs = (body as Partial<BatchInput> | undefined)?.inputs;
  if (!Array.isArray(inputs)) throw validationError('Invalid input JSON: "inputs" must be an array.');
  if (inputs.length > ctx.batchLimit) {
    throw validationError(
      `Batch input size ${inputs.length} exceeds the limit: batch operations are limited to ${ctx.batchLimit} inputs.`,
    );
  }
  return inputs.map((input) =>
    input && typeof input === 'object' ? (input as Record<string, unknown>) : {},
  );
}

function uniqueIdProperty(ctx: SandboxContext, type: ObjectType, idProperty: string | undefined): string {
  if (idProperty === undefined || idProperty === 'hs_object_id') return 'hs_object_id';
  const definition = ctx.store.property(type, idProperty);
  if (!definition?.hasUniqueValue) {
    throw validationError(
      `Unable to perform lookup by non-unique ${UPPER_NAME[type]} property ${idProperty}.`,
    );
  }
  return idProperty;
}

const notFoundInBatch = (type: ObjectType, ids: string[]) => ({
  status: 'error',
  category: 'OBJECT_NOT_FOUND',
  message: `Could not get some ${UPPER_NAME[type]} objects, they may be deleted or not exist. Check that ids are valid.`,
  context: { ids },
});

/** Routes for contacts, companies, tasks and meetings. */
export function objectRoutes(ctx: SandboxContext): Router {
  const router = Router();
  const base = '/crm/v3/objects/:objectType';
  const iso = (): string => new Date(ctx.now()).toISOString();

  router.get(
    base,
    endpoint(ctx, keyOf('list'), (req, res) => {
      const type = objectTypeParam(req);
      const limit = intParam(req.query.limit, 'limit', 10, 1, ctx.listPageLimit);
      const after = stringParam(req.query.after);
      const archived = stringParam(req.query.archived) === 'true';
      const page = ctx.store.page(type, { limit, archived, ...(after ? { after } : {}) });
      const properties = listParam(req.query.properties);
      const associations = associationTypesParam(req.query.associations);
      res.json({
        results: page.results.map((object) => toApiObject(ctx.store, object, properties, associations)),
        ...(page.nextAfter
          ? {
              paging: {
                next: {
                  after: page.nextAfter,
                  link: `${req.protocol}://${req.get('host')}${req.path}?after=${page.nextAfter}`,
                },
              },
            }
          : {}),
      });
    }),
  );

  router.post(
    base,
    endpoint(ctx, keyOf('create'), (req, res) => {
      const type = objectTypeParam(req);
      const body = (req.body ?? {}) as { properties?: unknown; associations?: unknown };
      const associations = Array.isArray(body.associations) ? body.associations : [];
      const object = ctx.store.create(
        type,
        body.properties ?? {},
        ctx.writeSource(tokenOf(res)),
        associations,
      );
      res.status(201).json(toWriteResult(ctx.store, object, body.properties));
    }),
  );

  router.post(
    `${base}/batch/create`,
    endpoint(ctx, keyOf('batch.create'), (req, res) => {
      const type = objectTypeParam(req);
      const startedAt = iso();
      const inputs = batchInputs(ctx, req.body);
      const traceIds = inputs.map((input) => input.objectWriteTraceId);
      if (inputs.length > 0 && traceIds.every((id) => typeof id === 'string' && id !== '')) {
        // Multi-status (HubSpot's "multi-status errors for batch create requests"): with an
        // objectWriteTraceId on every input, the valid inputs are created and the others named.
        const outcomes = ctx.store.createEach(
          type,
          inputs.map((input) => ({
            properties: input.properties ?? {},
            associations: Array.isArray(input.associations) ? (input.associations as AssociationInput[]) : [],
          })),
          ctx.writeSource(tokenOf(res)),
        );
        const results: Record<string, unknown>[] = [];
        const errors: Record<string, unknown>[] = [];
        outcomes.forEach((outcome, i) => {
          const objectWriteTraceId = traceIds[i] as string;
          if ('object' in outcome)
            results.push({
              ...toWriteResult(ctx.store, outcome.object, inputs[i]?.properties),
              objectWriteTraceId,
            });
          else
            errors.push({
              status: 'error',
              category: outcome.error.details.category ?? 'VALIDATION_ERROR',
              message: outcome.error.details.message,
              context: { objectWriteTraceId: [objectWriteTraceId] },
            });
        });
        sendBatch(res, results, errors, startedAt, iso(), 201);
        return;
      }
      const created = ctx.store.createBatch(
        type,
        inputs.map((input) => ({
          properties: input.properties ?? {},
          associations: Array.isArray(input.associations) ? (input.associations as AssociationInput[]) : [],
        })),
        ctx.writeSource(tokenOf(res)),
      );
      // HubSpot echoes each input's objectWriteTraceId on its result, to match results to inputs.
      const results = created.map((object, i) => ({
        ...toWriteResult(ctx.store, object, inputs[i]?.properties),
        ...(typeof inputs[i]?.objectWriteTraceId === 'string'
          ? { objectWriteTraceId: inputs[i].objectWriteTraceId }
          : {}),
      }));
      res.status(201).json({ status: 'COMPLETE', results, startedAt, completedAt: iso() });
    }),
  );

  router.post(
    `${base}/batch/read`,
    endpoint(ctx, keyOf('batch.read'), (req, res) => {
      const type = objectTypeParam(req);
      const startedAt = iso();
      const inputs = batchInputs(ctx, req.body);
      const body = req.body as {
        properties?: unknown;
        idProperty?: unknown;
        propertiesWithHistory?: unknown;
      };
      const withHistory = Array.isArray(body.propertiesWithHistory)
        ? body.propertiesWithHistory.map(String)
        : [];
      if (withHistory.length > 0 && inputs.length > HISTORY_BATCH_LIMIT)
        throw validationError(HISTORY_BATCH_MESSAGE);
      const idProperty = uniqueIdProperty(
        ctx,
        type,
        typeof body.idProperty === 'string' ? body.idProperty : undefined,
      );
      const properties = Array.isArray(body.properties) ? body.properties.map(String) : undefined;
      const archived = stringParam(req.query.archived) === 'true';
      const results: Record<string, unknown>[] = [];
      const missing: string[] = [];
      const seen = new Set<string>();
      for (const input of inputs) {
        const id = String(input.id ?? '');
        const object = archived
          ? ctx.store.getArchived(type, id)
          : ctx.store.findByUniqueProperty(type, idProperty, id);
        if (!object) {
          missing.push(id);
          continue;
        }
        if (seen.has(object.id)) continue;
        seen.add(object.id);
        const read = toApiObject(ctx.store, object, properties);
        if (withHistory.length > 0) read.propertiesWithHistory = toApiHistory(ctx.store, object, withHistory);
        results.push(read);
      }
      sendBatch(res, results, missing.length > 0 ? [notFoundInBatch(type, missing)] : [], startedAt, iso());
    }),
  );

  router.post(
    `${base}/batch/update`,
    endpoint(ctx, keyOf('batch.update'), (req, res) => {
      const type = objectTypeParam(req);
      const startedAt = iso();
      const inputs = batchInputs(ctx, req.body);
      const ids = inputs.map((input) => String(input.id ?? ''));
      const duplicates = [...new Set(ids.filter((id, index) => ids.indexOf(id) !== index))];
      if (duplicates.length > 0) {
        throw validationError(
          `Duplicate IDs found in batch input: [${duplicates.join(', ')}]. IDs must be unique`,
        );
      }
      const resolved = inputs.map((input) => {
        const idProperty = uniqueIdProperty(
          ctx,
          type,
          typeof input.idProperty === 'string' ? input.idProperty : undefined,
        );
        const object = ctx.store.findByUniqueProperty(type, idProperty, String(input.id ?? ''));
        return {
          id: object?.id ?? `missing:${String(input.id)}`,
          given: String(input.id ?? ''),
          properties: input.properties,
        };
      });
      const { updated, missing } = ctx.store.updateBatch(type, resolved, ctx.writeSource(tokenOf(res)));
      const byId = new Map(resolved.map((r) => [r.id, r]));
      const results = updated.map((object: StoredObject) =>
        toWriteResult(ctx.store, object, byId.get(object.id)?.properties),
      );
      const missingIds = missing.map((id) => byId.get(id)?.given ?? id);
      sendBatch(
        res,
        results,
        missingIds.length > 0 ? [notFoundInBatch(type, missingIds)] : [],
        startedAt,
        iso(),
      );
    }),
  );

  router.post(
    `${base}/search`,
    endpoint(
      ctx,
      keyOf('search'),
      (req, res) => {
        const type = objectTypeParam(req);
        const property = (name: string) => ctx.store.property(type, name);
        const search = parseSearchRequest(req.body, property, ctx.searchLimits);
        const visibleBefore = ctx.now() - ctx.searchIndexLagMs;
        const objects =
          ctx.searchIndexLagMs > 0
            ? [...ctx.store.all(type)].filter((object) => object.createdAt <= visibleBefore)
            : ctx.store.all(type);
        const result = runSearch(objects, search, property, ctx.searchLimits);
        res.json({
          total: result.total,
          results: result.page.map((object) => toApiObject(ctx.store, object, search.properties)),
          ...(result.nextOffset !== undefined
            ? { paging: { next: { after: String(result.nextOffset) } } }
            : {}),
        });
      },
      'search',
    ),
  );

  const findOne = (req: Request, type: ObjectType, archived: boolean): StoredObject | undefined => {
    const id = String(req.params.objectId ?? '');
    if (archived) return ctx.store.getArchived(type, id);
    const idProperty = uniqueIdProperty(ctx, type, stringParam(req.query.idProperty));
    return ctx.store.findByUniqueProperty(type, idProperty, id);
  };

  router.get(
    `${base}/:objectId`,
    endpoint(ctx, keyOf('get'), (req, res) => {
      const type = objectTypeParam(req);
      const object = findOne(req, type, stringParam(req.query.archived) === 'true');
      if (!object) throw notFoundError();
      const read = toApiObject(
        ctx.store,
        object,
        listParam(req.query.properties),
        associationTypesParam(req.query.associations),
      );
      const withHistory = listParam(req.query.propertiesWithHistory) ?? [];
      if (withHistory.length > 0) read.propertiesWithHistory = toApiHistory(ctx.store, object, withHistory);
      res.json(read);
    }),
  );

  router.patch(
    `${base}/:objectId`,
    endpoint(ctx, keyOf('update'), (req, res) => {
      const type = objectTypeParam(req);
      const object = findOne(req, type, false);
      if (!object) throw notFoundError();
      const properties = (req.body as { properties?: unknown } | undefined)?.properties;
      if (properties === undefined) throw validationError('Invalid input JSON: "properties" is required.');
      ctx.store.update(type, object.id, properties, ctx.writeSource(tokenOf(res)));
      res.json(toWriteResult(ctx.store, object, properties));
    }),
  );

  router.delete(
    `${base}/:objectId`,
    endpoint(ctx, keyOf('archive'), (req, res) => {
      const type = objectTypeParam(req);
      ctx.store.archive(type, String(req.params.objectId ?? ''), ctx.writeSource(tokenOf(res)));
      res.status(204).end();
    }),
  );

  return router;
}

/**
 * A batch answer: `okStatus` when every input succeeded, else 207 (multi-status) with `errors`,
 * HubSpot's documented shape: `status`, `results`, `numErrors`, `errors` (each with `status`,
 * `category`, `message` and the inputs it concerns in `context`), `startedAt`, `completedAt`.
 */
function sendBatch(
  res: Response,
  results: Record<string, unknown>[],
  errors: Record<string, unknown>[],
  startedAt: string,
  completedAt: string,
  okStatus = 200,
): void {
  if (errors.length === 0) {
    res.status(okStatus).json({ status: 'COMPLETE', results, startedAt, completedAt });
    return;
  }
  res
    .status(207)
    .json({ status: 'COMPLETE', results, numErrors: errors.length, errors, startedAt, completedAt });
}
