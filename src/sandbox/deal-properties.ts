/**
 * HubSpot's default deal properties, as the property catalog defines them (a file of its own to
 * keep the catalog short). Only types are imported from the catalog, so there is no load cycle.
 */
import { ALL_STAGE_IDS, DEAL_PIPELINES } from './pipelines.js';
import type { PropertyOption, PropertyType } from './property-catalog.js';

/** The catalog's property spec, for deals. */
export interface DealSpec {
  name: string;
  label: string;
  type: PropertyType;
  fieldType?: string;
  group: string;
  options?: PropertyOption[];
  readOnly?: boolean;
  owner?: boolean;
}

const options = (values: readonly string[], label: (value: string) => string): PropertyOption[] =>
  values.map((value, index) => ({ label: label(value), value, displayOrder: index, hidden: false }));

/**
 * Deal properties (HubSpot's default deal properties): `dealstage` and `pipeline` take the
 * pipelines' ids; `hs_is_closed`, `hs_is_closed_won` and `hs_deal_stage_probability` are
 * calculated from the stage's metadata and cannot be written.
 */
export const DEAL_SPECS: DealSpec[] = [
  { name: 'hs_object_id', label: 'Record ID', type: 'number', group: 'dealinformation', readOnly: true },
  { name: 'createdate', label: 'Create Date', type: 'datetime', group: 'dealinformation' },
  {
    name: 'hs_lastmodifieddate',
    label: 'Last Modified Date',
    type: 'datetime',
    group: 'dealinformation',
    readOnly: true,
  },
  { name: 'dealname', label: 'Deal Name', type: 'string', group: 'dealinformation' },
  { name: 'amount', label: 'Amount', type: 'number', group: 'dealinformation' },
  {
    name: 'pipeline',
    label: 'Pipeline',
    type: 'enumeration',
    group: 'dealinformation',
    options: options(
      DEAL_PIPELINES.map((p) => p.id),
      (id) => DEAL_PIPELINES.find((p) => p.id === id)?.label ?? id,
    ),
  },
  {
    name: 'dealstage',
    label: 'Deal Stage',
    type: 'enumeration',
    fieldType: 'radio',
    group: 'dealinformation',
    options: options(
      ALL_STAGE_IDS,
      (id) => DEAL_PIPELINES.flatMap((p) => p.stages).find((st) => st.id === id)?.label ?? id,
    ),
  },
  { name: 'closedate', label: 'Close Date', type: 'datetime', group: 'dealinformation' },
  {
    name: 'dealtype',
    label: 'Deal Type',
    type: 'enumeration',
    group: 'dealinformation',
    options: options(['newbusiness', 'existingbusiness'], (v) =>
      v === 'newbusiness' ? 'New Business' : 'Existing Business',
    ),
  },
  {
    name: 'hubspot_owner_id',
    label: 'Deal owner',
    type: 'enumeration',
    group: 'dealinformation',
    owner: true,
  },
  { name: 'hs_is_closed', label: 'Is Deal Closed?', type: 'bool', group: 'dealinformation', readOnly: true },
  {
    name: 'hs_is_closed_won',
    label: 'Is Closed Won',
    type: 'bool',
    group: 'dealinformation',
    readOnly: true,
  },
  {
    name: 'hs_deal_stage_probability',
    label: 'Deal Stage Probability',
    type: 'number',
    group: 'dealinformation',
    readOnly: true,
  },
];
