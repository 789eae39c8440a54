/**
 * The logger: pino on stdout, JSON for machines and readable lines for a person at a terminal
 * (pino-pretty, only when stdout is a TTY or LOG_FORMAT=pretty). Secrets are redacted wherever they appear in a logged object
 * (tokens, client secrets, signatures, authorization headers, database URLs with credentials), and
 * upstream text in errors (`err`, `error`, `problem`) goes through `redactUpstream`: no tokens,
 * email addresses or query strings from HubSpot's or the database's messages.
 */
import { pino, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
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

export type LogFormat = 'auto' | 'json' | 'pretty';

/** `auto` is pretty exactly when the output is a terminal: a log collector always gets JSON. */
export function resolveLogFormat(
  format: LogFormat | undefined,
  isTTY: boolean | undefined,
): 'json' | 'pretty' {
  if (format === 'json' || format === 'pretty') return format;
  return isTTY === true ? 'pretty' : 'json';
}

export function createLogger(
  options: { level?: string; destination?: NodeJS.WritableStream; format?: LogFormat } = {},
): Logger {
  const format = resolveLogFormat(
    options.format,
    options.destination === undefined ? process.stdout.isTTY : false,
  );
  // Pretty printing runs on the same thread and writes synchronously: a person reads these lines,
  // throughput does not matter, and nothing is lost when the process exits right after a line.
  // Redaction and the serializers run before it, so pretty lines are as clean as JSON ones.
  const destination =
    format === 'pretty'
      ? pinoPretty({
          destination: (options.destination as NodeJS.WritableStream | undefined) ?? 1,
          sync: true,
          colorize: options.destination === undefined && pinoPretty.isColorSupported,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname,service',
        })
      : options.destination;
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: LOG_SERIALIZERS,
      base: { service: 'lead-qualification' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination as pino.DestinationStream | undefined,
  );
}

/** Removes credentials from a database URL for logs and messages: postgres://user:***@host/db. */
export function safeDatabaseUrl(url: string | undefined): string {
  if (!url) return '(default SQLite file)';
  return url.replace(/\/\/([^:/@]+):([^@]*)@/, '//$1:***@');
}
