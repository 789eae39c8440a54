/**
 * The CRM object types the sandbox serves, their names in paths, and HubSpot's association
 * type ids between them.
 */

/** Object types the sandbox stores. */
export type ObjectType = 'contacts' | 'companies' | 'tasks' | 'meetings' | 'deals';

/** All object types, in a fixed order. */
export const OBJECT_TYPES: readonly ObjectType[] = ['contacts', 'companies', 'tasks', 'meetings', 'deals'];

const ALIASES: Readonly<Record<string, ObjectType>> = {
  contacts: 'contacts',
  contact: 'contacts',
  '0-1': 'contacts',
  companies: 'companies',
  company: 'companies',
  '0-2': 'companies',
  tasks: 'tasks',
  task: 'tasks',
  '0-27': 'tasks',
  meetings: 'meetings',
  meeting: 'meetings',
  meeting_event: 'meetings',
  meeting_events: 'meetings',
  '0-47': 'meetings',
  deals: 'deals',
  deal: 'deals',
  '0-3': 'deals',
};

/** Resolves a path segment (`contacts`, `contact`, `0-1`, ...) to an object type. */
export const resolveObjectType = (segment: string): ObjectType | undefined => ALIASES[segment.toLowerCase()];

/** HubSpot's object type ids (`objectTypeId` in generic webhooks). */
export const OBJECT_TYPE_IDS: Readonly<Record<ObjectType, string>> = {
  contacts: '0-1',
  companies: '0-2',
  tasks: '0-27',
  meetings: '0-47',
  deals: '0-3',
};

/** Singular names used in legacy webhook subscription types and v3 association type names. */
export const SINGULAR: Readonly<Record<ObjectType, string>> = {
  contacts: 'contact',
  companies: 'company',
  tasks: 'task',
  meetings: 'meeting',
  deals: 'deal',
};

/** Upper-case names used in messages and workflow payloads (`CONTACT`). */
export const UPPER_NAME: Readonly<Record<ObjectType, string>> = {
  contacts: 'CONTACT',
  companies: 'COMPANY',
  tasks: 'TASK',
  meetings: 'MEETING',
  deals: 'DEAL',
};

/** A HubSpot-defined association type between two object types. */
export interface AssociationTypeDefinition {
  from: ObjectType;
  to: ObjectType;
  typeId: number;
  label: string | null;
  /** The type id of the same association seen from the other side. */
  inverseTypeId: number;
  /** The name v3 uses in `associations.<type>.results[].type`. */
  v3Name: string;
}

/** HubSpot-defined association types (category HUBSPOT_DEFINED) between the sandbox's object types. */
export const ASSOCIATION_TYPES: readonly AssociationTypeDefinition[] = [
  {
    from: 'contacts',
    to: 'companies',
    typeId: 1,
    label: 'Primary',
    inverseTypeId: 2,
    v3Name: 'contact_to_company',
  },
  {
    from: 'contacts',
    to: 'companies',
    typeId: 279,
    label: null,
    inverseTypeId: 280,
    v3Name: 'contact_to_company_unlabeled',
  },
  {
    from: 'companies',
    to: 'contacts',
    typeId: 2,
    label: 'Primary',
    inverseTypeId: 1,
    v3Name: 'company_to_contact',
  },
  {
    from: 'companies',
    to: 'contacts',
    typeId: 280,
    label: null,
    inverseTypeId: 279,
    v3Name: 'company_to_contact_unlabeled',
  },
  { from: 'tasks', to: 'contacts', typeId: 204, label: null, inverseTypeId: 203, v3Name: 'task_to_contact' },
  { from: 'contacts', to: 'tasks', typeId: 203, label: null, inverseTypeId: 204, v3Name: 'contact_to_task' },
  { from: 'tasks', to: 'companies', typeId: 192, label: null, inverseTypeId: 191, v3Name: 'task_to_company' },
  { from: 'companies', to: 'tasks', typeId: 191, label: null, inverseTypeId: 192, v3Name: 'company_to_task' },
  {
    from: 'meetings',
    to: 'contacts',
    typeId: 200,
    label: null,
    inverseTypeId: 199,
    v3Name: 'meeting_event_to_contact',
  },
  {
    from: 'contacts',
    to: 'meetings',
    typeId: 199,
    label: null,
    inverseTypeId: 200,
    v3Name: 'contact_to_meeting_event',
  },
  // Deals (HubSpot's association type list): deal → contact 3 / contact → deal 4; deal → company
  // 5 / company → deal 6 are the primary company, 341 / 342 the unlabeled association.
  { from: 'deals', to: 'contacts', typeId: 3, label: null, inverseTypeId: 4, v3Name: 'deal_to_contact' },
  { from: 'contacts', to: 'deals', typeId: 4, label: null, inverseTypeId: 3, v3Name: 'contact_to_deal' },
  {
    from: 'deals',
    to: 'companies',
    typeId: 5,
    label: 'Primary',
    inverseTypeId: 6,
    v3Name: 'deal_to_company',
  },
  {
    from: 'companies',
    to: 'deals',
    typeId: 6,
    label: 'Primary',
    inverseTypeId: 5,
    v3Name: 'company_to_deal',
  },
  {
    from: 'deals',
    to: 'companies',
    typeId: 341,
    label: null,
    inverseTypeId: 342,
    v3Name: 'deal_to_company_unlabeled',
  },
  {
    from: 'companies',
    to: 'deals',
    typeId: 342,
    label: null,
    inverseTypeId: 341,
    v3Name: 'company_to_deal_unlabeled',
  },
];

/** Finds a HubSpot-defined association type by its source type and id. */
export const findAssociationType = (
  from: ObjectType,
  typeId: number,
): AssociationTypeDefinition | undefined =>
  ASSOCIATION_TYPES.find((type) => type.from === from && type.typeId === typeId);
