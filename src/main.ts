/**
 * `npm start`: the service against a HubSpot portal (or the sandbox, with HUBSPOT_BASE_URL).
 * The composition root: read the environment once, build the service, listen, stop gracefully.
 */
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { createService } from './service.js';

const SHUTDOWN_DEADLINE_MS = 15_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee .env.example for every variable.\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ level: config.LOG_LEVEL });
  const service = await createService({ config, logger });
  const port = await service.listen(config.PORT);
  logger.info(
    { port, publicBaseUrl: config.PUBLIC_BASE_URL, hubspot: config.HUBSPOT_BASE_URL },
    'service listening',
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: no new requests or work; finishing what is in hand');
    const deadline = setTimeout(() => {
      logger.error('shutdown deadline passed; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    service
      .close()
      .then(() => {
        logger.info('stopped');
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `The service could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
