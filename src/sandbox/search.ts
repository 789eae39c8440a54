/**
 * CRM search (`POST /crm/v3/objects/{type}/search`): request validation with HubSpot's limits,
 * filter evaluation, one sort, and offset paging capped at 10,000 results.
 */

import type { StoredObject } from './crm-store.js';
import { validationError } from './errors.js';
import type { PropertyDefinition } from './property-catalog.js';

/** Search limits; the defaults are HubSpot's documented ones (hubspot.md §6). */
export interface SearchLimits {
  maxFilterGroups: number;
  maxFiltersPerGroup: number;
  maxFiltersTotal: number;
  maxPageSize: number;
  maxTotalResults: number;
  maxQueryLength: number;
  /**
   * HubSpot documents that IN/NOT_IN values for enumeration properties must be lower-case:
   * when true (default), an upper-case value never matches, as on HubSpot.
   */
  enumerationInValuesMustBeLowercase: boolean;
}

/** HubSpot's documented search limits. */
export const DEFAULT_SEARCH_LIMITS: SearchLimits = {
  maxFilterGroups: 5,
  maxFiltersPerGroup: 6,
  maxFiltersTotal: 18,
  maxPageSize: 200,
  maxTotalResults: 10_000,
  maxQueryLength: 3000,
  enumerationInValuesMustBeLowercase: true,
};

const OPERATORS = [
  'EQ',
  'NEQ',
  'LT',
  'LTE',
  'GT',
  'GTE',
  'BETWEEN',
  'IN',
  'NOT_IN',
  'HAS_PROPERTY',
  'NOT_HAS_PROPERTY',
  'CONTAINS_TOKEN',
  'NOT_CONTAINS_TOKEN',
] as const;
type Operator = (typeof OPERATORS)[number];

interface Filter {
  propertyName: string;
  operator: Operator;
  value?: string;
  highValue?: string;
  values?: string[];
}

interface Sort {
  propertyName: string;
  direction: 'ASCENDING' | 'DESCENDING';
}

/** A validated search request. */
export interface ParsedSearch {
  filterGroups: Filter[][];
  sorts: Sort[];
  properties?: string[];
  limit: number;
  offset: number;
  query?: string;
}

const asString = (value: unknown): string | undefined =>
  value === undefined || value === null ? undefined : typeof value === 'object' ? undefined : String(value);

/** Validates a search body against HubSpot's limits; throws a 400 with HubSpot's error body otherwise. */
export function parseSearchRequest(
  body: unknown,
  knownProperty: (name: string) => PropertyDefinition | undefined,
  limits: SearchLimits = DEFAULT_SEARCH_LIMITS,
): ParsedSearch {
  const input = (body ?? {}) as Record<string, unknown>;
  const groupsInput = input.filterGroups ?? [];
  if (!Array.isArray(groupsInput)) throw validationError('filterGroups must be an array.');
  if (groupsInput.length > limits.maxFilterGroups) {
    throw validationError(
      `Too many filter groups: ${groupsInput.length}. The maximum is ${limits.maxFilterGroups} filterGroups.`,
    );
  }
  let total = 0;
  const filterGroups = groupsInput.map((group: unknown) => {
    const filters = (group as { filters?: unknown })?.filters ?? [];
    if (!Array.isArray(filters)) throw validationError('filterGroups[].filters must be an array.');
    if (filters.length > limits.maxFiltersPerGroup) {
      throw validationError(
        `Too many filters in a filter group: ${filters.length}. The maximum is ${limits.maxFiltersPerGroup} filters per group.`,
      );
    }
    total += filters.length;
    return filters.map((raw: unknown) => parseFilter(raw, knownProperty));
  });
  if (total > limits.maxFiltersTotal) {
    throw validationError(
      `Too many filters: ${total}. The maximum is ${limits.maxFiltersTotal} filters in total.`,
    );
  }

  const limit = input.limit === undefined ? 10 : Number(input.limit);
  if (!Number.isInteger(limit) || limit < 0 || limit > limits.maxPageSize) {
    throw validationError(
      `limit must be an integer between 0 and ${limits.maxPageSize}; got ${String(input.limit)}.`,
    );
  }
  const offset = input.after === undefined || input.after === '' ? 0 : Number(input.after);
  if (!Number.isInteger(offset) || offset < 0)
    throw validationError(`after must be a paging offset; got ${String(input.after)}.`);
  if (offset + limit > limits.maxTotalResults) {
    throw validationError(
      `Search results are limited to ${limits.maxTotalResults} results per query; ` +
        `after=${offset} with limit=${limit} pages beyond that.`,
    );
  }

  const query = asString(input.query);
  if (query !== undefined && query.length > limits.maxQueryLength) {
    throw validationError(`query is longer than ${limits.maxQueryLength} characters.`);
  }

  const sortsInput = input.sorts ?? [];
  if (!Array.isArray(sortsInput)) throw validationError('sorts must be an array.');
  if (sortsInput.length > 1) throw validationError('Only one sort is supported per search request.');
  const sorts = sortsInput.map((raw: unknown): Sort => {
    if (typeof raw === 'string') {
      return raw.startsWith('-')
        ? { propertyName: raw.slice(1), direction: 'DESCENDING' }
        : { propertyName: raw, direction: 'ASCENDING' };
    }
    const sort = raw as { propertyName?: unknown; direction?: unknown };
    const direction = sort.direction === 'DESCENDING' ? 'DESCENDING' : 'ASCENDING';
    return { propertyName: String(sort.propertyName ?? ''), direction };
  });

  const properties = Array.isArray(input.properties) ? input.properties.map(String) : undefined;
  return {
    filterGroups,
    sorts,
    limit,
    offset,
    ...(properties ? { properties } : {}),
    ...(query ? { query } : {}),
  };
}

function parseFilter(raw: unknown, knownProperty: (name: string) => PropertyDefinition | undefined): Filter {
  const filter = (raw ?? {}) as Record<string, unknown>;
  const propertyName = asString(filter.propertyName);
  const operator = asString(filter.operator) as Operator | undefined;
  if (!propertyName) throw validationError('Every filter needs a propertyName.');
  if (!operator || !OPERATORS.includes(operator)) {
    throw validationError(
      `Unknown filter operator ${String(filter.operator)}; use one of ${OPERATORS.join(', ')}.`,
    );
  }
  if (!knownProperty(propertyName)) {
    throw validationError(`There was a problem with the request: property ${propertyName} does not exist.`, {
      propertyName: [propertyName],
    });
  }
  const values = Array.isArray(filter.values) ? filter.values.map(String) : undefined;
  const value = asString(filter.value);
  const highValue = asString(filter.highValue);
  if ((operator === 'IN' || operator === 'NOT_IN') && !values) {
    throw validationError(`Operator ${operator} needs "values".`);
  }
  if (operator === 'BETWEEN' && (value === undefined || highValue === undefined)) {
    throw validationError('Operator BETWEEN needs "value" and "highValue".');
  }
  const needsValue = !['IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY'].includes(operator);
  if (needsValue && value === undefined) throw validationError(`Operator ${operator} needs "value".`);
  return {
    propertyName,
    operator,
    ...(value !== undefined ? { value } : {}),
    ...(highValue !== undefined ? { highValue } : {}),
    ...(values ? { values } : {}),
  };
}

type Comparable = number | string;

const comparable = (definition: PropertyDefinition | undefined, text: string): Comparable => {
  if (definition?.type === 'number') return Number(text);
  if (definition?.type === 'datetime' || definition?.type === 'date') {
    return /^-?\d+$/.test(text) ? Number(text) : Date.parse(text);
  }
  return text.toLowerCase();
};

const compare = (a: Comparable, b: Comparable): number => (a < b ? -1 : a > b ? 1 : 0);

const tokens = (text: string): string[] =>
  text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

function containsToken(stored: string, token: string): boolean {
  if (token.includes('*')) {
    const pattern = token
      .toLowerCase()
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    return (
      new RegExp(`^${pattern}$`).test(stored.toLowerCase()) ||
      tokens(stored).some((t) => new RegExp(`^${pattern}$`).test(t))
    );
  }
  const wanted = tokens(token);
  const have = tokens(stored);
  return wanted.length > 0 && wanted.every((t) => have.includes(t));
}

function matches(
  object: StoredObject,
  filter: Filter,
  definition: PropertyDefinition | undefined,
  limits: SearchLimits,
): boolean {
  const stored = object.properties[filter.propertyName];
  switch (filter.operator) {
    case 'HAS_PROPERTY':
      return stored !== undefined && stored !== '';
    case 'NOT_HAS_PROPERTY':
      return stored === undefined || stored === '';
    case 'IN':
    case 'NOT_IN': {
      const values = filter.values ?? [];
      const inList =
        stored !== undefined &&
        values.some((value) =>
          definition?.type === 'enumeration' && limits.enumerationInValuesMustBeLowercase
            ? value === stored.toLowerCase()
            : compare(comparable(definition, value), comparable(definition, stored)) === 0,
        );
      return filter.operator === 'IN' ? inList : !inList;
    }
    case 'CONTAINS_TOKEN':
      return stored !== undefined && containsToken(stored, filter.value ?? '');
    case 'NOT_CONTAINS_TOKEN':
      return stored === undefined || !containsToken(stored, filter.value ?? '');
    case 'NEQ':
      return (
        stored === undefined ||
        compare(comparable(definition, stored), comparable(definition, filter.value ?? '')) !== 0
      );
    default: {
      if (stored === undefined) return false;
      const order = compare(comparable(definition, stored), comparable(definition, filter.value ?? ''));
      switch (filter.operator) {
        case 'EQ':
          return order === 0;
        case 'LT':
          return order < 0;
        case 'LTE':
          return order <= 0;
        case 'GT':
          return order > 0;
        case 'GTE':
          return order >= 0;
        case 'BETWEEN':
          return (
            order >= 0 &&
            compare(comparable(definition, stored), comparable(definition, filter.highValue ?? '')) <= 0
          );
        default:
          return false;
      }
    }
  }
}

const QUERY_PROPERTIES = ['email', 'firstname', 'lastname', 'phone', 'company', 'name', 'domain', 'website'];

/**
 * Runs a parsed search over objects: OR across filter groups, AND within a group, then one sort
 * (default: creation order), then the page. Returns the total match count and the page.
 */
export function runSearch(
  objects: Iterable<StoredObject>,
  search: ParsedSearch,
  property: (name: string) => PropertyDefinition | undefined,
  limits: SearchLimits = DEFAULT_SEARCH_LIMITS,
): { total: number; page: StoredObject[]; nextOffset?: number } {
  const matched: StoredObject[] = [];
  const queryTokens = search.query ? tokens(search.query) : [];
  for (const object of objects) {
    const groupsMatch =
      search.filterGroups.length === 0 ||
      search.filterGroups.some((filters) =>
        filters.every((filter) => matches(object, filter, property(filter.propertyName), limits)),
      );
    if (!groupsMatch) continue;
    if (queryTokens.length > 0) {
      const text = QUERY_PROPERTIES.map((name) => object.properties[name] ?? '').join(' ');
      const have = tokens(text);
      if (!queryTokens.every((q) => have.some((t) => t.startsWith(q)))) continue;
    }
    matched.push(object);
  }
  const sort = search.sorts[0];
  if (sort) {
    const definition = property(sort.propertyName);
    const sign = sort.direction === 'DESCENDING' ? -1 : 1;
    matched.sort((a, b) => {
      const left = a.properties[sort.propertyName];
      const right = b.properties[sort.propertyName];
      if (left === undefined || right === undefined) return left === right ? 0 : left === undefined ? 1 : -1;
      return (
        sign * compare(comparable(definition, left), comparable(definition, right)) ||
        Number(a.id) - Number(b.id)
      );
    });
  }
  const page = matched.slice(search.offset, search.offset + search.limit);
  const next = search.offset + search.limit;
  const hasMore = next < matched.length && next < limits.maxTotalResults;
  return { total: matched.length, page, ...(hasMore ? { nextOffset: next } : {}) };
}
