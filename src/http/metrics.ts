/**
 * Service metrics in Prometheus' text format (version 0.0.4): counters with labels, and gauges
 * read at scrape time. Small on purpose: the service exposes a dozen series.
 */

type Labels = Readonly<Record<string, string>>;

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
  return `{${entries.map(([k, v]) => `${k}="${escape(v)}"`).join(',')}}`;
}

export class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    const entry = this.values.get(key);
    if (entry) entry.value += by;
    else this.values.set(key, { labels, value: by });
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelText(labels))?.value ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.values.values())
      lines.push(`${this.name}${labelText(labels)} ${value}`);
    if (this.values.size === 0) lines.push(`${this.name} 0`);
    return lines.join('\n');
  }
}

/** A histogram without labels: cumulative buckets, sum and count, as Prometheus expects. */
export class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {
    this.counts = buckets.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    this.buckets.forEach((upper, i) => {
      if (value <= upper) this.counts[i]!++;
    });
  }

  /** Observations so far. */
  get observations(): number {
    return this.count;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    this.buckets.forEach((upper, i) => lines.push(`${this.name}_bucket{le="${upper}"} ${this.counts[i]}`));
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.count}`);
    lines.push(`${this.name}_sum ${this.sum}`, `${this.name}_count ${this.count}`);
    return lines.join('\n');
  }
}

export interface GaugeSource {
  name: string;
  help: string;
  read: () => Promise<{ labels?: Labels; value: number }[]>;
}

export class Metrics {
  readonly eventsReceived = new Counter(
    'lq_webhook_events_received_total',
    'Webhook events received, by subscription type.',
  );
  readonly eventsDuplicate = new Counter(
    'lq_webhook_events_duplicate_total',
    'Webhook events already seen (HubSpot retries and duplicate deliveries).',
  );
  readonly eventsInvalid = new Counter(
    'lq_webhook_events_invalid_total',
    'Webhook events refused on their own (the rest of their batch accepted), by reason.',
  );
  readonly eventsIgnored = new Counter(
    'lq_webhook_events_ignored_total',
    'Webhook events that do not need a rescore, by reason.',
  );
  readonly contactsScored = new Counter(
    'lq_contacts_scored_total',
    'Contacts evaluated, by outcome (written, unchanged).',
  );
  readonly hubspotCalls = new Counter('lq_hubspot_calls_total', 'HubSpot API calls, by endpoint and status.');
  readonly hubspotRejected = new Counter(
    'lq_hubspot_records_rejected_total',
    'Records HubSpot refused within batch writes (207 errors, refused records), by endpoint and category.',
  );
  readonly actions = new Counter(
    'lq_workflow_actions_total',
    'Workflow-action executions, by action and state.',
  );
  readonly signatureFailures = new Counter(
    'lq_signature_failures_total',
    'Requests refused for their HubSpot signature, by reason.',
  );
  readonly salesDecisions = new Counter(
    'lq_sales_decisions_total',
    'Sales decisions settled, by decision, lost reason and outcome (applied, ignored: not an MQL).',
  );
  readonly recycles = new Counter('lq_recycles_total', 'Returned MQLs recycled, by lost reason.');
  readonly routed = new Counter('lq_mqls_routed_total', 'New MQLs routed, by route and owner source.');
  readonly tasksCreated = new Counter(
    'lq_hubspot_tasks_created_total',
    'HubSpot tasks created, by purpose (route, escalation, weekly-report).',
  );
  readonly slaBreaches = new Counter(
    'lq_sla_breaches_total',
    'SLA breaches, by kind (acceptance, follow_up).',
  );
  readonly scheduledRescoreLag = new Histogram(
    'lq_scheduled_rescore_lag_seconds',
    'From the moment a written value changes on its own (a signal fades or expires) to its write in HubSpot.',
    [0.5, 1, 2, 5, 10, 30, 60, 300, 3600],
  );
  private readonly gauges: GaugeSource[] = [];

  addGauge(source: GaugeSource): void {
    this.gauges.push(source);
  }

  async render(): Promise<string> {
    const parts = [
      this.eventsReceived,
      this.eventsDuplicate,
      this.eventsIgnored,
      this.eventsInvalid,
      this.contactsScored,
      this.hubspotCalls,
      this.hubspotRejected,
      this.actions,
      this.signatureFailures,
      this.salesDecisions,
      this.recycles,
      this.routed,
      this.tasksCreated,
      this.slaBreaches,
      this.scheduledRescoreLag,
    ].map((c) => c.render());
    for (const gauge of this.gauges) {
      const lines = [`# HELP ${gauge.name} ${gauge.help}`, `# TYPE ${gauge.name} gauge`];
      try {
        for (const { labels, value } of await gauge.read())
          lines.push(`${gauge.name}${labelText(labels ?? {})} ${value}`);
      } catch {
        lines.push(`${gauge.name} NaN`);
      }
      parts.push(lines.join('\n'));
    }
    return `${parts.join('\n')}\n`;
  }
}
