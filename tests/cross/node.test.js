// Node against itself: the suite gives the same bits on 2 threads as on 1, so that the other
// runtimes, compared with Node on 1 thread, are held to one reference across all thread counts.
import assert from 'node:assert/strict';
import { caseNames, THREAD_COUNTS } from './suite.js';
import { assertSameAsNode, nodeHashes } from './node-hashes.js';

describe('Node', () => {
  it('hashes every case of the suite', async () => {
    const hashes = await nodeHashes();
    for (const threads of THREAD_COUNTS) {
      assert.deepEqual(Object.keys(hashes[threads]), caseNames);
      for (const h of Object.values(hashes[threads])) assert.match(h, /^[0-9a-f]{64}$/);
    }
    assert.equal(new Set(Object.values(hashes[1])).size, caseNames.length, 'two cases gave the same bytes');
  });

  for (const threads of THREAD_COUNTS.filter((t) => t !== 1)) {
    it(`gives the same hashes on ${threads} threads as on 1`, async () =>
      assertSameAsNode('Node', await nodeHashes(), threads));
  }
});
