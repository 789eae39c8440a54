/**
 * The `npm run sandbox` command line, parsed with node:util's parseArgs (strict: an unknown option
 * or a stray argument is an error) and checked value by value. Every problem is one line naming the
 * option; main.ts prints it with the usage and exits 2.
 */
import { parseArgs } from 'node:util';
import type { LifecycleBackwardPolicy } from './crm-store.js';

export const USAGE = [
  'Usage: npm run sandbox -- [--port 8090] [--host 127.0.0.1] [--contacts 1000] [--seed 42]',
  '         [--rate-limit 190] [--daily-limit 625000] [--token sandbox-token] [--scopes a,b]',
  '         [--lifecycle-backward refuse|ignore] [--portal-id 62515]',
  '         [--history [--history-contacts 2000]]  (two years of history instead of --contacts)',
  '       drive a running service (the playground):',
  '         --target <service URL> --client-secret <secret> (or HUBSPOT_CLIENT_SECRET in the environment)',
  '         [--public-url <the service PUBLIC_BASE_URL>] [--skip-history]',
  '         [--traffic [--day-seconds 120] [--new-contacts 20]]',
].join('\n');

/** What the command line asks for. */
export interface SandboxArgs {
  help: boolean;
  port: number;
  host: string;
  contacts: number;
  /** Seed two years of history (stage dates, conversions, meetings, deals) for this many contacts. */
  history?: { contacts: number };
  seed: number;
  rateLimit: number;
  dailyLimit: number;
  token: string;
  scopes?: string[];
  lifecycleBackward: LifecycleBackwardPolicy;
  portalId: number;
  playground?: {
    target: string;
    clientSecret: string;
    publicUrl: string;
    history: boolean;
    traffic?: { daySeconds: number; newContacts: number; seed: number };
  };
}

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'rate-limit': { type: 'string' },
  'daily-limit': { type: 'string' },
  contacts: { type: 'string' },
  seed: { type: 'string' },
  token: { type: 'string' },
  scopes: { type: 'string' },
  'lifecycle-backward': { type: 'string' },
  'portal-id': { type: 'string' },
  history: { type: 'boolean' },
  'history-contacts': { type: 'string' },
  target: { type: 'string' },
  'client-secret': { type: 'string' },
  'public-url': { type: 'string' },
  'skip-history': { type: 'boolean' },
  traffic: { type: 'boolean' },
  'day-seconds': { type: 'string' },
  'new-contacts': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * The option nearest to a mistyped one (at most two edits away), or null. Written here rather than
 * borrowed from the core's text helpers because the sandbox imports nothing from the app it stands
 * in for (test/architecture.test.ts).
 */
function nearestOption(name: string): string | null {
  const distance = (a: string, b: string): number => {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const row = [i];
      for (let j = 1; j <= b.length; j++)
        row[j] = Math.min(
          previous[j]! + 1,
          row[j - 1]! + 1,
          previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
        );
      previous = row;
    }
    return previous[b.length]!;
  };
  let best: string | null = null;
  let bestDistance = 3;
  for (const option of Object.keys(OPTIONS)) {
    const d = distance(name, option);
    if (d < bestDistance) [best, bestDistance] = [option, d];
  }
  return best;
}

/** A command line the sandbox cannot run; the message is one line naming the option. */
export class SandboxArgsError extends Error {}

function integer(value: string | undefined, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const number = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min)
    throw new SandboxArgsError(
      `--${name} must be a whole number${min > 0 ? ` of at least ${min}` : ' (0 or more)'}, got "${value}"`,
    );
  return number;
}

function positive(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0)
    throw new SandboxArgsError(`--${name} must be a number of seconds above 0, got "${value}"`);
  return number;
}

function httpUrl(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SandboxArgsError(`--${name} must be a URL such as http://127.0.0.1:3000, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new SandboxArgsError(`--${name} must be an http:// or https:// URL, got "${value}"`);
  if (url.search || url.hash)
    throw new SandboxArgsError(`--${name} must be a base URL without query or fragment, got "${value}"`);
  return value.replace(/\/+$/, '');
}

/** Parses `argv` (without node and the script); `env` supplies HUBSPOT_CLIENT_SECRET when not given. */
export function parseSandboxArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): SandboxArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: OPTIONS,
    }));
  } catch (error) {
    // parseArgs's messages run on with advice about `--`; the first sentence names the problem.
    const message = error instanceof Error ? error.message : String(error);
    const first = (message.split(/(?<=\.) /)[0] ?? message).replace(/\.$/, '');
    const unknown = /^Unknown option '--([^']+)'/.exec(first)?.[1];
    const near = unknown === undefined ? null : nearestOption(unknown);
    throw new SandboxArgsError(near ? `${first}; did you mean --${near}?` : first);
  }
  // --help prints the usage and runs nothing, whatever else is on the line.
  if (values.help) return { ...parseSandboxArgs([]), help: true };
  const backward = values['lifecycle-backward'] ?? 'refuse';
  if (backward !== 'refuse' && backward !== 'ignore')
    throw new SandboxArgsError(`--lifecycle-backward must be refuse or ignore, got "${backward}"`);
  const port = integer(values.port, 'port', 8090);
  if (port > 65535) throw new SandboxArgsError(`--port must be at most 65535, got "${values.port}"`);
  const token = values.token ?? 'sandbox-token';
  if (token.trim() === '') throw new SandboxArgsError('--token must not be empty');
  const seed = integer(values.seed, 'seed', 42);
  const scopes = values.scopes
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

  const playgroundOnly = (['client-secret', 'public-url', 'skip-history', 'traffic'] as const).find(
    (name) => values[name] !== undefined,
  );
  if (!values.target && playgroundOnly)
    throw new SandboxArgsError(`--${playgroundOnly} needs --target <the service's URL>`);
  const trafficOnly = (['day-seconds', 'new-contacts'] as const).find((name) => values[name] !== undefined);
  if (!values.traffic && trafficOnly) throw new SandboxArgsError(`--${trafficOnly} needs --traffic`);

  if (values['history-contacts'] !== undefined && !values.history)
    throw new SandboxArgsError('--history-contacts needs --history');
  if (values.history && values.contacts !== undefined)
    throw new SandboxArgsError('--contacts does not go with --history; use --history-contacts <n>');
  const history = values.history
    ? { contacts: integer(values['history-contacts'], 'history-contacts', 2000, 1) }
    : undefined;

  let playground: SandboxArgs['playground'];
  if (values.target !== undefined) {
    const target = httpUrl(values.target, 'target');
    const clientSecret = values['client-secret'] ?? env.HUBSPOT_CLIENT_SECRET ?? '';
    if (clientSecret === '')
      throw new SandboxArgsError(
        '--target needs --client-secret <the service HUBSPOT_CLIENT_SECRET> (or HUBSPOT_CLIENT_SECRET in the environment)',
      );
    playground = {
      target,
      clientSecret,
      publicUrl: values['public-url'] !== undefined ? httpUrl(values['public-url'], 'public-url') : target,
      history: !values['skip-history'],
      ...(values.traffic
        ? {
            traffic: {
              daySeconds: positive(values['day-seconds'], 'day-seconds', 120),
              newContacts: integer(values['new-contacts'], 'new-contacts', 20),
              seed,
            },
          }
        : {}),
    };
  }

  return {
    help: false,
    port,
    host: values.host ?? '127.0.0.1',
    contacts: history?.contacts ?? integer(values.contacts, 'contacts', 1000),
    ...(history ? { history } : {}),
    seed,
    rateLimit: integer(values['rate-limit'], 'rate-limit', 190, 1),
    dailyLimit: integer(values['daily-limit'], 'daily-limit', 625_000, 1),
    token,
    ...(scopes ? { scopes } : {}),
    lifecycleBackward: backward,
    portalId: integer(values['portal-id'], 'portal-id', 62515, 1),
    ...(playground ? { playground } : {}),
  };
}
