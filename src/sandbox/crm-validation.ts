/**
 * Property-value validation of CRM writes: HubSpot's per-type value rules, the contact email
 * format and the forward-only lifecycle stage.
 */
import type { PropertyFailure } from './errors.js';
import type { ObjectType } from './object-types.js';
import type { PropertyDefinition } from './property-catalog.js';
import type { LifecycleBackwardPolicy, Owner, StoredObject } from './crm-types.js';

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** What validation needs from the store, for one object type. */
export interface ValidationContext {
  /** The property definition of that name, if the type has one. */
  definition: (name: string) => PropertyDefinition | undefined;
  owners: readonly Owner[];
  lifecyclePolicy: LifecycleBackwardPolicy;
}

/**
 * Validates a write without applying it: returns the normalised values to store (null clears)
 * and HubSpot-style failures. Lifecycle stage moves backward are failures or dropped per policy.
 */
export function validateWrite(
  context: ValidationContext,
  type: ObjectType,
  input: unknown,
  existing?: StoredObject,
): { values: Record<string, string | null>; failures: PropertyFailure[] } {
  const values: Record<string, string | null> = {};
  const failures: PropertyFailure[] = [];
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { values, failures };
  }
  for (const [name, raw] of Object.entries(input as Record<string, unknown>)) {
    const definition = context.definition(name);
    const failure = (error: string, message: string): void => {
      failures.push({ isValid: false, message, error, name, localizedErrorMessage: message });
    };
    if (!definition) {
      failure('PROPERTY_DOESNT_EXIST', `Property "${name}" does not exist`);
      continue;
    }
    if (definition.readOnlyValue) {
      failure('READ_ONLY_VALUE', `"${name}" is a read only property; its value cannot be set.`);
      continue;
    }
    if (raw !== null && typeof raw === 'object') {
      failure('INVALID_PROPERTY_VALUE', `${JSON.stringify(raw)} is not a valid value for ${name}.`);
      continue;
    }
    const text = raw === null || raw === undefined ? '' : String(raw);
    if (text === '') {
      values[name] = null;
      continue;
    }
    const checked = checkValue(definition, text, context.owners);
    if ('error' in checked) {
      failure(checked.error, checked.message);
      continue;
    }
    values[name] = checked.value;
  }
  if (type === 'contacts' && typeof values.email === 'string' && !EMAIL_PATTERN.test(values.email)) {
    const message = `Email address ${values.email} is invalid`;
    failures.push({
      isValid: false,
      message,
      error: 'INVALID_EMAIL',
      name: 'email',
      localizedErrorMessage: message,
    });
  }
  const stage = values.lifecyclestage;
  const current = existing?.properties.lifecyclestage;
  if (typeof stage === 'string' && current && isBackward(context, current, stage)) {
    if (context.lifecyclePolicy === 'ignore') {
      delete values.lifecyclestage;
    } else {
      const message =
        `lifecyclestage can only be set forward: the record is at "${current}" and "${stage}" comes earlier ` +
        'in the stage order. To set it backward, first clear it by writing "", then write the new value.';
      failures.push({
        isValid: false,
        message,
        error: 'INVALID_LIFECYCLE_STAGE_BACKWARD',
        name: 'lifecyclestage',
        localizedErrorMessage: message,
      });
    }
  }
  return { values, failures };
}

function isBackward(context: ValidationContext, current: string, next: string): boolean {
  const options = context.definition('lifecyclestage')?.options ?? [];
  const from = options.findIndex((o) => o.value === current);
  const to = options.findIndex((o) => o.value === next);
  return from >= 0 && to >= 0 && to < from;
}

function checkValue(
  definition: PropertyDefinition,
  text: string,
  owners: readonly Owner[],
): { value: string } | { error: string; message: string } {
  if (definition.type !== 'string' && text.trim() !== text) {
    return {
      error: 'LEADING_TRAILING_WHITESPACE',
      message: `"${text}" includes leading or trailing whitespace.`,
    };
  }
  switch (definition.type) {
    case 'string':
      return { value: text };
    case 'number': {
      const number = Number(text);
      return Number.isFinite(number)
        ? { value: String(number) }
        : { error: 'INVALID_DOUBLE', message: `${text} is not a valid number.` };
    }
    case 'bool': {
      const lower = text.toLowerCase();
      return lower === 'true' || lower === 'false'
        ? { value: lower }
        : { error: 'INVALID_BOOLEAN', message: `${text} is not a valid boolean. Use "true" or "false".` };
    }
    case 'datetime':
    case 'date': {
      const ms = /^-?\d+$/.test(text) ? Number(text) : Date.parse(text);
      if (!Number.isFinite(ms)) return { error: 'INVALID_DATE', message: `${text} is not a valid date.` };
      if (definition.type === 'date' && ms % 86_400_000 !== 0) {
        return {
          error: 'INVALID_DATE',
          message: `${text} is not at midnight UTC, as date properties require.`,
        };
      }
      const iso = new Date(ms).toISOString();
      return { value: definition.type === 'date' ? iso.slice(0, 10) : iso };
    }
    case 'enumeration': {
      if (definition.referencedObjectType === 'OWNER') {
        return owners.some((owner) => owner.id === text)
          ? { value: text }
          : { error: 'INVALID_OWNER_ID', message: `${text} is not a valid owner id.` };
      }
      const allowed = definition.options.map((o) => o.value);
      const chosen = definition.fieldType === 'checkbox' ? text.split(';') : [text];
      const wrong = chosen.find((value) => !allowed.includes(value));
      if (wrong !== undefined) {
        return {
          error: 'INVALID_OPTION',
          message: `${wrong} was not one of the allowed options: [${allowed.join(', ')}]`,
        };
      }
      return { value: text };
    }
  }
}
