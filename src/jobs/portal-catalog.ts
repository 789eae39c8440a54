/**
 * What the settings page offers to pick from, read from the portal itself through the CRM gateway
 * (one rate budget, one retry policy): the options of the properties a model matches on (the
 * portal's own industries, countries, lifecycle stages …) and the portal's owners and teams for
 * routing. Also the model check the page runs while editing: the core's parser, every problem at
 * once with its path, and its warnings.
 */
import { parseModel, PropertyRefSchema, type ModelProblem } from '../core/model.js';
import { AppError } from '../errors.js';
import { HubSpotError } from '../hubspot/crm-gateway.js';

/** The gateway calls the catalog makes (CrmGateway has them). */
export interface CatalogGateway {
  propertyDefinition(
    objectType: 'contacts' | 'companies',
    name: string,
  ): Promise<{ name: string; label: string; type: string; options: { value: string; label: string }[] }>;
  listOwners(): Promise<{ id: string; name: string; email: string; teams: { id: string; name: string }[] }[]>;
}

/** At most this many properties in one request (a model's conditions read few distinct ones). */
export const MAX_PROPERTIES_PER_REQUEST = 20;

export interface PropertyOptions {
  /** As the model writes it: `company.industry`. */
  property: string;
  label: string;
  type: string;
  options: { value: string; label: string }[];
}

/**
 * The options of each property, as the portal has them. A property the portal does not have is
 * listed in `missing` (the page says so next to the condition: a typo like `company.industy`).
 */
export async function propertyOptions(
  gateway: CatalogGateway,
  refs: readonly string[],
): Promise<{ properties: PropertyOptions[]; missing: string[] }> {
  if (refs.length === 0 || refs.length > MAX_PROPERTIES_PER_REQUEST)
    throw new AppError('invalid_input', 'Name between 1 and 20 properties.', [
      { path: 'query.properties', message: `must name 1 to ${MAX_PROPERTIES_PER_REQUEST} properties` },
    ]);
  const unique = [...new Set(refs)];
  unique.forEach((ref, i) => {
    if (!PropertyRefSchema.safeParse(ref).success)
      throw new AppError('invalid_input', `"${ref}" is not a property reference.`, [
        {
          path: `query.properties[${i}]`,
          message: 'must look like "contact.<property>" or "company.<property>"',
        },
      ]);
  });
  const properties: PropertyOptions[] = [];
  const missing: string[] = [];
  for (const ref of unique) {
    const [object, name] = ref.split('.') as [string, string];
    try {
      const p = await gateway.propertyDefinition(object === 'company' ? 'companies' : 'contacts', name);
      properties.push({ property: ref, label: p.label, type: p.type, options: p.options });
    } catch (error) {
      if (error instanceof HubSpotError && error.status === 404) missing.push(ref);
      else throw error;
    }
  }
  return { properties, missing };
}

/** The portal's owners, and its teams with their owners (picking a team adds its members). */
export async function ownersAndTeams(gateway: CatalogGateway) {
  const owners = await gateway.listOwners();
  const teams = new Map<string, { id: string; name: string; ownerIds: string[] }>();
  for (const owner of owners)
    for (const team of owner.teams) {
      const entry = teams.get(team.id) ?? { id: team.id, name: team.name, ownerIds: [] };
      entry.ownerIds.push(owner.id);
      teams.set(team.id, entry);
    }
  return {
    owners: owners.map(({ id, name, email }) => ({ id, name, email })),
    teams: [...teams.values()].sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** The core's verdict on a model being edited: every problem with its path, and the warnings. */
export function checkModel(input: unknown): {
  valid: boolean;
  problems: ModelProblem[];
  warnings: ModelProblem[];
} {
  const parsed = parseModel(input);
  return parsed.success
    ? { valid: true, problems: [], warnings: parsed.warnings }
    : { valid: false, problems: parsed.problems, warnings: [] };
}
