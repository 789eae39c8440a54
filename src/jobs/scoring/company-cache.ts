/**
 * A small time-bounded cache of company properties: companies change rarely and are shared by
 * many contacts, so a burst of contact events reads each company once.
 */
export class CompanyCache {
  private readonly entries = new Map<string, { properties: Record<string, string | null>; until: number }>();
  constructor(
    private readonly ttlMs = 10 * 60_000,
    private readonly maxEntries = 50_000,
  ) {}

  get(id: string, now: number): Record<string, string | null> | undefined {
    const hit = this.entries.get(id);
    return hit && hit.until > now ? hit.properties : undefined;
  }

  set(id: string, properties: Record<string, string | null>, now: number): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(id, { properties, until: now + this.ttlMs });
  }

  /** Forget a company (its properties changed). */
  delete(id: string): void {
    this.entries.delete(id);
  }
}
