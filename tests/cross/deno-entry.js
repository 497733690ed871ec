// Run by Deno (tests/cross/deno.test.js): loads the built package, runs the cross-runtime suite
// on 1 and 2 threads and prints one JSON line. Exits by itself: a process with sleeping pool
// workers must still end, which is part of what this checks.
import * as wg from '../../dist/index.js';
import { runSuite } from './suite.js';

const info = await wg.ready({ threads: 2 });
const hashes = {
  1: await runSuite(wg, { threads: 1 }),
  2: await runSuite(wg, { threads: 2 }),
};
console.log(JSON.stringify({ info: wg.runtimeInfo(), readyInfo: info, hashes }));
