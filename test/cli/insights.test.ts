import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CliError, type CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run.js';
import { PRESETS } from '../../src/core/index.js';
import { generateHistorySeed, writeHistoryFile } from '../../src/sandbox/history-seed.js';

const NOW = '2026-11-01T00:00:00Z';

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), now: () => new Date(NOW) };
}

let dir = '';
let historyFile = '';
let draftFile = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lq-insights-'));
  historyFile = join(dir, 'history.jsonl');
  const { history } = generateHistorySeed({ contacts: 1500, seed: 7, now: Date.parse(NOW) });
  await writeHistoryFile(history, historyFile);
  const draft = structuredClone(PRESETS['seed-fit-intent']) as any;
  draft.version = 'draft-intent-30';
  draft.thresholds.mql.intent = { operator: '>=', value: 30 };
  draftFile = join(dir, 'draft.json');
  await writeFile(draftFile, JSON.stringify(draft));
});

describe('cli insights', () => {
  it('when given a history file, then it prints the calibration and the suggestions', async () => {
    const io = capture();
    expect(await runCli(['insights', '--input', historyFile], io)).toBe(0);
    expect(io.stdout[0]).toMatch(
      /^Calibration of seed-fit-intent@1: \d+ contacts judged 2025-10-31 – 2026-10-31, outcomes up to 2026-11-01/,
    );
    expect(io.stdout).toContainEqual(
      expect.stringMatching(/^ {2}cut +band +n +→SQL +→opportunity +→customer$/),
    );
    expect(io.stdout).toContainEqual(
      expect.stringMatching(/^What converts to customer \(base rate \d+\.\d% of \d+\):$/),
    );
    expect(io.stdout).toContainEqual(expect.stringMatching(/^ {5}add to draft: /));
  });

  it('when asked for json, then the output parses and holds both parts', async () => {
    const io = capture();
    await runCli(['insights', '--input', historyFile, '--format', 'json', '--outcome', 'sql'], io);
    const json = JSON.parse(io.stdout.join('\n'));
    expect(json.calibration.contacts).toBeGreaterThan(100);
    expect(json.suggestions).toMatchObject({ status: 'ok', outcome: 'sql' });
  });

  it('when a history record is bad, then the line and field are named and the rest is used', async () => {
    const bad = join(dir, 'bad.jsonl');
    await writeFile(bad, `{"id":"1","createdAt":"yesterday","properties":{}}\n`);
    const io = capture();
    await runCli(['insights', '--input', bad], io);
    expect(io.stderr[0]).toBe(
      `${bad}:1: $.createdAt must be an ISO-8601 date or date-time, or epoch milliseconds`,
    );
    expect(io.stdout).toContainEqual(
      '  Not enough data: 0 contacts judged in the period (at least 30 are needed).',
    );
  });

  it('when neither a file nor a portal is given, or a bad outcome, then the error says what to give', async () => {
    await expect(runCli(['insights'], capture())).rejects.toThrow(
      new CliError('insights: give --input <history file> or --portal <id> (the stored history)'),
    );
    await expect(runCli(['insights', '--input', historyFile, '--outcome', 'won'], capture())).rejects.toThrow(
      /option '--outcome <outcome>' argument 'won' is invalid: allowed choices are sql, opportunity, customer/,
    );
  });
});

describe('cli backtest', () => {
  it('when a draft lowers the intent bar, then the table says how many MQLs it adds a month and what became of them', async () => {
    const io = capture();
    expect(await runCli(['backtest', '--draft', draftFile, '--input', historyFile], io)).toBe(0);
    expect(io.stdout[0]).toMatch(
      /^Backtest of draft-intent-30 against seed-fit-intent@1: 1500 contacts over 12\.0 months$/,
    );
    expect(io.stdout[1]).toMatch(
      /^The draft adds [\d.]+, of which [\d.]+ became customers \(MQLs a month: [\d.]+ now, [\d.]+ with the draft\)\.$/,
    );
  });

  it('when asked for csv or json, then each is well formed', async () => {
    const csv = capture();
    await runCli(
      ['backtest', '--draft', draftFile, '--input', historyFile, '--format', 'csv', '--months', '6'],
      csv,
    );
    expect(csv.stdout[0]).toBe('month,published,draft');
    expect(csv.stdout.filter((l) => /^\d{4}-\d{2},\d+,\d+$/.test(l)).length).toBeGreaterThanOrEqual(6);
    expect(csv.stdout).toContain('cohort,contacts,sql,opportunity,customer');
    const json = capture();
    await runCli(['backtest', '--draft', draftFile, '--input', historyFile, '--format', 'json'], json);
    const b = JSON.parse(json.stdout.join('\n'));
    expect(b.draft.contacts).toBe(b.both.contacts + b.added.contacts);
  });

  it('when the draft is missing or the months are wrong, then the error names the flag', async () => {
    await expect(runCli(['backtest', '--input', historyFile], capture())).rejects.toThrow(
      /required option '--draft <preset\|file.json>' not specified/,
    );
    await expect(
      runCli(['backtest', '--draft', draftFile, '--input', historyFile, '--months', '0'], capture()),
    ).rejects.toThrow(/option '--months <n>' argument '0' is invalid: must be from 1 to 36/);
  });
});
