/**
 * What a CLI command opens, and only that: the database alone (`report`, `dead-letters`,
 * `explain --portal`, `rescore --stale`), or the database and HubSpot (`setup`, `rescore --all`).
 * Each reads just the settings it uses, so a command that never calls HubSpot never asks for a
 * token. This is the CLI's own small composition root: the service's (`service.ts`) also builds
 * the HTTP app, the worker and the scheduler, which no command needs.
 */
import {
  type DatabaseSettings,
  DatabaseSettingsSchema,
  type HubSpotSettings,
  HubSpotSettingsSchema,
  loadSettings,
} from '../config.js';
import { CrmGateway, summarizeRejections } from '../hubspot/crm-gateway.js';
import { ActiveModels } from '../jobs/active-model.js';
import { CompanyCache, type ScoreDeps } from '../jobs/scoring/score-contacts.job.js';
import { createLogger, type Logger, resolveLogFormat, safeDatabaseUrl } from '../logger.js';
import { openStore, type Store } from '../store/index.js';
import { DatabaseOpenError } from './failures.js';

export interface DatabaseContext {
  settings: DatabaseSettings;
  store: Store;
  models: ActiveModels;
  logger: Logger;
}

export interface HubSpotContext extends DatabaseContext {
  settings: HubSpotSettings;
  crm: CrmGateway;
  scoreDeps: ScoreDeps;
}

/** Warnings and errors go to stderr, so they never mix with a command's output on stdout. */
function cliLogger(settings: DatabaseSettings): Logger {
  return createLogger({
    level: settings.LOG_LEVEL === 'info' ? 'warn' : settings.LOG_LEVEL,
    destination: process.stderr,
    format: resolveLogFormat(settings.LOG_FORMAT, process.stderr.isTTY),
  });
}

async function open(settings: DatabaseSettings, logger: Logger): Promise<Store> {
  try {
    return await openStore({
      databaseUrl: settings.DATABASE_URL,
      eventRetentionDays: settings.EVENT_RETENTION_DAYS,
      logger,
    });
  } catch (error) {
    throw new DatabaseOpenError(safeDatabaseUrl(settings.DATABASE_URL), error);
  }
}

export async function withDatabase<T>(
  run: (context: DatabaseContext) => Promise<T>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<T> {
  const settings = loadSettings(DatabaseSettingsSchema, env);
  const logger = cliLogger(settings);
  const store = await open(settings, logger);
  try {
    return await run({ settings, store, models: new ActiveModels(store), logger });
  } finally {
    await store.close();
  }
}

export async function withHubSpot<T>(
  run: (context: HubSpotContext) => Promise<T>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<T> {
  const settings = loadSettings(HubSpotSettingsSchema, env);
  const logger = cliLogger(settings);
  const store = await open(settings, logger);
  try {
    // The same shared rate budget as the service: a rescore and a running service share it.
    const budget = store.rateBudget({
      points: Math.max(1, Math.floor(settings.HUBSPOT_RATE_LIMIT * settings.HUBSPOT_RATE_HEADROOM)),
      windowMs: 10_000,
    });
    const crm = new CrmGateway({
      accessToken: settings.HUBSPOT_ACCESS_TOKEN,
      basePath: settings.HUBSPOT_BASE_URL,
      budget,
      onRejected: (endpoint, rejected) =>
        logger.warn(
          { endpoint, refused: rejected.length, causes: summarizeRejections(rejected) },
          'HubSpot refused records of a batch write',
        ),
    });
    const models = new ActiveModels(store);
    const scoreDeps: ScoreDeps = {
      store,
      crm,
      models,
      companies: new CompanyCache(),
      clock: Date.now,
      logger: logger.child({ component: 'feedback' }),
    };
    return await run({ settings, store, models, logger, crm, scoreDeps });
  } finally {
    await store.close();
  }
}
