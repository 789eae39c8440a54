/**
 * The logger: pino, JSON on stdout. Secrets are redacted wherever they appear in a logged object
 * (tokens, client secrets, signatures, authorization headers, database URLs with credentials).
 */
import { pino, type Logger } from 'pino';

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
  '*.HUBSPOT_ACCESS_TOKEN',
  '*.HUBSPOT_CLIENT_SECRET',
  '*.DATABASE_URL',
];

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
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
