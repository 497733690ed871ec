// The app that tests/cross/bundle.test.js bundles with esbuild: it imports the package by name and
// gives no wasm path, as a user's app would. It runs the cross-runtime suite on 2 threads.
import * as wg from 'wasmgrad';
import { runSuite } from './suite.js';

export async function run() {
  await wg.ready({ threads: 2 });
  return { info: wg.runtimeInfo(), hashes: await runSuite(wg, { threads: 2 }) };
}
