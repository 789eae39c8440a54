/** Small I/O helpers shared by the CLI commands; the commands receive these, never `process` itself. */
import { constants, createReadStream } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import {
  isPresetName,
  loadPreset,
  type ModelProblem,
  PRESETS,
  parseModel,
  type QualificationModel,
} from '../core/index.js';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** The clock, read once per command (the core never reads it). */
  now: () => Date;
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export function formatProblems(problems: readonly ModelProblem[]): string[] {
  return problems.map((p) => `  ${p.path}: ${p.message}`);
}

/** Loads a model from a preset name or a JSON file; a bad model is a CliError listing every problem. */
export async function loadModel(ref: string): Promise<QualificationModel> {
  return (await loadModelWithWarnings(ref)).model;
}

/**
 * {@link loadModel}, with the model's warnings (names that are none of HubSpot's defaults, …) and
 * the JSON as written (what the settings use cases store; for a preset, its definition).
 */
export async function loadModelWithWarnings(
  ref: string,
  /** How an error names where `ref` came from: an option (`--model`) or an argument. */
  label = '--model',
): Promise<{ model: QualificationModel; warnings: ModelProblem[]; json: unknown }> {
  if (isPresetName(ref)) return { model: loadPreset(ref), warnings: [], json: PRESETS[ref] };
  let text: string;
  try {
    text = await readFile(ref, 'utf8');
  } catch {
    throw new CliError(
      `${label}: "${ref}" is neither a preset (${Object.keys(PRESETS).join(', ')}) nor a readable file`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${label} ${ref}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = parseModel(json);
  if (!parsed.success)
    throw new CliError(
      [`${label} ${ref}: the model is invalid:`, ...formatProblems(parsed.problems)].join('\n'),
    );
  return { model: parsed.model, warnings: parsed.warnings, json };
}

/** Prints a model's warnings on stderr, one per line, under a heading naming the model. */
export function reportModelWarnings(ref: string, warnings: readonly ModelProblem[], io: CliIo): void {
  if (warnings.length === 0) return;
  io.err(`${ref}: ${warnings.length} warning${warnings.length > 1 ? 's' : ''} (the model is still used):`);
  for (const line of formatProblems(warnings)) io.err(line);
}

/** One input record: its line number (1-based; for a .json array, its index + 1) and value or parse error. */
export type InputRecord = { line: number; value: unknown } | { line: number; error: string };

/**
 * Reads contact records from a `.json` file (one object or an array) or a JSON Lines file
 * (`.jsonl`, `.ndjson`, or `-` for standard input), streaming JSON Lines so large files fit in memory.
 */
export async function* readRecords(
  path: string,
  stdin: NodeJS.ReadableStream = process.stdin,
): AsyncGenerator<InputRecord> {
  if (path.endsWith('.json')) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw new CliError(
        `--input ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not valid JSON (${(error as Error).message})`}`,
      );
    }
    const items = Array.isArray(json) ? json : [json];
    for (const [i, value] of items.entries()) yield { line: i + 1, value };
    return;
  }
  if (path !== '-') {
    try {
      await access(path, constants.R_OK);
    } catch {
      throw new CliError(`--input ${path}: no such file, or not readable`);
    }
  }
  const stream = path === '-' ? stdin : createReadStream(path, 'utf8');
  let line = 0;
  for await (const text of createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })) {
    line++;
    if (text.trim() === '') continue;
    try {
      yield { line, value: JSON.parse(text) };
    } catch (error) {
      yield { line, error: `not valid JSON (${(error as Error).message})` };
    }
  }
}
