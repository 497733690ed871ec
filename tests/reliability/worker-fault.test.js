// A pool worker that dies must not hang the caller. An op it does not take up within
// TAKE_UP_TIMEOUT_MS completes anyway (the caller runs its slice, same bits); once the loss is
// known, the next threaded op throws a RuntimeError at once, later ops run on the calling thread,
// and setNumThreads starts a working pool.
import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { engine } from '../../dist/bindings/runtime/engine.js';

// Big enough that threadsFor() gives it every thread.
const N = 160;
function product() {
  return wg.scope(() => wg.matmul(wg.randn([N, N], { seed: 1 }), wg.randn([N, N], { seed: 2 })).toArray());
}

function timeToThrow(fn) {
  const start = Date.now();
  let error;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  return { error, ms: Date.now() - start };
}

describe('worker faults', () => {
  let threadsBefore;
  let expected;
  before(async () => {
    threadsBefore = wg.getNumThreads();
    await wg.setNumThreads(1);
    expected = product();
  });
  beforeEach(async () => {
    await wg.setNumThreads(2);
    assert.deepEqual(product(), expected, 'two threads differ from one before any fault');
  });
  after(async () => {
    await wg.setNumThreads(threadsBefore);
  });

  async function checkRecovery(error, ms) {
    assert.ok(error instanceof wg.RuntimeError, `expected a RuntimeError, got ${error}`);
    assert.match(error.message, /^kernel \w+: pool .*; ops now run on 1 thread instead of 2: call wg\.setNumThreads\(n\)/);
    assert.ok(ms < 1000, `the op took ${ms} ms to fail`);
    console.log(`      failed in ${ms} ms: ${error.message}`);
    // The pool stopped its workers: ops run on the calling thread and give the same bits.
    assert.equal(wg.getNumThreads(), 1);
    assert.deepEqual(product(), expected);
    await wg.setNumThreads(2);
    assert.equal(wg.getNumThreads(), 2);
    assert.deepEqual(product(), expected, 'the restarted pool gives other bits');
    assert.deepEqual(product(), expected);
  }

  it('a worker that exited between ops: the next op throws at once', async () => {
    await engine().pool.workers[0].terminate(); // the awaited 'exit' event reaches the pool's listener
    const { error, ms } = timeToThrow(product);
    await checkRecovery(error, ms);
  });

  it('a worker killed while the caller never yields: the op completes with the same bits, the next one throws', async () => {
    const lost = engine().pool.workers[0].terminate();
    // Give the worker's thread time to stop, without letting the event loop deliver its 'exit'.
    const until = Date.now() + 200;
    while (Date.now() < until);
    const start = Date.now();
    assert.deepEqual(product(), expected, 'the caller ran the dead worker\'s slices');
    console.log(`      completed without the worker in ${Date.now() - start} ms`);
    await lost; // the event loop turns: the pool's 'exit' listener records the loss
    const { error, ms } = timeToThrow(product);
    await checkRecovery(error, ms);
  });

  it('ops that run on the calling thread alone are unaffected by the loss', async () => {
    await engine().pool.workers[0].terminate();
    // Too small to wake a worker: it never reaches the pool, so it neither fails nor hangs.
    wg.scope(() => assert.deepEqual([...wg.add(wg.tensor([1, 2]), wg.tensor([3, 4])).toArray()], [4, 6]));
    const { error, ms } = timeToThrow(product);
    await checkRecovery(error, ms);
  });
});
