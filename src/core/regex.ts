/**
 * The regular expressions of a model's `regex` conditions, on a linear-time engine.
 *
 * Property values come from outside (a form-filled job title), so a pattern must never take more
 * than linear time in the value: V8's backtracking RegExp needs seconds for `^(a+)+$` against 31
 * "a"s and a "!", and blocks the event loop meanwhile. Model patterns therefore run on RE2JS (a
 * pure JavaScript port of RE2), which matches in time proportional to the value times the size of
 * the pattern's program, whatever both contain. What RE2 cannot run in linear time (look-ahead,
 * look-behind, backreferences) it refuses to compile; `compilePattern` says which it was.
 *
 * The syntax is RE2's, which for everyday patterns is JavaScript's: classes, `\d \w \s \b`,
 * groups, named groups `(?<name>…)`, alternation, lazy and counted repeats up to 1,000, `\pL` and
 * `\p{Greek}`. Flags: `i`, `m`, `s` as in JavaScript; `u` is accepted and changes nothing (RE2
 * always reads code points). Differences worth knowing: `\s` and `\b` are ASCII-only, `.` matches
 * `\r`, and `\uXXXX` is written `\x{XXXX}`.
 */
import { RE2JS } from 're2js';

/** What a compiled model pattern can do: answer whether it matches anywhere in a text. */
export interface LinearRegex {
  test(text: string): boolean;
}

/** The bounds of one model pattern (see README, "The model"). */
export const PATTERN_LIMITS = {
  /** Characters in a pattern. */
  chars: 500,
  /**
   * Steps of the compiled program (RE2's "program size"). Matching costs at most about this many
   * steps per character of the value, so this bounds the worst case; a counted repeat `x{200}`
   * costs 200 steps, a 500-character list of plain words about 500.
   */
  programSize: 500,
  /** RE2's own limit on a counted repeat `{n}`. */
  repeat: 1000,
  /**
   * Characters of a value a pattern reads: a longer value is unknown to a regex condition (never
   * a match, never a disqualification). With `programSize` this bounds one match to about two
   * million steps, tens of milliseconds, even for a pattern built to defeat the engine's cache.
   * Long free text is for `contains`, which reads any length.
   */
  valueChars: 4_096,
} as const;

/** The flags a model pattern may use, each at most once. */
export const PATTERN_FLAGS = 'imsu';

export type CompiledPattern = { ok: true; regex: LinearRegex } | { ok: false; problem: string };

/**
 * Compiles a model pattern for the linear-time engine, or says in plain words why it cannot be:
 * `uses a look-ahead, which the linear-time engine does not support`. Never throws.
 */
export function compilePattern(pattern: string, flags = ''): CompiledPattern {
  if (pattern.length > PATTERN_LIMITS.chars)
    return { ok: false, problem: `must be at most ${PATTERN_LIMITS.chars} characters` };
  const flagProblem = checkFlags(flags);
  if (flagProblem) return { ok: false, problem: flagProblem };
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(pattern, engineFlags(flags));
  } catch (error) {
    return { ok: false, problem: unsupported(pattern) ?? invalid(error) };
  }
  const size = regex.programSize();
  if (size > PATTERN_LIMITS.programSize)
    return {
      ok: false,
      problem: `is too large for the linear-time engine: ${size} program steps, at most ${PATTERN_LIMITS.programSize} (a counted repeat such as {200} costs a step per repeat)`,
    };
  return { ok: true, regex };
}

/** Why `flags` are not acceptable, or null. */
export function checkFlags(flags: string): string | null {
  const seen = new Set<string>();
  for (const flag of flags) {
    if (!PATTERN_FLAGS.includes(flag)) return 'may only use the flags i, m, s and u';
    if (seen.has(flag)) return `repeats the flag ${flag}`;
    seen.add(flag);
  }
  return null;
}

function engineFlags(flags: string): number {
  let out = 0;
  if (flags.includes('i')) out |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('m')) out |= RE2JS.MULTILINE;
  if (flags.includes('s')) out |= RE2JS.DOTALL;
  return out;
}

/**
 * The first construct of `pattern` that RE2 refuses by design, named the way a person looks for it.
 * A plain scan (escapes skipped, character classes tracked), used only to word a compile error.
 */
function unsupported(pattern: string): string | null {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (next === 'u')
        return 'uses a \\u escape, which the linear-time engine does not read: write the character itself or \\x{…}';
      if (!inClass && (/[1-9]/.test(next) || (next === 'k' && pattern[i + 2] === '<')))
        return 'uses a backreference, which the linear-time engine does not support';
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      // A "]" right after "[" or "[^" is a literal in RE2.
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
    } else if (c === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2, i + 4);
      if (rest.startsWith('=') || rest.startsWith('!'))
        return 'uses a look-ahead, which the linear-time engine does not support';
      if (rest === '<=' || rest === '<!')
        return 'uses a look-behind, which the linear-time engine does not support';
    }
  }
  return null;
}

function invalid(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const message = raw.replace(/^error parsing regexp: /, '');
  if (message.startsWith('invalid repeat count'))
    return `has a counted repeat the linear-time engine refuses (${message}): at most ${PATTERN_LIMITS.repeat.toLocaleString('en-US')}, nested repeats multiplied, and {min,max} with min ≤ max`;
  return `is not a valid regular expression (${message})`;
}
