/**
 * The sandbox's own control endpoints under `/__sandbox` (not part of HubSpot's API; no auth,
 * not counted, not rate limited): stats, reset, faults, queued webhook events and their delivery.
 */
import { Router } from 'express';
import type { CallbackCompletion } from '../context.js';
import { validationError } from '../errors.js';
import type { FaultConfig } from '../faults.js';
import type { StatsSnapshot } from '../stats.js';
import type { WebhookEvent } from '../webhook-events.js';
import type { DeliveryReport } from '../webhook-sender.js';

/** What the admin routes can do to their sandbox. */
export interface AdminHooks {
  stats(): StatsSnapshot;
  reset(options: { data: boolean }): void;
  getFaults(): FaultConfig;
  setFaults(config: FaultConfig): void;
  queuedEvents(): readonly WebhookEvent[];
  flush(options: { targetUrl?: string; clientSecret?: string }): Promise<DeliveryReport>;
  callbacks(): readonly CallbackCompletion[];
  executions(): unknown[];
  limits(): unknown;
}

/** Routes under `/__sandbox`. */
export function adminRoutes(hooks: AdminHooks): Router {
  const router = Router();
  router.get('/__sandbox/stats', (_req, res) => {
    res.json({ ...hooks.stats(), limits: hooks.limits() });
  });
  router.post('/__sandbox/reset', (req, res) => {
    hooks.reset({ data: (req.body as { data?: unknown } | undefined)?.data === true });
    res.status(204).end();
  });
  router.get('/__sandbox/faults', (_req, res) => {
    res.json({ faults: hooks.getFaults() });
  });
  router.post('/__sandbox/faults', (req, res) => {
    const body = (req.body ?? {}) as { faults?: unknown };
    const faults = body.faults ?? body;
    if (!faults || typeof faults !== 'object' || Array.isArray(faults)) {
      throw validationError('Send {"faults": {"<endpoint key>": {"rate429": 0.1, ...}}}.');
    }
    hooks.setFaults(faults as FaultConfig);
    res.json({ faults: hooks.getFaults() });
  });
  router.get('/__sandbox/events', (_req, res) => {
    res.json({ results: hooks.queuedEvents() });
  });
  router.post('/__sandbox/webhooks/flush', async (req, res) => {
    const body = (req.body ?? {}) as { targetUrl?: unknown; clientSecret?: unknown };
    const report = await hooks.flush({
      ...(typeof body.targetUrl === 'string' ? { targetUrl: body.targetUrl } : {}),
      ...(typeof body.clientSecret === 'string' ? { clientSecret: body.clientSecret } : {}),
    });
    res.json(report);
  });
  router.get('/__sandbox/callbacks', (_req, res) => {
    res.json({ results: hooks.callbacks() });
  });
  router.get('/__sandbox/executions', (_req, res) => {
    res.json({ results: hooks.executions() });
  });
  return router;
}
