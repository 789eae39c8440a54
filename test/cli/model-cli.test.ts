/**
 * `cli model …` and `validate-model --portal` against a running stack (the sandbox as HubSpot, the
 * service's SQLite store): publish and roll back with two people, the diff of two versions as a
 * person reads it, export back through the parser, the portal's properties checked.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelPreview, parseModel, PRESETS } from '../../src/core/index.js';
import { CliError, type CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run.js';
import { freshPostgresDatabase, type Stack, startStack } from '../service/helpers.js';

const KEYS = ['HUBSPOT_ACCESS_TOKEN', 'HUBSPOT_BASE_URL', 'DATABASE_URL', 'LOG_LEVEL'] as const;
const saved = new Map<string, string | undefined>();
let stack: Stack;
let dir: string;
let portal: string;
let fileA: string;
let fileB: string;

/** Runs the CLI as main.ts does: a CliError is its exit code and its one line on stderr. */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CliIo = { out: (l) => stdout.push(l), err: (l) => stderr.push(l), now: () => new Date() };
  try {
    return { code: await runCli(argv, io), stdout, stderr };
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    return { code: error.exitCode, stdout, stderr: [...stderr, error.message] };
  }
}

/** `model publish|rollback …`, asked for by one person and approved by another (or the same). */
const publication = (by: string, approvedBy: string, command: 'publish' | 'rollback', ...args: string[]) =>
  cli('model', command, ...args, '--by', by, '--approved-by', approvedBy);
const twoPeople = (command: 'publish' | 'rollback', ...args: string[]) =>
  publication('ann@acme.example', 'bob@acme.example', command, ...args);
const versions = async () => (await stack.service.store.models.versions(portal)).length;

beforeAll(async () => {
  for (const k of KEYS) saved.set(k, process.env[k]);
  // The service keeps its model for 10 minutes: only the worker's refresh on publication work can
  // make it score a version the CLI (another process) published.
  stack = await startStack({ contacts: 40, service: { modelCacheTtlMs: 600_000 } });
  portal = stack.portalId;
  const c = stack.service.config;
  Object.assign(process.env, {
    HUBSPOT_ACCESS_TOKEN: c.HUBSPOT_ACCESS_TOKEN,
    HUBSPOT_BASE_URL: c.HUBSPOT_BASE_URL,
    DATABASE_URL: c.DATABASE_URL,
    LOG_LEVEL: 'silent',
  });
  dir = await mkdtemp(join(tmpdir(), 'lq-model-cli-'));
  const seed = PRESETS['seed-fit-intent'];
  const a = { ...seed, name: 'Model A', version: 'a@1' };
  const b = structuredClone({ ...seed, name: 'Model B', version: 'b@1' });
  b.thresholds.mql.intent.value = 40;
  b.fit.criteria[2]!.points = 15;
  fileA = join(dir, 'a.json');
  fileB = join(dir, 'b.json');
  await writeFile(fileA, JSON.stringify(a, null, 2));
  await writeFile(fileB, JSON.stringify(b, null, 2));
  // Every contact scored once, so the store holds what a preview and a publish compare.
  expect((await cli('rescore', '--all', '--portal', portal)).code).toBe(0);
}, 60_000);

afterAll(async () => {
  for (const [k, v] of saved) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await stack.close();
  await rm(dir, { recursive: true, force: true });
});

describe('model publish, diff, rollback, export', () => {
  it('when a file is published by one person and approved by another, then it is in force and a second publish diffs as written', async () => {
    const first = await twoPeople('publish', fileA, '--portal', portal);
    expect(first.stderr).toEqual([]);
    expect(first.code).toBe(0);
    expect(first.stdout[0]).toBe(
      `published version 1 ("a@1") in portal ${portal}: by ann@acme.example, approved by bob@acme.example`,
    );
    const record = await stack.service.store.models.published(portal);
    expect(record?.version).toBe(1);
    expect(record?.approval?.mode).toBe('two-person');
    expect(record?.approval?.approvedBy).toBe('bob@acme.example');
    await stack.service.worker.drain();

    // Within the model's 60 days of cadence: a second publish needs a reason.
    const early = await twoPeople('publish', fileB, '--portal', portal);
    expect(early.code).toBe(1);
    expect(early.stderr).toHaveLength(1);
    expect(early.stderr[0]).toMatch(
      /^model publish: .*\(--reason: is required within 60 days of the last publish\)$/,
    );

    const preview = await cli('model', 'preview', fileB, '--portal', portal, '--format', 'json');
    expect(preview.code).toBe(0);
    const expected = JSON.parse(preview.stdout[0]!) as ModelPreview;
    expect(expected.contacts).toBe(40);
    const table = await cli('model', 'preview', fileB, '--portal', portal);
    expect(table.stdout[0]).toBe(`${fileB} against a@1 (v1), over 40 stored contacts:`);
    expect(table.stdout).toContain(
      `  changed: ${expected.changed} (MQL in ${expected.mqlIn}, MQL out ${expected.mqlOut}, newly disqualified ${expected.newlyDisqualified})`,
    );
    expect(table.stdout.at(-1)).toMatch(/^took \d+ ms; nothing was saved$/);

    const second = await twoPeople(
      'publish',
      fileB,
      '--portal',
      portal,
      '--reason',
      'the intent bar was too high',
    );
    expect(second.code).toBe(0);
    expect(second.stdout[0]).toMatch(/^published version 2 \("b@1"\)/);
    const queued = Number(/^(\d+) contacts? queued/.exec(second.stdout[1]!)?.[1]);
    expect(queued).toBeGreaterThan(0);

    // The running service still has an older model cached (another process published): the work
    // the publish queued makes its worker read the model again, so it is written under version 2.
    expect((await stack.service.models.get(portal)).storedVersion).not.toBe(2);
    expect(await stack.service.worker.drain()).toBe(queued);
    const written = stack.sandbox
      .data!.contacts.map((c) => stack.sandbox.state.get('contacts', c.id)?.properties.lq_model_version)
      .filter((v) => v === 'b@1 (v2)');
    expect(written).toHaveLength(queued);

    const changes = [
      '  model: name "Model A" → "Model B"',
      '  mql: MQL intent bar 50 → 40',
      '  fit: region points +25 → +15',
    ];
    const diff = await cli('model', 'diff', '1', '2', '--portal', portal);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toEqual(['version 1 → version 2: 3 changes', ...changes]);
    const withFile = await cli('model', 'diff', '1', fileB, '--portal', portal);
    expect(withFile.stdout).toEqual([`version 1 → ${fileB}: 3 changes`, ...changes]);
    const none = await cli('model', 'diff', 'active', '--portal', portal);
    expect(none.stdout).toEqual(['the model in force → the model in force: no changes']);
  });

  it('when --approved-by is missing, then publish is refused in one line and nothing is saved', async () => {
    const before = await versions();
    const result = await cli('model', 'publish', fileA, '--portal', portal, '--by', 'ann@acme.example');
    expect(result.code).toBe(2);
    expect(result.stderr).toEqual([
      "model publish: required option '--approved-by <approver>' not specified",
    ]);
    expect(await versions()).toBe(before);
  });

  it('when the approver is the author, then publish is refused before anything is saved, unless the portal allows one approver', async () => {
    const before = await versions();
    const result = await publication(
      'Ann@acme.example',
      'ann@acme.example',
      'publish',
      fileA,
      '--portal',
      portal,
      '--reason',
      'r',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toHaveLength(1);
    expect(result.stderr[0]).toContain('(--approved-by: is the author of the request)');
    expect(await versions()).toBe(before);

    const other = '99001';
    await stack.service.store.approvals.setPolicy(other, true, 'ops', Date.now());
    const alone = await publication(
      'ann@acme.example',
      'ann@acme.example',
      'publish',
      fileA,
      '--portal',
      other,
    );
    expect(alone.code).toBe(0);
    expect(alone.stdout[0]).toContain('by ann@acme.example, alone (the portal allows one approver)');
  });

  it('when a portal rolls back, then the earlier version is in force again; a version that does not exist is named', async () => {
    const missing = await twoPeople('rollback', '--portal', portal, '--to', '99');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toEqual([
      'model rollback: Model version 99 does not exist. (--to: no such version)',
    ]);

    const back = await twoPeople('rollback', '--portal', portal, '--to', '1');
    expect(back.code).toBe(0);
    expect(back.stdout[0]).toBe(
      `rolled back to version 1 ("a@1") in portal ${portal}: by ann@acme.example, approved by bob@acme.example`,
    );
    expect((await stack.service.store.models.published(portal))?.version).toBe(1);
  });

  it('when the model is exported, then it parses back to the model that was published', async () => {
    const published = await cli('model', 'export', '--portal', portal);
    expect(published.code).toBe(0);
    const original = parseModel(JSON.parse(await readFile(fileA, 'utf8')));
    const exported = parseModel(JSON.parse(published.stdout.join('\n')));
    expect(exported.success && original.success).toBe(true);
    if (exported.success && original.success) expect(exported.model).toEqual(original.model);

    const out = join(dir, 'v2.json');
    expect((await cli('model', 'export', '--portal', portal, '--version', '2', '--out', out)).code).toBe(0);
    const fromFile = parseModel(JSON.parse(await readFile(out, 'utf8')));
    const b = parseModel(JSON.parse(await readFile(fileB, 'utf8')));
    expect(fromFile.success && b.success && fromFile.model).toEqual(b.success && b.model);
  });
});

describe('validate-model --portal', () => {
  /** `validate-model <file> --portal` on seed-fit-intent as `edit` changes it. */
  async function validateEdited(name: string, edit: (model: (typeof PRESETS)['seed-fit-intent']) => void) {
    const model = structuredClone(PRESETS['seed-fit-intent']);
    edit(model);
    const file = join(dir, name);
    await writeFile(file, JSON.stringify(model));
    return cli('validate-model', file, '--portal', portal);
  }

  it.each([['seed-fit-intent'], ['seed-industrial']])(
    'when the preset %s is checked against the sandbox portal, then every property it reads is there',
    async (preset) => {
      const result = await cli('validate-model', preset, '--portal', portal);
      expect(result.code).toBe(0);
      expect(result.stdout.at(-1)).toMatch(
        new RegExp(`^portal ${portal}: .* reads \\d+ properties; 0 errors, 0 warnings$`),
      );
    },
  );

  it('when a model reads company.industy, then it fails naming the path and the property meant', async () => {
    const result = await validateEdited('typo.json', (model) => {
      model.fit.criteria[0]!.property = ['company.industy', 'contact.industry'];
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      '  $.fit.criteria[0].property[0]: "company.industy" does not exist in this portal (did you mean "company.industry"?): every contact would read it as unknown',
    );
  });

  it('when a listed value is none of an enumeration’s options, then it is an error, or a warning where a text property of the list can hold it', async () => {
    const result = await validateEdited('values.json', (model) => {
      model.thresholds.installedBase!.customerWhen[0]!.match = {
        type: 'one-of',
        values: ['customer', 'vip'],
      };
      (model.fit.criteria[0]!.match as { values: string[] }).values.push('Basket Weaving');
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      '  $.thresholds.installedBase.customerWhen[0].match.values[1]: "vip" is none of company.lifecyclestage\'s 8 options: it can never match',
    );
    expect(result.stdout).toContain(
      '  $.fit.criteria[0].match.values[4]: "Basket Weaving" is none of company.industry\'s 50 options; only contact.industry can match it',
    );
  });

  it('when --portal is not the token’s portal, then it says so and checks nothing', async () => {
    const result = await cli('validate-model', 'seed-fit-intent', '--portal', '99001');
    expect(result.code).toBe(1);
    expect(result.stderr.at(-1)).toBe(
      `validate-model: --portal 99001 is not the portal HUBSPOT_ACCESS_TOKEN belongs to (${portal})`,
    );
  });

  it('when no file is given, then the portal’s model in force is checked', async () => {
    const result = await cli('validate-model', '--portal', portal);
    expect(result.code).toBe(0);
    expect(result.stdout[0]).toMatch(/^portal \d+: a@1 \(v1\) reads \d+ properties; 0 errors, 0 warnings$/);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('model commands on PostgreSQL', () => {
  let pg: Stack;
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let sqlite: string | undefined;

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    pg = await startStack({ contacts: 5, databaseUrl: database!.url });
    sqlite = process.env.DATABASE_URL;
    process.env.DATABASE_URL = database!.url;
  }, 60_000);
  afterAll(async () => {
    process.env.DATABASE_URL = sqlite;
    await pg.close();
    await database?.drop();
  });

  it('when a file is published, another published with a reason and the first rolled back to, then the store says so', async () => {
    const at = pg.portalId;
    expect((await twoPeople('publish', fileA, '--portal', at)).code).toBe(0);
    expect((await twoPeople('publish', fileB, '--portal', at, '--reason', 'r')).code).toBe(0);
    expect((await twoPeople('rollback', '--portal', at, '--to', '1')).code).toBe(0);
    const versions = await pg.service.store.models.versions(at);
    expect(versions.map((v) => [v.version, v.status, v.approval?.mode])).toEqual([
      [1, 'published', 'two-person'],
      [2, 'archived', 'two-person'],
    ]);
    const exported = await cli('model', 'export', '--portal', at);
    expect(JSON.parse(exported.stdout.join('\n'))).toMatchObject({ name: 'Model A', version: 'a@1' });
  });
});
