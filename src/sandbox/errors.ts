/**
 * HubSpot's error body, `{ status: "error", message, correlationId, category, ... }`, and the
 * one error type the sandbox's routes throw to produce it.
 */
import { randomUUID } from 'node:crypto';

/** Categories HubSpot puts in error bodies (the ones the sandbox produces). */
export type ErrorCategory =
  | 'VALIDATION_ERROR'
  | 'OBJECT_NOT_FOUND'
  | 'OBJECT_ALREADY_EXISTS'
  | 'CONFLICT'
  | 'RATE_LIMITS'
  | 'INVALID_AUTHENTICATION'
  | 'MISSING_SCOPES'
  | 'INTERNAL_ERROR'
  | 'BAD_GATEWAY'
  | 'SERVICE_UNAVAILABLE';

/** The JSON body of every error response. */
export interface HubSpotErrorBody {
  status: 'error';
  message: string;
  correlationId: string;
  category?: ErrorCategory;
  subCategory?: string;
  errors?: { message: string; code?: string; in?: string; context?: Record<string, string[]> }[];
  context?: Record<string, string[]>;
  /** Related documentation, e.g. `{ scopes: "https://developers.hubspot.com/scopes" }`. */
  links?: Record<string, string>;
  /** Rate-limit errors only. */
  errorType?: 'RATE_LIMIT';
  policyName?: 'TEN_SECONDLY_ROLLING' | 'DAILY' | 'SECONDLY';
  requestId?: string;
}

/** Fields of an error body without the generated ones. */
export type ErrorDetails = Omit<HubSpotErrorBody, 'status' | 'correlationId'>;

/** An error that becomes an HTTP response with HubSpot's error body. */
export class SandboxHttpError extends Error {
  readonly status: number;
  readonly details: ErrorDetails;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, details: ErrorDetails, headers: Record<string, string> = {}) {
    super(details.message);
    this.name = 'SandboxHttpError';
    this.status = status;
    this.details = details;
    this.headers = headers;
  }

  /** The response body with a fresh correlation id. */
  toBody(): HubSpotErrorBody {
    const { message, ...rest } = this.details;
    return { status: 'error', message, correlationId: randomUUID(), ...rest };
  }
}

/** A 400 VALIDATION_ERROR with a plain message. */
export const validationError = (message: string, context?: Record<string, string[]>): SandboxHttpError =>
  new SandboxHttpError(400, { message, category: 'VALIDATION_ERROR', ...(context ? { context } : {}) });

/** A 404 OBJECT_NOT_FOUND with HubSpot's empty-message convention for single objects. */
export const notFoundError = (message = 'resource not found'): SandboxHttpError =>
  new SandboxHttpError(404, { message, category: 'OBJECT_NOT_FOUND' });

/** One failed property value, as HubSpot lists them inside "Property values were not valid". */
export interface PropertyFailure {
  isValid: false;
  message: string;
  error: string;
  name: string;
  localizedErrorMessage?: string;
}

/**
 * HubSpot's 400 for bad property values: the failures are JSON inside the message text,
 * e.g. `Property values were not valid: [{"isValid":false,"message":"...","error":"INVALID_OPTION","name":"x"}]`.
 */
export const propertyValuesError = (failures: readonly PropertyFailure[]): SandboxHttpError =>
  new SandboxHttpError(400, {
    message: `Property values were not valid: ${JSON.stringify(failures)}`,
    category: 'VALIDATION_ERROR',
  });
