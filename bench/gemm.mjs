// SGEMM GFLOP/s: wasmgrad's matmul against tfjs-wasm (XNNPACK), tfjs-cpu and onnxruntime-web, on
// one thread and on all threads, plus wasmgrad's relaxed-SIMD flavour. Each part runs in its own
// process: the wasm flavour and onnxruntime's thread count are fixed once loaded.
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { currentPart, finishPart, runPart } from './lib/processes.mjs';
import { Report } from './lib/report.mjs';
import { bestSeconds, bestSecondsAsync } from './lib/timing.mjs';
import { oneNodeModel } from './lib/onnx.mjs';

const CASES = [
  { name: 'n=256', M: 256, K: 256, N: 256 },
  { name: 'n=512', M: 512, K: 512, N: 512 },
  { name: 'n=1024', M: 1024, K: 1024, N: 1024 },
  { name: 'M=256,K=784,N=128', M: 256, K: 784, N: 128 },
];
// The SIMD128 ceiling of one core here: 4 lanes x 2 pipes x (mul + add) at ~3.6 GHz.
const PEAK_PER_CORE = 58;
// tfjs-cpu takes seconds per call at this size; timing it would dominate the whole suite.
const CPU_SKIP = new Set(['n=1024']);
const ALL = availableParallelism();

const gflops = ({ M, N, K }, seconds) => (2 * M * N * K) / seconds / 1e9;

function randomArray(n) {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.random() * 2 - 1;
  return x;
}

async function loadWasmgrad(opts) {
  try {
    return await import('../dist/index.js').then(async (wg) => (await wg.ready(opts), wg));
  } catch (e) {
    throw new Error(`cannot load wasmgrad from dist/ (run \`npm run build\` first): ${e.message}`);
  }
}

function timeOurs(wg, c) {
  const a = wg.randn([c.M, c.K]);
  const b = wg.randn([c.K, c.N]);
  const s = bestSeconds(() => wg.matmul(a, b).dispose());
  a.dispose();
  b.dispose();
  return gflops(c, s);
}

async function loadTfjs() {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
  const dist = dirname(fileURLToPath(import.meta.resolve('@tensorflow/tfjs-backend-wasm')));
  setWasmPaths(`${dist}/`);
  return tf;
}

async function timeTfjs(tf, backend, c) {
  await tf.setBackend(backend);
  await tf.ready();
  const a = tf.tensor2d(randomArray(c.M * c.K), [c.M, c.K]);
  const b = tf.tensor2d(randomArray(c.K * c.N), [c.K, c.N]);
  // Both backends run matMul eagerly and synchronously, so dispose alone ends the work.
  const s = bestSeconds(() => tf.matMul(a, b).dispose());
  a.dispose();
  b.dispose();
  return gflops(c, s);
}

async function timeOnnx(ort, c) {
  const model = oneNodeModel({ op: 'MatMul', inputs: { a: [c.M, c.K], b: [c.K, c.N] }, output: [c.M, c.N] });
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
  const feeds = {
    a: new ort.Tensor('float32', randomArray(c.M * c.K), [c.M, c.K]),
    b: new ort.Tensor('float32', randomArray(c.K * c.N), [c.K, c.N]),
  };
  const s = await bestSecondsAsync(() => session.run(feeds));
  await session.release();
  return gflops(c, s);
}

async function loadOnnx(threads) {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = threads;
  return ort;
}

/** Ours and the peers at one thread count. */
async function peersPart(threads) {
  const wg = await loadWasmgrad({ threads });
  const tf = await loadTfjs();
  const ort = await loadOnnx(threads);
  const rows = [];
  for (const c of CASES) {
    const peers = {
      'tfjs-wasm': await timeTfjs(tf, 'wasm', c),
      'tfjs-cpu': threads === 1 && !CPU_SKIP.has(c.name) ? await timeTfjs(tf, 'cpu', c) : null,
      'onnxruntime-web': await timeOnnx(ort, c),
    };
    rows.push({ case: `${c.name} threads=${threads}`, ours: timeOurs(wg, c), peers });
  }
  return rows;
}

async function relaxedPart() {
  const wg = await loadWasmgrad({ threads: ALL, relaxedSimd: true });
  if (wg.runtimeInfo().flavour.startsWith('relaxed') === false) throw new Error('relaxed flavour did not load');
  const rows = [];
  for (const threads of [1, ALL]) {
    await wg.setNumThreads(threads);
    for (const c of CASES) rows.push({ case: `${c.name} threads=${threads} relaxed`, ours: timeOurs(wg, c), peers: {} });
  }
  return rows;
}

const PARTS = {
  one: () => peersPart(1),
  all: () => peersPart(ALL),
  relaxed: relaxedPart,
};

export async function main({ json }) {
  const report = new Report('gemm');
  const rows = [
    ...(await runPart(import.meta.url, 'one')),
    ...(await runPart(import.meta.url, 'all')),
    ...(await runPart(import.meta.url, 'relaxed', { nodeFlags: ['--experimental-wasm-relaxed-simd'] })),
  ];
  for (const r of rows) report.add({ ...r, unit: 'GFLOP/s' });
  const ours = (name) => rows.find((r) => r.case === name)?.ours;
  report.note(`Best sample of each; ${ALL} cores; tfjs-wasm has no threads in Node; tfjs-cpu not timed at ` +
    `${[...CPU_SKIP].join(', ')} (seconds per call) nor on ${ALL} threads (it has none).`);
  report.note('onnxruntime-web times include copying inputs in and the output out of its wasm memory (its API).');
  for (const c of CASES) {
    const one = ours(`${c.name} threads=1`);
    const all = ours(`${c.name} threads=${ALL}`);
    const relaxed = ours(`${c.name} threads=1 relaxed`);
    report.note(`${c.name}: 1 thread ${(100 * one / PEAK_PER_CORE).toFixed(0)}% of the ${PEAK_PER_CORE} GFLOP/s ` +
      `SIMD128 peak, relaxed ${(100 * relaxed / PEAK_PER_CORE).toFixed(0)}%; ${ALL} threads ${(all / one).toFixed(2)}x 1 thread`);
  }
  report.print({ json });
}

const part = currentPart();
if (part !== null) {
  finishPart(await PARTS[part]());
  process.exit(0);
}
