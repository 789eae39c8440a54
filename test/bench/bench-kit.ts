/**
 * What the core benchmarks share: the fixed clock, the synthetic contacts (the sandbox's seed
 * generator: HubSpot-shaped records with their company and signals), timing, and the race of
 * `evaluate` against `JSON.parse` of the same contacts, alternated round by round.
 */
import { type ContactInput, evaluate, type QualificationModel } from '../../src/core/index.js';
import { cliRecords, generateSeedData } from '../../src/sandbox/index.js';

/** The benches' `now`: fixed, so a run depends on the seed alone. */
export const BENCH_NOW = Date.parse('2026-11-23T12:00:00Z');

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Milliseconds `fn` takes. */
export function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** `count` synthetic contacts (seed 42). */
export function syntheticContacts(count: number): ContactInput[] {
  return [...cliRecords(generateSeedData({ contacts: count, seed: 42, now: BENCH_NOW }))];
}

/**
 * `JSON.parse` of each contact's JSON line against `evaluate` of the contacts, one warm-up round
 * and then `rounds` timed rounds, alternated so both see the same machine conditions.
 */
export function raceWithJsonParse(
  contacts: readonly ContactInput[],
  model: QualificationModel,
  rounds: number,
): { parseMs: number[]; evalMs: number[]; sink: number } {
  const lines = contacts.map((c) => JSON.stringify(c));
  let sink = 0;
  const parseMs: number[] = [];
  const evalMs: number[] = [];
  for (let r = 0; r <= rounds; r++) {
    const p = time(() => {
      for (const line of lines) sink += (JSON.parse(line) as { id: string }).id.length;
    });
    const e = time(() => {
      for (const c of contacts) sink += evaluate(c, model, BENCH_NOW).fit.score;
    });
    if (r > 0) {
      parseMs.push(p);
      evalMs.push(e);
    }
  }
  return { parseMs, evalMs, sink };
}
