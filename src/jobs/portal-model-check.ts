/**
 * `validate-model --portal`: reads the definition of every property a model reads from the portal
 * (HubSpot's properties API, through the CRM gateway: one rate budget, one retry policy), then
 * lets the core judge the model against them (core/model-portal-check.ts).
 */
import {
  checkModelAgainstPortal,
  type PortalCheck,
  type PortalObject,
  type PortalProperty,
  portalPropertyRefs,
} from '../core/model-portal-check.js';
import type { QualificationModel } from '../core/model.js';
import { HubSpotError } from '../hubspot/crm-gateway.js';

/** HubSpot's object type for each object a model names. */
const OBJECT_TYPES = { contact: 'contacts', company: 'companies', meeting: 'meetings' } as const;

/** The gateway call the check makes (CrmGateway has it). */
export interface PropertyDefinitions {
  propertyDefinition(
    objectType: (typeof OBJECT_TYPES)[PortalObject],
    name: string,
  ): Promise<{ type: string; options: { value: string; label: string }[] }>;
}

/** The model's properties as the portal has them, and the core's verdict on the model. */
export async function checkModelOnPortal(
  gateway: PropertyDefinitions,
  model: QualificationModel,
): Promise<PortalCheck & { properties: number }> {
  const refs = portalPropertyRefs(model);
  const definitions = new Map<string, PortalProperty | null>();
  for (const ref of refs) {
    const [object, name] = ref.split('.') as [PortalObject, string];
    try {
      const p = await gateway.propertyDefinition(OBJECT_TYPES[object], name);
      definitions.set(ref, { type: p.type, options: p.options });
    } catch (error) {
      if (error instanceof HubSpotError && error.status === 404) definitions.set(ref, null);
      else throw error;
    }
  }
  const check = checkModelAgainstPortal(model, (ref) => definitions.get(ref) ?? null);
  return { ...check, properties: refs.length };
}
