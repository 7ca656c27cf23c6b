// `npm run bench` (build, then `node bench/run.js`): one same-run table per group.
//
// SECTION CONTRACT. Every `bench/sections/*.js` module exports
//
//   export async function run(bench) { … }
//
// and registers its cases by awaiting
//
//   bench(name, fn, { group, peerOf?, baseline? })
//
// - `fn` is sync or async (a returned promise is awaited); it is warmed up, then
//   called in a time-boxed loop (~1 s, process.hrtime.bigint) and recorded as ops/s.
// - `group` names the table the row goes in; rows of one group should do the same work.
// - `peerOf: 'other name'` adds a "vs" column: this row's ops/s ÷ that row's ops/s.
//   `baseline: true` makes this row the group's named baseline (every row gets a ratio to it).
// - `bench.bench` is `bench` itself, so `run({ bench })`-style sections work too.
// - `bench.record(name, value, { group, unit })` records a non-timed number (e.g. bundle
//   bytes, unit 'B'); such rows are printed as they are, smaller is not assumed better.
//
// Results go to stdout and to bench/results.json ({ node, date, groups: { name: rows } }).
// Env BENCH_SECONDS (default 1) and BENCH_ONLY (a section file name) narrow a run.
import { readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const WARMUP_MS = 200;
const BATCH = 200;

/** Calls fn `count` times, awaiting only when fn is async (so sync rows pay no await). */
async function loop(fn, count, isAsync) {
  if (isAsync) for (let i = 0; i < count; i++) await fn();
  else for (let i = 0; i < count; i++) fn();
}

/** Runs batches until `ms` have passed; returns [calls, nanoseconds]. */
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
  return [calls, Number(elapsed)];
}

/** Measures one case: warm-up, then a time-boxed run; ops/s. */
async function measure(fn) {
  const first = fn();
  const isAsync = typeof first?.then === 'function';
  if (isAsync) await first;
  await timed(fn, WARMUP_MS, isAsync);
  const [calls, ns] = await timed(fn, SECONDS * 1000, isAsync);
  return calls / (ns / 1e9);
}

function createBench(groups) {
  const rowsOf = (group) => {
    if (!groups.has(group)) groups.set(group, []);
    return groups.get(group);
  };
  const bench = async (name, fn, { group = 'default', peerOf, baseline = false } = {}) => {
    const opsPerSec = await measure(fn);
    rowsOf(group).push({ name, opsPerSec: Math.round(opsPerSec), nsPerOp: Math.round(1e9 / opsPerSec), peerOf, baseline });
    process.stderr.write(`  ${group} · ${name}: ${Math.round(opsPerSec).toLocaleString('en-US')} ops/s\n`);
  };
  bench.bench = bench;
  bench.record = (name, value, { group = 'default', unit = '' } = {}) => {
    rowsOf(group).push({ name, value, unit });
  };
  return bench;
}

/** Adds ratio columns: vs the fastest row, vs the named baseline, vs a named peer. */
function withRatios(rows) {
  const timedRows = rows.filter((row) => row.opsPerSec !== undefined);
  const best = Math.max(...timedRows.map((row) => row.opsPerSec));
  const baseline = timedRows.find((row) => row.baseline);
  const byName = new Map(timedRows.map((row) => [row.name, row]));
  return rows.map((row) => {
    if (row.opsPerSec === undefined) return row;
    const ratio = (other) => (other ? Number((row.opsPerSec / other.opsPerSec).toFixed(2)) : undefined);
    return { ...row, vsBest: ratio({ opsPerSec: best }), vsBaseline: ratio(baseline), vsPeer: ratio(byName.get(row.peerOf)) };
  });
}

function printGroup(group, rows) {
  const lines = rows.map((row) => {
    if (row.opsPerSec === undefined) return [row.name, `${row.value.toLocaleString('en-US')} ${row.unit}`.trim(), '', '', ''];
    const peer = row.vsPeer === undefined ? '' : `${row.vsPeer}× ${row.peerOf}`;
    const base = row.vsBaseline === undefined ? '' : `${row.vsBaseline}×`;
    return [row.name, `${row.opsPerSec.toLocaleString('en-US')} ops/s`, `${row.nsPerOp.toLocaleString('en-US')} ns`, `${row.vsBest}× best`, base || peer];
  });
  const header = ['case', 'rate', 'per op', 'vs best', 'vs baseline / peer'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((line) => line[i].length)));
  const format = (cells) => cells.map((cell, i) => (i === 0 || i === 4 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  console.log(`\n## ${group}\n${format(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const line of lines) console.log(format(line));
}

async function main() {
  const only = process.env.BENCH_ONLY;
  const files = readdirSync(new URL('sections/', import.meta.url))
    .filter((file) => file.endsWith('.js') && (!only || file === only || file === `${only}.js`))
    .sort();
  const groups = new Map();
  const bench = createBench(groups);
  for (const file of files) {
    process.stderr.write(`section ${file}\n`);
    const section = await import(pathToFileURL(`${HERE}sections/${file}`).href);
    await section.run(bench);
  }
  const results = { node: process.version, date: new Date().toISOString(), seconds: SECONDS, groups: {} };
  for (const [group, rows] of groups) {
    results.groups[group] = withRatios(rows);
    printGroup(group, results.groups[group]);
  }
  writeFileSync(new URL('results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  console.log('\nwrote bench/results.json');
}

await main();
