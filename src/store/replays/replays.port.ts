/**
 * The replay aggregate: which signed requests were already accepted. A v3 signature is valid for
 * HubSpot's 5-minute window, so a captured request could be sent again within it; recording each
 * accepted signature until its window closes lets the second use be refused. On PostgreSQL the
 * record is shared by every instance.
 */

export interface ReplayStore {
  /**
   * Records `key` (e.g. a signature) as used until `expiresAt`; true when it was not in use, false
   * when it is a replay. Keys whose time has passed (`expiresAt <= now`) are forgotten.
   */
  firstUse(key: string, expiresAt: number, now: number): Promise<boolean>;
}
