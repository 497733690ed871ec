// The workload of `npm run bench -- runtimes`, the same module in Node, Deno, Bun and Chromium: cold
// start (import to the first op's result), SGEMM n=1024 on 1 and all threads, one small convnet training step.
// Plain ESM with no imports, so every host loads it as it is; timings are the best of a few runs.

const GEMM_N = 1024;
const GEMM_RUNS = 5;
const STEP_RUNS = 8;
const BATCH = 32;

function bestMs(fn, runs) {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

async function gemmGflops(wg, threads) {
  await wg.setNumThreads(threads);
  const a = wg.randn([GEMM_N, GEMM_N], { seed: 1 });
  const b = wg.randn([GEMM_N, GEMM_N], { seed: 2 });
  const ms = bestMs(() => wg.matmul(a, b).dispose(), GEMM_RUNS);
  a.dispose();
  b.dispose();
  return (2 * GEMM_N ** 3) / (ms / 1000) / 1e9;
}

/** "2 Conv + pooling + BN" on 28x28 images, batch 32, Adam: milliseconds per training step. */
function convnetStepMs(wg) {
  const { nn } = wg;
  const model = new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 1, seed: 1 }), new nn.BatchNorm2d(16), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(16, 32, 3, { padding: 1, seed: 2 }), new nn.BatchNorm2d(32), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(32 * 7 * 7, 10, { seed: 3 }),
  );
  const optimizer = new wg.optim.Adam(model.parameters(), { lr: 1e-3 });
  const x = wg.randn([BATCH, 1, 28, 28], { seed: 3 });
  const y = wg.tensor(Int32Array.from({ length: BATCH }, (_, i) => i % 10), [BATCH], 'int32');
  const ms = bestMs(() => wg.scope(() => {
    optimizer.zeroGrad();
    wg.crossEntropy(model.forward(x), y).backward();
    optimizer.step();
  }), STEP_RUNS);
  optimizer.zeroGrad();
  optimizer.dispose();
  model.dispose();
  x.dispose();
  y.dispose();
  return ms;
}

/**
 * Imports wasmgrad from `packageUrl` (the package's entry file), makes it ready and reads the
 * result of a first op, which an app waits for: this must be the first import of it in the process
 * or page for the start to be cold. The parts say where the time goes: the import (fetching,
 * compiling and running the bundle), ready() (the wasm, the memory, the pool) and the first op.
 */
export async function coldStart(packageUrl) {
  const t0 = performance.now();
  const wg = await import(packageUrl);
  const imported = performance.now();
  await wg.ready();
  const readied = performance.now();
  const x = wg.tensor([1, 2, 3]);
  const y = x.add(1);
  const first = y.toArray();
  const done = performance.now();
  x.dispose();
  y.dispose();
  if (first.join() !== '2,3,4') throw new Error(`cold start: the first op gave ${first.join()}, not 2,3,4`);
  return {
    wg,
    cold: { coldStartMs: done - t0, importMs: imported - t0, readyMs: readied - imported, firstOpMs: done - readied },
  };
}

/** How long a fresh process or page takes to import the module at `url` (relative to this one). */
async function importMs(url) {
  const t0 = performance.now();
  await import(new URL(url, import.meta.url).href);
  return performance.now() - t0;
}

/**
 * What one fresh start measures: with mode 'cold' the cold start alone; with 'floor' the import of
 * an empty module alone, and with 'inert' that of a module of the bundle's size whose code never
 * runs (bench/runtimes.mjs writes it), the two floors under the cold start; else the whole workload.
 */
export async function measure(mode, packageUrl) {
  if (mode === 'cold') return { cold: (await coldStart(packageUrl)).cold };
  if (mode === 'floor') return { floorMs: await importMs('./empty-module.js') };
  if (mode === 'inert') return { inertMs: await importMs('../../dist/bench/inert-bundle.js') };
  return measureRuntime(packageUrl);
}

async function measureRuntime(packageUrl) {
  const { wg, cold } = await coldStart(packageUrl);
  const info = wg.runtimeInfo();
  const all = info.threads;
  return {
    info,
    cold,
    gemm1: await gemmGflops(wg, 1),
    gemmAll: await gemmGflops(wg, all),
    convnetStepMs: (await wg.setNumThreads(all), convnetStepMs(wg)),
  };
}
