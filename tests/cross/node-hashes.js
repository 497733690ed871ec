// Node's own report of the cross-runtime suite on one thread: the reference that every runtime on
// every thread count (Node on 2 threads included) must equal.
import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { crossRuntimeReport, firstDifference } from './suite.js';

let cached;

/** Suite hashes per thread count in this Node process, computed once. */
export function nodeHashes() {
  cached ??= crossRuntimeReport(wg).then((report) => report.hashes);
  return cached;
}

/** Fails naming the first case where `hashes` (from `where`) on `threads` threads differ from Node on 1 thread. */
export async function assertSameAsNode(where, hashes, threads) {
  const diff = firstDifference((await nodeHashes())[1], hashes?.[threads] ?? {});
  assert.equal(diff, undefined, `${where} on ${threads} thread(s) differs from Node on 1 thread, first at ${diff}`);
}
