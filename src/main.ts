/**
 * `npm start`: the service against a HubSpot portal (or the sandbox, with HUBSPOT_BASE_URL).
 * The composition root: read the environment once (and `.env`), take the port(s), build the
 * service, serve, stop gracefully. The port is bound first: a taken port is one line and exit 1
 * before anything is set up.
 */
import { ConfigError, loadConfig } from './config.js';
import { loadDotEnv } from './env-file.js';
import { PortInUseError } from './http/bind.js';
import { createLogger } from './logger.js';
import { bindPorts, createService } from './service.js';

/** Prints one line on stderr and exits with 1. */
function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const SHUTDOWN_DEADLINE_MS = 15_000;

async function main(): Promise<void> {
  let config;
  try {
    loadDotEnv();
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError)
      fail(`${error.message}\nSet them in the environment or in .env; see .env.example for every variable.`);
    throw error;
  }
  const logger = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const bound = await bindPorts(config).catch((error: unknown) => {
    if (error instanceof PortInUseError) fail(error.message);
    throw error;
  });
  const service = await createService({ config, logger }).catch(async (error: unknown) => {
    await Promise.all([bound.main.close(), bound.ops?.close()]);
    throw error;
  });
  const port = service.serve(bound);
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
  fail(
    `The service could not start: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
  );
});
