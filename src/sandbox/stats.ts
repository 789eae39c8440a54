/**
 * Call accounting: how many requests each endpoint received and with which statuses.
 */

/** Counters of one endpoint. */
export interface EndpointStats {
  total: number;
  byStatus: Record<string, number>;
}

/** A snapshot of all counters. */
export interface StatsSnapshot {
  total: number;
  byStatus: Record<string, number>;
  byEndpoint: Record<string, EndpointStats>;
}

/** Counts calls by endpoint key and status. */
export class CallStats {
  private total = 0;
  private readonly statuses = new Map<string, number>();
  private readonly endpoints = new Map<string, EndpointStats>();

  /** Records one finished call. */
  record(endpoint: string, status: number): void {
    this.total++;
    const statusKey = String(status);
    this.statuses.set(statusKey, (this.statuses.get(statusKey) ?? 0) + 1);
    let entry = this.endpoints.get(endpoint);
    if (!entry) {
      entry = { total: 0, byStatus: {} };
      this.endpoints.set(endpoint, entry);
    }
    entry.total++;
    entry.byStatus[statusKey] = (entry.byStatus[statusKey] ?? 0) + 1;
  }

  /** Calls to one endpoint, optionally with one status. */
  count(endpoint: string, status?: number): number {
    const entry = this.endpoints.get(endpoint);
    if (!entry) return 0;
    return status === undefined ? entry.total : (entry.byStatus[String(status)] ?? 0);
  }

  /** A copy of all counters. */
  snapshot(): StatsSnapshot {
    const byEndpoint: Record<string, EndpointStats> = {};
    for (const [key, entry] of [...this.endpoints.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      byEndpoint[key] = { total: entry.total, byStatus: { ...entry.byStatus } };
    }
    return { total: this.total, byStatus: Object.fromEntries(this.statuses), byEndpoint };
  }

  /** Sets all counters to zero. */
  reset(): void {
    this.total = 0;
    this.statuses.clear();
    this.endpoints.clear();
  }
}
