/**
 * Who is calling a route the page or the card calls through \`hubspot.fetch\`: the portal and the
 * HubSpot user HubSpot adds to the query of the URL it signs (v3 signs the whole URL, so these are
 * authenticated). Never a name from the body.
 */
import type { Request } from 'express';
import { AppError } from '../errors.js';
import type { SignedUser } from '../store/store.port.js';
import { type PortalScope, requireServedPortal } from './portal-guard.js';

/** Who is calling: the signed HubSpot user, in the served portal. */
export interface Caller {
  portalId: string;
  /** The signed user: `ops@acme.example (user 42)`, or `user 42` when HubSpot sends no email. */
  user: string;
  /** The same user as the approvals compare them: by HubSpot user id. */
  signed: SignedUser;
}

/**
 * The one value of a query parameter HubSpot adds to the signed URL. A parameter given twice is
 * refused: the page could put its own `userId` in the URL before HubSpot appends the real one.
 */
function signedParam(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  if (values.length > 1)
    throw new AppError('forbidden', `The signed URL names ${name} more than once.`, [
      { path: `query.${name}`, message: 'must appear once' },
    ]);
  return values[0];
}

export function caller(req: Request, scope: PortalScope): Caller {
  const params = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
  const portalId = signedParam(params, 'portalId') ?? '';
  if (!/^\d+$/.test(portalId))
    throw new AppError('forbidden', 'The request names no portal.', [
      { path: 'query.portalId', message: 'missing' },
    ]);
  requireServedPortal(scope, portalId, 'query.portalId');
  const userId = signedParam(params, 'userId') ?? '';
  if (!/^\d+$/.test(userId))
    throw new AppError('forbidden', 'The request names no HubSpot user; nothing was done.', [
      { path: 'query.userId', message: 'missing' },
    ]);
  const email = signedParam(params, 'userEmail');
  const user = email ? `${email} (user ${userId})` : `user ${userId}`;
  return { portalId, user, signed: { name: user, userId } };
}
