/**
 * HubSpot's calculated lifecycle stage dates on contacts: `hs_v2_date_entered_<stage>` holds when
 * the contact (last) entered the stage; HubSpot sets it on every move into a stage (crm-store.ts)
 * and keeps it read-only. A file of its own to keep the catalog short; only types are imported
 * from the catalog, so there is no load cycle.
 */
import type { PropertyType } from './property-catalog.js';

/** HubSpot's calculated "Date entered <stage>" property of a lifecycle stage. */
export const stageEnteredProperty = (stage: string): string => `hs_v2_date_entered_${stage}`;

/** The catalog's specs of the stage-date properties, one per lifecycle stage (with its label). */
export function stageDateSpecs(stages: readonly { stage: string; label: string }[]): {
  name: string;
  label: string;
  type: PropertyType;
  group: string;
  readOnly: boolean;
}[] {
  return stages.map(({ stage, label }) => ({
    name: stageEnteredProperty(stage),
    label: `Date entered "${label} (Lifecycle Stage Pipeline)"`,
    type: 'datetime',
    group: 'contactinformation',
    readOnly: true,
  }));
}
