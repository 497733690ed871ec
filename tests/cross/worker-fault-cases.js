// A pool worker that dies in an op, in Deno and in Chromium (tests/cross/worker-fault.test.js
// asserts on the report; Node has tests/reliability/worker-fault.test.js). The pool's watchdog
// learns of the death from the worker's Web Lock there (bindings/runtime/watchdog.ts). Each case
// starts 2 threads whose worker 1 exits at a chosen point (bindings/runtime/worker-faults.ts) or is
// terminated, runs ops, and records what happened and how long it took, then checks the recovery: the next ops
// on 1 thread give the same bits as before, and setNumThreads(2) brings the threads back. Like
// suite.js it imports nothing: each host hands in its `wg` and its engine's pool.

/** One op (one dispatch, large enough to be split over 2 threads), as a string of its bits. */
function op(wg) {
  return wg.scope(() => new Uint32Array(wg.randn([1 << 16], { seed: 3 }).toArray().buffer).join(','));
}

/** Calls `fn`; what it returned or threw and the milliseconds it took. */
function timed(fn, expected) {
  const start = performance.now();
  try {
    const bits = fn();
    return { ms: performance.now() - start, same: bits === expected };
  } catch (e) {
    return { ms: performance.now() - start, error: { name: e?.constructor?.name, message: String(e?.message ?? e) } };
  }
}

/**
 * Says on the console where the cases stand: a host that never gets the report (the Chromium test
 * has timed out so once in a while in full runs) then shows the last step that began.
 */
function step(what) {
  console.log(`worker-fault cases: ${what}`);
}

async function faultCase(wg, pool, faults, expected) {
  const name = Object.keys(faults)[0];
  await wg.setNumThreads(1);
  pool.faults = faults;
  step(`${name}: starting 2 threads`);
  try {
    await wg.setNumThreads(2);
  } finally {
    pool.faults = {};
  }
  step(`${name}: running ops`);
  const threadsAtFault = wg.getNumThreads();
  const first = timed(() => op(wg), expected);
  // When the caller ran the dead worker's share, the op completed: the next one finds the loss.
  const second = first.error === undefined ? timed(() => op(wg), expected) : null;
  const threadsAfter = wg.getNumThreads();
  const sameOnOneThread = op(wg) === expected && op(wg) === expected;
  step(`${name}: restarting 2 threads`);
  await wg.setNumThreads(2);
  return {
    threadsAtFault, first, second, threadsAfter, sameOnOneThread,
    threadsRestored: wg.getNumThreads(), sameRestored: op(wg) === expected && op(wg) === expected,
  };
}

/** Longest the terminate() case runs ops before it reports that none threw. */
const GIVE_UP_MS = 10000;

/**
 * Worker 1 terminated from outside, then ops with a macrotask between them. Chromium ends a worker
 * busy in its loop only some time after terminate() (about 2 s, measured), and only while the
 * thread that called it runs its event loop; the worker serves ops meanwhile. A web Worker gives
 * no event for a terminate(), so only the watchdog can report the loss, once Chromium released the
 * worker's lock. Until then ops complete: `completed` counts those and `allSame` says they gave
 * the same bits.
 */
async function terminateCase(wg, pool, expected) {
  await wg.setNumThreads(2);
  step('terminate: worker 1 terminated, running ops');
  const start = performance.now();
  pool.workers[0].terminate();
  let completed = 0;
  let allSame = true;
  let last;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    last = timed(() => op(wg), expected);
    if (last.error !== undefined || performance.now() - start > GIVE_UP_MS) break;
    completed++;
    allSame &&= last.same;
  }
  const msToFailure = performance.now() - start;
  const threadsAfter = wg.getNumThreads();
  const sameOnOneThread = op(wg) === expected;
  step(`terminate: an op threw after ${completed} completed; restarting 2 threads`);
  await wg.setNumThreads(2);
  return {
    completed, allSame, failing: last, msToFailure, threadsAfter, sameOnOneThread,
    threadsRestored: wg.getNumThreads(), sameRestored: op(wg) === expected && op(wg) === expected,
  };
}

/** `poolOf()` gives engine().pool of the engine `wg` runs on, which exists once it is ready. */
export async function workerFaultReport(wg, poolOf) {
  step('ready');
  await wg.ready({ threads: 2 });
  const pool = poolOf();
  await wg.setNumThreads(1);
  const expected = op(wg);
  return {
    runtime: wg.runtimeInfo().runtime,
    afterTakeUp: await faultCase(wg, pool, { exitAfterTakeUp: 1 }, expected),
    beforeTakeUp: await faultCase(wg, pool, { exitBeforeTakeUp: 1 }, expected),
    terminated: await terminateCase(wg, pool, expected),
  };
}
