// `npm run bench` (build, then `node bench/run.js`): same-run tables, every timed row the
// median of several rounds with its min–max, and a goals table with verdicts.
//
// SECTION CONTRACT. Every `bench/sections/*.js` module exports `async function run(bench)`
// that registers rows (and may start what they need; `bench.cleanup(fn)` stops it):
//
// - `bench(name, fn, { group, peerOf? })` a timed row: `fn` (sync or async) is warmed up,
//   then called in a time-boxed loop each round; the row is its ops/s.
// - `bench.measure(name, fn, { group, unit, peerOf?, lowerIsBetter? })` a row measured by
//   `fn` once per round, resolving to `{ value, extra? }` (e.g. wrk's requests/s, with the
//   p99 latency in `extra`).
// - `bench.record(name, value, { group, unit })` a number measured once (bytes).
// - `bench.goal({ name, row, peer?, group, atLeast? | atMost?, of? })` a stated goal:
//   `row ÷ peer` (medians) or the row's own value, checked against `atLeast`/`atMost`;
//   `of: 'extra:<key>'` compares an extra field (e.g. p99) instead of the value.
//
// Rounds run one after another over every row, so the rows of a group meet the same
// conditions. Env: BENCH_ROUNDS (at least 3, default 3), BENCH_SECONDS (per timed row and round,
// default 1), BENCH_ONLY (a section file name). Results: stdout and bench/results.json.
import { readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 3));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const WARMUP_MS = 300;
const BATCH = 200;

/** Calls fn `count` times, awaiting only when fn is async (so sync rows pay no await). */
async function loop(fn, count, isAsync) {
  if (isAsync) for (let i = 0; i < count; i++) await fn();
  else for (let i = 0; i < count; i++) fn();
}

/** Runs batches until `ms` have passed; returns ops/s. */
async function timed(fn, ms, isAsync) {
  const budget = BigInt(Math.round(ms * 1e6));
  const start = process.hrtime.bigint();
  let calls = 0;
  let elapsed = 0n;
  while (elapsed < budget) {
    await loop(fn, BATCH, isAsync);
    calls += BATCH;
    elapsed = process.hrtime.bigint() - start;
  }
  return calls / (Number(elapsed) / 1e9);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function createBench() {
  const rows = [];
  const goals = [];
  const cleanups = [];
  const bench = async (name, fn, { group = 'default', peerOf } = {}) => {
    rows.push({ kind: 'timed', name, fn, group, peerOf, unit: 'ops/s', values: [] });
  };
  bench.measure = async (name, fn, { group = 'default', unit = '', peerOf, lowerIsBetter = false } = {}) => {
    rows.push({ kind: 'measured', name, fn, group, peerOf, unit, lowerIsBetter, values: [], extras: [] });
  };
  bench.record = (name, value, { group = 'default', unit = '' } = {}) => {
    rows.push({ kind: 'recorded', name, group, unit, values: [value] });
  };
  bench.goal = (goal) => goals.push(goal);
  bench.cleanup = (fn) => cleanups.push(fn);
  return { bench, rows, goals, cleanups };
}

async function runRound(rows, round) {
  for (const row of rows) {
    if (row.kind === 'timed') {
      const first = row.fn();
      const isAsync = typeof first?.then === 'function';
      if (isAsync) await first;
      await timed(row.fn, WARMUP_MS, isAsync);
      row.values.push(await timed(row.fn, SECONDS * 1000, isAsync));
    } else if (row.kind === 'measured') {
      const { value, extra } = await row.fn(round);
      row.values.push(value);
      row.extras.push(extra ?? {});
    } else continue;
    process.stderr.write(`  round ${round + 1}/${ROUNDS} · ${row.group} · ${row.name}: ${Math.round(row.values.at(-1)).toLocaleString('en-US')} ${row.unit}\n`);
  }
}

const fmt = (n) => (Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : Number(n.toFixed(2)).toString());

function summarise(row) {
  const value = median(row.values);
  const summary = { name: row.name, group: row.group, unit: row.unit, median: value, min: Math.min(...row.values), max: Math.max(...row.values), rounds: row.values.length };
  if (row.peerOf) summary.peerOf = row.peerOf;
  if (row.extras?.length) {
    summary.extra = {};
    for (const key of Object.keys(row.extras[0])) summary.extra[key] = median(row.extras.map((e) => e[key]));
  }
  return summary;
}

function printTable(title, header, lines) {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((line) => String(line[i]).length)));
  const format = (cells) => cells.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ');
  console.log(`\n## ${title}\n${format(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const line of lines) console.log(format(line));
}

function goalResult(goal, byName) { // byName: the rows of the goal's group
  const row = byName.get(goal.row);
  const peer = goal.peer === undefined ? undefined : byName.get(goal.peer);
  if (row === undefined || (goal.peer !== undefined && peer === undefined)) return { ...goal, measured: undefined, verdict: 'not measured' };
  const pick = (summary) => (goal.of?.startsWith('extra:') ? summary.extra?.[goal.of.slice(6)] : summary.median);
  const measured = peer === undefined ? pick(row) : pick(row) / pick(peer);
  const met = (goal.atLeast === undefined || measured >= goal.atLeast) && (goal.atMost === undefined || measured <= goal.atMost);
  return { ...goal, measured, verdict: met ? 'met' : 'MISSED' };
}

async function main() {
  const only = process.env.BENCH_ONLY;
  const files = readdirSync(new URL('sections/', import.meta.url))
    .filter((file) => file.endsWith('.js') && (!only || file === only || file === `${only}.js`))
    .sort();
  const { bench, rows, goals, cleanups } = createBench();
  try {
    for (const file of files) {
      process.stderr.write(`section ${file}\n`);
      const section = await import(pathToFileURL(`${HERE}sections/${file}`).href);
      await section.run(bench);
    }
    for (let round = 0; round < ROUNDS; round++) await runRound(rows, round);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }

  const summaries = rows.map(summarise);
  const inGroup = (group) => new Map(summaries.filter((s) => s.group === group).map((s) => [s.name, s]));
  const groups = [...new Set(summaries.map((s) => s.group))];
  console.log(`\nnode ${process.version}, ${ROUNDS} rounds${SECONDS ? `, ${SECONDS} s per timed row and round` : ''}; every timed value is the median, [min–max] across rounds`);
  for (const group of groups) {
    const members = inGroup(group);
    const lines = [...members.values()].map((s) => {
      const spread = s.rounds > 1 ? `[${fmt(s.min)}–${fmt(s.max)}]` : '';
      const peer = s.peerOf && members.get(s.peerOf) ? `${(s.median / members.get(s.peerOf).median).toFixed(2)}× ${s.peerOf}` : '';
      const extra = s.extra ? Object.entries(s.extra).map(([k, v]) => `${k} ${fmt(v)}`).join(', ') : '';
      return [s.name, `${fmt(s.median)} ${s.unit}`.trim(), spread, peer, extra];
    });
    printTable(group, ['case', 'median', 'min–max', 'vs peer', 'also'], lines);
  }
  const results = goals.map((goal) => goalResult(goal, inGroup(goal.group)));
  if (results.length > 0) {
    printTable(
      'goals',
      ['goal', 'measured', 'target', 'verdict'],
      results.map((g) => [g.name, g.measured === undefined ? '—' : fmt(g.measured), g.atLeast !== undefined ? `≥ ${fmt(g.atLeast)}` : `≤ ${fmt(g.atMost)}`, g.verdict]),
    );
  }
  const out = { node: process.version, date: new Date().toISOString(), rounds: ROUNDS, seconds: SECONDS, rows: summaries, goals: results };
  writeFileSync(new URL('results.json', import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
  console.log('\nwrote bench/results.json');
}

await main();
