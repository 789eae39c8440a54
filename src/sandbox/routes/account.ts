/**
 * Account information (`GET /account-info/v3/details`): the portal the token belongs to, in the
 * shape HubSpot documents (portalId, accountType, timeZone, companyCurrency, additionalCurrencies,
 * utcOffset, utcOffsetMilliseconds, uiDomain, dataHostingLocation). The other fields are fixed
 * sandbox values (a standard US account).
 */
import { Router } from 'express';
import type { SandboxContext } from '../context.js';
import { endpoint } from '../http-kit.js';

/** Routes for the account-info API. */
export function accountRoutes(ctx: SandboxContext, portalId: number): Router {
  const router = Router();
  router.get(
    '/account-info/v3/details',
    endpoint(ctx, 'account.details', (_req, res) => {
      res.json({
        portalId,
        accountType: 'STANDARD',
        timeZone: 'US/Eastern',
        companyCurrency: 'USD',
        additionalCurrencies: [],
        utcOffset: '-05:00',
        utcOffsetMilliseconds: -18_000_000,
        uiDomain: 'app.hubspot.com',
        dataHostingLocation: 'na1',
      });
    }),
  );
  return router;
}
