// The same wasmgrad in Node, Deno, Bun and Chromium, one run: cold start (import to the first op's
// result), SGEMM n=1024 on 1 and all threads, one small convnet training step; and the package's
// size. Each runtime starts fresh (a process, a browser page) so its cold start is cold; the cold
// start is the best of COLD_RUNS fresh starts, since one sample on a busy machine says little.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism as availableCores, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { launchChromium } from '../tests/cross/chromium-launcher.js';
import { startServer } from '../tests/cross/server.js';
import { Report } from './lib/report.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const ENTRY = 'bench/lib/runtime-entry.js';
const COLD_RUNS = 5;
const run = promisify(execFile);

async function inProcess(command, args) {
  const { stdout } = await run(command, args, { cwd: root, timeout: 300000, env: { ...process.env, NO_COLOR: '1' } });
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

/**
 * The workload once, then the cold start again in fresh starts: the fastest of COLD_RUNS, with its
 * parts; and the fastest of COLD_RUNS fresh imports of an empty module, and of an inert one.
 */
async function bestColdStart(once) {
  const result = await once('');
  for (let i = 1; i < COLD_RUNS; i++) {
    const { cold } = await once('cold');
    if (cold.coldStartMs < result.cold.coldStartMs) result.cold = cold;
  }
  for (const [mode, key] of [['floor', 'floorMs'], ['inert', 'inertMs']]) {
    result[key] = Infinity;
    for (let i = 0; i < COLD_RUNS; i++) result[key] = Math.min(result[key], (await once(mode))[key]);
  }
  return result;
}

/**
 * Cold starts in fresh pages of one browser: a first visit, every file fetched (the server caches
 * nothing); or a returning visitor's, `repeat`, where the server lets the browser cache and two
 * visits come first, after which V8 compiles the bundle from its code cache.
 */
async function inChromium({ repeat }) {
  // launchChromium skips a mocha suite; here a missing browser is simply an error.
  const chromium = await launchChromium({ skip: () => { throw new Error('Chromium is not installed'); } });
  const server = await startServer({ isolated: true, cached: repeat });
  const open = async (query) => {
    const page = await chromium.browser.newPage();
    try {
      const done = page.waitForEvent('console', { predicate: (m) => m.text() === 'wasmgrad-bench: done', timeout: 300000 });
      await page.goto(`${server.url}bench/lib/runtimes.html${query && `?${query}`}`);
      await done;
      const result = await page.evaluate(() => window.result);
      if (result.error) throw new Error(result.error);
      return result;
    } finally {
      await page.close();
    }
  };
  try {
    if (!repeat) return await bestColdStart(open);
    for (let i = 0; i < 2; i++) await open('cold');
    return await bestColdStart(async (mode) => open(mode || 'cold'));
  } finally {
    await chromium.close();
    await server.close();
  }
}

const gzipped = (bytes) => gzipSync(bytes, { level: 9 }).length;

/** What `npm publish` would ship: its file list and the size of its tarball (npm's own gzip). */
async function packed() {
  const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root });
  const [pack] = JSON.parse(stdout);
  return { files: pack.files.map((f) => f.path), tarball: pack.size };
}

/**
 * Gzipped bytes: of the JavaScript the package ships plus one wasm flavour (the issue's measure);
 * of the whole tarball (types, source maps, the TypeScript sources and all four flavours too); and
 * of what a browser loads for each entry: `wasmgrad` (the bundled entry, the pool worker's
 * modules, the simd-threads wasm) and `wasmgrad/embedded` as esbuild bundles it.
 */
async function packageSize() {
  const pack = await packed();
  const js = pack.files.filter((f) => f.endsWith('.js'));
  let raw = 0;
  let jsGzipped = 0;
  for (const f of js) {
    const bytes = await readFile(join(root, f));
    raw += bytes.length;
    jsGzipped += gzipped(bytes);
  }
  const runtime = join(root, 'dist/bindings/runtime');
  const wasm = await readFile(join(root, 'build/wasmgrad-simd-threads.wasm'));
  let entry = gzipped(wasm);
  for (const f of ['bundle.js', 'worker.js', 'watchdog.js', 'layout.js', 'platform.js', 'tasks.js', 'node-builtins.js']) {
    entry += gzipped(await readFile(join(runtime, f)));
  }
  const embedded = await build({ entryPoints: [join(runtime, 'embedded-bundle.js')], bundle: true, format: 'esm', minify: true, write: false });
  return {
    files: js.length, raw, jsGzipped, wasmRaw: wasm.length, wasmGzipped: gzipped(wasm), tarball: pack.tarball,
    entry, embedded: gzipped(embedded.outputFiles[0].contents),
  };
}

/**
 * Writes dist/bench/inert-bundle.js: the package's bundle with its code inside one function that
 * nothing calls, so that importing it costs what the bytes alone cost a runtime (reading, scanning,
 * pre-parsing them), and not what running them does.
 */
async function writeInertBundle() {
  const bundle = await readFile(join(root, 'dist/bindings/runtime/bundle.js'), 'utf8');
  const body = bundle.slice(0, bundle.lastIndexOf('\nexport {'));
  await mkdir(join(root, 'dist/bench'), { recursive: true });
  await writeFile(join(root, 'dist/bench/inert-bundle.js'), `export function never() {\n${body}\n}\n`);
}

export async function main({ json }) {
  const load = loadavg()[0];
  await writeInertBundle();
  const deno = join(root, 'node_modules/.bin/deno');
  // A devDependency: npm's `bun` package carries the binary in @oven/bun-<platform>.
  const bun = join(root, 'node_modules/.bin/bun');
  const results = {
    node: await bestColdStart((mode) => inProcess(process.execPath, [ENTRY, mode])),
    deno: await bestColdStart((mode) => inProcess(deno, ['run', '--allow-read', ENTRY, mode])),
    ...(existsSync(bun) ? { bun: await bestColdStart((mode) => inProcess(bun, [ENTRY, mode])) } : {}),
    chromium: await inChromium({ repeat: false }),
    'chromium, repeat visit': await inChromium({ repeat: true }),
  };
  const peers = Object.keys(results).filter((k) => k !== 'node');
  const report = new Report('runtimes');
  const all = results.node.info.threads;
  const rows = [
    ["cold start (import to the first op's result)", 'ms', (r) => r.cold.coldStartMs],
    ['  of which import (fetch, compile, run the bundle)', 'ms', (r) => r.cold.importMs],
    ['  of which ready() (the wasm, memory, pool)', 'ms', (r) => r.cold.readyMs],
    ['  of which the first op', 'ms', (r) => r.cold.firstOpMs],
    ['floor: importing an empty module, fresh process or page', 'ms', (r) => r.floorMs],
    ["floor: importing a module of the bundle's size whose code never runs", 'ms', (r) => r.inertMs],
    ['gemm n=1024 threads=1', 'GFLOP/s', (r) => r.gemm1],
    [`gemm n=1024 threads=${all}`, 'GFLOP/s', (r) => r.gemmAll],
    [`convnet training step, batch 32, threads=${all}`, 'ms', (r) => r.convnetStepMs],
  ];
  for (const [name, unit, pick] of rows) {
    report.add({ case: name, unit, ours: pick(results.node), peers: Object.fromEntries(peers.map((k) => [k, pick(results[k])])) });
  }
  const size = await packageSize();
  const kib = (b) => b / 1024;
  report.add({ case: 'package: published JS + simd-threads wasm, gzipped', unit: 'KiB', ours: kib(size.jsGzipped + size.wasmGzipped), peers: {} });
  report.add({ case: 'package: npm tarball (types, maps, TypeScript sources, 4 wasm flavours)', unit: 'KiB', ours: kib(size.tarball), peers: {} });
  report.add({ case: "browser loads for 'wasmgrad': entry bundle + pool worker + wasm, gzipped", unit: 'KiB', ours: kib(size.entry), peers: {} });
  report.add({ case: "browser loads for 'wasmgrad/embedded', bundled and minified by esbuild, gzipped", unit: 'KiB', ours: kib(size.embedded), peers: {} });
  report.note('"ours" is Node; the bracket is Node/peer. Ratios peer vs Node (>1 = peer better):');
  for (const [name, unit, pick] of rows.filter(([name]) => !name.startsWith(' '))) {
    const higherIsBetter = unit === 'GFLOP/s';
    const ratio = (r) => (higherIsBetter ? pick(r) / pick(results.node) : pick(results.node) / pick(r)).toFixed(2);
    const measured = peers.filter((k) => pick(results[k]) !== undefined);
    report.note(`  ${name}: ${measured.map((k) => `${k} ${ratio(results[k])}x`).join(', ')}`);
  }
  if (!existsSync(bun)) report.note(`Bun is not in the table: ${bun} is missing (npm install, which installs the devDependency bun).`);
  const engines = Object.entries(results).filter(([, r]) => r.info !== undefined);
  report.note(`Engines: ${engines.map(([k, r]) => `${k} ${r.info.flavour} ${r.info.threads} threads`).join('; ')}. ` +
    `Best of 5 GEMMs and 8 steps, each runtime in a fresh process or page, cold start the fastest of ${COLD_RUNS} fresh starts ` +
    '(with its parts); a repeat visit is a fresh page after two visits, its files in the HTTP cache; ' +
    'Chromium runs on the page\'s main thread. "cold start" imports the package entry (the one-file bundle), ' +
    `then reads the result of one small op. Load average at the start: ${load.toFixed(1)} on ${availableCores()} cores.`);
  report.note(`Package: ${size.files} published JS files, ${kib(size.raw).toFixed(0)} KiB raw / ${kib(size.jsGzipped).toFixed(0)} KiB gzipped; ` +
    `wasm ${kib(size.wasmRaw).toFixed(0)} KiB raw / ${kib(size.wasmGzipped).toFixed(0)} KiB gzipped.`);
  report.print({ json });
}
