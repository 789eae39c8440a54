/**
 * The answer when no route matched: a path the service serves, asked with another method, is a
 * 405 naming the method (with `Allow`, as HTTP asks); any other path is a 404 naming the URL.
 */
import type { Express, RequestHandler } from 'express';
import { AppError } from '../errors.js';

/** What Express's router keeps of a route (Express 5 exposes the router as `app.router`). */
interface RouteLayer {
  route?: { path?: unknown; methods?: Record<string, boolean> };
}

/** The methods `app` serves at exactly `path` (our routes are plain paths, no parameters). */
export function methodsAt(app: Express, path: string): string[] {
  const stack = (app as unknown as { router?: { stack?: RouteLayer[] } }).router?.stack ?? [];
  const methods = new Set<string>();
  for (const layer of stack) {
    if (layer.route?.path !== path) continue;
    for (const [method, on] of Object.entries(layer.route.methods ?? {}))
      if (on && method !== '_all') methods.add(method.toUpperCase());
  }
  return [...methods].sort();
}

/** The last handler of an app: 405 for a served path with another method, else 404. */
export function noRoute(app: Express): RequestHandler {
  return (req, res, next) => {
    const allowed = methodsAt(app, req.path);
    if (allowed.length === 0) {
      next(new AppError('not_found', 'No such route.', [{ path: 'url', message: 'no route has this path' }]));
      return;
    }
    res.setHeader('Allow', allowed.join(', '));
    next(
      new AppError('method_not_allowed', `This route is served with ${allowed.join(' or ')} only.`, [
        { path: 'method', message: `must be ${allowed.join(' or ')}, not ${req.method.slice(0, 16)}` },
      ]),
    );
  };
}
