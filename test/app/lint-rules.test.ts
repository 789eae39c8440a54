/**
 * The project's own lint rule, `lq/own-keys-only` (eslint/own-keys-only.js): a plain-record
 * lookup keyed by any string is reported; a Map, `ownValue`, a literal-union key or an array index
 * is not. Run with type information, as `npm run lint` runs it.
 */
import { readFileSync } from 'node:fs';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import lq from '../../eslint/own-keys-only.js';

const FIXTURE = 'test/fixtures/lint/own-keys.ts';

describe('lq/own-keys-only', () => {
  it('when a record typed by string keys is read or written with a string key, then it is reported; Map, ownValue, literal keys and array indexes are not', async () => {
    const eslint = new ESLint({
      overrideConfig: { files: [FIXTURE], plugins: { lq }, rules: { 'lq/own-keys-only': 'error' } },
    });
    const [result] = await eslint.lintFiles([FIXTURE]);
    const reported = result!.messages.filter((m) => m.ruleId === 'lq/own-keys-only').map((m) => m.line);
    const expected = readFileSync(FIXTURE, 'utf8')
      .split('\n')
      .flatMap((line, i) => (line.includes('// reported') ? [i + 1] : []));
    expect(expected).toHaveLength(3);
    expect(reported).toEqual(expected);
  }, 60_000);
});
