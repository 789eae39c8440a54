/** Records HubSpot refused in a batch write: which refusals halving cannot help, and how to log them. */
import { HubSpotError, type RecordRejection } from './crm-gateway-types.js';

/**
 * A batch write HubSpot refused for a reason every record of it shares: a property that does not
 * exist in the portal (`PROPERTY_DOESNT_EXIST` in its validation errors).
 */
export function refusesEveryRecord(error: HubSpotError): boolean {
  return error.message.includes('PROPERTY_DOESNT_EXIST');
}

/**
 * Sends one batch; when HubSpot refuses it as a whole (a 4xx other than 429), splits it in halves
 * to find the inputs at fault, so one bad input cannot hold the others back. An input refused
 * alone, or a batch refused for a reason every input shares, is added to `rejected` under `keyOf`.
 * Transient failures are thrown.
 */
export async function sendInHalves<T>(
  part: readonly T[],
  send: (part: readonly T[]) => Promise<void>,
  keyOf: (input: T) => string,
  rejected: RecordRejection[],
): Promise<void> {
  try {
    await send(part);
  } catch (error) {
    if (!(error instanceof HubSpotError) || error.code !== 'rejected') throw error;
    if (part.length === 1 || refusesEveryRecord(error)) {
      const category = error.category ?? 'UNKNOWN';
      for (const input of part) rejected.push({ key: keyOf(input), category, message: error.message });
      return;
    }
    const half = Math.ceil(part.length / 2);
    await sendInHalves(part.slice(0, half), send, keyOf, rejected);
    await sendInHalves(part.slice(half), send, keyOf, rejected);
  }
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
