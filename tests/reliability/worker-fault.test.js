// A pool worker that dies must not hang the caller. The pool's watchdog thread writes a death into
// shared memory, which the caller reads between bounded wait slices, so a death is seen even while
// the caller is blocked in an op and its event loop cannot deliver 'exit'. An op that loses a
// worker's share throws a RuntimeError; an op whose dead worker never took its share up completes
// (the caller runs it, same bits). The next threaded op throws, later ops run on the calling
// thread, and setNumThreads starts a working pool.
import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { engine } from '../../dist/bindings/runtime/engine.js';

// Big enough that threadsFor() gives it every thread.
const N = 160;
function product() {
  return wg.scope(() => wg.matmul(wg.randn([N, N], { seed: 1 }), wg.randn([N, N], { seed: 2 })).toArray());
}

// "Within 1 s" is the design (a 10 ms wait slice after the watchdog's wake-up); the assertions
// allow more, since the machine running the tests may be loaded, and print what was measured.
const NO_HANG_MS = 5000;

/** Time from call to throw, or to return when it does not throw. */
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
    assert.ok(ms < NO_HANG_MS, `the op took ${ms} ms to fail`);
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

  it('a worker killed while the caller never yields: an op throws without the event loop turning', async () => {
    engine().pool.workers[0].terminate();
    // Ops run back to back with no await, so no 'exit' event can arrive: only the watchdog can
    // report the loss. Until it has, an op may still complete (the caller runs the dead worker's
    // share), with the same bits.
    let completed = 0;
    let outcome;
    for (;;) {
      outcome = timeToThrow(() => assert.deepEqual(product(), expected, 'an op that completed despite the loss'));
      if (outcome.error !== undefined) break;
      completed++;
    }
    console.log(`      ${completed} op(s) completed before the loss was seen`);
    await checkRecovery(outcome.error, outcome.ms);
  });

  it('a worker that exits in the middle of an op: that op throws, it does not hang', async () => {
    await wg.setNumThreads(1);
    // Worker 1 exits right after it takes up its first share of an op (see worker.ts).
    process.env.WASMGRAD_FAULT_EXIT_AFTER_TAKE_UP = '1';
    try {
      await wg.setNumThreads(2);
    } finally {
      delete process.env.WASMGRAD_FAULT_EXIT_AFTER_TAKE_UP;
    }
    const { error, ms } = timeToThrow(product);
    assert.match(String(error?.message), /pool worker 1 died during the op, so its share of the outputs is lost/);
    await checkRecovery(error, ms);
  });

  it('a worker that exits before taking up its share: the caller runs it, the next op throws', async () => {
    await wg.setNumThreads(1);
    const bits = () => wg.scope(() => [...wg.randn([1 << 16], { seed: 3 }).toArray()]); // one dispatch
    const expectedBits = bits();
    // Worker 1 exits when it wakes for its first op, before counting itself in (see worker-faults.ts).
    process.env.WASMGRAD_FAULT_EXIT_BEFORE_TAKE_UP = '1';
    try {
      await wg.setNumThreads(2);
    } finally {
      delete process.env.WASMGRAD_FAULT_EXIT_BEFORE_TAKE_UP;
    }
    let result;
    const first = timeToThrow(() => (result = bits()));
    assert.equal(first.error, undefined);
    assert.deepEqual(result, expectedBits);
    const { error, ms } = timeToThrow(bits);
    assert.match(String(error?.message), /^kernel rand_normal_task: pool worker 1 (died|exited \(code 72\));/);
    console.log(`      the op the worker died in took ${first.ms} ms`);
    await checkRecovery(error, ms);
  });

  it('a kernel that throws in a worker: the op throws with its reason, though the caller was blocked', async () => {
    await wg.setNumThreads(1);
    process.env.WASMGRAD_FAULT_THROW_IN_TASK = '1';
    try {
      await wg.setNumThreads(2);
      // The reason travels through shared memory: the worker's message could only arrive after the throw.
      assert.throws(product, (e) => e instanceof wg.RuntimeError && /^thread 1 failed in kernel \w+_task: injected fault in worker 1$/.test(e.message));
      // A throwing kernel is not a dead worker: the pool keeps its threads.
      assert.equal(wg.getNumThreads(), 2);
    } finally {
      delete process.env.WASMGRAD_FAULT_THROW_IN_TASK;
      await wg.setNumThreads(1);
    }
    await wg.setNumThreads(2);
    assert.deepEqual(product(), expected);
  });

  it('a worker terminated just as an op starts: the op gives the same bits or throws, never hangs', async () => {
    // Where the death falls (before, during or after its share) is a race; every outcome is fine
    // except a hang or a wrong result.
    const outcomes = { completed: 0, threw: 0 };
    for (let round = 0; round < 3; round++) {
      await wg.setNumThreads(2);
      engine().pool.workers[0].terminate();
      let outcome = timeToThrow(() => assert.deepEqual(product(), expected));
      if (outcome.error === undefined) {
        outcomes.completed++;
        await new Promise((r) => setTimeout(r, 50)); // whether by 'exit' or by the watchdog, the loss is now known
        outcome = timeToThrow(product);
      } else {
        outcomes.threw++;
      }
      await checkRecovery(outcome.error, outcome.ms);
    }
    console.log(`      of 3 ops: ${outcomes.completed} completed, ${outcomes.threw} threw`);
  });

  it('ops that run on the calling thread alone are unaffected by the loss', async () => {
    await engine().pool.workers[0].terminate();
    // Too small to wake a worker: it never reaches the pool, so it neither fails nor hangs.
    wg.scope(() => assert.deepEqual([...wg.add(wg.tensor([1, 2]), wg.tensor([3, 4])).toArray()], [4, 6]));
    const { error, ms } = timeToThrow(product);
    await checkRecovery(error, ms);
  });
});
