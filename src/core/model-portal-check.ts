/**
 * A model checked against one portal's property definitions: every property the model reads must
 * exist there (a typo like `company.industy` is an error naming its path, not a property that is
 * silently "unknown" on every contact), with a type its matcher can read, and every value a
 * `one-of` / `none-of` lists must be one the property can hold.
 *
 * Enumeration values: a listed value that **no** property of the condition can hold can never
 * match, so it is an error; a value that one enumeration of a property list lacks but another
 * property of the list can hold (a free-text fallback such as `contact.industry`) is a warning.
 * Pure: the caller reads the definitions (jobs/portal-model-check.ts).
 */
import { HUBSPOT_COMPANY_PROPERTIES, HUBSPOT_CONTACT_PROPERTIES } from './hubspot-properties.js';
import type { Matcher } from './model-parts.js';
import { forEachCondition, type QualificationModel } from './model-schema.js';
import { createNormalizer, type Normalizer } from './normalize.js';
import type { ModelProblem } from './problems.js';
import { closest, jsonPath, normalizeOption } from './text.js';

/** The objects whose properties a model reads. */
export type PortalObject = 'contact' | 'company' | 'meeting';

/** A property as the portal defines it (HubSpot's properties API). */
export interface PortalProperty {
  /** HubSpot's data type: `string`, `number`, `enumeration`, `bool`, `date`, `datetime`, … */
  type: string;
  /** The options of an enumeration (internal value and label); empty for other types. */
  options: readonly { value: string; label: string }[];
}

/** What the portal has for a reference: its definition, or null when the portal has no such property. */
export type PortalLookup = (ref: string) => PortalProperty | null;

export interface PortalCheck {
  /** Things that make the model wrong on this portal: a missing property, an impossible match. */
  errors: ModelProblem[];
  /** Probably mistakes, but the model still works: a value one property of a list cannot hold. */
  warnings: ModelProblem[];
}

interface Use {
  refs: string[];
  /** Path of the `property` field (a list adds the index). */
  propertyPath: (string | number)[];
  listed: boolean;
  match: Matcher | null;
  matchPath: (string | number)[];
}

/** Every place the model reads a property, in model order: conditions, then derived-signal rules. */
function uses(model: QualificationModel): Use[] {
  const out: Use[] = [];
  const condition = (c: { property: string | string[]; match: Matcher }, path: (string | number)[]) =>
    out.push({
      refs: typeof c.property === 'string' ? [c.property] : c.property,
      propertyPath: [...path, 'property'],
      listed: typeof c.property !== 'string',
      match: c.match,
      matchPath: [...path, 'match'],
    });
  forEachCondition(model, condition);
  model.intent.signals.forEach((signal, i) =>
    (signal.derivedFrom ?? []).forEach((rule, j) => {
      const at = ['intent', 'signals', i, 'derivedFrom', j];
      out.push({
        refs: [`${rule.object}.${rule.property}`],
        propertyPath: [...at, 'property'],
        listed: false,
        match: rule.change.type === 'becomes' ? rule.change.match : null,
        matchPath: [...at, 'change', 'match'],
      });
      rule.conditions.forEach((c, k) => condition(c, [...at, 'conditions', k]));
    }),
  );
  return out;
}

/** The distinct property references a model reads (`company.industry`, `meeting.hs_meeting_outcome`), sorted. */
export function portalPropertyRefs(model: QualificationModel): string[] {
  return [...new Set(uses(model).flatMap((u) => u.refs))].sort();
}

const DEFAULT_NAMES: Partial<Record<PortalObject, ReadonlySet<string>>> = {
  contact: HUBSPOT_CONTACT_PROPERTIES,
  company: HUBSPOT_COMPANY_PROPERTIES,
};

function missingMessage(ref: string): string {
  const [object, name] = ref.split('.') as [PortalObject, string];
  const near = closest(name, DEFAULT_NAMES[object] ?? []);
  return `"${ref}" does not exist in this portal${near && near !== name ? ` (did you mean "${object}.${near}"?)` : ''}: every contact would read it as unknown`;
}

/** Types each matcher can read; anything else is an error. */
const READABLE: Record<Matcher['type'], readonly string[] | 'any'> = {
  'one-of': 'any',
  'none-of': 'any',
  range: ['number', 'enumeration', 'string'],
  contains: ['string', 'enumeration', 'phone_number'],
  regex: ['string', 'enumeration', 'phone_number'],
  'email-domain': ['string'],
  known: 'any',
  unknown: 'any',
};

function typeProblem(match: Matcher, ref: string, property: PortalProperty): ModelProblem['message'] | null {
  const readable = READABLE[match.type];
  if (readable !== 'any' && !readable.includes(property.type))
    return `"${ref}" is a ${property.type} property: the ${match.type} matcher cannot read it`;
  return null;
}

/** Whether the property can hold `value` as the matcher compares it (see matchers.ts). */
function canHold(nz: Normalizer, ref: string, property: PortalProperty, value: string): boolean {
  if (property.type === 'bool') return ['true', 'false'].includes(normalizeOption(value));
  if (property.type === 'number') return Number.isFinite(Number(value.trim())) && value.trim() !== '';
  if (property.type !== 'enumeration') return true;
  const kind = nz.kindOf(ref);
  const wanted = normalizeOption(value);
  const canonical =
    kind === 'country' || kind === 'industry' ? nz.read(kind, value).value : (null as string | null);
  return property.options.some(
    (o) =>
      normalizeOption(o.value) === wanted ||
      (canonical !== null && nz.read(kind, o.value).value === canonical),
  );
}

function valueMessage(ref: string, property: PortalProperty, value: string): string {
  if (property.type !== 'enumeration')
    return `"${ref}" is a ${property.type} property and cannot hold "${value}"`;
  const byLabel = property.options.find((o) => normalizeOption(o.label) === normalizeOption(value));
  return byLabel
    ? `"${value}" is the label of ${ref}'s option "${byLabel.value}": list the internal value`
    : `"${value}" is none of ${ref}'s ${property.options.length} options`;
}

/**
 * Checks `model` against the portal's properties (`lookup`). Errors: a property the portal does
 * not have, a property of a type its matcher cannot read, a listed value no property of its
 * condition can hold. Warnings: a listed value one enumeration of a property list cannot hold
 * while another property of the list can. Each names the model's JSON path.
 */
export function checkModelAgainstPortal(model: QualificationModel, lookup: PortalLookup): PortalCheck {
  const errors: ModelProblem[] = [];
  const warnings: ModelProblem[] = [];
  const nz = createNormalizer(model.normalization);
  const reportedMissing = new Set<string>();
  for (const use of uses(model)) {
    const found: { ref: string; property: PortalProperty }[] = [];
    use.refs.forEach((ref, i) => {
      const at = jsonPath(use.listed ? [...use.propertyPath, i] : use.propertyPath);
      const property = lookup(ref);
      if (property === null) {
        if (!reportedMissing.has(ref)) errors.push({ path: at, message: missingMessage(ref) });
        reportedMissing.add(ref);
        return;
      }
      const wrongType = use.match ? typeProblem(use.match, ref, property) : null;
      if (wrongType) errors.push({ path: at, message: wrongType });
      else found.push({ ref, property });
    });
    const m = use.match;
    if (!m || (m.type !== 'one-of' && m.type !== 'none-of') || found.length === 0) continue;
    m.values.forEach((value, i) => {
      const at = jsonPath([...use.matchPath, 'values', i]);
      const lacking = found.filter((f) => !canHold(nz, f.ref, f.property, value));
      if (lacking.length === 0) return;
      const reasons = lacking.map((f) => valueMessage(f.ref, f.property, value)).join('; ');
      if (lacking.length === found.length && found.length === use.refs.length)
        errors.push({ path: at, message: `${reasons}: it can never match` });
      else if (lacking.length < found.length)
        warnings.push({
          path: at,
          message: `${reasons}; only ${found
            .filter((f) => !lacking.includes(f))
            .map((f) => f.ref)
            .join(', ')} can match it`,
        });
    });
  }
  return { errors, warnings };
}
