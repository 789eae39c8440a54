/**
 * Core throughput: evaluate N synthetic contacts (from the sandbox's seed generator: HubSpot-shaped
 * records with their company and signals) with the seed-fit-intent preset, against `JSON.parse` of
 * the same contacts' JSON (one line each), alternating round by round. Target: ratio ≤ 1.0.
 */
import { evaluate, loadPreset } from '../../src/core/index.js';
import { BENCH_NOW as NOW, median, raceWithJsonParse, syntheticContacts } from './bench-kit.js';

export function coreBenchmark(count = 100_000, rounds = 7) {
  const model = loadPreset('seed-fit-intent');
  const contacts = syntheticContacts(count);
  const bytes = contacts.reduce((n, c) => n + JSON.stringify(c).length, 0);
  const { parseMs, evalMs, sink } = raceWithJsonParse(contacts, model, rounds);
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
