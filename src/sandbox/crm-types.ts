/** The CRM store's public types: stored records, owners, write sources, change events, options and seed input. */
import type { ObjectType } from './object-types.js';

/** One stored CRM record. Property values are strings, as HubSpot returns them. */
export interface StoredObject {
  id: string;
  type: ObjectType;
  properties: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  archivedAt?: number;
}

/** A HubSpot user who can own records. */
export interface Owner {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  userId: number;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  teams: { id: string; name: string; primary: boolean }[];
}

/** Who made a write, as HubSpot reports it in webhooks (`changeSource`, `sourceId`). */
export interface WriteSource {
  changeSource: string;
  sourceId?: string;
}

/** A change the store accepted. */
export type CrmChange =
  | { kind: 'creation'; objectType: ObjectType; objectId: string; occurredAt: number; source: WriteSource }
  | { kind: 'deletion'; objectType: ObjectType; objectId: string; occurredAt: number; source: WriteSource }
  | {
      kind: 'propertyChange';
      objectType: ObjectType;
      objectId: string;
      propertyName: string;
      propertyValue: string;
      occurredAt: number;
      source: WriteSource;
    }
  | {
      /** One side of an association added or removed (HubSpot reports each side as its own event). */
      kind: 'associationChange';
      /** The "from" side. */
      objectType: ObjectType;
      objectId: string;
      toObjectType: ObjectType;
      toObjectId: string;
      /** The HubSpot-defined type id, seen from the "from" side (1: contact → its primary company). */
      associationTypeId: number;
      removed: boolean;
      primary: boolean;
      occurredAt: number;
      source: WriteSource;
    };

/** What to do with a write that moves `lifecyclestage` backward. */
export type LifecycleBackwardPolicy = 'refuse' | 'ignore';

/** Options of {@link CrmStore}. */
export interface CrmStoreOptions {
  now: () => number;
  /** Default `refuse`: a 400 validation error. `ignore` drops the value and keeps the rest of the write. */
  lifecycleBackwardWrite?: LifecycleBackwardPolicy;
}

/** An association requested in a create body. */
export interface AssociationInput {
  to: { id: string };
  types: { associationCategory: string; associationTypeId: number }[];
}

/** One associated object with the association type ids that link to it. */
export interface AssociatedRecord {
  toId: string;
  typeIds: number[];
}

/** One value a property held, as HubSpot's `propertiesWithHistory` lists it. */
export interface PropertyVersionRecord {
  /** The value ('' when it was cleared). */
  value: string;
  timestamp: number;
  /** Who wrote it: the write's change source (`CRM_UI`, `INTEGRATION`, `FORM`, …). */
  sourceType: string;
  sourceId?: string;
}

/** Input for {@link CrmStore.load}. */
export interface CrmSeed {
  owners?: readonly Owner[];
  objects?: readonly {
    type: ObjectType;
    id: string;
    properties: Record<string, string>;
    createdAt: number;
  }[];
  associations?: readonly {
    fromType: ObjectType;
    fromId: string;
    toType: ObjectType;
    toId: string;
    typeIds: number[];
  }[];
  /** Property histories of loaded records (what `propertiesWithHistory` answers for them). */
  history?: readonly {
    type: ObjectType;
    id: string;
    name: string;
    versions: readonly PropertyVersionRecord[];
  }[];
}
