/**
 * Built-in property groups and property definitions, with HubSpot's internal option values
 * (hubspot.md §7). Custom properties created through the API are added to a copy of these.
 */
import type { ObjectType } from './object-types.js';
import { DEAL_SPECS } from './deal-properties.js';
import { stageDateSpecs } from './stage-dates.js';
import { INDUSTRIES, MORE_INDUSTRY_OPTIONS } from './industries.js';

export { stageEnteredProperty } from './stage-dates.js';
export { INDUSTRIES } from './industries.js';

/** HubSpot property data types. */
export type PropertyType = 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool';

/** One option of an enumeration property. */
export interface PropertyOption {
  label: string;
  value: string;
  displayOrder: number;
  hidden: boolean;
  description?: string;
}

/** A property definition as the sandbox keeps it. */
export interface PropertyDefinition {
  name: string;
  label: string;
  type: PropertyType;
  fieldType: string;
  groupName: string;
  description: string;
  options: PropertyOption[];
  displayOrder: number;
  hidden: boolean;
  formField: boolean;
  hasUniqueValue: boolean;
  hubspotDefined: boolean;
  /** Clients cannot write it (e.g. `hs_object_id`). */
  readOnlyValue: boolean;
  externalOptions: boolean;
  referencedObjectType?: string;
  createdAt: number;
  updatedAt: number;
}

/** A property group. */
export interface PropertyGroupDefinition {
  name: string;
  label: string;
  displayOrder: number;
  archived: boolean;
}

/** Lifecycle stages in HubSpot's default order; writes may only move forward in it. */
export const LIFECYCLE_STAGES = [
  'subscriber',
  'lead',
  'marketingqualifiedlead',
  'salesqualifiedlead',
  'opportunity',
  'customer',
  'evangelist',
  'other',
] as const;

const LIFECYCLE_LABELS: Record<(typeof LIFECYCLE_STAGES)[number], string> = {
  subscriber: 'Subscriber',
  lead: 'Lead',
  marketingqualifiedlead: 'Marketing Qualified Lead',
  salesqualifiedlead: 'Sales Qualified Lead',
  opportunity: 'Opportunity',
  customer: 'Customer',
  evangelist: 'Evangelist',
  other: 'Other',
};

/** HubSpot's default lead status values. */
export const LEAD_STATUSES = [
  'NEW',
  'OPEN',
  'IN_PROGRESS',
  'OPEN_DEAL',
  'UNQUALIFIED',
  'ATTEMPTED_TO_CONTACT',
  'CONNECTED',
  'BAD_TIMING',
] as const;

/** Option values of the contact's employee-range enumeration. */
export const EMPLOYEE_RANGES = ['1-5', '5-25', '25-50', '50-100', '100-500', '500-1000', '1000+'] as const;

const titleCase = (value: string): string =>
  value
    .toLowerCase()
    .split('_')
    .map((word) => (word.length <= 2 && word !== 'it' ? word : word.charAt(0).toUpperCase() + word.slice(1)))
    .join(' ');

const options = (values: readonly string[], label: (value: string) => string = (v) => v): PropertyOption[] =>
  values.map((value, index) => ({ label: label(value), value, displayOrder: index, hidden: false }));

/** A fixed creation time for built-in definitions, so responses are stable. */
const BUILT_IN_AT = Date.UTC(2019, 0, 1);

interface Spec {
  name: string;
  label: string;
  type: PropertyType;
  fieldType?: string;
  group: string;
  options?: PropertyOption[];
  unique?: boolean;
  readOnly?: boolean;
  owner?: boolean;
}

const DEFAULT_FIELD_TYPE: Record<PropertyType, string> = {
  string: 'text',
  number: 'number',
  date: 'date',
  datetime: 'date',
  enumeration: 'select',
  bool: 'booleancheckbox',
};

const define = (spec: Spec, displayOrder: number): PropertyDefinition => ({
  name: spec.name,
  label: spec.label,
  type: spec.type,
  fieldType: spec.fieldType ?? DEFAULT_FIELD_TYPE[spec.type],
  groupName: spec.group,
  description: '',
  options: spec.options ?? [],
  displayOrder,
  hidden: false,
  formField: !spec.readOnly,
  hasUniqueValue: spec.unique ?? false,
  hubspotDefined: true,
  readOnlyValue: spec.readOnly ?? false,
  externalOptions: spec.owner ?? false,
  ...(spec.owner ? { referencedObjectType: 'OWNER' } : {}),
  createdAt: BUILT_IN_AT,
  updatedAt: BUILT_IN_AT,
});

const lifecycle = (group: string): Spec => ({
  name: 'lifecyclestage',
  label: 'Lifecycle Stage',
  type: 'enumeration',
  fieldType: 'radio',
  group,
  options: options(LIFECYCLE_STAGES, (value) => LIFECYCLE_LABELS[value as keyof typeof LIFECYCLE_LABELS]),
});

const owner = (group: string): Spec => ({
  name: 'hubspot_owner_id',
  label: 'Contact owner',
  type: 'enumeration',
  group,
  owner: true,
});

const CONTACT_SPECS: Spec[] = [
  { name: 'hs_object_id', label: 'Record ID', type: 'number', group: 'contactinformation', readOnly: true },
  {
    name: 'associatedcompanyid',
    label: 'Primary Associated Company ID',
    type: 'number',
    group: 'contactinformation',
    readOnly: true,
  },
  { name: 'createdate', label: 'Create Date', type: 'datetime', group: 'contactinformation' },
  {
    name: 'lastmodifieddate',
    label: 'Last Modified Date',
    type: 'datetime',
    group: 'contactinformation',
    readOnly: true,
  },
  { name: 'email', label: 'Email', type: 'string', group: 'contactinformation', unique: true },
  { name: 'firstname', label: 'First Name', type: 'string', group: 'contactinformation' },
  { name: 'lastname', label: 'Last Name', type: 'string', group: 'contactinformation' },
  { name: 'jobtitle', label: 'Job Title', type: 'string', group: 'contactinformation' },
  { name: 'company', label: 'Company Name', type: 'string', group: 'contactinformation' },
  { name: 'country', label: 'Country/Region', type: 'string', group: 'contactinformation' },
  { name: 'city', label: 'City', type: 'string', group: 'contactinformation' },
  {
    name: 'phone',
    label: 'Phone Number',
    type: 'string',
    fieldType: 'phonenumber',
    group: 'contactinformation',
  },
  { name: 'website', label: 'Website URL', type: 'string', group: 'contactinformation' },
  { name: 'industry', label: 'Industry', type: 'string', group: 'contactinformation' },
  {
    name: 'numemployees',
    label: 'Number of Employees',
    type: 'enumeration',
    group: 'contactinformation',
    options: options(EMPLOYEE_RANGES),
  },
  {
    name: 'numberofemployees',
    label: 'Number of Employees (range)',
    type: 'enumeration',
    group: 'contactinformation',
    options: options(EMPLOYEE_RANGES),
  },
  lifecycle('contactinformation'),
  {
    name: 'hs_lead_status',
    label: 'Lead Status',
    type: 'enumeration',
    fieldType: 'radio',
    group: 'sales_properties',
    options: options(LEAD_STATUSES, titleCase),
  },
  owner('sales_properties'),
  {
    name: 'hs_analytics_num_page_views',
    label: 'Number of Pageviews',
    type: 'number',
    group: 'analyticsinformation',
  },
  {
    name: 'hs_analytics_num_visits',
    label: 'Number of Sessions',
    type: 'number',
    group: 'analyticsinformation',
  },
  {
    name: 'hs_analytics_last_visit_timestamp',
    label: 'Time of Last Session',
    type: 'datetime',
    group: 'analyticsinformation',
  },
  {
    name: 'num_conversion_events',
    label: 'Number of Form Submissions',
    type: 'number',
    group: 'conversioninformation',
  },
  {
    name: 'recent_conversion_event_name',
    label: 'Recent Conversion',
    type: 'string',
    group: 'conversioninformation',
  },
  {
    name: 'first_conversion_event_name',
    label: 'First Conversion',
    type: 'string',
    group: 'conversioninformation',
  },
  {
    name: 'recent_conversion_date',
    label: 'Recent Conversion Date',
    type: 'datetime',
    group: 'conversioninformation',
  },
  { name: 'hs_email_optout', label: 'Unsubscribed from all email', type: 'bool', group: 'emailinformation' },
  ...stageDateSpecs(LIFECYCLE_STAGES.map((stage) => ({ stage, label: LIFECYCLE_LABELS[stage] }))),
];

const COMPANY_SPECS: Spec[] = [
  { name: 'hs_object_id', label: 'Record ID', type: 'number', group: 'companyinformation', readOnly: true },
  { name: 'createdate', label: 'Create Date', type: 'datetime', group: 'companyinformation' },
  {
    name: 'hs_lastmodifieddate',
    label: 'Last Modified Date',
    type: 'datetime',
    group: 'companyinformation',
    readOnly: true,
  },
  { name: 'name', label: 'Company name', type: 'string', group: 'companyinformation' },
  { name: 'domain', label: 'Company Domain Name', type: 'string', group: 'companyinformation' },
  { name: 'website', label: 'Website URL', type: 'string', group: 'companyinformation' },
  {
    name: 'industry',
    label: 'Industry',
    type: 'enumeration',
    group: 'companyinformation',
    options: options([...INDUSTRIES, ...MORE_INDUSTRY_OPTIONS], titleCase),
  },
  { name: 'numberofemployees', label: 'Number of Employees', type: 'number', group: 'companyinformation' },
  { name: 'annualrevenue', label: 'Annual Revenue', type: 'number', group: 'companyinformation' },
  { name: 'country', label: 'Country/Region', type: 'string', group: 'companyinformation' },
  { name: 'city', label: 'City', type: 'string', group: 'companyinformation' },
  {
    name: 'description',
    label: 'Description',
    type: 'string',
    fieldType: 'textarea',
    group: 'companyinformation',
  },
  lifecycle('companyinformation'),
  { ...owner('companyinformation'), label: 'Company owner' },
];

const TASK_SPECS: Spec[] = [
  { name: 'hs_object_id', label: 'Record ID', type: 'number', group: 'task', readOnly: true },
  { name: 'hs_createdate', label: 'Create date', type: 'datetime', group: 'task', readOnly: true },
  {
    name: 'hs_lastmodifieddate',
    label: 'Last modified date',
    type: 'datetime',
    group: 'task',
    readOnly: true,
  },
  { name: 'hs_timestamp', label: 'Due date', type: 'datetime', group: 'task' },
  { name: 'hs_task_subject', label: 'Task Title', type: 'string', group: 'task' },
  { name: 'hs_task_body', label: 'Notes', type: 'string', fieldType: 'textarea', group: 'task' },
  {
    name: 'hs_task_status',
    label: 'Task Status',
    type: 'enumeration',
    group: 'task',
    options: options(['NOT_STARTED', 'IN_PROGRESS', 'WAITING', 'COMPLETED', 'DEFERRED'], titleCase),
  },
  {
    name: 'hs_task_priority',
    label: 'Priority',
    type: 'enumeration',
    group: 'task',
    options: options(['NONE', 'LOW', 'MEDIUM', 'HIGH'], titleCase),
  },
  {
    name: 'hs_task_type',
    label: 'Task Type',
    type: 'enumeration',
    group: 'task',
    options: options(['TODO', 'CALL', 'EMAIL', 'LINKED_IN', 'MEETING'], titleCase),
  },
  { ...owner('task'), label: 'Assigned to' },
];

/** HubSpot's meeting outcomes (`hs_meeting_outcome`, internal values, meetings guide). */
export const MEETING_OUTCOMES = ['SCHEDULED', 'COMPLETED', 'RESCHEDULED', 'NO_SHOW', 'CANCELED'] as const;

const MEETING_SPECS: Spec[] = [
  { name: 'hs_object_id', label: 'Record ID', type: 'number', group: 'meeting', readOnly: true },
  { name: 'hs_createdate', label: 'Create date', type: 'datetime', group: 'meeting', readOnly: true },
  {
    name: 'hs_lastmodifieddate',
    label: 'Last modified date',
    type: 'datetime',
    group: 'meeting',
    readOnly: true,
  },
  { name: 'hs_timestamp', label: 'Activity date', type: 'datetime', group: 'meeting' },
  { name: 'hs_meeting_title', label: 'Meeting name', type: 'string', group: 'meeting' },
  {
    name: 'hs_meeting_body',
    label: 'Meeting description',
    type: 'string',
    fieldType: 'textarea',
    group: 'meeting',
  },
  { name: 'hs_meeting_start_time', label: 'Start time', type: 'datetime', group: 'meeting' },
  { name: 'hs_meeting_end_time', label: 'End time', type: 'datetime', group: 'meeting' },
  {
    name: 'hs_meeting_outcome',
    label: 'Meeting outcome',
    type: 'enumeration',
    group: 'meeting',
    options: options([...MEETING_OUTCOMES], titleCase),
  },
  { ...owner('meeting'), label: 'Activity assigned to' },
];

const GROUPS: Record<ObjectType, [string, string][]> = {
  contacts: [
    ['contactinformation', 'Contact information'],
    ['sales_properties', 'Sales properties'],
    ['analyticsinformation', 'Web analytics history'],
    ['conversioninformation', 'Conversion information'],
    ['emailinformation', 'Email information'],
  ],
  companies: [['companyinformation', 'Company information']],
  tasks: [['task', 'Task information']],
  meetings: [['meeting', 'Meeting information']],
  deals: [['dealinformation', 'Deal information']],
};

const SPECS: Record<ObjectType, Spec[]> = {
  contacts: CONTACT_SPECS,
  companies: COMPANY_SPECS,
  tasks: TASK_SPECS,
  meetings: MEETING_SPECS,
  deals: DEAL_SPECS,
};

/** Fresh copies of the built-in property definitions of an object type. */
export function builtInProperties(type: ObjectType): PropertyDefinition[] {
  return SPECS[type].map(define);
}

/** Fresh copies of the built-in property groups of an object type. */
export function builtInGroups(type: ObjectType): PropertyGroupDefinition[] {
  return GROUPS[type].map(([name, label], displayOrder) => ({ name, label, displayOrder, archived: false }));
}

/** Properties returned when a read names none, as HubSpot does. */
export const DEFAULT_READ_PROPERTIES: Readonly<Record<ObjectType, readonly string[]>> = {
  contacts: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
  companies: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
  tasks: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  meetings: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  deals: [
    'amount',
    'closedate',
    'createdate',
    'dealname',
    'dealstage',
    'hs_lastmodifieddate',
    'hs_object_id',
    'pipeline',
  ],
};

/** Properties every read returns even when not asked for. */
export const ALWAYS_READ_PROPERTIES: Readonly<Record<ObjectType, readonly string[]>> = {
  contacts: ['hs_object_id', 'createdate', 'lastmodifieddate'],
  companies: ['hs_object_id', 'createdate', 'hs_lastmodifieddate'],
  tasks: ['hs_object_id', 'hs_createdate', 'hs_lastmodifieddate'],
  meetings: ['hs_object_id', 'hs_createdate', 'hs_lastmodifieddate'],
  deals: ['hs_object_id', 'createdate', 'hs_lastmodifieddate'],
};

/** The property that holds the creation time, per type. */
export const CREATED_PROPERTY: Readonly<Record<ObjectType, string>> = {
  contacts: 'createdate',
  companies: 'createdate',
  tasks: 'hs_createdate',
  meetings: 'hs_createdate',
  deals: 'createdate',
};

/** The property that holds the last modification time, per type. */
export const MODIFIED_PROPERTY: Readonly<Record<ObjectType, string>> = {
  contacts: 'lastmodifieddate',
  companies: 'hs_lastmodifieddate',
  tasks: 'hs_lastmodifieddate',
  meetings: 'hs_lastmodifieddate',
  deals: 'hs_lastmodifieddate',
};
