/**
 * The only door to HubSpot's API: a small gateway over the official `@hubspot/api-client`,
 * shaped by what the use cases need. Every call draws from one shared rate budget, is retried by
 * one policy (429: wait out HubSpot's window or Retry-After; 5xx and network errors: exponential
 * backoff with jitter), and is counted by endpoint and status. What still fails is a
 * `HubSpotError` with a stable code, for the job layer to retry later or park.
 *
 * Batch writes can partly fail. HubSpot then answers 207 (multi-status) with `results` for the
 * records it wrote and `errors` for the others (`category`, `message`, `context.ids` or
 * `context.objectWriteTraceId`), and the SDK returns that without throwing. Every batch write
 * here returns the refused records with HubSpot's message (never retried as they are: the same
 * request would be refused again) and reports them through `onRejected`, for metrics and logs.
 */
import { Client } from '@hubspot/api-client';
import type { AssociationSpecAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/objects/tasks/index.js';
import type { RateBudget } from '../store/store.port.js';
import { associatedIds } from './crm-history.js';

import {
  classifyHubSpotError,
  type AccountDetails,
  AccountDetailsSchema,
  ApiAnswerError,
  type ApiErrorLike,
  BATCH_LIMIT,
  type CallCounter,
  type CallOptions,
  type CrmGatewayOptions,
  type CrmRecord,
  HubSpotError,
  type PropertyDefinition,
  type RecordRejection,
  TASK_TO_CONTACT_ASSOCIATION,
  type TaskInput,
  chunk,
  refusedIn,
} from './crm-gateway-types.js';
import { sendInHalves } from './rejections.js';

import { CrmDeals } from './crm-deals.js';

export * from './crm-gateway-types.js';
export { refusesEveryRecord, sendInHalves, summarizeRejections } from './rejections.js';
export type { DealInput, DealPipeline, DealStage } from './crm-deals.js';

export class CrmGateway {
  private readonly client: Client;
  private readonly budget: RateBudget;
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly maxRateLimitWaitMs: number;
  private readonly onCall: CallCounter;
  private readonly onRejected: NonNullable<CrmGatewayOptions['onRejected']>;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  /** Deals: associated with contacts, read, created; deal pipelines (see crm-deals.ts). */
  readonly deals: CrmDeals;

  constructor(options: CrmGatewayOptions) {
    this.client = new Client({
      accessToken: options.accessToken,
      basePath: options.basePath,
      // Retries and pacing are this gateway's job: one policy, one shared budget.
      numberOfApiCallRetries: 0,
      limiterOptions: { maxConcurrent: 8, minTime: 0 },
    });
    this.budget = options.budget;
    this.maxRetries = options.maxRetries ?? 4;
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.maxRateLimitWaitMs = options.maxRateLimitWaitMs ?? 10_000;
    this.onCall = options.onCall ?? (() => {});
    this.onRejected = options.onRejected ?? (() => {});
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.deals = new CrmDeals(this);
  }

  /**
   * The official client, for calls the named methods do not cover (the gateway's parts:
   * crm-deals.ts, crm-history.ts): make them through {@link call}.
   */
  get sdk(): Client {
    return this.client;
  }

  /** Batch-reads contacts (≤100 per call). Ids HubSpot does not know are returned as `missing`. */
  async readContacts(
    ids: readonly string[],
    properties: readonly string[],
  ): Promise<{ records: CrmRecord[]; missing: string[] }> {
    return this.batchRead('contacts', ids, properties);
  }

  async readCompanies(
    ids: readonly string[],
    properties: readonly string[],
  ): Promise<{ records: CrmRecord[]; missing: string[] }> {
    return this.batchRead('companies', ids, properties);
  }

  private async batchRead(
    object: 'contacts' | 'companies',
    ids: readonly string[],
    properties: readonly string[],
  ): Promise<{ records: CrmRecord[]; missing: string[] }> {
    const records: CrmRecord[] = [];
    for (const part of chunk([...new Set(ids)])) {
      const response = await this.call(`${object}.batch.read`, () =>
        this.client.crm[object].batchApi.read({
          inputs: part.map((id) => ({ id })),
          properties: [...properties],
          propertiesWithHistory: [],
        }),
      );
      for (const r of response.results) records.push({ id: r.id, properties: { ...r.properties } });
    }
    const found = new Set(records.map((r) => r.id));
    return { records, missing: ids.filter((id) => !found.has(id)) };
  }

  /**
   * The contacts associated with each company (associations v4 batch read, ≤1,000 companies a
   * call). A company whose contacts run past HubSpot's page is read on with its `after` cursor in
   * later calls (the cursors of several companies share a call). Companies HubSpot answers with
   * an error in its 207 (no associations; a deleted or merged-away company) have no contacts.
   */
  async companyContacts(companyIds: readonly string[]): Promise<Map<string, string[]>> {
    return associatedIds(this, 'companies', 'contacts', companyIds);
  }

  /**
   * Batch-updates contacts (≤100 per call). Records HubSpot refuses are returned in `rejected`
   * with its message: those a 207 names (a contact that no longer exists), and those of a batch
   * refused as a whole (an invalid value), which is split in halves to find the records at fault
   * so that one bad record cannot hold the others back.
   */
  async updateContacts(
    updates: readonly { id: string; properties: Record<string, string> }[],
  ): Promise<{ updated: number; rejected: { id: string; message: string }[] }> {
    const endpoint = 'contacts.batch.update';
    let updated = 0;
    const rejected: RecordRejection[] = [];
    const write = async (
      part: readonly { id: string; properties: Record<string, string> }[],
    ): Promise<void> => {
      const response = await this.call(endpoint, () =>
        this.client.crm.contacts.batchApi.update({ inputs: [...part] }),
      );
      const refused = refusedIn(response, 'ids');
      const written = new Set(response.results.map((r) => r.id));
      for (const { id } of part) {
        const why = refused.get(id);
        if (why === undefined && (written.has(id) || refused.size === 0)) {
          updated++;
          continue;
        }
        const { category, message } = why ?? { category: 'UNKNOWN', message: "not in HubSpot's results" };
        rejected.push({
          key: id,
          category,
          message: `${endpoint}: HubSpot refused this record (${category}: ${message})`,
        });
      }
    };
    for (const part of chunk(updates)) await sendInHalves(part, write, (u) => u.id, rejected);
    if (rejected.length > 0) this.onRejected(endpoint, rejected);
    return { updated, rejected: rejected.map((r) => ({ id: r.key, message: r.message })) };
  }

  /**
   * Creates tasks (batch, ≤100 per call), each associated with its contact (if any). Every input
   * carries its `ref` as HubSpot's `objectWriteTraceId`, so HubSpot creates the valid ones and
   * answers 207 naming the others; a batch refused as a whole is split in halves to find the
   * inputs at fault (an unknown owner, a deleted contact). Refused inputs are returned in
   * `rejected`, the others created.
   */
  async createTasks(
    tasks: readonly TaskInput[],
  ): Promise<{ created: Map<string, string>; rejected: { ref: string; message: string }[] }> {
    const endpoint = 'tasks.batch.create';
    const created = new Map<string, string>();
    const rejected: RecordRejection[] = [];
    const write = async (part: readonly TaskInput[]): Promise<void> => {
      const response = await this.call(endpoint, () =>
        this.client.crm.objects.tasks.batchApi.create({
          inputs: part.map((t) => ({
            properties: t.properties,
            objectWriteTraceId: t.ref,
            associations: (t.contactId === null ? [] : [t.contactId]).map((id) => ({
              to: { id },
              types: [
                {
                  // The SDK's enum value, without importing a CommonJS deep path at run time.
                  associationCategory: 'HUBSPOT_DEFINED' as AssociationSpecAssociationCategoryEnum,
                  associationTypeId: TASK_TO_CONTACT_ASSOCIATION,
                },
              ],
            })),
          })),
        }),
      );
      const refused = refusedIn(response, 'objectWriteTraceId');
      response.results.forEach((r, i) => {
        const ref = r.objectWriteTraceId ?? (refused.size === 0 ? part[i]?.ref : undefined);
        if (ref !== undefined) created.set(ref, r.id);
      });
      for (const { ref } of part) {
        if (created.has(ref)) continue;
        const { category, message } = refused.get(ref) ?? {
          category: 'UNKNOWN',
          message: "not in HubSpot's results",
        };
        rejected.push({
          key: ref,
          category,
          message: `${endpoint}: HubSpot refused this task (${category}: ${message})`,
        });
      }
    };
    for (const part of chunk(tasks)) await sendInHalves(part, write, (t) => t.ref, rejected);
    if (rejected.length > 0) this.onRejected(endpoint, rejected);
    return { created, rejected: rejected.map((r) => ({ ref: r.key, message: r.message })) };
  }

  /** One page of contacts (≤100), for rescoring a whole portal. */
  async listContacts(
    after: string | null,
    limit: number,
    properties: readonly string[],
  ): Promise<{ records: CrmRecord[]; next: string | null }> {
    const page = await this.call('contacts.list', () =>
      this.client.crm.contacts.basicApi.getPage(Math.min(limit, BATCH_LIMIT), after ?? undefined, [
        ...properties,
      ]),
    );
    return {
      records: page.results.map((r) => ({ id: r.id, properties: { ...r.properties } })),
      next: page.paging?.next?.after ?? null,
    };
  }

  /** How many contacts the portal has (one search call; for progress and ETAs). */
  async countContacts(): Promise<number> {
    const result = await this.call('contacts.search', () =>
      this.client.crm.contacts.searchApi.doSearch({
        filterGroups: [],
        sorts: [],
        properties: ['hs_object_id'],
        limit: 1,
        after: '0',
      }),
    );
    return result.total;
  }

  /** The internal values of an enumeration property's options (e.g. the portal's lifecycle stages). */
  async propertyOptions(objectType: 'contacts' | 'companies', name: string): Promise<string[]> {
    const property = await this.call('properties.read', () =>
      this.client.crm.properties.coreApi.getByName(objectType, name),
    );
    return property.options.map((o) => o.value);
  }

  /** A property's label, type and options (value and label): the settings page's pickers, `validate-model --portal`. */
  async propertyDefinition(
    objectType: 'contacts' | 'companies' | 'meetings',
    name: string,
  ): Promise<{ name: string; label: string; type: string; options: { value: string; label: string }[] }> {
    const p = await this.call('properties.read', () =>
      this.client.crm.properties.coreApi.getByName(objectType, name),
    );
    const options = p.options.filter((o) => !o.hidden).map((o) => ({ value: o.value, label: o.label }));
    return { name: p.name, label: p.label, type: p.type, options };
  }

  /** The portal's active owners with their teams (every page), for routing pickers. */
  async listOwners(): Promise<
    { id: string; name: string; email: string; teams: { id: string; name: string }[] }[]
  > {
    const owners: Awaited<ReturnType<CrmGateway['listOwners']>> = [];
    let after: string | undefined;
    do {
      const page = await this.call('owners.list', () =>
        this.client.crm.owners.ownersApi.getPage(undefined, after, 500, false),
      );
      for (const o of page.results)
        owners.push({
          id: o.id,
          name: [o.firstName, o.lastName].filter(Boolean).join(' ') || (o.email ?? `owner ${o.id}`),
          email: o.email ?? '',
          teams: (o.teams ?? []).map((t) => ({ id: t.id, name: t.name })),
        });
      after = page.paging?.next?.after;
    } while (after);
    return owners;
  }

  /**
   * Creates the property group and the properties that do not exist yet (existing ones are left
   * as they are). Safe to run on every start.
   */
  async ensureContactProperties(
    group: { name: string; label: string },
    definitions: readonly PropertyDefinition[],
  ): Promise<{ created: string[]; existing: string[] }> {
    const all = await this.call('properties.list', () =>
      this.client.crm.properties.coreApi.getAll('contacts'),
    );
    const existingNames = new Set(all.results.map((p) => p.name));
    const groups = await this.call('properties.groups.list', () =>
      this.client.crm.properties.groupsApi.getAll('contacts'),
    );
    if (!groups.results.some((g) => g.name === group.name)) {
      await this.call('properties.groups.create', () =>
        this.client.crm.properties.groupsApi.create('contacts', {
          name: group.name,
          label: group.label,
          displayOrder: -1,
        }),
      );
    }
    const created: string[] = [];
    const existing: string[] = [];
    for (const def of definitions) {
      if (existingNames.has(def.name)) {
        existing.push(def.name);
        continue;
      }
      try {
        await this.call('properties.create', () =>
          this.client.crm.properties.coreApi.create('contacts', {
            name: def.name,
            label: def.label,
            type: def.type as never,
            fieldType: def.fieldType as never,
            groupName: group.name,
            description: def.description,
            options: (def.options ?? []).map((o, i) => ({
              label: o.label,
              value: o.value,
              displayOrder: o.displayOrder ?? i,
              hidden: false,
            })),
          }),
        );
        created.push(def.name);
      } catch (error) {
        // Another instance created it between our read and our write: that is the goal reached.
        if (error instanceof HubSpotError && error.status === 409) existing.push(def.name);
        else throw error;
      }
    }
    return { created, existing };
  }

  /**
   * Completes blocked workflow actions (batch, ≤100 per call; output values are strings).
   * HubSpot refuses a completion it no longer waits for (an unknown or expired callback); a batch
   * it refuses is split in halves to find those, so the others are still completed. Refused ones
   * are returned in `rejected` with HubSpot's message. Transient failures throw `HubSpotError`.
   */
  async completeCallbacks(
    completions: readonly { callbackId: string; outputFields: Record<string, string> }[],
  ): Promise<{ completed: string[]; rejected: { callbackId: string; message: string }[] }> {
    const endpoint = 'automation.callbacks.complete';
    const completed: string[] = [];
    const rejected: RecordRejection[] = [];
    const complete = async (
      part: readonly { callbackId: string; outputFields: Record<string, string> }[],
    ): Promise<void> => {
      await this.call(endpoint, () =>
        this.client.automation.actions.callbacksApi.completeBatch({
          inputs: part.map((c) => ({ callbackId: c.callbackId, outputFields: c.outputFields })),
        }),
      );
      completed.push(...part.map((c) => c.callbackId));
    };
    for (const part of chunk(completions)) await sendInHalves(part, complete, (c) => c.callbackId, rejected);
    if (rejected.length > 0) this.onRejected(endpoint, rejected);
    return { completed, rejected: rejected.map((r) => ({ callbackId: r.key, message: r.message })) };
  }

  /**
   * The portal the access token belongs to, from HubSpot's account-info API (scope `oauth`). A
   * private app's static token belongs to exactly one portal: the service serves only that one.
   */
  async accountDetails(options: CallOptions = {}): Promise<AccountDetails> {
    const body = await this.call(
      'account.details',
      async () => {
        const response = await this.client.apiRequest({ method: 'GET', path: '/account-info/v3/details' });
        const json: unknown = await response.json().catch(() => ({}));
        if (!response.ok)
          throw new ApiAnswerError(response.status, json, Object.fromEntries(response.headers.entries()));
        return json;
      },
      options,
    );
    const parsed = AccountDetailsSchema.safeParse(body);
    if (!parsed.success)
      throw new HubSpotError('rejected', 'account.details: HubSpot answered without a portalId', 200);
    return {
      portalId: parsed.data.portalId,
      accountType: parsed.data.accountType ?? null,
      timeZone: parsed.data.timeZone ?? null,
      dataHostingLocation: parsed.data.dataHostingLocation ?? null,
    };
  }

  /**
   * Runs one HubSpot call under the budget and the retry policy. Exposed for the few calls the
   * named methods do not cover; `endpoint` names it in metrics.
   */
  async call<T>(endpoint: string, request: () => Promise<T>, options: CallOptions = {}): Promise<T> {
    const retries = options.retries ?? this.maxRetries;
    for (let attempt = 0; ; attempt++) {
      if (options.budgeted ?? true) await this.budget.acquire();
      const started = performance.now();
      try {
        const result = await request();
        this.onCall(endpoint, 200, performance.now() - started);
        return result;
      } catch (caught) {
        const error = caught as ApiErrorLike;
        const status = typeof error.code === 'number' && error.code >= 100 ? error.code : null;
        this.onCall(endpoint, status ?? 'network', performance.now() - started);
        const failure = classifyHubSpotError(error, status, endpoint);
        if (
          failure.code === 'rejected' ||
          attempt >= retries ||
          (failure.status === 429 && failure.retryAfterMs === null)
        )
          throw failure;
        const wait =
          failure.retryAfterMs !== null
            ? Math.min(failure.retryAfterMs, this.maxRateLimitWaitMs)
            : this.baseDelayMs * 2 ** attempt * (0.5 + this.random());
        await this.sleep(wait);
      }
    }
  }
}
