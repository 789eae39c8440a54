/**
 * Owners (`/crm/v3/owners`): paged list with an email filter, and one owner by id or user id.
 */
import { Router } from 'express';
import type { SandboxContext } from '../context.js';
import { notFoundError } from '../errors.js';
import { endpoint, intParam, stringParam } from '../http-kit.js';
import { toApiOwner } from '../serialize.js';

/** Routes for owners. */
export function ownerRoutes(ctx: SandboxContext): Router {
  const router = Router();

  router.get(
    '/crm/v3/owners',
    endpoint(ctx, 'owners.list', (req, res) => {
      const limit = intParam(req.query.limit, 'limit', 100, 1, 500);
      const offset = intParam(stringParam(req.query.after), 'after', 0, 0, Number.MAX_SAFE_INTEGER);
      const email = stringParam(req.query.email)?.toLowerCase();
      const archived = stringParam(req.query.archived) === 'true';
      const all = ctx.store
        .owners()
        .filter(
          (owner) =>
            owner.archived === archived && (email === undefined || owner.email.toLowerCase() === email),
        );
      const next = offset + limit;
      res.json({
        results: all.slice(offset, next).map(toApiOwner),
        ...(next < all.length ? { paging: { next: { after: String(next) } } } : {}),
      });
    }),
  );

  router.get(
    '/crm/v3/owners/:ownerId',
    endpoint(ctx, 'owners.get', (req, res) => {
      const id = String(req.params.ownerId ?? '');
      const byUserId = stringParam(req.query.idProperty) === 'userId';
      const owner = ctx.store.owners().find((o) => (byUserId ? String(o.userId) === id : o.id === id));
      if (!owner) throw notFoundError(`Owner ${id} not found.`);
      res.json(toApiOwner(owner));
    }),
  );

  return router;
}
