/**
 * The qualification model: the one shared, explicit definition of fit, intent, disqualification,
 * MQL/IQL thresholds, routing and SLAs that marketing and sales agree on.
 *
 * It is plain JSON, validated by one zod schema. The same schema serves the CLI, the settings API
 * and the settings page, so a model that parses here is a model the whole product accepts.
 *
 * This module parses a model; the schemas are in model-parts.ts (blocks) and model-schema.ts (the
 * whole), re-exported here so callers import from one place.
 */
import type { z } from 'zod';
import { modelWarnings } from './model-lint.js';
import { jsonPath } from './text.js';

import { type QualificationModel, QualificationModelSchema } from './model-schema.js';
import type { ModelProblem } from './problems.js';

export { jsonPath } from './text.js';
export * from './model-parts.js';
export * from './model-schema.js';
export * from './model-derived.js';
export type { ModelProblem } from './problems.js';

export type ParseModelResult =
  | {
      success: true;
      model: QualificationModel;
      /**
       * What may be wrong though the model is valid, e.g. a property name that is none of HubSpot's
       * defaults ("did you mean …?"): portals have custom properties, so these never refuse a model.
       */
      warnings: ModelProblem[];
    }
  | { success: false; problems: ModelProblem[] };

/**
 * Parses and validates a model. Never throws: a bad model yields every problem found, each with
 * its JSON path and a plain-English message.
 */
export function parseModel(input: unknown): ParseModelResult {
  const result = QualificationModelSchema.safeParse(input, { reportInput: true });
  if (result.success) return { success: true, model: result.data, warnings: modelWarnings(result.data) };
  return { success: false, problems: result.error.issues.flatMap(toProblems) };
}

function toProblems(issue: z.core.$ZodIssue): ModelProblem[] {
  // A value that has the shape of one option of a union (a list where a property or a list of
  // properties is expected) gets that option's problems, not "is not one of the accepted shapes".
  if (issue.code === 'invalid_union' && issue.errors.length > 1) {
    const sameShape = issue.errors.filter(
      (branch) => !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0),
    );
    if (sameShape.length === 1)
      return sameShape[0]!.flatMap((i) => toProblems({ ...i, path: [...issue.path, ...i.path] }));
  }
  return [{ path: jsonPath(issue.path), message: plainMessage(issue) }];
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'text';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return `a ${typeof value}`;
}

function plainMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `is required (expected ${article(issue.expected)})`;
      // Custom messages (set in the schema) win over the generic one.
      if (issue.message && !issue.message.startsWith('Invalid input'))
        return `${issue.message}, not ${describe(issue.input)}`;
      return `must be ${article(issue.expected)}, not ${describe(issue.input)}`;
    case 'unrecognized_keys':
      return `has unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_key':
      // A record's key: what is wrong with it (the path already names it).
      return issue.issues[0] ? plainMessage(issue.issues[0]) : 'is not an accepted key';
    case 'invalid_union':
      return issue.message && !issue.message.startsWith('Invalid input')
        ? issue.message
        : 'is not one of the accepted shapes';
    case 'invalid_value':
      if (issue.message && !issue.message.startsWith('Invalid')) return issue.message;
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return issue.message;
  }
}

function article(expected: string): string {
  switch (expected) {
    case 'object':
      return 'an object';
    case 'array':
      return 'a list';
    case 'string':
      return 'text';
    case 'int':
      return 'a whole number';
    default:
      return `a ${expected}`;
  }
}
