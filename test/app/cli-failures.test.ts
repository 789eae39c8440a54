/**
 * Runtime failures as a user meets them: a wrong token, HubSpot unreachable, a missing setting, a
 * taken port. Each is one line naming what to fix, exit code 1, no stack trace unless --debug.
 * Commands that read only the database run without any HubSpot setting, and `.env` is read.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CliError, type CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/index.js';

const KEYS = [
  'HUBSPOT_ACCESS_TOKEN',
  'HUBSPOT_CLIENT_SECRET',
  'HUBSPOT_BASE_URL',
  'PUBLIC_BASE_URL',
  'DATABASE_URL',
  'LOG_LEVEL',
];
const saved = new Map<string, string | undefined>();
let sandbox: Sandbox;
let dir: string;

beforeAll(async () => {
  for (const k of KEYS) saved.set(k, process.env[k]);
  sandbox = await createSandbox({ data: { contacts: 2, seed: 5 } });
  dir = await mkdtemp(join(tmpdir(), 'lq-cli-failures-'));
});
afterEach(() => {
  for (const [k, v] of saved) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});
afterAll(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

/** Only these variables, as on a fresh shell: nothing inherited from the test's environment. */
function onlyEnv(env: Record<string, string>): void {
  for (const k of KEYS) delete process.env[k];
  Object.assign(process.env, { LOG_LEVEL: 'silent', ...env });
}

async function run(argv: string[]) {
  const lines: string[] = [];
  const io: CliIo = { out: (l) => lines.push(l), err: (l) => lines.push(l), now: () => new Date() };
  try {
    return { code: await runCli(argv, io), lines };
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    return { code: error.exitCode, lines: [...lines, error.message] };
  }
}

async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

describe('runtime failures of the CLI', () => {
  it('when the token is wrong, then one line says HubSpot refused HUBSPOT_ACCESS_TOKEN and the exit code is 1', async () => {
    onlyEnv({
      HUBSPOT_ACCESS_TOKEN: 'not-the-token',
      HUBSPOT_BASE_URL: sandbox.baseUrl,
      DATABASE_URL: join(dir, 'wrong-token.sqlite'),
    });
    const result = await run(['setup']);
    expect(result.code).toBe(1);
    expect(result.lines).toHaveLength(1);
    expect(result.lines[0]).toMatch(/^HubSpot refused HUBSPOT_ACCESS_TOKEN \(401: .*\): set it to/);
  });

  it('when HubSpot is unreachable, then one line names the URL and HUBSPOT_BASE_URL, and the exit code is 1', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    onlyEnv({ HUBSPOT_ACCESS_TOKEN: 't', HUBSPOT_BASE_URL: url, DATABASE_URL: join(dir, 'down.sqlite') });
    const result = await run(['rescore', '--all', '--portal', '62515']);
    expect(result.code).toBe(1);
    expect(result.lines).toHaveLength(1);
    expect(result.lines[0]).toContain(`HubSpot is unreachable at ${url}`);
    expect(result.lines[0]).toContain('check HUBSPOT_BASE_URL and the network');
  }, 30_000);

  it('when a setting the command needs is missing, then one line names it and the exit code is 1', async () => {
    onlyEnv({ DATABASE_URL: join(dir, 'missing.sqlite') });
    const result = await run(['setup']);
    expect(result).toEqual({
      code: 1,
      lines: [
        "missing or bad setting: HUBSPOT_ACCESS_TOKEN is required (the private app's static access token) (set it in the environment or in .env; see .env.example)",
      ],
    });
  });

  it('when commands read only the database, then they run without any HubSpot setting', async () => {
    onlyEnv({ DATABASE_URL: join(dir, 'database-only.sqlite') });
    expect(await run(['dead-letters'])).toEqual({ code: 0, lines: ['no dead letters'] });
    expect(
      (await run(['report', '--portal', '62515', '--from', '2026-11-01', '--to', '2026-12-01'])).code,
    ).toBe(0);
    expect((await run(['rescore', '--stale', '--portal', '62515'])).code).toBe(0);
    expect((await run(['migrate'])).code).toBe(0);
  });

  it('when --debug is given, then the stack trace comes before the one line', async () => {
    onlyEnv({ HUBSPOT_ACCESS_TOKEN: 'not-the-token', HUBSPOT_BASE_URL: sandbox.baseUrl });
    process.env.DATABASE_URL = join(dir, 'debug.sqlite');
    const result = await run(['setup', '--debug']);
    expect(result.code).toBe(1);
    expect(result.lines[0]).toMatch(/^HubSpotError: .*\n\s+at /);
    expect(result.lines.at(-1)).toMatch(/^HubSpot refused HUBSPOT_ACCESS_TOKEN/);
  });
});

/** Node with tsx's loader given by path, so the CLI can run from another working directory. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
const ROOT = resolve(import.meta.dirname, '../..');

function node(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  for (const k of KEYS) if (!options.env || !(k in options.env)) delete env[k];
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', TSX, ...args],
      { cwd: options.cwd ?? ROOT, env, timeout: 60_000 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the CLI and the service as processes', () => {
  it('when a command fails at run time, then stderr is one line without a stack trace and the exit code is 1', async () => {
    const result = await node([join(ROOT, 'src/cli/main.ts'), 'setup'], {
      env: {
        HUBSPOT_ACCESS_TOKEN: 'not-the-token',
        HUBSPOT_BASE_URL: sandbox.baseUrl,
        DATABASE_URL: join(dir, 'process.sqlite'),
      },
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('when .env is in the working directory, then the CLI reads its settings from it', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'lq-dotenv-'));
    try {
      await writeFile(join(cwd, '.env'), 'DATABASE_URL=./from-dotenv.sqlite\nLOG_LEVEL=silent\n');
      const result = await node([join(ROOT, 'src/cli/main.ts'), 'dead-letters'], { cwd });
      expect(result).toMatchObject({ code: 0, stdout: 'no dead letters\n' });
      expect(existsSync(join(cwd, 'from-dotenv.sqlite'))).toBe(true);
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });

  it('when the port is taken, then the service says so in one line, exits 1 and sets nothing up', async () => {
    const taken: Server = createServer();
    await new Promise<void>((done) => taken.listen(0, done));
    const { port } = taken.address() as { port: number };
    const database = join(dir, 'port-taken.sqlite');
    try {
      const before = sandbox.stats.snapshot().total;
      const result = await node([join(ROOT, 'src/main.ts')], {
        env: {
          HUBSPOT_ACCESS_TOKEN: sandbox.accessToken,
          HUBSPOT_CLIENT_SECRET: 'port-secret',
          HUBSPOT_BASE_URL: sandbox.baseUrl,
          PUBLIC_BASE_URL: 'https://lq.example.test',
          DATABASE_URL: database,
          PORT: String(port),
          LOG_FORMAT: 'json',
        },
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `port ${port} is in use; set PORT to a free port, or stop what listens on ${port}\n`,
      );
      expect(result.stdout).not.toContain('portal set up');
      expect(sandbox.stats.snapshot().total).toBe(before);
      expect(existsSync(database)).toBe(false);
    } finally {
      await new Promise((done) => taken.close(done));
    }
  });
});
