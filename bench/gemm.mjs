// SGEMM GFLOP/s: wasmgrad's matmul against tfjs-wasm (XNNPACK), tfjs-cpu, onnxruntime-web and
// jax-js (its wasm device), on one thread and on all threads, plus wasmgrad's relaxed-SIMD flavour,
// every row also as a percent of the f32x4 ceiling measured in the same process, and the
// micro-kernel alone on cached panels (what the whole GEMM could reach). Each part runs in its own
// process: the wasm flavour and onnxruntime's thread count are fixed once loaded.
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { currentPart, finishPart, runPart } from './lib/processes.mjs';
import { Report } from './lib/report.mjs';
import { bestOfRounds } from './lib/timing.mjs';
import { oneNodeModel } from './lib/onnx.mjs';
import { simdPeakProbe } from './lib/simd-peak.mjs';
import { gemmKernelAlone } from './lib/gemm-kernel-alone.mjs';
import { jaxMatmul, loadJax } from './lib/jax.mjs';
import { loadWasmgrad } from './lib/wasmgrad.mjs';

const CASES = [
  { name: 'n=256', M: 256, K: 256, N: 256 },
  { name: 'n=512', M: 512, K: 512, N: 512 },
  { name: 'n=1024', M: 1024, K: 1024, N: 1024 },
  { name: 'M=256,K=784,N=128', M: 256, K: 784, N: 128 },
];
// The SIMD128 ceiling quoted for the reference machine (Zen 4, 4 lanes x 2 pipes x mul+add at
// ~3.6 GHz); the run also measures this machine's own ceiling (lib/simd-peak.mjs).
const REFERENCE_PEAK = 58;
// tfjs-cpu takes seconds per call at this size; timing it would dominate the whole suite.
const CPU_SKIP = new Set(['n=1024']);
const ALL = availableParallelism();

const gflops = ({ M, N, K }, seconds) => (2 * M * N * K) / seconds / 1e9;

function randomArray(n) {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.random() * 2 - 1;
  return x;
}

function oursContender(wg, c) {
  const a = wg.randn([c.M, c.K]);
  const b = wg.randn([c.K, c.N]);
  return { fn: () => wg.matmul(a, b).dispose(), done: () => (a.dispose(), b.dispose()) };
}

async function loadTfjs() {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
  const dist = dirname(fileURLToPath(import.meta.resolve('@tensorflow/tfjs-backend-wasm')));
  setWasmPaths(`${dist}/`);
  return tf;
}

function tfjsContender(tf, backend, c) {
  const tensors = () => [tf.tensor2d(randomArray(c.M * c.K), [c.M, c.K]), tf.tensor2d(randomArray(c.K * c.N), [c.K, c.N])];
  let ab = null;
  return {
    // Both backends run matMul eagerly and synchronously, so dispose alone ends the work. The
    // backend is switched on each call because the contenders take turns.
    fn: () => {
      if (tf.getBackend() !== backend) tf.setBackend(backend);
      if (ab === null || ab[0].isDisposed) ab = tensors();
      tf.matMul(ab[0], ab[1]).dispose();
    },
    done: () => ab?.forEach((t) => t.dispose()),
  };
}

async function onnxContender(ort, c) {
  const model = oneNodeModel({ op: 'MatMul', inputs: { a: [c.M, c.K], b: [c.K, c.N] }, output: [c.M, c.N] });
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
  const feeds = {
    a: new ort.Tensor('float32', randomArray(c.M * c.K), [c.M, c.K]),
    b: new ort.Tensor('float32', randomArray(c.K * c.N), [c.K, c.N]),
  };
  return { fn: () => session.run(feeds), async: true, done: () => session.release() };
}

/** GFLOP/s of each contender, and of the machine's f32x4 ceiling probe timed in the same turns. */
async function timeAll(c, contenders, probe) {
  const seconds = await bestOfRounds({ ...contenders, ceiling: probe });
  for (const x of Object.values(contenders)) await x.done?.();
  const { ceiling, ...rest } = seconds;
  return { ...Object.fromEntries(Object.entries(rest).map(([k, s]) => [k, gflops(c, s)])), ceiling: probe.flop / ceiling / 1e9 };
}

/**
 * One thread's rows of the micro-kernel alone (lib/gemm-kernel-alone.mjs), timed in turns with the
 * ceiling probe: what the GEMM would reach without packing, edges and its loops around the kernel.
 */
async function kernelAloneRows(probe, relaxed) {
  const alone = await gemmKernelAlone({ relaxed });
  const { ceiling, ...seconds } = await bestOfRounds({ ...alone, ceiling: probe });
  const rows = Object.entries(seconds).map(([name, s]) => ({
    case: `${name} threads=1${relaxed ? ' relaxed' : ''}`, ours: alone[name].flop / s / 1e9, peers: {}, threads: 1,
  }));
  return { rows, ceiling: probe.flop / ceiling / 1e9 };
}

async function loadOnnx(threads) {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = threads;
  return ort;
}

/** Ours and the peers at one thread count, taking turns. */
async function peersPart(threads) {
  const wg = await loadWasmgrad({ threads });
  const tf = await loadTfjs();
  await tf.setBackend('wasm');
  await tf.setBackend('cpu');
  // jax-js compiles a kernel for each shape on its first call, and must do so before onnxruntime-web
  // loads: that defines a global Worker, which jax-js takes for a browser with threads, and it then
  // compiles kernels for a shared memory that its Node start-up did not make (a LinkError).
  const jax = await loadJax();
  const jaxContenders = {};
  for (const c of CASES) {
    jaxContenders[c.name] = jaxMatmul(jax, c);
    await jaxContenders[c.name].fn();
  }
  const ort = await loadOnnx(threads);
  const probe = await simdPeakProbe();
  let peak = 0;
  const rows = [];
  for (const c of CASES) {
    const contenders = {
      ours: oursContender(wg, c),
      'tfjs-wasm': tfjsContender(tf, 'wasm', c),
      'onnxruntime-web': await onnxContender(ort, c),
      'jax-js': jaxContenders[c.name],
    };
    if (threads === 1 && !CPU_SKIP.has(c.name)) contenders['tfjs-cpu'] = tfjsContender(tf, 'cpu', c);
    const { ours, ceiling, ...peers } = await timeAll(c, contenders, probe);
    peak = Math.max(peak, ceiling);
    rows.push({ case: `${c.name} threads=${threads}`, ours, peers: { 'tfjs-cpu': null, ...peers }, threads });
  }
  if (threads === 1) {
    const alone = await kernelAloneRows(probe, false);
    rows.push(...alone.rows);
    peak = Math.max(peak, alone.ceiling);
  }
  return { rows, peak };
}

async function relaxedPart() {
  const wg = await loadWasmgrad({ threads: ALL, relaxedSimd: true });
  if (!wg.runtimeInfo().flavour.startsWith('relaxed')) throw new Error('relaxed flavour did not load');
  const probe = await simdPeakProbe({ fused: true });
  let peak = 0;
  const rows = [];
  for (const threads of [1, ALL]) {
    await wg.setNumThreads(threads);
    for (const c of CASES) {
      const { ours, ceiling } = await timeAll(c, { ours: oursContender(wg, c) }, probe);
      peak = Math.max(peak, ceiling);
      rows.push({ case: `${c.name} threads=${threads} relaxed`, ours, peers: {}, threads });
    }
  }
  await wg.setNumThreads(1);
  const alone = await kernelAloneRows(probe, true);
  rows.push(...alone.rows);
  peak = Math.max(peak, alone.ceiling);
  return { rows, peak };
}

const PARTS = {
  one: () => peersPart(1),
  all: () => peersPart(ALL),
  relaxed: relaxedPart,
};

export async function main({ json }) {
  const report = new Report('gemm');
  const one = await runPart(import.meta.url, 'one');
  const all = await runPart(import.meta.url, 'all');
  const relaxed = await runPart(import.meta.url, 'relaxed', { nodeFlags: ['--experimental-wasm-relaxed-simd'] });
  const rows = [...one.rows, ...all.rows, ...relaxed.rows];
  // A row's ceiling: one core's probe, from the part that timed it, times the threads it ran on.
  for (const [part, peak] of [[one, one.peak], [all, all.peak], [relaxed, relaxed.peak]]) {
    for (const { threads, ...r } of part.rows) report.add({ ...r, unit: 'GFLOP/s', ceiling: peak * threads });
  }
  const ours = (name) => rows.find((r) => r.case === name)?.ours;
  const pct = (x, of) => `${((100 * x) / of).toFixed(0)}%`;
  report.note(`Best sample of each, contenders timed in turns; ${ALL} cores. tfjs-wasm and jax-js have no threads in Node; ` +
    `tfjs-cpu not timed at ${[...CPU_SKIP].join(', ')} (seconds per call) nor on ${ALL} threads (it has none).`);
  report.note('onnxruntime-web times include copying inputs in and the output out of its wasm memory (its API). ' +
    'jax-js: np.matmul under jit on its wasm device, timed until the result is ready (blockUntilReady).');
  report.note(`Percents are of the ceiling column: one core's measured f32x4 probe (relaxed rows: the fused probe) times the row's threads.`);
  report.note(`Measured f32x4 ceiling of one core here (best of the probe runs taking turns with the cases): ${one.peak.toFixed(1)} GFLOP/s with mul+add, ` +
    `${relaxed.peak.toFixed(1)} with relaxed_madd (reference machine: ${REFERENCE_PEAK} for both).`);
  const aloneOf = (part) => part.rows.filter((r) => r.case.startsWith('micro-kernel alone')).map((r) => pct(r.ours, part.peak)).join(' and ');
  report.note(`The micro-kernel alone (the flavour's: 4x8, relaxed 5x8; in a module of its own, on packed panels already in cache: ` +
    `no packing, no edge tiles) bounds what the whole GEMM can reach on 1 thread: ${aloneOf(one)} of the mul+add ceiling ` +
    `(L1-resident panels, packed block), ${aloneOf(relaxed)} of the fused one.`);
  for (const c of CASES) {
    const single = ours(`${c.name} threads=1`);
    const fused = ours(`${c.name} threads=1 relaxed`);
    report.note(
      `${c.name}: 1 thread ${pct(single, one.peak)} of the mul+add ceiling (${pct(single, REFERENCE_PEAK)} of ` +
        `${REFERENCE_PEAK}); relaxed ${pct(fused, relaxed.peak)} of the fused ceiling; ${ALL} threads ` +
        `${(ours(`${c.name} threads=${ALL}`) / single).toFixed(2)}x 1 thread, relaxed ` +
        `${(ours(`${c.name} threads=${ALL} relaxed`) / fused).toFixed(2)}x`,
    );
  }
  report.print({ json });
}

const part = currentPart();
if (part !== null) {
  finishPart(await PARTS[part]());
  process.exit(0);
}
