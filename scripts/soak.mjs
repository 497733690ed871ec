// `npm run soak`: the long reliability run. 20,000 training steps (no figure may grow by more
// than 1%), then the weight-file crash test with at least 100 SIGKILLs. Exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as wg from '../dist/bindings/index.js';
import { formatSoak, soak } from './soak-loop.mjs';

const steps = Number(process.env.WASMGRAD_SOAK_STEPS ?? 20000);
const kills = Math.max(100, Number(process.env.WASMGRAD_KILLS ?? 100));
let failed = false;

await wg.ready();
const started = Date.now();
const r = soak(steps);
console.log(formatSoak(r));
console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s, ${wg.getNumThreads()} threads)`);
// Flat means not growing: the collector may leave the heap a little smaller at the end.
for (const k of Object.keys(r.growth)) {
  if (r.growth[k] > 0.01) {
    console.log(`FAIL: ${k} grew by ${(100 * r.growth[k]).toFixed(3)}%, over 1%`);
    failed = true;
  }
}
wg.shutdown();

console.log(`\nweight files under SIGKILL: ${kills} kills`);
const root = fileURLToPath(new URL('..', import.meta.url));
const mocha = spawnSync(
  process.execPath,
  [fileURLToPath(new URL('../node_modules/mocha/bin/mocha.js', import.meta.url)), '--no-config', '--require', 'tests/setup.js',
    '--timeout', '0', 'tests/io/files.test.js', '--grep', 'SIGKILL'],
  { cwd: root, env: { ...process.env, WASMGRAD_KILLS: String(kills) }, encoding: 'utf8' },
);
process.stdout.write(mocha.stdout);
const survived = /survived (\d+) kill points/.exec(mocha.stdout);
if (mocha.status !== 0 || survived === null || Number(survived[1]) < kills) {
  console.log(`FAIL: the kill test failed (exit ${mocha.status})\n${mocha.stderr}`);
  failed = true;
} else {
  console.log(`kill points survived: ${survived[1]} of ${kills}`);
}
process.exit(failed ? 1 : 0);
