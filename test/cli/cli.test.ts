import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CliError, type CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run.js';
import { PRESETS } from '../../src/core/index.js';

const FIXTURE = 'test/fixtures/contacts.jsonl';
const NOW = '2026-11-23T12:00:00Z';

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), now: () => new Date(NOW) };
}

async function tempFile(name: string, content: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lq-cli-'));
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

describe('cli score', () => {
  it('when some lines are bad, then the good ones are still scored, each bad line is reported, and the exit code is 1', async () => {
    const io = capture();
    const code = await runCli(['score', '--model', 'seed-fit-intent', '--input', FIXTURE, '--now', NOW], io);
    expect(code).toBe(1);
    const rows = io.stdout.map((l) => JSON.parse(l));
    expect(
      rows.map((r) => [
        r.id,
        r.fit.score,
        r.intent.score,
        r.qualification,
        r.lifecycle.proposed,
        r.leadStatus.proposed,
      ]),
    ).toEqual([
      ['101', 100, 70, 'mql', 'marketingqualifiedlead', 'NEW'],
      ['102', 50, 20, 'disqualified', 'lead', 'UNQUALIFIED'],
      ['104', 100, 10, 'iql', 'lead', null],
    ]);
    expect(rows[1].disqualification).toEqual({
      id: 'free_email',
      reason: 'Free e-mail domain',
      detail: 'contact.email: gmail.com',
    });
    expect(rows[0].explanation[0]).toBe('MQL: fit 100 > 60 and intent 70 > 50');
    expect(io.stderr).toEqual([
      expect.stringMatching(/^test\/fixtures\/contacts\.jsonl:3: not valid JSON/),
      'test/fixtures/contacts.jsonl:4: $.properties must be an object of property names to values',
      '2 bad records skipped, 3 scored',
    ]);
  });

  it('when the input is a .json array, then every element is scored', async () => {
    const path = await tempFile(
      'in.json',
      JSON.stringify([
        { id: 1, properties: { email: 'a@b.nl' } },
        { id: '2', properties: {} },
      ]),
    );
    const io = capture();
    expect(await runCli(['score', '--model', 'seed-industrial', '--input', path, '--now', NOW], io)).toBe(0);
    expect(io.stdout.map((l) => JSON.parse(l).id)).toEqual(['1', '2']);
  });

  it('when the model file is invalid, then it stops with every problem and its path', async () => {
    const model = structuredClone(PRESETS['seed-fit-intent']) as any;
    model.thresholds.mql.fit.value = 160;
    model.intent.signals[0].points = 'twenty';
    const path = await tempFile('model.json', JSON.stringify(model));
    const io = capture();
    const run = runCli(['score', '--model', path, '--input', FIXTURE], io);
    await expect(run).rejects.toThrow(CliError);
    await expect(run).rejects.toThrow(/\$\.intent\.signals\[0\]\.points: must be a number, not text/);
    await expect(run).rejects.toThrow(/\$\.thresholds\.mql\.fit\.value: must be at most 100/);
  });

  it('when a signal date is not ISO-8601, then that record is refused with the field named', async () => {
    const path = await tempFile(
      'in.jsonl',
      `${JSON.stringify({ id: '9', properties: {}, signals: [{ type: 'demo_requested', occurredAt: 'yesterday' }] })}\n`,
    );
    const io = capture();
    expect(await runCli(['score', '--model', 'seed-fit-intent', '--input', path], io)).toBe(1);
    expect(io.stderr[0]).toMatch(/:1: \$\.signals\[0\]\.occurredAt must be an ISO-8601 date or date-time/);
  });

  it('when --now is not a date, then it is a usage error', async () => {
    await expect(
      runCli(['score', '--model', 'seed-fit-intent', '--input', FIXTURE, '--now', 'soon'], capture()),
    ).rejects.toThrow(
      "score: option '--now <iso>' argument 'soon' is invalid: must be an ISO-8601 date or date-time",
    );
  });

  it('when the input file is missing, then it says so', async () => {
    await expect(
      runCli(['score', '--model', 'seed-fit-intent', '--input', 'missing.jsonl'], capture()),
    ).rejects.toThrow('--input missing.jsonl: no such file, or not readable');
  });
});

describe('cli score on real CRM data', () => {
  it('when signals are of an unknown type or in the future, then each is a warning on stderr and in the output, and the exit code stays 0', async () => {
    const path = await tempFile(
      'in.jsonl',
      `${JSON.stringify({
        id: '7',
        properties: { email: 'kees@acme.nl', country: 'Holland', jobtitle: 'Algemeen Directeur' },
        signals: [
          { type: 'podcast_listened', occurredAt: '2026-11-20T10:00:00Z' },
          { type: 'demo_requested', occurredAt: '2026-12-20T10:00:00Z' },
          { type: 'trial_started', occurredAt: 1795165200 },
        ],
      })}\n`,
    );
    const io = capture();
    expect(await runCli(['score', '--model', 'seed-fit-intent', '--input', path, '--now', NOW], io)).toBe(0);
    const row = JSON.parse(io.stdout[0]!);
    expect(row.intent.score).toBe(40);
    expect(row.explanation).toContain('+25 Region: Holland → Netherlands is in the ICP');
    expect(row.warnings).toEqual([
      'Signal type "podcast_listened" is not in the model: not counted',
      'Signal "demo_requested" is dated in the future (2026-12-20T10:00:00.000Z): not counted',
    ]);
    expect(io.stderr).toEqual([
      `${path}:1: contact 7: Signal type "podcast_listened" is not in the model: not counted`,
      `${path}:1: contact 7: Signal "demo_requested" is dated in the future (2026-12-20T10:00:00.000Z): not counted`,
      '1 contact with warnings (signals not counted; see "warnings" in the output)',
    ]);
  });

  it('when a value is over HubSpot’s limit, then the record is refused naming the field and the others are scored', async () => {
    const path = await tempFile(
      'in.jsonl',
      [
        JSON.stringify({ id: '1', properties: { jobtitle: 'x'.repeat(5 * 1024 * 1024) } }),
        JSON.stringify({ id: '2', properties: { jobtitle: 'CEO' } }),
      ].join('\n'),
    );
    const io = capture();
    expect(await runCli(['score', '--model', 'seed-fit-intent', '--input', path, '--now', NOW], io)).toBe(1);
    expect(io.stdout.map((l) => JSON.parse(l).id)).toEqual(['2']);
    expect(io.stderr[0]).toBe(
      `${path}:1: $.properties.jobtitle is 5,242,880 characters; at most 65,536 are accepted (HubSpot's limit for a property value)`,
    );
  });

  it('when the model names a property with a typo, then scoring says so on stderr and goes on', async () => {
    const model = structuredClone(PRESETS['seed-fit-intent']) as any;
    model.fit.criteria[3].property = 'contact.jobtitel';
    const path = await tempFile('model.json', JSON.stringify(model));
    const io = capture();
    expect(await runCli(['score', '--model', path, '--input', FIXTURE, '--now', NOW], io)).toBe(1);
    expect(io.stderr.slice(0, 2)).toEqual([
      `${path}: 1 warning (the model is still used):`,
      `  $.fit.criteria[3].property: "contact.jobtitel" is not one of HubSpot's default contact properties (did you mean "contact.jobtitle"?); fine if your portal has it as a custom property`,
    ]);
    expect(io.stdout).toHaveLength(3);
  });
});

describe('cli explain, validate-model, models, export-model', () => {
  it('explain prints the full breakdown of the chosen contact', async () => {
    const io = capture();
    expect(
      await runCli(
        ['explain', '--model', 'seed-fit-intent', '--input', FIXTURE, '--id', '104', '--now', NOW],
        io,
      ),
    ).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toContain('IQL, information only (not for sales): intent 10 ≤ 50');
    expect(text).toContain(
      '+25 Company size: 1000+ (at least 1000, within 25–1000)  (company.numberofemployees)',
    );
    expect(text).toContain('Lifecycle: subscriber → lead');
  });

  it('validate-model accepts an exported preset and reports problems in a broken one', async () => {
    const io = capture();
    expect(await runCli(['export-model', 'seed-industrial'], io)).toBe(0);
    const good = await tempFile('m.json', io.stdout.join('\n'));
    const ok = capture();
    expect(await runCli(['validate-model', good], ok)).toBe(0);
    expect(ok.stdout[0]).toMatch(
      /valid model "Seed: industrial automation" \(seed-industrial@1\): 3 fit criteria, 4 intent signals, 5 disqualifiers/,
    );

    const broken = JSON.parse(io.stdout.join('\n'));
    broken.disqualifiers[0].when = [];
    const bad = capture();
    expect(await runCli(['validate-model', await tempFile('b.json', JSON.stringify(broken))], bad)).toBe(1);
    expect(bad.stderr).toContain('  $.disqualifiers[0].when: must list at least one condition');
  });

  it('validate-model accepts a model with an unknown property name and prints the warning with "did you mean"', async () => {
    const model = structuredClone(PRESETS['seed-industrial']) as any;
    model.fit.criteria[0].property = ['company.numberofemployes'];
    const io = capture();
    expect(await runCli(['validate-model', await tempFile('w.json', JSON.stringify(model))], io)).toBe(0);
    expect(io.stdout.slice(1)).toEqual([
      '1 warning:',
      `  $.fit.criteria[0].property[0]: "company.numberofemployes" is not one of HubSpot's default company properties (did you mean "company.numberofemployees"?); fine if your portal has it as a custom property`,
    ]);
  });

  it('models lists the presets', async () => {
    const io = capture();
    expect(await runCli(['models'], io)).toBe(0);
    expect(io.stdout.map((l) => l.split('\t')[0])).toEqual(['seed-fit-intent', 'seed-industrial']);
  });
});

describe('npm run cli', () => {
  it('runs as a process: JSON Lines on stdout, problems on stderr, exit code 1 for bad lines', async () => {
    const run = promisify(execFile)('npx', [
      'tsx',
      'src/cli/main.ts',
      'score',
      '--model',
      'seed-fit-intent',
      '--input',
      FIXTURE,
      '--now',
      NOW,
    ]);
    const error = await run.then(
      () => null,
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(error?.code).toBe(1);
    expect(error?.stdout.trim().split('\n')).toHaveLength(3);
    expect(error?.stderr).toContain('2 bad records skipped, 3 scored');
  });
});
