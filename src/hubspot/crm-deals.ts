/**
 * Deals through the gateway (the same budget, retries and 207 handling as every other call):
 * which deals a batch of contacts has (associations v4 batch read, 1,000 contacts a call, paging
 * per contact), which contacts a batch of deals has, the deals' facts (batch read, 100 a call;
 * or every deal of the portal, listed 100 a page),
 * the deal pipelines with their stages, and creating a deal with its contact and company
 * associations in one call (`associations` in the create body).
 */
import type { Client } from '@hubspot/api-client';
import type { AssociationSpecAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/deals/index.js';
import { BATCH_LIMIT, type CrmRecord, chunk, HubSpotError } from './crm-gateway-types.js';
import { associatedIds } from './crm-history.js';

/** What a deal is read with: the facts the funnel keeps. */
export const DEAL_PROPERTIES = [
  'dealname',
  'amount',
  'dealstage',
  'pipeline',
  'closedate',
  'createdate',
  'hubspot_owner_id',
  'hs_is_closed',
  'hs_is_closed_won',
] as const;

/**
 * HubSpot-defined association types a created deal gets (HubSpot's association type list):
 * deal → contact 3, deal → company 5 (its primary company).
 */
export const DEAL_TO_CONTACT_ASSOCIATION = 3;
export const DEAL_TO_PRIMARY_COMPANY_ASSOCIATION = 5;

/** A stage of a deal pipeline, its metadata read. */
export interface DealStage {
  id: string;
  label: string;
  isClosed: boolean;
  /** Win probability 0–1, null when HubSpot gives none. */
  probability: number | null;
}

export interface DealPipeline {
  id: string;
  label: string;
  stages: DealStage[];
}

/** A deal to create: its properties, its contact, and its company (if any). */
export interface DealInput {
  properties: Record<string, string>;
  contactId: string;
  companyId: string | null;
}

/** What the deal calls need of the gateway: its call policy and its SDK client. */
export interface GatewayCore {
  call<T>(endpoint: string, request: () => Promise<T>): Promise<T>;
  readonly sdk: Client;
}

/** The deal calls of one gateway. */
export class CrmDeals {
  constructor(private readonly gateway: GatewayCore) {}

  /** The deal ids associated with each contact. */
  ofContacts(contactIds: readonly string[]): Promise<Map<string, string[]>> {
    return associatedIds(this.gateway, 'contacts', 'deals', [...new Set(contactIds)]);
  }

  /** The contact ids associated with each deal. */
  contactsOf(dealIds: readonly string[]): Promise<Map<string, string[]>> {
    return associatedIds(this.gateway, 'deals', 'contacts', [...new Set(dealIds)]);
  }

  /** Batch-reads deals (≤100 a call) with {@link DEAL_PROPERTIES}; ids HubSpot does not know are `missing`. */
  async read(dealIds: readonly string[]): Promise<{ records: CrmRecord[]; missing: string[] }> {
    const records: CrmRecord[] = [];
    for (const part of chunk([...new Set(dealIds)])) {
      const response = await this.gateway.call('deals.batch.read', () =>
        this.gateway.sdk.crm.deals.batchApi.read({
          inputs: part.map((id) => ({ id })),
          properties: [...DEAL_PROPERTIES],
          propertiesWithHistory: [],
        }),
      );
      for (const r of response.results) records.push({ id: r.id, properties: { ...r.properties } });
    }
    const found = new Set(records.map((r) => r.id));
    return { records, missing: dealIds.filter((id) => !found.has(id)) };
  }

  /** One page of the portal's deals (≤100) with {@link DEAL_PROPERTIES}, in id order; `next` reads on. */
  async list(
    after: string | null,
    limit = BATCH_LIMIT,
  ): Promise<{ records: CrmRecord[]; next: string | null }> {
    const page = await this.gateway.call('deals.list', () =>
      this.gateway.sdk.crm.deals.basicApi.getPage(Math.min(limit, BATCH_LIMIT), after ?? undefined, [
        ...DEAL_PROPERTIES,
      ]),
    );
    return {
      records: page.results.map((r) => ({ id: r.id, properties: { ...r.properties } })),
      next: page.paging?.next?.after ?? null,
    };
  }

  /** The portal's deal pipelines and their stages (`metadata.isClosed`, `metadata.probability`). */
  async pipelines(): Promise<DealPipeline[]> {
    const response = await this.gateway.call('pipelines.list', () =>
      this.gateway.sdk.crm.pipelines.pipelinesApi.getAll('deals'),
    );
    return response.results.map((p) => ({
      id: p.id,
      label: p.label,
      stages: [...p.stages]
        .sort((a, b) => a.displayOrder - b.displayOrder)
        .map((s) => {
          const probability = Number(s.metadata?.probability);
          return {
            id: s.id,
            label: s.label,
            isClosed: s.metadata?.isClosed === 'true',
            probability:
              s.metadata?.probability !== undefined && Number.isFinite(probability) ? probability : null,
          };
        }),
    }));
  }

  /**
   * Creates one deal associated with its contact and its company, in one call. Throws
   * `HubSpotError` (`rejected` when HubSpot refuses it: an unknown stage or owner, a deleted contact).
   */
  async create(input: DealInput): Promise<string> {
    const spec = (typeId: number) => [
      // The SDK's enum value, without importing a CommonJS deep path at run time.
      {
        associationCategory: 'HUBSPOT_DEFINED' as AssociationSpecAssociationCategoryEnum,
        associationTypeId: typeId,
      },
    ];
    const associations = [
      { to: { id: input.contactId }, types: spec(DEAL_TO_CONTACT_ASSOCIATION) },
      ...(input.companyId === null
        ? []
        : [{ to: { id: input.companyId }, types: spec(DEAL_TO_PRIMARY_COMPANY_ASSOCIATION) }]),
    ];
    const created = await this.gateway.call('deals.create', () =>
      this.gateway.sdk.crm.deals.basicApi.create({ properties: input.properties, associations }),
    );
    if (!created.id) throw new HubSpotError('rejected', 'deals.create: HubSpot answered without an id', 201);
    return created.id;
  }
}
