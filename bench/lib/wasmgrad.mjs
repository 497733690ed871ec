// wasmgrad as the suites load it: from dist/, with every pool worker running before anything is
// timed. ready() starts the workers in a later task and runs ops on the calling thread until they
// check in (bindings/runtime/pool.ts, startLater), so a suite that times synchronous calls right
// after ready() never yields to that task and measures one thread whatever it asked for.

/** The wasmgrad namespace, ready with `opts` and with its threads running. */
export async function loadWasmgrad(opts = {}) {
  let wg;
  try {
    wg = await import('../../dist/bindings/index.js');
  } catch (e) {
    throw new Error(`cannot load wasmgrad from dist/ (run \`npm run build\` first): ${e.message}`);
  }
  const info = await wg.ready(opts);
  await wg.setNumThreads(info.threads);
  return wg;
}

/** Clears the gradients a backward left on the leaves, so the next one does not accumulate. */
export function clearGrads(tensors) {
  for (const t of tensors) {
    t.grad?.dispose();
    t.grad = null;
  }
}
