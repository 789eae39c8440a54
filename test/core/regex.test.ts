/**
 * Model regex conditions run on a linear-time engine (RE2 semantics): a hostile value cannot stall
 * an evaluation, and patterns RE2 cannot run in linear time are refused at validation, with the path.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compilePattern,
  evaluate,
  MODEL_LIMITS,
  matchValue,
  PATTERN_LIMITS,
  parseModel,
  PRESETS,
  type QualificationModel,
} from '../../src/core/index.js';
import { idealContact, NOW } from './helpers.js';

function seedInput() {
  return structuredClone(PRESETS['seed-fit-intent']) as unknown as Record<string, any>;
}

/** The seed model plus a third disqualifier with one regex condition on the job title. */
function withTitleDisqualifier(pattern: string, flags?: string) {
  const input = seedInput();
  input.disqualifiers.push({
    id: 'title_pattern',
    reason: 'Title pattern',
    when: [{ property: 'contact.jobtitle', match: { type: 'regex', pattern, ...(flags ? { flags } : {}) } }],
  });
  return input;
}

function parsed(input: unknown): QualificationModel {
  const result = parseModel(input);
  if (!result.success) throw new Error(JSON.stringify(result.problems));
  return result.model;
}

describe('a backtracking pattern against a hostile value', () => {
  // V8's RegExp needs about 9 s (and blocks the event loop) for this pair.
  const model = parsed(withTitleDisqualifier('^(a+)+$'));

  it('when the title is 31 "a"s and a "!", then the evaluation completes at once and does not disqualify', () => {
    const started = performance.now();
    const evaluation = evaluate(idealContact({ properties: { jobtitle: `${'a'.repeat(31)}!` } }), model, NOW);
    const elapsed = performance.now() - started;
    expect(evaluation.disqualification).toBeNull();
    // Generous, so a busy machine never fails it; `npm run bench -- --only regex` has the figure.
    expect(elapsed).toBeLessThan(1_000);
  });

  it(`when the title is ${PATTERN_LIMITS.valueChars - 1} "a"s and a "!" (the longest a pattern reads), then it completes too`, () => {
    const title = `${'a'.repeat(PATTERN_LIMITS.valueChars - 1)}!`;
    const evaluation = evaluate(idealContact({ properties: { jobtitle: title } }), model, NOW);
    expect(evaluation.disqualification).toBeNull();
  });

  it('when a value is longer than a pattern reads, then the condition is unknown: it never disqualifies', () => {
    const title = 'a'.repeat(PATTERN_LIMITS.valueChars + 1);
    expect(matchValue(title, { type: 'regex', pattern: '^(a+)+$' })).toEqual({
      status: 'unknown',
      shown: `${'a'.repeat(59)}…`,
      detail: 'is 4,097 characters; a pattern reads at most 4,096',
    });
    const evaluation = evaluate(idealContact({ properties: { jobtitle: title } }), model, NOW);
    expect(evaluation.disqualification).toBeNull();
  });

  it('when the title is only "a"s, then the pattern matches and the contact is disqualified', () => {
    const evaluation = evaluate(idealContact({ properties: { jobtitle: 'a'.repeat(31) } }), model, NOW);
    expect(evaluation.disqualification).toMatchObject({ id: 'title_pattern', reason: 'Title pattern' });
  });
});

describe('patterns the linear-time engine cannot run', () => {
  it.each([
    ['(?=vp)', 'uses a look-ahead, which the linear-time engine does not support'],
    ['^(?!intern)', 'uses a look-ahead, which the linear-time engine does not support'],
    ['(?<=head of )sales', 'uses a look-behind, which the linear-time engine does not support'],
    ['(?<!assistant )director', 'uses a look-behind, which the linear-time engine does not support'],
    ['(a+)\\1', 'uses a backreference, which the linear-time engine does not support'],
    ['(?<w>\\w+) \\k<w>', 'uses a backreference, which the linear-time engine does not support'],
    [
      'Gesch\\u00e4ftsf\\u00fchrer',
      'uses a \\u escape, which the linear-time engine does not read: write the character itself or \\x{…}',
    ],
  ])('when a disqualifier uses %j, then the model is refused at its path', (pattern, message) => {
    const result = parseModel(withTitleDisqualifier(pattern));
    expect(result).toEqual({
      success: false,
      problems: [{ path: '$.disqualifiers[2].when[0].match.pattern', message }],
    });
  });

  it('when a look-ahead sits inside a character class or is escaped, then it is plain text and accepted', () => {
    expect(parseModel(withTitleDisqualifier('[(?=]x')).success).toBe(true);
    expect(parseModel(withTitleDisqualifier('\\(?=x')).success).toBe(true);
  });

  it.each([
    ['a{1001}', /^has a counted repeat the linear-time engine refuses \(invalid repeat count: `\{1001\}`\)/],
    ['(a{100}){100}', /^has a counted repeat the linear-time engine refuses/],
    ['x{400}y{200}', /^is too large for the linear-time engine: \d+ program steps, at most 500/],
    ['((', /^is not a valid regular expression \(missing closing \): `\(\(`\)$/],
    ['a'.repeat(PATTERN_LIMITS.chars + 1), /^must be at most 500 characters$/],
  ])('when the pattern is %j, then it is refused with a reason', (pattern, message) => {
    const result = parseModel(withTitleDisqualifier(pattern));
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.problems).toEqual([
      { path: '$.disqualifiers[2].when[0].match.pattern', message: expect.stringMatching(message) },
    ]);
  });

  it.each([
    ['ii', 'repeats the flag i'],
    ['g', 'may only use the flags i, m, s and u'],
    ['y', 'may only use the flags i, m, s and u'],
  ])('when the flags are %j, then they are refused', (flags, message) => {
    const result = parseModel(withTitleDisqualifier('^vp', flags));
    expect(result).toEqual({
      success: false,
      problems: [{ path: '$.disqualifiers[2].when[0].match.flags', message }],
    });
  });

  it(`when a model has more than ${MODEL_LIMITS.regexConditions} regex conditions, then the first one over is named`, () => {
    const input = seedInput();
    // The preset's derived rules count too (its demo form is one pattern): leave them out here.
    for (const signal of input.intent.signals) delete signal.derivedFrom;
    for (let i = 0; i < 51; i++)
      input.disqualifiers.push({
        id: `pattern_${i}`,
        reason: `Pattern ${i}`,
        when: [{ property: 'contact.jobtitle', match: { type: 'regex', pattern: `^x${i}$` } }],
      });
    const result = parseModel(input);
    expect(result).toEqual({
      success: false,
      problems: [
        {
          path: '$.disqualifiers[52].when[0].match',
          message: 'is regex condition number 51; a model may have at most 50',
        },
      ],
    });
    input.disqualifiers.pop();
    expect(parseModel(input).success).toBe(true);
  });

  it('when derived rules bring the regex conditions past the bound, then the first one over is named at its signal', () => {
    const input = seedInput();
    for (let i = 0; i < 50; i++)
      input.disqualifiers.push({
        id: `pattern_${i}`,
        reason: `Pattern ${i}`,
        when: [{ property: 'contact.jobtitle', match: { type: 'regex', pattern: `^x${i}$` } }],
      });
    expect(parseModel(input)).toEqual({
      success: false,
      problems: [
        {
          path: '$.intent.signals[1].derivedFrom[0].conditions[0].match',
          message: 'is regex condition number 51; a model may have at most 50',
        },
      ],
    });
  });
});

describe('flags and syntax', () => {
  it.each([
    ['^plant', 'i', 'Plant Manager', 'match'],
    ['^plant', undefined, 'Plant Manager', 'no-match'],
    ['^manager$', 'm', 'Plant\nmanager', 'match'],
    ['^manager$', undefined, 'Plant\nmanager', 'no-match'],
    ['plant.manager', 's', 'plant\nmanager', 'match'],
    ['plant.manager', undefined, 'plant\nmanager', 'no-match'],
    ['^. CEO$', 'u', '😀 CEO', 'match'],
    ['^. CEO$', undefined, '😀 CEO', 'match'],
    ['^(?<role>vp|head) of', 'i', 'Head of Sales', 'match'],
    ['\\bcto\\b', 'i', 'Founder & CTO', 'match'],
    ['^\\d{4}\\s?[A-Z]{2}$', undefined, '1234 AB', 'match'],
    ['\\pL+\\d', undefined, 'Geschäftsführer2', 'match'],
    ['gesch\\x{e4}ftsf\\x{FC}hrer', 'i', 'Geschäftsführer', 'match'],
  ] as const)('/%s/%s on %j: %s', (pattern, flags, value, status) => {
    expect(matchValue(value, { type: 'regex', pattern, ...(flags ? { flags } : {}) }).status).toBe(status);
  });

  it('when a matcher was never validated and cannot compile, then matching throws a SyntaxError, as RegExp did', () => {
    expect(() => matchValue('x', { type: 'regex', pattern: '(?=x)' })).toThrow(SyntaxError);
  });

  it('compilePattern never throws: it answers with the problem', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 4 }), (pattern, flags) => {
        const compiled = compilePattern(pattern, flags);
        expect(compiled.ok || typeof compiled.problem === 'string').toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });
});

/**
 * Patterns built from what both engines read alike (literals, classes, groups, alternation, the
 * usual repeats, anchors, `\d` and `\b`): on every value, RE2 finds a match exactly when V8 does.
 */
describe('RE2 agrees with JavaScript on everyday patterns', () => {
  const atom: fc.Arbitrary<string> = fc.constantFrom('a', 'b', 'ab', '[ab]', '[^a]', '.', '\\d', 'x', '-');
  const pattern: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      atom,
      fc.tuple(tie('node'), tie('node')).map(([l, r]) => `${l}${r}`),
      fc.tuple(tie('node'), tie('node')).map(([l, r]) => `(?:${l}|${r})`),
      fc
        .tuple(tie('node'), fc.constantFrom('*', '+', '?', '{2}', '{1,3}', '*?'))
        .map(([n, q]) => `(${n})${q}`),
    ),
  })).node;
  const anchored = fc
    .tuple(fc.boolean(), pattern, fc.boolean(), fc.boolean())
    .map(([start, p, end, word]) => `${start ? '^' : ''}${word ? '\\b' : ''}${p}${end ? '$' : ''}`);
  const value = fc.stringMatching(/^[ab1x\- ]{0,12}$/);

  it('matches exactly when V8 does', () => {
    fc.assert(
      fc.property(anchored, fc.constantFrom('', 'i'), value, (p, flags, v) => {
        const compiled = compilePattern(p, flags);
        if (!compiled.ok) return; // too large for the engine: refused, nothing to compare
        expect(compiled.regex.test(v)).toBe(new RegExp(p, flags).test(v));
      }),
      { numRuns: 1_500 },
    );
  });
});
