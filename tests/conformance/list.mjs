// npm run conformance:list — the op types the ONNX conformance cases cover, with case counts.
// With --cases, also one line per case: its attributes and input/output dtypes and shapes.
import { casesRoot, countByOpType, loadCatalogue } from './catalogue.js';

const root = casesRoot();
const cases = loadCatalogue(root);
const counts = countByOpType(cases);
const width = Math.max(...[...counts.keys()].map((k) => k.length), 'op_type'.length);

console.log(`${cases.length} cases in ${root}\n`);
console.log(`${'op_type'.padEnd(width)}  cases`);
for (const [op, n] of counts) console.log(`${op.padEnd(width)}  ${String(n).padStart(5)}`);
console.log(`${'total'.padEnd(width)}  ${String(cases.length).padStart(5)}`);

if (process.argv.includes('--cases')) {
  const values = (vs) => vs.map((v) => `${v.dtype}[${v.shape ?? '?'}]`).join(', ');
  console.log('');
  for (const c of cases) {
    const attrs = Object.entries(c.attrs).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ');
    console.log(`${c.name}: ${c.opType} (${values(c.inputs)}) -> (${values(c.outputs)}) ${attrs}`);
  }
}
