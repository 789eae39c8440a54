/**
 * The service's Prometheus metrics, through prom-client: counters, latency histograms, gauges read
 * at scrape time, and prom-client's default process metrics (CPU, memory, event-loop lag, GC).
 * Each Metrics instance has its own Registry, never prom-client's global one, so several services
 * in one process (the tests, the demo) never share or collide on a series.
 *
 * The thin wrappers below keep the call sites short (`metrics.eventsReceived.inc({ type })`) and
 * typed: a label name that is not declared is a compile error, not a scrape-time exception.
 */
import {
  collectDefaultMetrics,
  Counter as PromCounter,
  Gauge as PromGauge,
  Histogram as PromHistogram,
  Registry,
} from 'prom-client';
import { ownValue } from '../core/own.js';

type LabelSet<L extends string> = Partial<Record<L, string>>;

function sameLabels(
  a: Readonly<Record<string, string | number | undefined>>,
  b: Readonly<Record<string, string | undefined>>,
): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if (String(ownValue(a, key) ?? '') !== String(ownValue(b, key) ?? '')) return false;
  return true;
}

export class Counter<L extends string = never> {
  private readonly counter: PromCounter<L>;
  constructor(registry: Registry, name: string, help: string, labelNames: readonly L[] = []) {
    this.counter = new PromCounter({ name, help, labelNames, registers: [registry] });
  }

  inc(labels: LabelSet<L> = {}, by = 1): void {
    this.counter.inc(labels, by);
  }

  /** The current value of one series (0 when it was never counted). */
  async get(labels: LabelSet<L> = {}): Promise<number> {
    const { values } = await this.counter.get();
    return values.find((v) => sameLabels(v.labels, labels))?.value ?? 0;
  }
}

export class Histogram<L extends string = never> {
  private readonly histogram: PromHistogram<L>;
  constructor(
    registry: Registry,
    readonly name: string,
    help: string,
    buckets: readonly number[],
    labelNames: readonly L[] = [],
  ) {
    this.histogram = new PromHistogram({
      name,
      help,
      buckets: [...buckets],
      labelNames,
      registers: [registry],
    });
  }

  observe(seconds: number, labels: LabelSet<L> = {}): void {
    this.histogram.observe(labels, seconds);
  }

  /** Observations so far, of one label set (all of them without labels). */
  async count(labels: LabelSet<L> = {}): Promise<number> {
    const { values } = await this.histogram.get();
    return values
      .filter((v) => v.metricName === `${this.name}_count` && sameLabels(v.labels, labels))
      .reduce((n, v) => n + v.value, 0);
  }
}

export interface GaugeSource<L extends string = string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
  /** Read at scrape time; a failure reports NaN rather than failing the whole scrape. */
  read: () => Promise<{ labels?: LabelSet<L>; value: number }[]>;
}

/** Seconds for latencies from a millisecond to a minute: HubSpot calls, webhook answers, batches. */
const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class Metrics {
  readonly registry = new Registry();
  readonly eventsReceived = new Counter(
    this.registry,
    'lq_webhook_events_received_total',
    'Webhook events received, by subscription type.',
    ['type'],
  );
  readonly eventsDuplicate = new Counter(
    this.registry,
    'lq_webhook_events_duplicate_total',
    'Webhook events already seen (HubSpot retries and duplicate deliveries).',
  );
  readonly eventsInvalid = new Counter(
    this.registry,
    'lq_webhook_events_invalid_total',
    'Webhook events refused on their own (the rest of their batch accepted), by reason.',
    ['reason'],
  );
  readonly eventsIgnored = new Counter(
    this.registry,
    'lq_webhook_events_ignored_total',
    'Webhook events that do not need a rescore, by reason.',
    ['reason'],
  );
  readonly contactsScored = new Counter(
    this.registry,
    'lq_contacts_scored_total',
    'Contacts evaluated, by outcome (written, unchanged).',
    ['outcome'],
  );
  readonly hubspotCalls = new Counter(
    this.registry,
    'lq_hubspot_calls_total',
    'HubSpot API calls, by endpoint and status.',
    ['endpoint', 'status'],
  );
  readonly hubspotRejected = new Counter(
    this.registry,
    'lq_hubspot_records_rejected_total',
    'Records HubSpot refused within batch writes (207 errors, refused records), by endpoint and category.',
    ['endpoint', 'category'],
  );
  readonly actions = new Counter(
    this.registry,
    'lq_workflow_actions_total',
    'Workflow-action executions, by action and state.',
    ['action', 'state'],
  );
  readonly signatureFailures = new Counter(
    this.registry,
    'lq_signature_failures_total',
    'Requests refused for their HubSpot signature, by reason.',
    ['reason'],
  );
  readonly salesDecisions = new Counter(
    this.registry,
    'lq_sales_decisions_total',
    'Sales decisions settled, by decision, lost reason and outcome (applied, ignored: not an MQL).',
    ['decision', 'reason', 'outcome'],
  );
  readonly recycles = new Counter(
    this.registry,
    'lq_recycles_total',
    'Returned MQLs recycled, by lost reason.',
    ['reason'],
  );
  readonly routed = new Counter(
    this.registry,
    'lq_mqls_routed_total',
    'New MQLs routed, by route and owner source.',
    ['route', 'owner'],
  );
  readonly tasksCreated = new Counter(
    this.registry,
    'lq_hubspot_tasks_created_total',
    'HubSpot tasks created, by purpose (route, escalation, weekly-report).',
    ['purpose'],
  );
  readonly slaBreaches = new Counter(
    this.registry,
    'lq_sla_breaches_total',
    'SLA breaches, by kind (acceptance, follow_up).',
    ['kind'],
  );
  readonly scheduledRescoreLag = new Histogram(
    this.registry,
    'lq_scheduled_rescore_lag_seconds',
    'From the moment a written value changes on its own (a signal fades or expires) to its write in HubSpot.',
    [0.5, 1, 2, 5, 10, 30, 60, 300, 3600],
  );
  readonly webhookAck = new Histogram(
    this.registry,
    'lq_webhook_ack_seconds',
    'From a webhook request arriving to its answer (HubSpot retries after 5 s), by status code.',
    LATENCY_BUCKETS,
    ['status'],
  );
  readonly scoringBatch = new Histogram(
    this.registry,
    'lq_scoring_batch_seconds',
    'Scoring one batch of contacts: read, evaluate, write back, record; by outcome (ok, error).',
    LATENCY_BUCKETS,
    ['outcome'],
  );
  readonly hubspotCallLatency = new Histogram(
    this.registry,
    'lq_hubspot_call_seconds',
    'One HubSpot API call (each retry is a call), by operation and outcome (ok, rate_limited, client_error, server_error, network).',
    LATENCY_BUCKETS,
    ['operation', 'outcome'],
  );

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** A gauge read at scrape time (e.g. the queue depth from the store). */
  addGauge<L extends string>(source: GaugeSource<L>): void {
    new PromGauge<L>({
      name: source.name,
      help: source.help,
      labelNames: source.labelNames ?? [],
      registers: [this.registry],
      async collect() {
        this.reset();
        try {
          for (const { labels, value } of await source.read()) this.set(labels ?? {}, value);
        } catch {
          this.set(Number.NaN);
        }
      },
    });
  }

  /** The content type of {@link render}'s text (Prometheus text format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }

  async render(): Promise<string> {
    return this.registry.metrics();
  }
}

/** A HubSpot answer as the latency histogram's `outcome` label. */
export function hubspotOutcome(status: number | 'network'): string {
  if (status === 'network') return 'network';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  if (status >= 400) return 'client_error';
  return 'ok';
}
