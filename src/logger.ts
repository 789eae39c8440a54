/**
 * The logger: pino, JSON on stdout. Secrets are redacted wherever they appear in a logged object
 * (tokens, client secrets, signatures, authorization headers, database URLs with credentials), and
 * upstream text in errors (`err`, `error`, `problem`) goes through `redactUpstream`: no tokens,
 * email addresses or query strings from HubSpot's or the database's messages.
 */
import { pino, type Logger } from 'pino';
import { redactDeep, redactUpstream } from './redact.js';

export type { Logger };

export const REDACTED_PATHS = [
  'accessToken',
  'clientSecret',
  'token',
  'password',
  'secret',
  '*.accessToken',
  '*.clientSecret',
  '*.token',
  '*.password',
  '*.secret',
  'req.headers.authorization',
  'req.headers["x-hubspot-signature"]',
  'req.headers["x-hubspot-signature-v3"]',
  'headers.authorization',
  'HUBSPOT_ACCESS_TOKEN',
  'HUBSPOT_CLIENT_SECRET',
  'DATABASE_URL',
  'OPS_TOKEN',
  '*.HUBSPOT_ACCESS_TOKEN',
  '*.HUBSPOT_CLIENT_SECRET',
  '*.DATABASE_URL',
  '*.OPS_TOKEN',
];

/**
 * pino's error serializer with every string redacted (message, stack, a database error's `detail`,
 * an SDK error's `body`): what HubSpot or the database wrote is not ours to log as it came.
 */
export function serializeError(error: unknown): unknown {
  return redactDeep(error instanceof Error ? pino.stdSerializers.err(error) : error);
}

/** Serializers for the fields that carry upstream text: `err`, `error`, `problem`. */
export const LOG_SERIALIZERS = {
  err: serializeError,
  error: serializeError,
  problem: (value: unknown) => (typeof value === 'string' ? redactUpstream(value) : redactDeep(value)),
};

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: LOG_SERIALIZERS,
      base: { service: 'lead-qualification' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination as pino.DestinationStream | undefined,
  );
}

/** Removes credentials from a database URL for logs and messages: postgres://user:***@host/db. */
export function safeDatabaseUrl(url: string | undefined): string {
  if (!url) return '(default SQLite file)';
  return url.replace(/\/\/([^:/@]+):([^@]*)@/, '//$1:***@');
}
