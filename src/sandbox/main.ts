/**
 * `npm run sandbox -- [options]` (see args.ts for all of them): starts the sandbox in the
 * foreground and prints how to reach it: the base URL and token for the service, the portal id
 * and the app id. `--history` seeds two years of history (history-seed.ts). With `--target <service URL> --client-secret <secret>` it also plays HubSpot for
 * that service (playground.ts): webhooks for what changes, the seeded history as workflow actions,
 * and with `--traffic` a simulated day.
 */
import { parseSandboxArgs, SandboxArgsError, USAGE } from './args.js';
import { generateHistorySeed } from './history-seed.js';
import { type Playground, startPlayground } from './playground.js';
import { createSandbox } from './sandbox.js';

async function main(): Promise<void> {
  let args;
  try {
    args = parseSandboxArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof SandboxArgsError)) throw error;
    process.stderr.write(`sandbox: ${error.message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const started = Date.now();
  const sandbox = await createSandbox({
    port: args.port,
    host: args.host,
    portalId: args.portalId,
    accessTokens: [args.token],
    ...(args.scopes ? { tokenScopes: { [args.token]: args.scopes } } : {}),
    lifecycleBackwardWrite: args.lifecycleBackward,
    rateLimit: { perInterval: args.rateLimit, daily: args.dailyLimit },
    data: args.history
      ? generateHistorySeed({ contacts: args.history.contacts, seed: args.seed, now: started }).data
      : { contacts: args.contacts, seed: args.seed, now: started },
    // Driving a service: every accepted change becomes a webhook event, as in HubSpot.
    ...(args.playground ? { echoWrites: true } : {}),
  });
  const playground = args.playground;
  process.stdout.write(
    [
      `HubSpot sandbox listening on ${sandbox.baseUrl}`,
      `  HUBSPOT_BASE_URL=${sandbox.baseUrl}`,
      `  HUBSPOT_ACCESS_TOKEN=${args.token}`,
      `  HUBSPOT_APP_ID=${sandbox.appId}`,
      `  portal id ${sandbox.portalId} (what GET /account-info/v3/details answers; use it as --portal <id>)`,
      `  ${args.contacts} contacts, ${sandbox.state.count('companies')} companies, ${sandbox.state.owners().length} owners` +
        (args.history
          ? `, ${sandbox.state.count('deals')} deals, ${sandbox.state.count('meetings')} meetings: two years of history`
          : '') +
        ` (loaded in ${Date.now() - started} ms)`,
      ...(args.history
        ? [
            '  import it into the app: npm run cli -- import-history --portal ' +
              `${sandbox.portalId} (with HUBSPOT_BASE_URL and HUBSPOT_ACCESS_TOKEN above)`,
          ]
        : []),
      `  stats: GET ${sandbox.baseUrl}/__sandbox/stats`,
      ...(playground
        ? [
            `  playing HubSpot for ${playground.target} (signed for ${playground.publicUrl}; ` +
              `history ${playground.history ? 'on' : 'off'}, ` +
              `${playground.traffic ? `traffic: a day in ${playground.traffic.daySeconds} s` : 'no traffic'})`,
          ]
        : []),
      '',
    ].join('\n'),
  );

  let running: Playground | undefined;
  if (playground) {
    running = startPlayground(sandbox, {
      ...playground,
      traffic: playground.traffic ?? null,
      log: (line) => process.stdout.write(`playground: ${line}\n`),
    });
    running.done.catch((error: unknown) => {
      process.stderr.write(`playground: ${error instanceof Error ? error.message : String(error)}\n`);
    });
  }

  const stop = (signal: string): void => {
    process.stdout.write(`\n${signal}: stopping the sandbox\n`);
    const deadline = setTimeout(() => process.exit(1), 5000);
    deadline.unref();
    (running?.stop() ?? Promise.resolve())
      .then(() => sandbox.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`sandbox: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
