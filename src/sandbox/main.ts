/**
 * `npm run sandbox -- --port <n> [--rate-limit <per 10 s>] [--daily-limit <n>] [--contacts <N>]
 * [--seed <n>] [--token <t>] [--scopes <a,b>] [--lifecycle-backward refuse|ignore]`: starts the
 * sandbox in the foreground and prints how to reach it.
 */
import { parseArgs } from 'node:util';
import { createSandbox } from './sandbox.js';

const USAGE =
  'Usage: npm run sandbox -- [--port 8090] [--host 127.0.0.1] [--rate-limit 190] [--daily-limit 625000] ' +
  '[--contacts 1000] [--seed 42] [--token sandbox-token] [--scopes crm.objects.contacts.read,...] ' +
  '[--lifecycle-backward refuse|ignore]';

function integer(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) {
    process.stderr.write(`--${name} must be a non-negative integer, got "${value}".\n${USAGE}\n`);
    process.exit(2);
  }
  return number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'rate-limit': { type: 'string' },
      'daily-limit': { type: 'string' },
      contacts: { type: 'string' },
      seed: { type: 'string' },
      token: { type: 'string' },
      scopes: { type: 'string' },
      'lifecycle-backward': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const contacts = integer(values.contacts, 'contacts', 1000);
  const token = values.token ?? 'sandbox-token';
  const backward = values['lifecycle-backward'] ?? 'refuse';
  if (backward !== 'refuse' && backward !== 'ignore') {
    process.stderr.write(`--lifecycle-backward must be refuse or ignore, got "${backward}".\n${USAGE}\n`);
    process.exit(2);
  }
  const scopes = values.scopes
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const started = Date.now();
  const sandbox = await createSandbox({
    port: integer(values.port, 'port', 8090),
    host: values.host ?? '127.0.0.1',
    accessTokens: [token],
    ...(scopes ? { tokenScopes: { [token]: scopes } } : {}),
    lifecycleBackwardWrite: backward,
    rateLimit: {
      perInterval: integer(values['rate-limit'], 'rate-limit', 190),
      daily: integer(values['daily-limit'], 'daily-limit', 625_000),
    },
    data: { contacts, seed: integer(values.seed, 'seed', 42), now: started },
  });
  process.stdout.write(
    [
      `HubSpot sandbox listening on ${sandbox.baseUrl}`,
      `  HUBSPOT_BASE_URL=${sandbox.baseUrl}`,
      `  HUBSPOT_ACCESS_TOKEN=${token}`,
      `  ${contacts} contacts, ${sandbox.state.count('companies')} companies, ${sandbox.state.owners().length} owners ` +
        `(loaded in ${Date.now() - started} ms)`,
      `  stats: GET ${sandbox.baseUrl}/__sandbox/stats`,
      '',
    ].join('\n'),
  );

  const stop = (signal: string): void => {
    process.stdout.write(`\n${signal}: stopping the sandbox\n`);
    const deadline = setTimeout(() => process.exit(1), 5000);
    deadline.unref();
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
