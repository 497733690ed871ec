// Node's own report of the cross-runtime suite: the reference the Deno and Chromium runs must equal.
import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { crossRuntimeReport, firstDifference } from './suite.js';

let cached;

/** Suite hashes per thread count in this Node process, computed once. */
export function nodeHashes() {
  cached ??= crossRuntimeReport(wg).then((report) => report.hashes);
  return cached;
}

/** Fails naming the first case where `hashes` (from `where`) differ from Node's on `threads` threads. */
export async function assertSameAsNode(where, hashes, threads) {
  const diff = firstDifference((await nodeHashes())[threads], hashes?.[threads] ?? {});
  assert.equal(diff, undefined, `${where} differs from Node on ${threads} thread(s), first at ${diff}`);
}
