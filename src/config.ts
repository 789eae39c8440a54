/**
 * The service's configuration: the environment, parsed once with zod. A missing or bad variable
 * stops start-up with a message that names it (and never echoes a secret's value).
 */
import { z } from 'zod';

const url = (name: string) =>
  z
    .url({ error: `${name} must be a URL such as https://example.com` })
    .transform((u) => u.replace(/\/+$/, ''));

const positiveInt = (name: string, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int({ error: `${name} must be a whole number` })
    .positive({ error: `${name} must be more than 0` })
    .default(fallback);

/**
 * Every variable, one field each. Commands compose only the fields they use (see
 * {@link DatabaseSettingsSchema}, {@link HubSpotSettingsSchema}), so `report` never asks for a token.
 */
const FIELDS = {
  HUBSPOT_ACCESS_TOKEN: z
    .string({ error: "HUBSPOT_ACCESS_TOKEN is required (the private app's static access token)" })
    .min(1, { error: "HUBSPOT_ACCESS_TOKEN is required (the private app's static access token)" }),
  HUBSPOT_CLIENT_SECRET: z
    .string({ error: "HUBSPOT_CLIENT_SECRET is required (to verify HubSpot's request signatures)" })
    .min(1, { error: "HUBSPOT_CLIENT_SECRET is required (to verify HubSpot's request signatures)" }),
  HUBSPOT_BASE_URL: url('HUBSPOT_BASE_URL').default('https://api.hubapi.com'),
  PUBLIC_BASE_URL: url('PUBLIC_BASE_URL'),
  PORT: z.coerce
    .number({ error: 'PORT must be a number' })
    .int()
    .min(0)
    .max(65535, { error: 'PORT must be at most 65535' })
    .default(3000),
  DATABASE_URL: z
    .string()
    .optional()
    .transform((v) => (v === '' ? undefined : v)),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  /** Calls per 10 s the app may make: 100 (Free/Starter), 190 (Professional/Enterprise), 250 with the add-on. */
  HUBSPOT_RATE_LIMIT: positiveInt('HUBSPOT_RATE_LIMIT', 100),
  /** Share of the rate limit this service uses, leaving room for others: 0.9 by default. */
  HUBSPOT_RATE_HEADROOM: z.coerce
    .number({ error: 'HUBSPOT_RATE_HEADROOM must be a number' })
    .gt(0, { error: 'HUBSPOT_RATE_HEADROOM must be more than 0' })
    .max(1, { error: 'HUBSPOT_RATE_HEADROOM must be at most 1' })
    .default(0.9),
  /** Days raw webhook events are kept (signals and transitions are kept for good). */
  EVENT_RETENTION_DAYS: positiveInt('EVENT_RETENTION_DAYS', 30),
  /**
   * How many contacts the worker claims and scores at once. HubSpot is still called with at most
   * 100 records a call; claiming more lets the contacts' companies be read together.
   */
  WORKER_CLAIM_LIMIT: z.coerce
    .number()
    .int()
    .min(1)
    .max(5_000, { error: 'WORKER_CLAIM_LIMIT must be at most 5000' })
    .default(1_000),
  /**
   * The HubSpot app id; webhook events caused by this app's own writes carry it as their sourceId.
   * Required when NODE_ENV=production (checked in {@link loadConfig}): without it the app's own writes come back
   * as work.
   */
  HUBSPOT_APP_ID: z
    .string()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .pipe(z.string().regex(/^\d+$/, { error: 'HUBSPOT_APP_ID must be the numeric app id' }).optional()),
  /** `production` makes HUBSPOT_APP_ID required; anything else (development, test) does not. */
  NODE_ENV: z.string().optional(),
  /** Serve /readyz and /metrics on this port instead of PORT (0: any free port). */
  OPS_PORT: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce
      .number({ error: 'OPS_PORT must be a number' })
      .int({ error: 'OPS_PORT must be a whole number' })
      .min(0, { error: 'OPS_PORT must be at least 0' })
      .max(65535, { error: 'OPS_PORT must be at most 65535' })
      .optional(),
  ),
  /** When set, /readyz and /metrics require `Authorization: Bearer <OPS_TOKEN>`. */
  OPS_TOKEN: z
    .string()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .pipe(z.string().min(16, { error: 'OPS_TOKEN must be at least 16 characters' }).optional()),
  /**
   * Run the history backfill in the background when the service starts for a portal whose
   * backfill has not finished (default true); `false` leaves it to `rescore --all --backfill`.
   */
  BACKFILL_ON_INSTALL: z.preprocess(
    // A parsed config passed through again (tests restart a service with it) holds the boolean.
    (v) => (typeof v === 'boolean' ? String(v) : v),
    z
      .enum(['true', 'false'], { error: 'BACKFILL_ON_INSTALL must be true or false' })
      .default('true')
      .transform((v) => v === 'true'),
  ),
  /** `auto` (the default): readable lines when stdout is a terminal, JSON otherwise. */
  LOG_FORMAT: z
    .enum(['auto', 'json', 'pretty'], { error: 'LOG_FORMAT must be one of auto, json, pretty' })
    .default('auto'),
};

/** The whole service's settings, in the order problems are reported. */
export const ConfigSchema = z.object(FIELDS);

/** What commands that read only the database need (`migrate`, `report`, `dead-letters`, …). */
export const DatabaseSettingsSchema = z.object({
  DATABASE_URL: FIELDS.DATABASE_URL,
  EVENT_RETENTION_DAYS: FIELDS.EVENT_RETENTION_DAYS,
  LOG_LEVEL: FIELDS.LOG_LEVEL,
  LOG_FORMAT: FIELDS.LOG_FORMAT,
});

/** What commands that call HubSpot and keep their results need (`setup`, `rescore --all`). */
export const HubSpotSettingsSchema = z.object({
  HUBSPOT_ACCESS_TOKEN: FIELDS.HUBSPOT_ACCESS_TOKEN,
  HUBSPOT_BASE_URL: FIELDS.HUBSPOT_BASE_URL,
  HUBSPOT_RATE_LIMIT: FIELDS.HUBSPOT_RATE_LIMIT,
  HUBSPOT_RATE_HEADROOM: FIELDS.HUBSPOT_RATE_HEADROOM,
  HUBSPOT_APP_ID: FIELDS.HUBSPOT_APP_ID,
  ...DatabaseSettingsSchema.shape,
});

export type DatabaseSettings = z.infer<typeof DatabaseSettingsSchema>;
export type HubSpotSettings = z.infer<typeof HubSpotSettingsSchema>;

export type Config = z.infer<typeof ConfigSchema>;

const APP_ID_REQUIRED =
  "HUBSPOT_APP_ID is required when NODE_ENV=production (the app's id: without it the app's own writes come back as webhook work)";

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = NodeJS.ProcessEnv | Record<string, string | undefined>;

function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const name = String(issue.path[0] ?? 'environment');
    return issue.message.includes(name) ? issue.message : `${name}: ${issue.message}`;
  });
}

/**
 * Parses the variables one schema names (a command's needs), ignoring every other variable;
 * throws ConfigError naming every bad one.
 */
export function loadSettings<S extends z.ZodObject>(schema: S, env: Env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(problemsOf(result.error));
}

/** Parses the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Env): Config {
  const result = ConfigSchema.safeParse(env);
  const problems = result.success ? [] : problemsOf(result.error);
  // A rule across variables, checked on the raw values so it is reported with the others.
  if (env.NODE_ENV === 'production' && !env.HUBSPOT_APP_ID) problems.push(APP_ID_REQUIRED);
  if (result.success && problems.length === 0) return result.data;
  throw new ConfigError(problems);
}
