// Thread splits (issue 18): for each kernel family that takes time in training, the speed-up from
// 1 to 2 threads that its split of the work allows, measured so that the machine's load does not
// enter. Wall-clock scaling on a shared machine mostly measures the other processes: a worker that
// waits for a core delays every op. Here each op's task runs on the calling thread, timed in CPU
// time (process.cpuUsage), either whole or as the 2 slices the pool would run, one after the other;
// the 2-thread figure is the sum over ops of their slowest slice. A kernel that splits over an axis
// of size 1, or that packs the same operand in every slice, or whose work estimate keeps it on one
// thread (dispatch.ts, threadsFor), shows it here as a ratio well below 2. What it leaves out is
// the wake-up cost per op and the TypeScript between ops, which a quiet machine's wall clock adds.
import { loadavg } from 'node:os';
import { Report } from './lib/report.mjs';

const THREADS = 2;
const ROUNDS = 5;
// Small families repeat their call within a round until this much kernel time has passed.
const ROUND_MS = 20;
const LSTM = { B: 32, T: 100, I: 64, H: 256 };
const ATTENTION = { heads: 8, T: 1024, D: 64 };
// The convnet of bench/conv.mjs after its first convolution: batch 64, 32 channels, 26 x 26.
const FEATURES = [64, 32, 26, 26];

/** CPU milliseconds of this process: time spent descheduled by other processes does not count. */
function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
}

/**
 * Reroutes the engine's ops through `clock`: in mode 'whole' a task runs on one thread; in mode
 * 'sliced' as the pool would split it over up to THREADS threads, slice by slice, costing its
 * slowest slice. Ops the work estimate gave one thread are counted in `clock.unsplit`.
 */
function instrument(engine, argsPtr) {
  const clock = { mode: 'whole', ms: 0, unsplit: 0 };
  engine.run = (task, nthreads) => {
    const n = clock.mode === 'sliced' ? Math.min(nthreads, THREADS) : 1;
    let slowest = 0;
    for (let tid = 0; tid < n; tid++) {
      const start = cpuMs();
      engine.tasks.fns[task](argsPtr, tid, n);
      slowest = Math.max(slowest, cpuMs() - start);
    }
    clock.ms += slowest;
    if (nthreads === 1) clock.unsplit += slowest;
  };
  return clock;
}

/** Drops the gradients a backward left on `leaves`, so the next call does not accumulate. */
function clearGrads(leaves) {
  for (const t of leaves) {
    t.grad?.dispose();
    t.grad = null;
  }
}

/** A call of `body` in a scope, its leaves' gradients cleared after. */
function step(wg, leaves, body) {
  return () => {
    wg.scope(body);
    clearGrads(leaves);
  };
}

/** Each family's call at the sizes of the other suites, by name. */
function families(wg) {
  const leaf = (shape, seed) => wg.randn(shape, { seed }).requiresGrad_();
  const features = leaf(FEATURES, 1);
  const { B, T, I, H } = LSTM;
  const lstm = new wg.nn.LSTM(I, H, { batchFirst: true, seed: 1 });
  const sequence = wg.randn([B, T, I], { seed: 2 });
  const dy = wg.randn([B, T, H], { seed: 3 });
  const qkv = [4, 5, 6].map((seed) => leaf([1, ATTENTION.heads, ATTENTION.T, ATTENTION.D], seed));
  const dout = wg.randn([1, ATTENTION.heads, ATTENTION.T, ATTENTION.D], { seed: 7 });
  const attend = () => wg.nn.functional.scaledDotProductAttention(...qkv);
  const conv = new wg.nn.Conv2d(32, 64, 3, { seed: 8 });
  const pool = new wg.nn.MaxPool2d(2);
  const norm = new wg.nn.BatchNorm2d(32);
  const [a, b] = [9, 10].map((seed) => wg.randn([512, 512], { seed }));
  // The MLP of bench/training.mjs, 784-256-256-10, with gradients in place.
  const mlp = [[256, 784], [256], [256, 256], [256], [10, 256], [10]].map((shape, i) => leaf(shape, 20 + i));
  for (const [i, p] of mlp.entries()) p.grad = wg.randn(p.shape, { seed: 30 + i });
  const adam = new wg.optim.Adam(mlp, { lr: 1e-3 });
  return {
    'gemm 512x512x512': () => wg.scope(() => wg.matmul(a, b)),
    'conv2d 3x3 32->64 fwd+bwd N=64 26x26': step(wg, [features, ...conv.parameters()], () => conv.forward(features).sum().backward()),
    'max pool 2x2 fwd+bwd (64, 32, 26, 26)': step(wg, [features], () => pool.forward(features).sum().backward()),
    'batch norm fwd+bwd (64, 32, 26, 26)': step(wg, [features, ...norm.parameters()], () => norm.forward(features).sum().backward()),
    'elementwise relu*x fwd+bwd (64, 32, 26, 26)': step(wg, [features], () => wg.mul(wg.relu(features), features).sum().backward()),
    'adam step, MLP 784-256-256-10': () => adam.step(),
    [`lstm fwd+bwd B=${B} T=${T} I=${I} H=${H}`]: step(wg, lstm.parameters(), () => lstm.forward(sequence).output.backward(dy)),
    [`attention fwd B=1 H=8 d=64 T=${ATTENTION.T}`]: () => wg.scope(attend),
    [`attention fwd+bwd B=1 H=8 d=64 T=${ATTENTION.T}`]: step(wg, qkv, () => attend().backward(dout)),
  };
}

const median = (xs) => xs.slice().sort((x, y) => x - y)[xs.length >> 1];

/** Kernel milliseconds per call of `fn` in `mode`, and those of ops kept on one thread. */
function perCall(fn, clock, mode) {
  Object.assign(clock, { mode, ms: 0, unsplit: 0 });
  let calls = 0;
  do {
    fn();
    calls++;
  } while (clock.ms < ROUND_MS);
  return { ms: clock.ms / calls, unsplit: clock.unsplit / calls };
}

export async function main({ json }) {
  const wg = await import('../dist/bindings/index.js');
  const { engine } = await import('../dist/bindings/runtime/engine.js');
  const { ARGS_PTR } = await import('../dist/bindings/runtime/layout.js');
  await wg.ready({ threads: THREADS });
  const report = new Report('split');
  if (engine().threads < THREADS) {
    report.note(`threads are off (${engine().info.singleThreadReason}): the kernels would not split here`);
    report.print({ json });
    return;
  }
  const clock = instrument(engine(), ARGS_PTR);
  for (const [name, fn] of Object.entries(families(wg))) {
    fn();
    const times = { whole: [], sliced: [] };
    let unsplit = 0;
    for (let r = 0; r < ROUNDS; r++) {
      for (const mode of r % 2 === 0 ? ['whole', 'sliced'] : ['sliced', 'whole']) {
        const { ms, unsplit: kept } = perCall(fn, clock, mode);
        times[mode].push(ms);
        if (mode === 'sliced') unsplit = kept;
      }
    }
    const whole = median(times.whole);
    const sliced = median(times.sliced);
    report.add({ case: name, unit: 'x, 1->2 threads', ours: whole / sliced, peers: {} });
    report.note(`${name}: kernels ${whole.toFixed(1)} ms on 1 thread, ${sliced.toFixed(1)} ms in the slowest slices, ` +
      `${unsplit.toFixed(1)} ms of it in ops kept on 1 thread`);
  }
  report.note(`CPU time per call, medians of ${ROUNDS} rounds of at least ${ROUND_MS} ms alternating the modes; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  report.note('Target (issue 18): >= 1.7x for every family');
  report.print({ json });
}
