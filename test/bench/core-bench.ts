/**
 * Core throughput: evaluate N synthetic contacts (from the sandbox's seed generator: HubSpot-shaped
 * records with their company and signals) with the seed-fit-intent preset, against `JSON.parse` of
 * the same contacts' JSON (one line each), alternating round by round. Target: ratio ≤ 1.0.
 */
import { type ContactInput, evaluate, loadPreset } from '../../src/core/index.js';
import { cliRecords, generateSeedData } from '../../src/sandbox/index.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export function coreBenchmark(count = 100_000, rounds = 7) {
  const NOW = Date.parse('2026-11-23T12:00:00Z');
  const model = loadPreset('seed-fit-intent');
  const contacts: ContactInput[] = [...cliRecords(generateSeedData({ contacts: count, seed: 42, now: NOW }))];
  const lines = contacts.map((c) => JSON.stringify(c));
  const bytes = lines.reduce((s, l) => s + l.length, 0);

  let sink = 0;
  const parseMs: number[] = [];
  const evalMs: number[] = [];
  // One warm-up round, then alternate so both see the same machine conditions.
  for (let r = 0; r <= rounds; r++) {
    const p = time(() => {
      for (const line of lines) sink += (JSON.parse(line) as { id: string }).id.length;
    });
    const e = time(() => {
      for (const c of contacts) sink += evaluate(c, model, NOW).fit.score;
    });
    if (r > 0) {
      parseMs.push(p);
      evalMs.push(e);
    }
  }
  const mqls = contacts.filter((c) => evaluate(c, model, NOW).isMql).length;
  const evalTime = median(evalMs);
  return {
    sink,
    figures: {
      core_contacts: count,
      core_rounds: rounds,
      core_evaluate_ms: Math.round(evalTime),
      core_json_parse_ms: Math.round(median(parseMs)),
      core_contacts_per_second: Math.round((count / evalTime) * 1000),
      core_us_per_contact: Math.round((evalTime / count) * 1000 * 100) / 100,
      // The median of per-round ratios: each round times both back to back, so drift cancels out.
      core_evaluate_to_json_parse_ratio:
        Math.round(median(evalMs.map((e, i) => e / parseMs[i]!)) * 100) / 100,
      core_json_bytes_per_contact: Math.round(bytes / count),
      core_mql_share: Math.round((mqls / count) * 1000) / 1000,
      core_heap_used_mb: Math.round(process.memoryUsage().heapUsed / 1_048_576),
    },
  };
}
