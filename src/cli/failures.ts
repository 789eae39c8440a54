/**
 * Runtime failures of a command (a wrong token, HubSpot unreachable, a missing setting, a database
 * that cannot be opened) as one line that names what to fix. The stack trace is for `--debug`.
 */
import { ConfigError } from '../config.js';
import { HubSpotError } from '../hubspot/crm-gateway.js';

/** The database could not be opened or migrated; `where` is its URL without credentials. */
export class DatabaseOpenError extends Error {
  constructor(
    readonly where: string,
    cause: unknown,
  ) {
    super(`cannot open the database ${where}: ${firstLine(cause)}`, { cause });
    this.name = 'DatabaseOpenError';
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.trim() || (error instanceof Error ? error.name : 'unknown error');
}

export interface FailureContext {
  /** HUBSPOT_BASE_URL as the command used it, to name it when HubSpot cannot be reached. */
  hubspotBaseUrl?: string;
}

/** One line saying what went wrong and what to change. */
export function describeFailure(error: unknown, context: FailureContext = {}): string {
  if (error instanceof ConfigError)
    return `missing or bad setting: ${error.problems.join('; ')} (set it in the environment or in .env; see .env.example)`;
  if (error instanceof DatabaseOpenError)
    return `${error.message} (check DATABASE_URL: an SQLite file path or postgres://…)`;
  if (error instanceof HubSpotError) return describeHubSpotError(error, context);
  return `${firstLine(error)} (run again with --debug for the stack trace)`;
}

function describeHubSpotError(error: HubSpotError, context: FailureContext): string {
  // HubSpot's own text was redacted when the error was made (crm-gateway-types.ts).
  const base = context.hubspotBaseUrl ?? 'HUBSPOT_BASE_URL';
  if (error.status === 401)
    return `HubSpot refused HUBSPOT_ACCESS_TOKEN (401: ${error.message}): set it to the private app's static access token`;
  if (error.status === 403)
    return `HubSpot refused the call (403: ${error.message}): give the app the scopes named, reinstall it and use its new token`;
  if (error.status === null)
    return `HubSpot is unreachable at ${base} (${error.message}): check HUBSPOT_BASE_URL and the network`;
  if (error.code === 'rate_limited')
    return `HubSpot's rate limit was hit (${error.message}): try again later, or lower HUBSPOT_RATE_LIMIT`;
  if (error.status >= 500)
    return `HubSpot is failing (${error.status}: ${error.message}): try again later (status.hubspot.com)`;
  return `HubSpot refused the request (${error.status}: ${error.message})`;
}
