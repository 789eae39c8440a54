/**
 * `npm run bench [-- --json] [-- --contacts N]`: core throughput.
 *
 * Evaluates N synthetic contacts (default 100,000, from the sandbox's seed generator: HubSpot-shaped
 * records with their company and signals) with the seed-fit-intent preset, and compares the time
 * with the time `JSON.parse` takes for the same contacts' JSON (one line each), in the same run.
 * Each figure is the median of several rounds. Target: evaluate / JSON.parse ≤ 1.0.
 */
import { parseArgs } from 'node:util';
import { type ContactInput, evaluate, loadPreset } from '../../src/core/index.js';
import { cliRecords, generateSeedData } from '../../src/sandbox/index.js';

const { values } = parseArgs({
  options: { json: { type: 'boolean' }, contacts: { type: 'string' }, rounds: { type: 'string' } },
});
const count = Number(values.contacts ?? 100_000);
const rounds = Number(values.rounds ?? 7);
const NOW = Date.parse('2026-11-23T12:00:00Z');

const model = loadPreset('seed-fit-intent');
// The sandbox's seed: HubSpot-shaped records (standard properties, company, signals), fixed seed.
const contacts: ContactInput[] = [...cliRecords(generateSeedData({ contacts: count, seed: 42, now: NOW }))];
const lines = contacts.map((c) => JSON.stringify(c));
const bytes = lines.reduce((s, l) => s + l.length, 0);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

let sink = 0;
const parseMs: number[] = [];
const evalMs: number[] = [];
// One warm-up round of each, then alternate so both see the same machine conditions.
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
const parse = median(parseMs);
const evalTime = median(evalMs);
const heapMb = process.memoryUsage().heapUsed / 1_048_576;
const figures = {
  contacts: count,
  rounds,
  evaluate_ms: Math.round(evalTime),
  json_parse_ms: Math.round(parse),
  contacts_per_second: Math.round((count / evalTime) * 1000),
  us_per_contact: Math.round((evalTime / count) * 1000 * 100) / 100,
  // The median of per-round ratios: each round times both back to back, so drift cancels out.
  evaluate_to_json_parse_ratio: Math.round(median(evalMs.map((e, i) => e / parseMs[i]!)) * 100) / 100,
  json_mb: Math.round((bytes / 1_048_576) * 10) / 10,
  json_bytes_per_contact: Math.round(bytes / count),
  mql_share: Math.round((mqls / count) * 1000) / 1000,
  heap_used_mb: Math.round(heapMb),
};

console.log(
  `core benchmark: ${count} synthetic contacts (${figures.json_mb} MB of JSON, ${figures.json_bytes_per_contact} bytes each), median of ${rounds} rounds, node ${process.version}`,
);
console.log(
  `  evaluate          ${figures.evaluate_ms} ms  (${figures.contacts_per_second.toLocaleString('en')} contacts/s, ${figures.us_per_contact} µs each)`,
);
console.log(`  JSON.parse        ${figures.json_parse_ms} ms  (same contacts, one line each)`);
console.log(
  `  ratio             ${figures.evaluate_to_json_parse_ratio}  (evaluate / JSON.parse; target ≤ 1.0)`,
);
console.log(
  `  MQL share         ${(figures.mql_share * 100).toFixed(1)}%   heap used ${figures.heap_used_mb} MB`,
);
if (sink === -1) console.log('');
if (values.json) console.log(JSON.stringify(figures));
