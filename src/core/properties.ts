import type { Condition, QualificationModel } from './model.js';

/** The contact properties every evaluation reads, whatever the model. */
export const ALWAYS_READ_CONTACT_PROPERTIES = [
  'email',
  'lifecyclestage',
  'hs_lead_status',
  'hubspot_owner_id',
] as const;

export interface PropertiesRead {
  contact: string[];
  company: string[];
}

/**
 * The HubSpot properties a model reads, per object, sorted: what to batch-read from HubSpot and
 * what to subscribe to in webhooks. Nothing else is fetched.
 */
export function propertiesRead(model: QualificationModel): PropertiesRead {
  const contact = new Set<string>(ALWAYS_READ_CONTACT_PROPERTIES);
  const company = new Set<string>();
  const add = (conditions: readonly Condition[]) => {
    for (const c of conditions)
      for (const ref of typeof c.property === 'string' ? [c.property] : c.property) {
        const [object, name] = ref.split('.') as [string, string];
        (object === 'company' ? company : contact).add(name);
      }
  };
  add(model.fit.criteria);
  for (const d of model.disqualifiers) add([...d.when, ...d.unless]);
  if (model.thresholds.installedBase) add(model.thresholds.installedBase.customerWhen);
  return { contact: [...contact].sort(), company: [...company].sort() };
}
