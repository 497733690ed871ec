// Node's own hashes of the cross-runtime suite: the reference the Deno and Chromium runs must equal.
import * as wg from '../../dist/index.js';
import { runSuite } from './suite.js';

let cached;

/** Suite hashes for 1 and 2 threads in this Node process; leaves the thread count as it found it. */
export function nodeHashes() {
  cached ??= (async () => {
    const before = wg.getNumThreads();
    try {
      return { 1: await runSuite(wg, { threads: 1 }), 2: await runSuite(wg, { threads: 2 }) };
    } finally {
      await wg.setNumThreads(before);
    }
  })();
  return cached;
}
