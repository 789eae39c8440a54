/**
 * The reads derived signals need, through the gateway's budget and retry policy: property history
 * (`propertiesWithHistory` on batch reads, which HubSpot allows for at most 50 records a call),
 * associations between any two object types (v4 batch read, 1,000 ids a call, paged), and the
 * scopes the app's token holds (for `setup`).
 */
import type { PropertyVersion } from '../core/derived-signals.js';
import type { CrmGateway } from './crm-gateway.js';
import { ASSOCIATION_BATCH_LIMIT, chunk, HubSpotError } from './crm-gateway-types.js';

/** Records per batch read with property history (hubspot.md §9: "… for property histories is 50."). */
export const HISTORY_BATCH_LIMIT = 50;

/** Object types whose histories and associations the app reads (the SDK's path names). */
export type HistoryObject = 'contacts' | 'meetings';

/** A record's property versions by property (any order; timestamps in epoch ms). */
export type PropertyHistories = Map<string, Record<string, PropertyVersion[]>>;

/** What the derived-signal use case reads from HubSpot. */
export interface DerivedReads {
  /** The histories of these properties of these records; ids HubSpot does not know are left out. */
  readHistories(
    object: HistoryObject,
    ids: readonly string[],
    properties: readonly string[],
  ): Promise<PropertyHistories>;
  /** The ids associated with each id (from one object type to another). */
  associatedIds(from: string, to: string, ids: readonly string[]): Promise<Map<string, string[]>>;
}

/** The {@link DerivedReads} of a gateway. */
export function derivedReads(gateway: CrmGateway): DerivedReads {
  return {
    readHistories: (object, ids, properties) => readHistories(gateway, object, ids, properties),
    associatedIds: (from, to, ids) => associatedIds(gateway, from, to, ids),
  };
}

/** Batch-reads property histories, 50 records a call. */
export async function readHistories(
  gateway: CrmGateway,
  object: HistoryObject,
  ids: readonly string[],
  properties: readonly string[],
): Promise<PropertyHistories> {
  const out: PropertyHistories = new Map();
  if (properties.length === 0) return out;
  for (const part of chunk([...new Set(ids)], HISTORY_BATCH_LIMIT)) {
    const response = await gateway.call(`${object}.batch.read.history`, () =>
      gateway.sdk.crm.objects.batchApi.read(object, {
        inputs: part.map((id) => ({ id })),
        properties: [],
        propertiesWithHistory: [...properties],
      }),
    );
    for (const record of response.results) {
      // fromEntries makes own properties, whatever HubSpot names them.
      const history = Object.fromEntries(
        Object.entries(record.propertiesWithHistory ?? {}).map(([name, versions]) => [
          name,
          versions.map((v) => ({
            value: v.value === '' ? null : v.value,
            timestamp: new Date(v.timestamp).getTime(),
          })),
        ]),
      );
      out.set(record.id, history);
    }
  }
  return out;
}

/**
 * The records associated with each record (v4 batch read, ≤1,000 ids a call). A record whose
 * associations run past HubSpot's page is read on with its `after` cursor in later calls; records
 * HubSpot answers with an error in its 207 (none associated, deleted) have none.
 */
export async function associatedIds(
  gateway: Pick<CrmGateway, 'call' | 'sdk'>,
  from: string,
  to: string,
  ids: readonly string[],
): Promise<Map<string, string[]>> {
  const found = new Map<string, Set<string>>(ids.map((id) => [id, new Set()]));
  const seen = new Set<string>();
  let inputs: { id: string; after?: string }[] = [...found.keys()].map((id) => ({ id }));
  while (inputs.length > 0) {
    const next: { id: string; after: string }[] = [];
    for (const part of chunk(inputs, ASSOCIATION_BATCH_LIMIT)) {
      const response = await gateway.call('associations.batch.read', () =>
        gateway.sdk.crm.associations.v4.batchApi.getPage(from, to, { inputs: part }),
      );
      for (const result of response.results) {
        const id = String(result._from.id);
        const set = found.get(id) ?? new Set<string>();
        found.set(id, set);
        for (const target of result.to) set.add(String(target.toObjectId));
        const after = result.paging?.next?.after;
        // A cursor seen before would loop: HubSpot's cursors move on, so stop rather than spin.
        if (after && !seen.has(`${id}:${after}`)) {
          seen.add(`${id}:${after}`);
          next.push({ id, after });
        }
      }
    }
    inputs = next;
  }
  return new Map([...found].map(([id, set]) => [id, [...set]]));
}

/**
 * The scopes the token holds (HubSpot's private apps guide: `POST
 * /oauth/v2/private-apps/get/access-token-info` with the token as `tokenKey`). The token goes to
 * HubSpot only, in the body, as the API asks; it is never logged.
 */
export async function tokenScopes(gateway: CrmGateway, accessToken: string): Promise<string[]> {
  const body = await gateway.call('oauth.token-info', async () => {
    const response = await gateway.sdk.apiRequest({
      method: 'POST',
      path: '/oauth/v2/private-apps/get/access-token-info',
      body: { tokenKey: accessToken },
    });
    const json: unknown = await response.json().catch(() => ({}));
    if (!response.ok)
      throw Object.assign(new Error(`HTTP ${response.status}`), { code: response.status, body: json });
    return json;
  });
  const scopes = (body as { scopes?: unknown }).scopes;
  if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string'))
    throw new HubSpotError('rejected', 'oauth.token-info: HubSpot answered without a list of scopes', 200);
  return scopes;
}
