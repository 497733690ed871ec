// Run by Deno and Bun (tests/cross/worker-fault.test.js): the worker-fault cases on the built
// package, printed as one JSON line.
import * as wg from '../../dist/bindings/index.js';
import { engine } from '../../dist/bindings/runtime/engine.js';
import { workerFaultReport } from './worker-fault-cases.js';

console.log(JSON.stringify(await workerFaultReport(wg, () => engine().pool)));
