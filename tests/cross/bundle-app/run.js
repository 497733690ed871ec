// The app both bundle tests build: it gives no wasm path, as a user's app would, and runs the
// cross-runtime suite on 2 threads. Each bundler's entry passes in the package as it imports it.
import { runSuite } from './suite.js';

export async function run(wg) {
  await wg.ready({ threads: 2 });
  return { info: wg.runtimeInfo(), hashes: await runSuite(wg, { threads: 2 }) };
}

/** The page's part: runs the app here (?page) or in the module Worker `startWorker()` makes (?worker). */
export async function showResult(runHere, startWorker) {
  async function inWorker() {
    const worker = startWorker();
    const { data } = await new Promise((resolve, reject) => {
      worker.onmessage = resolve;
      worker.onerror = (e) => reject(new Error(`worker failed: ${e.message}`));
    });
    if (data.error) throw new Error(data.error);
    return data.result;
  }
  try {
    window.result = location.search === '?worker' ? await inWorker() : await runHere();
  } catch (e) {
    window.result = { error: String(e?.stack ?? e) };
  }
}

/** The module Worker's part: posts the app's result to the page. No top-level await (Vite's workers). */
export function postResult(runHere) {
  runHere().then(
    (result) => postMessage({ result }),
    (e) => postMessage({ error: String(e?.stack ?? e) }),
  );
}
