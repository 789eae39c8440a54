/**
 * The CLI as a user meets it: `--help` of every command runs nothing (the database file and the
 * sandbox are byte-for-byte unchanged), a bad value of every option is one line and exit 2, an
 * unknown command or option says "did you mean", and `.env` never overrides the environment.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoProgram } from '../../src/cli/demo-options.js';
import { CliError, type CliIo } from '../../src/cli/io.js';
import { buildProgram } from '../../src/cli/program.js';
import { runCli, usageLine } from '../../src/cli/run.js';
import { loadDotEnv } from '../../src/env-file.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { migrate } from '../../src/store/index.js';

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (l) => stdout.push(l),
    err: (l) => stderr.push(l),
    now: () => new Date('2026-11-23T12:00:00Z'),
  };
}

/** Runs the CLI; a CliError becomes its exit code and message, as main.ts prints them. */
async function run(argv: string[]): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const io = capture();
  try {
    return { code: await runCli(argv, io), stdout: io.stdout, stderr: io.stderr };
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    return { code: error.exitCode, stdout: io.stdout, stderr: [...io.stderr, error.message] };
  }
}

const ENV_KEYS = [
  'HUBSPOT_ACCESS_TOKEN',
  'HUBSPOT_CLIENT_SECRET',
  'HUBSPOT_BASE_URL',
  'PUBLIC_BASE_URL',
  'DATABASE_URL',
  'LOG_LEVEL',
] as const;
const savedEnv = new Map<string, string | undefined>();
let sandbox: Sandbox;
let dir: string;
let database: string;

beforeAll(async () => {
  for (const k of ENV_KEYS) savedEnv.set(k, process.env[k]);
  sandbox = await createSandbox({ data: { contacts: 5, seed: 3 } });
  dir = await mkdtemp(join(tmpdir(), 'lq-cli-usage-'));
  database = join(dir, 'lq.sqlite');
  await migrate(database);
  Object.assign(process.env, {
    HUBSPOT_ACCESS_TOKEN: sandbox.accessToken,
    HUBSPOT_CLIENT_SECRET: 'usage-secret',
    HUBSPOT_BASE_URL: sandbox.baseUrl,
    PUBLIC_BASE_URL: 'https://lq.example.test',
    DATABASE_URL: database,
    LOG_LEVEL: 'silent',
  });
});
afterAll(async () => {
  for (const [k, v] of savedEnv) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

/** Everything a command could change: the database file's bytes and the sandbox's calls and records. */
async function fingerprint(): Promise<string> {
  const file = createHash('sha256')
    .update(await readFile(database))
    .digest('hex');
  const records = sandbox.data!.contacts.map((c) => sandbox.state.get('contacts', c.id));
  const crm = createHash('sha256')
    .update(JSON.stringify([records, sandbox.state.properties('contacts'), sandbox.stats.snapshot()]))
    .digest('hex');
  return `${file}/${crm}`;
}

const COMMANDS = buildProgram(capture(), () => {}).commands.map((c) => c.name());

describe('--help of every command', () => {
  it('when the CLI is built, then it has every command the README documents', () => {
    expect(COMMANDS).toEqual([
      'score',
      'explain',
      'validate-model',
      'models',
      'export-model',
      'migrate',
      'setup',
      'rescore',
      'import-history',
      'dead-letters',
      'report',
      'insights',
      'backtest',
      'review',
      'model',
    ]);
  });

  const MODEL_COMMANDS = buildProgram(capture(), () => {})
    .commands.find((c) => c.name() === 'model')!
    .commands.map((c) => c.name());

  it.each(MODEL_COMMANDS.map((c) => [c]))(
    'when `model %s --help` is run, even with every option that would act, then it prints its help, exits 0 and changes nothing',
    async (command) => {
      expect(MODEL_COMMANDS).toEqual(['diff', 'preview', 'publish', 'rollback', 'export']);
      const before = await fingerprint();
      const acting = [
        '--portal',
        '62515',
        '--by',
        'ann',
        '--approved-by',
        'bob',
        '--to',
        '1',
        '--out',
        join(dir, 'x.json'),
      ];
      for (const argv of [
        ['model', command, '--help'],
        ['model', 'help', command],
        ['model', command, 'seed-fit-intent', ...acting, '--help'],
      ]) {
        const result = await run(argv);
        expect(result.code, argv.join(' ')).toBe(0);
        expect(result.stdout.join('\n')).toContain(`Usage: npm run cli -- model ${command}`);
      }
      expect(existsSync(join(dir, 'x.json'))).toBe(false);
      expect(await fingerprint()).toBe(before);
    },
  );

  it.each(COMMANDS.map((c) => [c]))(
    'when `%s --help` is run, even with options that would act, then it prints its help, exits 0 and changes nothing',
    async (command) => {
      const before = await fingerprint();
      const acting = ['--all', '--portal', '62515', '--replay-all', '--model', 'seed-fit-intent'];
      for (const argv of [
        [command, '--help'],
        [command, '-h'],
        ['help', command],
        [command, ...acting.slice(0, 3), '--help'],
      ]) {
        const result = await run(argv);
        expect(result.code, argv.join(' ')).toBe(0);
        expect(result.stdout.join('\n')).toContain(`Usage: npm run cli -- ${command}`);
      }
      expect(await fingerprint()).toBe(before);
    },
  );

  it('when `migrate --help` is run against a database that does not exist yet, then no file is created', async () => {
    const fresh = join(dir, 'never-created.sqlite');
    process.env.DATABASE_URL = fresh;
    try {
      expect((await run(['migrate', '--help'])).code).toBe(0);
      expect(existsSync(fresh)).toBe(false);
    } finally {
      process.env.DATABASE_URL = database;
    }
  });

  it('when run without a command, then the overview lists the commands and the exit codes', async () => {
    const result = await run([]);
    expect(result.code).toBe(0);
    const text = result.stdout.join('\n');
    for (const command of COMMANDS) expect(text).toContain(`  ${command}`);
    expect(text).toContain('Exit codes:');
  });
});

describe('bad values: one line naming the option, exit 2, nothing run', () => {
  const cases: [string[], string][] = [
    [['score', '--model', 'seed-fit-intent', '--input', '-', '--now', '01/11/2026'], '--now'],
    [['score', '--model', 'seed-fit-intent', '--input', '-', '--now', '2026-02-30T10:00:00Z'], '--now'],
    [['score', '--model', 'seed-fit-intent'], '--input'],
    [['score', '--input', '-'], '--model'],
    [['explain', '--portal', 'acme', '--id', '1'], '--portal'],
    [['explain', '--portal', '62515', '--id', ' '], '--id'],
    [['explain', '--portal', '62515', '--id', '1', '--now', 'tomorrow'], '--now'],
    [['explain', '--portal', '62515'], '--id'],
    [['explain', '--input', 'x.jsonl'], '--model'],
    [['validate-model'], 'give a model file or preset, or --portal <id>'],
    [['validate-model', 'seed-fit-intent', '--portal', 'acme'], '--portal'],
    [['model', 'diff', '1'], '--portal'],
    [['model', 'rollback', '--portal', '1', '--to', 'v2', '--by', 'a', '--approved-by', 'b'], '--to'],
    [['model', 'publish', 'a.json', '--portal', '1', '--by', ' ', '--approved-by', 'b'], '--by'],
    [['model', 'export', '--portal', '1', '--version', '0'], '--version'],
    [['model', 'preview', 'a.json', '--portal', '1', '--format', 'csv'], '--format'],
    [['export-model'], 'preset'],
    [['models', 'extra'], 'too many arguments'],
    [['setup', '--portal', '12ab'], '--portal'],
    [['rescore', '--all'], '--portal'],
    [['rescore', '--all', '--portal', 'x1'], '--portal'],
    [['rescore', '--all', '--stale', '--portal', '1'], "'--all' cannot be used with option '--stale'"],
    [['rescore', '--portal', '1'], '--all'],
    [['dead-letters', '--replay', ''], '--replay'],
    [['dead-letters', '--replay', '1', '--replay-all'], '--replay-all'],
    [['report'], '--portal'],
    [['report', '--portal', '1', '--from', '01/11/2026'], '--from'],
    [['report', '--portal', '1', '--from', '2026-11-01T00:00:00Z'], '--from'],
    [['report', '--portal', '1', '--to', '2026-02-29'], '--to'],
    [['report', '--portal', '1', '--from', '2026-12-01', '--to', '2026-11-01'], '--from must be before --to'],
    [['report', '--portal', '1', '--format', 'xml'], '--format'],
    [['report', '--portal', '1', '--cost', 'lots'], '--cost'],
    [['report', '--portal', '1', '--cost', '-5'], '--cost'],
    [['report', '--portal', '1', '--deal-value', '1e3'], '--deal-value'],
    [['report', '--portal', '1', '--cycle-days', '0'], '--cycle-days'],
  ];

  it.each(cases)('when the CLI gets %j, then it names %s in one line and exits 2', async (argv, named) => {
    const before = await fingerprint();
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toEqual([]);
    expect(result.stderr).toHaveLength(1);
    expect(result.stderr[0]).not.toContain('\n');
    expect(result.stderr[0]).toContain(named);
    expect(await fingerprint()).toBe(before);
  });

  it('when a date is given as 01/11/2026, then it is refused, not read as 11 January', async () => {
    const result = await run(['report', '--portal', '1', '--from', '01/11/2026']);
    expect(result.stderr).toEqual([
      "report: option '--from <YYYY-MM-DD>' argument '01/11/2026' is invalid: must be a date as YYYY-MM-DD (e.g. 2026-11-01), a real day of the year",
    ]);
  });
});

describe('unknown commands and options', () => {
  it('when a command is misspelt, then one line suggests the right one and the exit code is 2', async () => {
    expect(await run(['reprot', '--portal', '1'])).toEqual({
      code: 2,
      stdout: [],
      stderr: ["cli: unknown command 'reprot' (did you mean report?)"],
    });
  });

  it('when an option is misspelt, then one line suggests the right one and the exit code is 2', async () => {
    const before = await fingerprint();
    expect((await run(['report', '--portal', '1', '--fro', '2026-11-01'])).stderr).toEqual([
      "report: unknown option '--fro' (did you mean --from?)",
    ]);
    expect((await run(['rescore', '--portal', '1', '--al'])).stderr).toEqual([
      "rescore: unknown option '--al' (did you mean --all?)",
    ]);
    expect((await run(['dead-letters', '--replay-al'])).code).toBe(2);
    expect(await fingerprint()).toBe(before);
  });

  it('when commander reports an error over two lines, then usageLine makes it one', () => {
    const error = new CommanderError(
      1,
      'commander.unknownOption',
      "error: unknown option '--x'\n(Did you mean --y?)",
    );
    expect(usageLine('score', error)).toBe("score: unknown option '--x' (did you mean --y?)");
  });
});

describe('the demo’s options', () => {
  async function demo(argv: string[]) {
    const out: string[] = [];
    let ran: unknown = null;
    const program = demoProgram(
      async (options) => {
        ran = options;
      },
      { out: (t) => out.push(t), err: (t) => out.push(t) },
    );
    try {
      await program.parseAsync(argv, { from: 'user' });
      return { ran, out, error: null };
    } catch (error) {
      return { ran, out, error: error as CommanderError };
    }
  }

  it('when --help is given, then the options are printed and the demo does not run', async () => {
    const result = await demo(['--help', '--contacts', '10']);
    expect(result.ran).toBeNull();
    expect(result.error?.code).toBe('commander.helpDisplayed');
    expect(result.out.join('')).toContain('--keep <dir>');
  });

  it.each([
    [
      ['--contacts', 'abc'],
      "demo: option '--contacts <n>' argument 'abc' is invalid: must be a whole number (1–20000)",
    ],
    [['--contacts', '0'], "demo: option '--contacts <n>' argument '0' is invalid: must be from 1 to 20000"],
    [
      ['--contacts', '2.5'],
      "demo: option '--contacts <n>' argument '2.5' is invalid: must be a whole number (1–20000)",
    ],
    [
      ['--rate-limit', '5'],
      "demo: option '--rate-limit <n>' argument '5' is invalid: must be from 10 to 1000",
    ],
    [['--seed', '-1'], "demo: option '--seed <n>' argument '-1' is invalid: must be from 0 to 2147483647"],
    [['--contcts', '5'], "demo: unknown option '--contcts' (did you mean --contacts?)"],
  ])('when the demo gets %j, then it stops with one line: %s', async (argv, line) => {
    const result = await demo(argv);
    expect(result.ran).toBeNull();
    expect(usageLine('demo', result.error!)).toBe(line);
  });

  it('when the options are good, then the demo gets them typed', async () => {
    expect((await demo(['--contacts', '50', '--keep', 'out'])).ran).toEqual({
      contacts: 50,
      rateLimit: 100,
      seed: 42,
      keep: 'out',
    });
  });
});

describe('.env', () => {
  it('when .env names variables, then those not set are loaded and those set in the environment win', async () => {
    const path = join(dir, '.env');
    await writeFile(path, 'LQ_TEST_FROM_FILE=file\nLQ_TEST_SET_ALREADY=file\n');
    process.env.LQ_TEST_SET_ALREADY = 'environment';
    try {
      expect(loadDotEnv(path)).toBe(true);
      expect(process.env.LQ_TEST_FROM_FILE).toBe('file');
      expect(process.env.LQ_TEST_SET_ALREADY).toBe('environment');
      expect(loadDotEnv(join(dir, 'missing.env'))).toBe(false);
    } finally {
      delete process.env.LQ_TEST_FROM_FILE;
      delete process.env.LQ_TEST_SET_ALREADY;
    }
  });
});
