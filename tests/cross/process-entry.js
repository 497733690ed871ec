// Run by Deno and Bun (tests/cross/process-runtime.js): loads the built package, runs the
// cross-runtime suite and prints its report as one JSON line. Exits by itself: a process with
// sleeping pool workers must still end, which is part of what this checks.
import * as wg from '../../dist/bindings/index.js';
import { crossRuntimeReport } from './suite.js';

console.log(JSON.stringify(await crossRuntimeReport(wg)));
