/**
 * /metrics through prom-client: every series the service had keeps its name and labels, the
 * latency histograms (webhook ack, scoring per batch, HubSpot calls) and the process metrics are
 * there, and two services in one process never share a series.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Metrics } from '../../src/http/metrics.js';
import { type Stack, startStack } from './helpers.js';

const stacks: Stack[] = [];
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.close()));
});

async function scrape(stack: Stack): Promise<string> {
  const response = await fetch(`${stack.url}/metrics`);
  expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
  return response.text();
}

const SERIES = [
  ['lq_webhook_events_received_total', 'counter'],
  ['lq_webhook_events_duplicate_total', 'counter'],
  ['lq_webhook_events_invalid_total', 'counter'],
  ['lq_webhook_events_ignored_total', 'counter'],
  ['lq_contacts_scored_total', 'counter'],
  ['lq_hubspot_calls_total', 'counter'],
  ['lq_hubspot_records_rejected_total', 'counter'],
  ['lq_workflow_actions_total', 'counter'],
  ['lq_signature_failures_total', 'counter'],
  ['lq_sales_decisions_total', 'counter'],
  ['lq_recycles_total', 'counter'],
  ['lq_mqls_routed_total', 'counter'],
  ['lq_hubspot_tasks_created_total', 'counter'],
  ['lq_sla_breaches_total', 'counter'],
  ['lq_scheduled_rescore_lag_seconds', 'histogram'],
  ['lq_webhook_ack_seconds', 'histogram'],
  ['lq_scoring_batch_seconds', 'histogram'],
  ['lq_hubspot_call_seconds', 'histogram'],
  ['lq_queue_depth', 'gauge'],
] as const;

describe('metrics', () => {
  it('when webhooks are answered and contacts scored, then the counters, the latency histograms and the process metrics are exposed', async () => {
    const stack = await startStack({ contacts: 3 });
    stacks.push(stack);
    const ids = stack.sandbox.data!.contacts.map((c) => c.id);
    await stack.deliver(ids.map((id) => stack.sandbox.events.creation({ objectId: id })));
    expect(await stack.service.worker.drain()).toBeGreaterThan(0);

    const text = await scrape(stack);
    for (const [name, type] of SERIES) expect(text).toContain(`# TYPE ${name} ${type}`);
    expect(text).toContain('lq_webhook_events_received_total{type="contact.creation"} 3');
    expect(text).toMatch(/^lq_webhook_ack_seconds_count\{status="200"\} [1-9]/m);
    expect(text).toMatch(/^lq_scoring_batch_seconds_count\{outcome="ok"\} [1-9]/m);
    expect(text).toMatch(
      /^lq_hubspot_call_seconds_bucket\{le="\+Inf",operation="contacts\.batch\.read",outcome="ok"\} [1-9]/m,
    );
    expect(text).toContain('lq_queue_depth{state="pending"} 0');
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
  });

  it('when two services run in one process, then each counts only its own traffic', async () => {
    const [a, b] = await Promise.all([startStack({ contacts: 2 }), startStack({ contacts: 2 })]);
    stacks.push(a!, b!);
    const id = a!.sandbox.data!.contacts[0]!.id;
    await a!.deliver([a!.sandbox.events.creation({ objectId: id })]);
    expect(await a!.service.metrics.eventsReceived.get({ type: 'contact.creation' })).toBe(1);
    expect(await b!.service.metrics.eventsReceived.get({ type: 'contact.creation' })).toBe(0);
    expect(await scrape(b!)).not.toContain('lq_webhook_events_received_total{type="contact.creation"}');
  });

  it('when a gauge cannot be read, then it reports NaN and the rest of the scrape still works', async () => {
    const metrics = new Metrics();
    metrics.addGauge({
      name: 'lq_test_gauge',
      help: 'A gauge whose source fails.',
      labelNames: ['state'],
      read: () => Promise.reject(new Error('database down')),
    });
    metrics.slaBreaches.inc({ kind: 'acceptance' });
    const text = await metrics.render();
    // prom-client writes NaN as "Nan"; Prometheus reads it case-insensitively (Go's ParseFloat).
    expect(text).toMatch(/^lq_test_gauge nan$/im);
    expect(text).toContain('lq_sla_breaches_total{kind="acceptance"} 1');
  });
});
