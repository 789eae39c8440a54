/**
 * Model regex conditions: what the linear-time engine costs, and that a hostile value cannot stall.
 *
 * - The core ratio (evaluate / JSON.parse, as in core-bench) for the seed-fit-intent preset plus
 *   two regex disqualifiers: one on the e-mail address (nearly unique values, so the pattern runs
 *   for almost every contact) and the classic catastrophic pattern `^(a+)+$` on the job title.
 * - One evaluation of a contact whose job title is 31 "a"s and a "!" against that model (a
 *   backtracking engine needs seconds for it; target: well under 100 ms).
 * - The worst case the pattern bounds allow: ~500 program steps built to defeat the DFA cache,
 *   against a 4,096-character value (the most a pattern reads).
 * - Per-match time of a few simple patterns, RE2 (re2js, what the core uses) beside V8's RegExp.
 */
import { RE2JS } from 're2js';
import {
  compilePattern,
  type ContactInput,
  evaluate,
  loadPreset,
  PATTERN_LIMITS,
  parseModel,
} from '../../src/core/index.js';
import { BENCH_NOW as NOW, median, raceWithJsonParse, syntheticContacts, time } from './bench-kit.js';

/** The seed-fit-intent preset with two regex disqualifiers (see above). */
export function regexModel() {
  const input = structuredClone(loadPreset('seed-fit-intent')) as unknown as Record<string, any>;
  input.disqualifiers.push(
    {
      id: 'role_account',
      reason: 'Role or test address',
      when: [
        {
          property: 'contact.email',
          match: { type: 'regex', pattern: '^(test|noreply|no-reply|info|sales)[@+.]', flags: 'i' },
        },
      ],
    },
    {
      id: 'hostile_pattern',
      reason: 'Only the letter a',
      when: [{ property: 'contact.jobtitle', match: { type: 'regex', pattern: '^(a+)+$' } }],
    },
  );
  const parsed = parseModel(input);
  if (!parsed.success) throw new Error(JSON.stringify(parsed.problems));
  return parsed.model;
}

export function regexBenchmark(count = 100_000, rounds = 7, hostileLength = 31) {
  const model = regexModel();
  const contacts = syntheticContacts(count);
  const race = raceWithJsonParse(contacts, model, rounds);
  let sink = race.sink;
  const ratios = race.evalMs.map((e, k) => e / race.parseMs[k]!);
  const evalMs = race.evalMs;

  const hostile: ContactInput = {
    id: 'hostile',
    properties: { email: 'anna@acme-software.nl', jobtitle: `${'a'.repeat(hostileLength)}!` },
    signals: [],
  };
  let hostileDisqualified = true;
  const hostileMs = time(() => {
    hostileDisqualified = evaluate(hostile, model, NOW).disqualification !== null;
  });

  // The worst case the bounds allow: a pattern of about 500 program steps that defeats the DFA
  // cache, against a value as long as a pattern reads, of random a/b (a fresh value each time).
  let worstMs = 0;
  const worst = compilePattern('a[ab]{490}[^ab]');
  if (worst.ok) {
    let seed = 1;
    const ab = () =>
      Array.from({ length: PATTERN_LIMITS.valueChars }, () => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return (seed >> 8) % 2 ? 'a' : 'b';
      }).join('');
    worstMs = median([0, 1, 2, 3, 4].map(() => time(() => void worst.regex.test(ab()))));
  }

  // Per match, on distinct values (as e-mail addresses are), 200,000 matches per pattern and engine.
  const values = contacts.slice(0, 20_000).map((c) => String(c.properties.email ?? ''));
  const patterns = [
    { pattern: '^(test|noreply|no-reply|info|sales)[@+.]', flags: 'i' },
    { pattern: '\\.(edu|ac\\.[a-z]{2})$', flags: '' },
    { pattern: '[0-9]{3,}', flags: '' },
  ];
  const perMatch: Record<string, number> = {};
  patterns.forEach(({ pattern, flags }, i) => {
    const v8 = new RegExp(pattern, flags);
    const re2 = RE2JS.compile(pattern, flags.includes('i') ? RE2JS.CASE_INSENSITIVE : 0);
    const v8Ns: number[] = [];
    const re2Ns: number[] = [];
    for (let r = 0; r < 5; r++) {
      v8Ns.push(
        time(() => {
          for (let k = 0; k < 10; k++) for (const v of values) sink += v8.test(v) ? 1 : 0;
        }) * 5,
      );
      re2Ns.push(
        time(() => {
          for (let k = 0; k < 10; k++) for (const v of values) sink += re2.test(v) ? 1 : 0;
        }) * 5,
      );
    }
    perMatch[`regex_pattern${i + 1}_v8_ns_per_match`] = Math.round(median(v8Ns));
    perMatch[`regex_pattern${i + 1}_re2_ns_per_match`] = Math.round(median(re2Ns));
  });

  return {
    sink,
    patterns,
    figures: {
      regex_contacts: count,
      regex_evaluate_ms: Math.round(median(evalMs)),
      regex_evaluate_to_json_parse_ratio: Math.round(median(ratios) * 100) / 100,
      regex_hostile_title_chars: hostileLength + 1,
      regex_hostile_evaluate_ms: Math.round(hostileMs * 100) / 100,
      regex_hostile_disqualified: hostileDisqualified ? 1 : 0,
      regex_worst_case_ms: Math.round(worstMs * 10) / 10,
      ...perMatch,
    },
  };
}
