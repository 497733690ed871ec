// browser.html?worker: the cross-runtime suite with wasmgrad living in a module Worker, whose own
// pool workers are then nested Workers. Unlike the page, this thread may block in Atomics.wait.
// With ?faults (passed on from the page), the worker-fault cases instead of the suite.
import * as wg from '../../dist/bindings/index.js';
import { engine } from '../../dist/bindings/runtime/engine.js';
import { crossRuntimeReport } from './suite.js';
import { workerFaultReport } from './worker-fault-cases.js';

try {
  const faults = new URLSearchParams(location.search).has('faults');
  postMessage({ report: faults ? await workerFaultReport(wg, () => engine().pool) : await crossRuntimeReport(wg) });
} catch (e) {
  postMessage({ error: String(e?.stack ?? e) });
}
