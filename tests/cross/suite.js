// The cross-runtime suite: every kernel family run on fixed seeded inputs through the public API,
// each case's outputs reduced to the SHA-256 of their bytes. Node, Deno and Chromium run this same
// module and must produce the same hashes, whatever the thread count. It imports nothing, so each
// host hands in the `wg` it loaded its own way.
import { TRAINING_CASES } from './training-cases.js';

/**
 * One line per kernel family: a name and a function from `wg` to the output tensor(s) to hash.
 * Outputs of the kernel cases are large enough for the pool's per-thread work threshold, so the
 * threaded runs really split (a product needs 2 * 7 * 2^15 multiply-adds: WORK_PER_THREAD in
 * dispatch.ts, GEMM_MACS_PER_WORK in gemm.ts); everything stays small enough that six runs of the
 * suite (three runtimes, two thread counts) fit in the test budget.
 */
const KERNEL_CASES = [
  ['randn', (wg) => wg.randn([3, 70001], { seed: 1 })],
  ['randn-large-seed', (wg) => wg.randn([65537], { seed: 2 ** 53 - 1 })],
  ['rand', (wg) => wg.rand([70003], { seed: 7 })],
  ['rand-range', (wg) => wg.rand([5, 13, 1031], { seed: 8, low: -3, high: 5 })],
  ['full', (wg) => wg.full([7, 40009], -1.25)],
  ['full-int32', (wg) => wg.full([1009], -7, 'int32')],
  ['zeros', (wg) => wg.zeros([4097])],
  ['ones', (wg) => wg.ones([4097])],
  ['matmul', (wg) => wg.matmul(wg.randn([67, 131], { seed: 11 }), wg.randn([131, 97], { seed: 12 }))],
  ['matmul-k1', (wg) => wg.matmul(wg.randn([701, 1], { seed: 13 }), wg.randn([1, 673], { seed: 14 }))],
  ['matmul-batched', (wg) => wg.matmul(wg.randn([3, 33, 65], { seed: 15 }), wg.randn([65, 79], { seed: 16 }))],
  ['matmul-vector', (wg) => wg.matmul(wg.randn([517], { seed: 17 }), wg.randn([517, 901], { seed: 18 }))],
  ['matmul-transposed-a', (wg) => wg.matmul(wg.transpose(wg.randn([129, 71], { seed: 19 })), wg.randn([129, 83], { seed: 20 }))],
  ['matmul-transposed-b', (wg) => wg.matmul(wg.randn([71, 129], { seed: 21 }), wg.transpose(wg.randn([83, 129], { seed: 22 })))],
  ['matmul-batched-transposed-both', (wg) =>
    wg.matmul(wg.transpose(wg.randn([2, 65, 61], { seed: 23 })), wg.transpose(wg.randn([2, 59, 65], { seed: 24 })))],
  ['binary-broadcast', (wg) => {
    const a = wg.randn([17, 1, 129], { seed: 31 });
    const b = wg.randn([1, 31, 129], { seed: 32 });
    const c = wg.rand([129], { seed: 33, low: 0.5, high: 2 });
    return [wg.add(a, b), wg.sub(a, b), wg.mul(a, b), wg.div(b, c), wg.maximum(a, b), wg.pow(c, a)];
  }],
  ['unary', (wg) => {
    const x = wg.randn([70001], { seed: 34 });
    return [wg.exp(x), wg.log(wg.abs(x)), wg.sqrt(wg.abs(x)), wg.tanh(x), wg.sigmoid(x), wg.gelu(x), wg.elu(x), wg.sin(x)];
  }],
  ['reductions', (wg) => {
    const x = wg.randn([37, 41, 53], { seed: 35 });
    return [wg.sum(x, 1), wg.mean(x, 2), wg.max(x, 0), wg.min(x, [0, 2]), wg.sum(x), wg.argmax(x, 2), wg.argmin(x, 1)];
  }],
  ['softmax', (wg) => {
    const x = wg.mul(wg.randn([67, 1031], { seed: 36 }), 4);
    return [wg.softmax(x, -1), wg.softmax(x, 0), wg.logSoftmax(x, -1)];
  }],
  ['conv2d-forward-backward', (wg) => {
    const x = wg.randn([4, 3, 17, 17], { seed: 41 }).requiresGrad_();
    const w = wg.randn([8, 3, 3, 3], { seed: 42 }).requiresGrad_();
    const b = wg.randn([8], { seed: 43 }).requiresGrad_();
    const y = wg.conv2d(x, w, b, { padding: 1, stride: 2 });
    y.backward(wg.randn(y.shape, { seed: 44 }));
    return [y, x.grad, w.grad, b.grad];
  }],
  ['conv2d-grouped-dilated', (wg) => {
    const x = wg.randn([2, 4, 19, 19], { seed: 45 }).requiresGrad_();
    const w = wg.randn([6, 2, 3, 3], { seed: 46 }).requiresGrad_();
    const y = wg.conv2d(x, w, null, { groups: 2, dilation: 2, padding: 'same' });
    y.backward(wg.randn(y.shape, { seed: 47 }));
    return [y, x.grad, w.grad];
  }],
  ['conv2d-winograd', (wg) => {
    // 3x3 stride 1, 16 channels in, 10 out: Winograd F(2x2, 3x3), odd output sizes (tail tiles).
    const x = wg.randn([3, 16, 15, 12], { seed: 48 });
    const w = wg.randn([10, 16, 3, 3], { seed: 49 });
    return [wg.conv2d(x, w, wg.randn([10], { seed: 50 }), { padding: [1, 0] })];
  }],
  ['conv2d-winograd-backward', (wg) => {
    // 3x3 stride 1, 16 channels in and out: dx and dw by Winograd, odd sizes (tail tiles).
    const x = wg.randn([4, 16, 17, 15], { seed: 151 }).requiresGrad_();
    const w = wg.randn([16, 16, 3, 3], { seed: 152 }).requiresGrad_();
    const y = wg.conv2d(x, w, null, { padding: 1 });
    y.backward(wg.randn(y.shape, { seed: 153 }));
    return [x.grad, w.grad];
  }],
  ['conv2d-first-layer-backward', (wg) => {
    // One channel in: dw summed directly (conv_weight_grad_3x3), the vector tail at width 19.
    const x = wg.randn([8, 1, 20, 19], { seed: 154 });
    const w = wg.randn([32, 1, 3, 3], { seed: 155 }).requiresGrad_();
    const y = wg.conv2d(x, w, null, { padding: 1 });
    y.backward(wg.randn(y.shape, { seed: 156 }));
    return [w.grad];
  }],
  ['pooling', (wg) => {
    const x = wg.randn([3, 5, 24, 24], { seed: 51 }).requiresGrad_();
    const m = wg.maxPool2d(x, 3, { stride: 2, padding: 1 });
    const a = wg.avgPool2d(x, 2);
    const g = wg.adaptiveAvgPool2d(x, [6, 4]);
    wg.backward(wg.add(wg.add(wg.sum(wg.mul(m, m)), wg.sum(wg.mul(a, 3))), wg.sum(wg.mul(g, g))));
    return [m, a, g, x.grad];
  }],
  ['batchnorm', (wg) => {
    const x = wg.randn([8, 6, 13, 13], { seed: 52 }).requiresGrad_();
    const weight = wg.randn([6], { seed: 53 }).requiresGrad_();
    const bias = wg.randn([6], { seed: 54 }).requiresGrad_();
    const [runningMean, runningVar] = [wg.zeros([6]), wg.ones([6])];
    const y = wg.batchNorm(x, runningMean, runningVar, { weight, bias, training: true });
    y.backward(wg.randn(y.shape, { seed: 55 }));
    const evaluated = wg.batchNorm(x, runningMean, runningVar, { weight, bias });
    return [y, x.grad, weight.grad, bias.grad, runningMean, runningVar, evaluated];
  }],
  ['layernorm', (wg) => {
    const x = wg.randn([29, 257], { seed: 56 }).requiresGrad_();
    const weight = wg.randn([257], { seed: 57 }).requiresGrad_();
    const y = wg.layerNorm(x, [257], weight);
    y.backward(wg.randn(y.shape, { seed: 58 }));
    return [y, x.grad, weight.grad];
  }],
  ['lstm', (wg) => {
    const [T, B, I, H] = [9, 5, 7, 16];
    const leaf = (shape, seed) => wg.mul(wg.randn(shape, { seed }), 0.3).requiresGrad_();
    const p = [leaf([T, B, I], 61), leaf([B, H], 62), leaf([B, H], 63), leaf([4 * H, I], 64), leaf([4 * H, H], 65),
      leaf([4 * H], 66), leaf([4 * H], 67)];
    const { y, hn, cn } = wg.nn.functional.lstm(...p);
    wg.backward(wg.add(wg.add(wg.sum(wg.mul(y, y)), wg.sum(hn)), wg.sum(wg.mul(cn, 2))));
    return [y, hn, cn, ...p.map((t) => t.grad)];
  }],
  ['attention', (wg) => {
    const [q, k, v] = [71, 72, 73].map((seed) => wg.randn([2, 2, 33, 16], { seed }).requiresGrad_());
    const causal = wg.nn.functional.scaledDotProductAttention(q, k, v, { isCausal: true });
    const open = wg.nn.functional.scaledDotProductAttention(q, k, v);
    wg.backward(wg.add(wg.sum(wg.mul(causal, causal)), wg.sum(open)));
    return [causal, open, q.grad, k.grad, v.grad];
  }],
  ['cross-entropy', (wg) => {
    const logits = wg.mul(wg.randn([63, 37], { seed: 74 }), 3).requiresGrad_();
    const labels = wg.tensor(Int32Array.from({ length: 63 }, (_, i) => (i * 17) % 37), [63], 'int32');
    const loss = wg.crossEntropy(logits, labels);
    loss.backward();
    return [loss, logits.grad];
  }],
  ['adam-step', (wg) => {
    const [param, expAvg, expAvgSq] = [wg.randn([70001], { seed: 81 }), wg.zeros([70001]), wg.zeros([70001])];
    for (let step = 1; step <= 3; step++) {
      const grad = wg.randn([70001], { seed: 81 + step });
      wg.adamStep(param, grad, expAvg, expAvgSq, { lr: 1e-2, step, weightDecay: 0.01, decoupled: step === 3 });
    }
    return [param, expAvg, expAvgSq];
  }],
  ['sgd-step', (wg) => {
    const [param, buffer] = [wg.randn([70001], { seed: 91 }), wg.zeros([70001])];
    for (let step = 1; step <= 3; step++) {
      const grad = wg.randn([70001], { seed: 91 + step });
      wg.sgdStep(param, grad, buffer, { lr: 0.1, momentum: 0.9, weightDecay: 1e-3, nesterov: true, firstStep: step === 1 });
    }
    return [param, buffer];
  }],
];

const CASES = [...KERNEL_CASES, ...TRAINING_CASES];

/**
 * Runs one case, freeing everything it made except its outputs, and copies those out as one byte
 * string (toArray() copies out of the possibly shared wasm memory, which digest() would refuse).
 * Each output's shape and dtype go in too, so a reshaped or retyped result cannot pass.
 */
function runCase(wg, make) {
  const outputs = [wg.scope(() => make(wg))].flat();
  try {
    const parts = outputs.map((t) => [new TextEncoder().encode(`${t.dtype}${t.shape.join('x')};`), new Uint8Array(t.toArray().buffer)]);
    const flat = parts.flat();
    const bytes = new Uint8Array(flat.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of flat) {
      bytes.set(p, at);
      at += p.length;
    }
    return bytes;
  } finally {
    for (const t of outputs) t.dispose();
  }
}

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The case names, in the order `runSuite` reports them. */
export const caseNames = CASES.map(([name]) => name);

/**
 * Runs every case with the engine set to `threads` threads.
 * @returns {Promise<Record<string, string>>} case name -> sha256 hex of the case's outputs
 */
export async function runSuite(wg, { threads }) {
  await wg.setNumThreads(threads);
  const hashes = {};
  for (const [name, make] of CASES) {
    hashes[name] = hex(await crypto.subtle.digest('SHA-256', runCase(wg, make)));
  }
  return hashes;
}

/** The thread counts every runtime runs the suite with. */
export const THREAD_COUNTS = [1, 2];

/**
 * What each runtime reports: the engine as `ready({ threads: 2 })` started it, and the suite's
 * hashes per thread count. Leaves the engine on its starting thread count.
 */
export async function crossRuntimeReport(wg) {
  await wg.ready({ threads: 2 });
  const info = wg.runtimeInfo();
  const hashes = {};
  for (const threads of THREAD_COUNTS) hashes[threads] = await runSuite(wg, { threads });
  await wg.setNumThreads(info.threads);
  return { info, hashes };
}

/** The first case whose hash differs between two results, or undefined when all agree. */
export function firstDifference(expected, got) {
  for (const name of Object.keys(expected)) {
    if (expected[name] !== got[name]) return `${name}: expected ${expected[name]}, got ${got[name]}`;
  }
  for (const name of Object.keys(got)) {
    if (!(name in expected)) return `${name}: unexpected case`;
  }
  return undefined;
}
