/**
 * Property and property-group endpoints (`/crm/v3/properties/{objectType}`): read all, read one,
 * create (201; 409 when the name exists).
 */
import { Router } from 'express';
import type { SandboxContext } from '../context.js';
import { notFoundError, validationError } from '../errors.js';
import { endpoint, objectTypeParam } from '../http-kit.js';
import { UPPER_NAME } from '../object-types.js';
import type { PropertyDefinition, PropertyOption, PropertyType } from '../property-catalog.js';
import { toApiGroup, toApiProperty } from '../serialize.js';

const FIELD_TYPES: Record<PropertyType, readonly string[]> = {
  string: ['text', 'textarea', 'file', 'phonenumber', 'html'],
  number: ['number', 'calculation_equation'],
  date: ['date'],
  datetime: ['date'],
  enumeration: ['select', 'radio', 'checkbox', 'booleancheckbox', 'calculation_equation'],
  bool: ['booleancheckbox'],
};

const NAME_PATTERN = /^[a-z][a-z0-9_]{0,99}$/;

function parsePropertyCreate(body: unknown): Omit<PropertyDefinition, 'createdAt' | 'updatedAt'> {
  const input = (body ?? {}) as Record<string, unknown>;
  const text = (key: string): string | undefined =>
    typeof input[key] === 'string' ? (input[key] as string) : undefined;
  const name = text('name');
  const label = text('label');
  const type = text('type') as PropertyType | undefined;
  const fieldType = text('fieldType');
  const groupName = text('groupName');
  const missing = (['name', 'label', 'type', 'fieldType', 'groupName'] as const).filter((key) => !text(key));
  if (missing.length > 0 || !name || !label || !type || !fieldType || !groupName) {
    throw validationError(`Invalid input JSON: missing required field(s) ${missing.join(', ')}.`);
  }
  if (!NAME_PATTERN.test(name)) {
    throw validationError(
      `Property name '${name}' is not valid: use lower-case letters, digits and underscores, starting with a letter.`,
    );
  }
  const allowed = FIELD_TYPES[type];
  if (!allowed)
    throw validationError(
      `Property type '${type}' is not valid; use one of ${Object.keys(FIELD_TYPES).join(', ')}.`,
    );
  if (!allowed.includes(fieldType)) {
    throw validationError(
      `fieldType '${fieldType}' is not valid for type '${type}'; use one of ${allowed.join(', ')}.`,
    );
  }
  const rawOptions = Array.isArray(input.options) ? (input.options as Record<string, unknown>[]) : [];
  const options: PropertyOption[] = rawOptions.map((option, index) => {
    if (typeof option?.label !== 'string' || typeof option?.value !== 'string') {
      throw validationError('Every option needs a string label and value.');
    }
    return {
      label: option.label,
      value: option.value,
      displayOrder: typeof option.displayOrder === 'number' ? option.displayOrder : index,
      hidden: option.hidden === true,
      ...(typeof option.description === 'string' ? { description: option.description } : {}),
    };
  });
  if (type === 'enumeration' && options.length === 0) {
    throw validationError(`Enumeration property '${name}' needs options.`);
  }
  const values = options.map((o) => o.value);
  if (new Set(values).size !== values.length)
    throw validationError(`Property '${name}' has duplicate option values.`);
  return {
    name,
    label,
    type,
    fieldType,
    groupName,
    description: text('description') ?? '',
    options,
    displayOrder: typeof input.displayOrder === 'number' ? input.displayOrder : -1,
    hidden: input.hidden === true,
    formField: input.formField === true,
    hasUniqueValue: input.hasUniqueValue === true,
    hubspotDefined: false,
    readOnlyValue: false,
    externalOptions: input.externalOptions === true,
    ...(typeof input.referencedObjectType === 'string'
      ? { referencedObjectType: input.referencedObjectType }
      : {}),
  };
}

/** Routes for properties and property groups. */
export function propertyRoutes(ctx: SandboxContext): Router {
  const router = Router();
  const base = '/crm/v3/properties/:objectType';

  router.get(
    base,
    endpoint(ctx, 'properties.list', (req, res) => {
      const type = objectTypeParam(req);
      res.json({ results: ctx.store.properties(type).map(toApiProperty) });
    }),
  );

  router.post(
    base,
    endpoint(ctx, 'properties.create', (req, res) => {
      const type = objectTypeParam(req);
      const definition = parsePropertyCreate(req.body);
      if (!ctx.store.propertyGroup(type, definition.groupName)) {
        throw validationError(
          `Property group '${definition.groupName}' does not exist for ${UPPER_NAME[type]}.`,
        );
      }
      res.status(201).json(toApiProperty(ctx.store.createProperty(type, definition)));
    }),
  );

  router.get(
    `${base}/groups`,
    endpoint(ctx, 'properties.groups.list', (req, res) => {
      const type = objectTypeParam(req);
      res.json({ results: ctx.store.propertyGroups(type).map(toApiGroup) });
    }),
  );

  router.post(
    `${base}/groups`,
    endpoint(ctx, 'properties.groups.create', (req, res) => {
      const type = objectTypeParam(req);
      const body = (req.body ?? {}) as { name?: unknown; label?: unknown; displayOrder?: unknown };
      if (typeof body.name !== 'string' || !NAME_PATTERN.test(body.name) || typeof body.label !== 'string') {
        throw validationError('A property group needs a valid lower-case "name" and a "label".');
      }
      const group = ctx.store.createGroup(type, {
        name: body.name,
        label: body.label,
        ...(typeof body.displayOrder === 'number' ? { displayOrder: body.displayOrder } : {}),
      });
      res.status(201).json(toApiGroup(group));
    }),
  );

  router.get(
    `${base}/groups/:groupName`,
    endpoint(ctx, 'properties.groups.get', (req, res) => {
      const type = objectTypeParam(req);
      const group = ctx.store.propertyGroup(type, String(req.params.groupName ?? ''));
      if (!group) throw notFoundError(`Unable to find property group ${String(req.params.groupName)}.`);
      res.json(toApiGroup(group));
    }),
  );

  router.get(
    `${base}/:propertyName`,
    endpoint(ctx, 'properties.get', (req, res) => {
      const type = objectTypeParam(req);
      const name = String(req.params.propertyName ?? '');
      const definition = ctx.store.property(type, name);
      if (!definition)
        throw notFoundError(`Unable to find property ${name} for object type ${UPPER_NAME[type]}.`);
      res.json(toApiProperty(definition));
    }),
  );

  return router;
}
