// npm run conformance — runs every ONNX conformance case through onnx.load and prints, per
// op_type, how many pass, fail or are unsupported (with reasons). With --json, the last line of
// stdout is the same report as JSON.
import * as wg from '../../dist/bindings/index.js';
import { casesRoot, loadCatalogue } from './catalogue.js';
import { runCase } from './runner.js';

const STATUSES = ['pass', 'fail', 'unsupported'];

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

if (process.argv.includes('--json')) console.log(JSON.stringify({ totals, perOp, cases: results }));
