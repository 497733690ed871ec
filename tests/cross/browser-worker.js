// browser.html?worker: the cross-runtime suite with wasmgrad living in a module Worker, whose own
// pool workers are then nested Workers. Unlike the page, this thread may block in Atomics.wait.
import * as wg from '../../dist/bindings/index.js';
import { crossRuntimeReport } from './suite.js';

try {
  postMessage({ report: await crossRuntimeReport(wg) });
} catch (e) {
  postMessage({ error: String(e?.stack ?? e) });
}
