/** Records HubSpot refused in a batch write: which refusals halving cannot help, and how to log them. */
import type { HubSpotError, RecordRejection } from './crm-gateway-types.js';

/**
 * A batch write HubSpot refused for a reason every record of it shares: a property that does not
 * exist in the portal (`PROPERTY_DOESNT_EXIST` in its validation errors).
 */
export function refusesEveryRecord(error: HubSpotError): boolean {
  return error.message.includes('PROPERTY_DOESNT_EXIST');
}

/**
 * Refused records grouped by HubSpot's message, for one log line per cause rather than one entry
 * per record: `{ message, category, count, keys }` with at most `sample` keys each.
 */
export function summarizeRejections(
  rejected: readonly RecordRejection[],
  sample = 5,
): { message: string; category: string; count: number; keys: string[] }[] {
  const groups = new Map<string, { message: string; category: string; count: number; keys: string[] }>();
  for (const r of rejected) {
    const group = groups.get(r.message) ?? { message: r.message, category: r.category, count: 0, keys: [] };
    group.count++;
    if (group.keys.length < sample) group.keys.push(r.key);
    groups.set(r.message, group);
  }
  return [...groups.values()];
}
