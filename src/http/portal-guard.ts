/**
 * One service, one portal: a private app's token belongs to one HubSpot portal, learnt at start
 * (`CrmGateway.accountDetails`). Whatever names another portal (a webhook event, a workflow-action
 * call, a settings call) is refused here, at the edge, so no use case ever reads or writes one
 * portal's data with another portal's model.
 */
import type { RequestHandler } from 'express';
import { AppError } from '../errors.js';

/** The portal this service serves (`null` only where no request is served, e.g. the CLI). */
export interface PortalScope {
  portalId: string | null;
}

/** The refusal of a request for another portal (403 `wrong_portal`), naming both portals. */
export function wrongPortal(scope: PortalScope, named: string, path: string): AppError {
  return new AppError(
    'wrong_portal',
    scope.portalId === null
      ? 'This service does not know its HubSpot portal yet; nothing was done.'
      : `This service serves HubSpot portal ${scope.portalId}; the request is for portal ${named}. Nothing was done.`,
    [{ path, message: `must be ${scope.portalId ?? 'the portal of the access token'}` }],
  );
}

/** Throws {@link wrongPortal} unless `named` is the served portal. */
export function requireServedPortal(scope: PortalScope, named: string, path: string): void {
  if (scope.portalId === null || named !== scope.portalId) throw wrongPortal(scope, named, path);
}

/**
 * After the signature check: refuses a request whose parsed body names another portal at
 * `body.origin.portalId` (workflow actions and their option fetches). A body without one is left
 * to the route's schema, which refuses it with its own message.
 */
export function requireOriginPortal(scope: PortalScope): RequestHandler {
  return (req, _res, next) => {
    const origin = (req.body as { origin?: { portalId?: unknown } } | undefined)?.origin;
    const named = origin?.portalId;
    if (typeof named !== 'number' && typeof named !== 'string') {
      next();
      return;
    }
    next(
      scope.portalId !== null && String(named) === scope.portalId
        ? undefined
        : wrongPortal(scope, String(named), '$.origin.portalId'),
    );
  };
}
