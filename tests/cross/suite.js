// The cross-runtime suite: every kernel family run on fixed seeded inputs through the public API,
// each output reduced to the SHA-256 of its bytes. Node, Deno and Chromium run this same module and
// must produce the same hashes for every thread count. It imports nothing, so each host hands in
// the `wg` it loaded its own way.

/**
 * One line per kernel family: a name and a function from `wg` to an output tensor.
 * Sizes are odd and above the pool's per-thread work threshold, so the threaded cases really split.
 */
const CASES = [
  ['randn', (wg) => wg.randn([3, 70001], { seed: 1 })],
  ['randn-large-seed', (wg) => wg.randn([65537], { seed: 2 ** 53 - 1 })],
  ['rand', (wg) => wg.rand([70003], { seed: 7 })],
  ['rand-range', (wg) => wg.rand([5, 13, 1031], { seed: 8, low: -3, high: 5 })],
  ['full', (wg) => wg.full([7, 40009], -1.25)],
  ['full-int32', (wg) => wg.full([1009], -7, 'int32')],
  ['zeros', (wg) => wg.zeros([4097])],
  ['ones', (wg) => wg.ones([4097])],
  ['matmul', (wg) => on([wg.randn([67, 131], { seed: 11 }), wg.randn([131, 97], { seed: 12 })], wg.matmul)],
  ['matmul-k1', (wg) => on([wg.randn([301, 1], { seed: 13 }), wg.randn([1, 259], { seed: 14 })], wg.matmul)],
  ['matmul-batched', (wg) => on([wg.randn([3, 33, 65], { seed: 15 }), wg.randn([65, 47], { seed: 16 })], wg.matmul)],
  ['matmul-vector', (wg) => on([wg.randn([517], { seed: 17 }), wg.randn([517, 263], { seed: 18 })], wg.matmul)],
];

/** Runs `op` on freshly made inputs and frees them, so a case leaves only its output behind. */
function on(inputs, op) {
  try {
    return op(...inputs);
  } finally {
    for (const t of inputs) t.dispose();
  }
}

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
}

// toArray() copies out of the (possibly shared) wasm memory, which digest() would refuse.
async function sha256(array) {
  return hex(await crypto.subtle.digest('SHA-256', array));
}

/** The case names, in the order `runSuite` reports them. */
export const caseNames = CASES.map(([name]) => name);

/**
 * Runs every case with the engine set to `threads` threads.
 * @returns {Promise<Record<string, string>>} case name -> sha256 hex of the output's bytes
 */
export async function runSuite(wg, { threads }) {
  await wg.setNumThreads(threads);
  const hashes = {};
  for (const [name, make] of CASES) {
    const out = make(wg);
    try {
      hashes[name] = await sha256(out.toArray());
    } finally {
      out.dispose();
    }
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
