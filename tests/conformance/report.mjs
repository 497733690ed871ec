// npm run conformance — runs every ONNX conformance case against wasmgrad and prints, per op_type,
// how many pass, fail, are unsupported (with reasons) or not implemented. With --json, the last
// line of stdout is the same report as JSON.
import * as wg from '../../dist/bindings/index.js';
import { casesRoot, loadCatalogue } from './catalogue.js';
import { runCase } from './runner.js';

const STATUSES = ['pass', 'fail', 'unsupported', 'not-implemented'];

await wg.ready();
const root = casesRoot();
const results = loadCatalogue(root).map((c) => ({ name: c.name, opType: c.opType, ...pick(runCase(wg, c)) }));
await wg.shutdown();

function pick({ status, reason }) {
  return reason === undefined ? { status } : { status, reason };
}

const perOp = {};
const totals = Object.fromEntries([...STATUSES, 'total'].map((s) => [s, 0]));
for (const r of results) {
  perOp[r.opType] ??= Object.fromEntries([...STATUSES, 'total'].map((s) => [s, 0]));
  perOp[r.opType][r.status]++;
  perOp[r.opType].total++;
  totals[r.status]++;
  totals.total++;
}

const ops = Object.keys(perOp).sort();
const width = Math.max('op_type'.length, ...ops.map((o) => o.length));
const row = (label, counts) => `${label.padEnd(width)}  ${[...STATUSES, 'total'].map((s) => String(counts[s]).padStart(s.length)).join('  ')}`;
console.log(`ONNX conformance, ${results.length} cases from ${root}\n`);
console.log(`${'op_type'.padEnd(width)}  ${[...STATUSES, 'total'].join('  ')}`);
for (const op of ops) console.log(row(op, perOp[op]));
console.log(row('total', totals));

for (const status of ['fail', 'unsupported']) {
  const listed = results.filter((r) => r.status === status);
  if (listed.length === 0) continue;
  console.log(`\n${status}:`);
  for (const r of listed) console.log(`  ${r.name}: ${r.reason}`);
}

// Whole op types are missing at once, so those are listed per op rather than per case.
const missing = new Map();
for (const r of results.filter((x) => x.status === 'not-implemented')) {
  const key = `${r.opType}: ${r.reason}`;
  missing.set(key, (missing.get(key) ?? 0) + 1);
}
if (missing.size > 0) {
  console.log('\nnot-implemented:');
  for (const [key, n] of missing) console.log(`  ${key} (${n} cases)`);
}

if (process.argv.includes('--json')) console.log(JSON.stringify({ totals, perOp, cases: results }));
