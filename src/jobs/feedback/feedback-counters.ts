/**
 * What the feedback loop counts (the service wires these to Prometheus counters): decisions by kind,
 * reason and outcome, recycles, routes, tasks made in HubSpot, SLA breaches.
 */
import type { SlaKind } from '../../store/store.port.js';

export interface FeedbackCounters {
  decision(decision: 'accept' | 'return', reason: string, outcome: 'applied' | 'ignored'): void;
  recycle(reason: string): void;
  routed(route: string, ownerSource: string): void;
  tasks(purpose: 'route' | 'escalation' | 'weekly-report', count: number): void;
  breach(kind: SlaKind): void;
}
