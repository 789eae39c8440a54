/**
 * Every model shown in the docs (README.md and docs/*.md) is checked with the real parser:
 * a ```json block is a complete model and must validate as shown, without warnings; a
 * ```json invalid block must be refused with exactly the problems listed in the plain block
 * after it; a ```json fragment block is one part of a model, checked against that part's schema.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DisqualifierSchema,
  FitCriterionSchema,
  FeedbackSchema,
  IntentSignalSchema,
  parseModel,
} from '../../src/core/model.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FILES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

interface Block {
  file: string;
  line: number;
  info: string;
  text: string;
  /** The plain fenced block right after this one, if any (the expected output). */
  next?: string;
}

function fencedBlocks(file: string): Block[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    blocks.push({ file, line: i + 1, info: open[1]!.trim(), text: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  blocks.forEach((block, k) => {
    const following = blocks[k + 1];
    if (following && following.info === '') block.next = following.text;
  });
  return blocks.filter((b) => /^json\b/.test(b.info));
}

const blocks = FILES.flatMap(fencedBlocks);
const kind = (b: Block) => b.info.split(/\s+/)[1] ?? 'model';
const where = (b: Block) => `${b.file}:${b.line}`;

/** The schema of the model part a fragment shows, by its fields. */
function fragmentSchema(value: Record<string, unknown>) {
  if ('feedback' in value) return FeedbackSchema;
  if ('reason' in value && 'when' in value) return DisqualifierSchema;
  if ('ageing' in value) return IntentSignalSchema;
  if ('match' in value && 'points' in value) return FitCriterionSchema;
  return undefined;
}

describe('models in the docs', () => {
  it('when the docs are read, then docs/model.md shows a complete model, a refused one and fragments', () => {
    const modelDoc = blocks.filter((b) => b.file === 'docs/model.md').map(kind);
    expect(modelDoc).toContain('model');
    expect(modelDoc).toContain('invalid');
    expect(modelDoc).toContain('fragment');
    for (const b of blocks) expect(['model', 'invalid', 'fragment'], where(b)).toContain(kind(b));
  });

  it.each(blocks.filter((b) => kind(b) === 'model').map((b) => [where(b), b] as const))(
    'when the complete model at %s is parsed, then it validates as shown, with no warnings',
    (_, block) => {
      const result = parseModel(JSON.parse(block.text));
      expect(result.success ? [] : result.problems).toEqual([]);
      expect(result.success && result.warnings).toEqual([]);
    },
  );

  it.each(blocks.filter((b) => kind(b) === 'invalid').map((b) => [where(b), b] as const))(
    'when the refused model at %s is parsed, then it is refused with exactly the problems the docs list after it',
    (_, block) => {
      const result = parseModel(JSON.parse(block.text));
      expect(result.success).toBe(false);
      const shown = (block.next ?? '').split('\n').filter(Boolean);
      expect(result.success ? [] : result.problems.map((p) => `${p.path}: ${p.message}`)).toEqual(shown);
    },
  );

  it.each(blocks.filter((b) => kind(b) === 'fragment').map((b) => [where(b), b] as const))(
    'when the fragment at %s is parsed, then it is valid JSON and valid for the part it shows',
    (_, block) => {
      const value = JSON.parse(block.text) as Record<string, unknown>;
      const schema = fragmentSchema(value);
      if (schema === undefined)
        throw new Error(`${where(block)}: no schema for a fragment with ${Object.keys(value).join(', ')}`);
      const result = schema.safeParse('feedback' in value ? value.feedback : value);
      expect(result.success ? [] : result.error.issues).toEqual([]);
    },
  );
});
