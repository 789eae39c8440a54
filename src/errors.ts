import type { z } from 'zod';
import { jsonPath } from './core/model.js';

/**
 * One error type for the application, with a stable code clients can act on. HTTP statuses are
 * the http layer's business (see http/error-handler.ts), never the use cases'.
 */
export type AppErrorCode =
  | 'invalid_input'
  | 'invalid_model'
  | 'invalid_signature'
  | 'unauthorized'
  | 'not_found'
  | 'method_not_allowed'
  | 'forbidden'
  | 'wrong_portal'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'store_unavailable'
  | 'hubspot_unavailable'
  | 'internal';

export interface Problem {
  /** Where, e.g. `$.inputFields.signal_type` or `$[3].occurredAt`. */
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    /** Every problem found, each with its location. */
    readonly problems: readonly Problem[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/**
 * Parses input at an edge: the value, or an `invalid_input` AppError listing every problem at its
 * JSON path (under `prefix`, e.g. `['inputFields']` → `$.inputFields.signal_type`).
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  message: string,
  prefix: readonly (string | number)[] = [],
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new AppError(
    'invalid_input',
    message,
    parsed.error.issues.map((issue) => ({
      path: jsonPath([...prefix, ...issue.path]),
      message: issue.message,
    })),
  );
}
