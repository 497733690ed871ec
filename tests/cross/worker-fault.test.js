// A pool worker that dies mid-op must not hang the caller in Deno and in Chromium either, where the
// watchdog learns of a death from the worker's Web Lock (bindings/runtime/watchdog.ts), nor in Bun,
// where it learns it from the lifeline's 'close', as in Node. The cases run in
// tests/cross/worker-fault-cases.js; here, what each runtime must report:
// - worker 1 exits after it took up its share: that op throws a RuntimeError naming it, in under
//   a second;
// - worker 1 exits before it took up its share: the caller runs that share (the op gives the same
//   bits) and the next op throws, naming it;
// - worker 1 terminated between ops: a later op throws naming it (in Chromium, which fires no event
//   for a terminate(), this shows that the worker's lock was released; Chromium ends the worker
//   about 2 s after terminate(), and it serves ops until then);
// - then ops run on 1 thread with the same bits, and setNumThreads(2) brings the threads back.
// Node's own cases are in tests/reliability/worker-fault.test.js.
import assert from 'node:assert/strict';
import { isolatedChromium } from './chromium-launcher.js';
import { commandPath, entryReport } from './process-runtime.js';

/** The bound: a death is found within 1 s (a correctness bound: detection is an event). */
const FOUND_WITHIN_MS = 1000;

const RECOVERY = /; ops now run on 1 thread instead of 2: call wg\.setNumThreads\(n\) to start new workers$/;

function assertRecovered(c) {
  assert.equal(c.threadsAfter, 1, 'threads after the loss');
  assert.equal(c.sameOnOneThread, true, 'ops on 1 thread after the loss give other bits');
  assert.equal(c.threadsRestored, 2, 'threads after setNumThreads(2)');
  assert.equal(c.sameRestored, true, 'the restarted pool gives other bits');
}

/** The mocha cases for one runtime's report, which `load` gives (in a `before` hook). */
function faultCases(load) {
  let report;
  before(async function () {
    report = await load(this);
    for (const name of ['afterTakeUp', 'beforeTakeUp']) {
      const { first, second } = report[name];
      console.log(`      ${name}: first op ${first.ms.toFixed(1)} ms` + (second ? `, next op ${second.ms.toFixed(1)} ms` : ''));
    }
    const { completed, msToFailure } = report.terminated;
    console.log(`      terminated: ${completed} op(s) completed, then one threw, ${msToFailure.toFixed(0)} ms after the terminate()`);
  });

  it('a worker that exits after taking up its share: the op throws a RuntimeError naming it within 1 s', () => {
    const c = report.afterTakeUp;
    assert.equal(c.threadsAtFault, 2);
    assert.equal(c.first.error?.name, 'RuntimeError', JSON.stringify(c.first));
    assert.match(c.first.error.message, /^kernel rand_normal_task: pool worker 1 died during the op, so its share of the outputs is lost/);
    assert.match(c.first.error.message, RECOVERY);
    assert.ok(c.first.ms < FOUND_WITHIN_MS, `the op took ${c.first.ms} ms to throw`);
  });

  it('then ops run on 1 thread with the same bits, and setNumThreads(2) brings the threads back', () =>
    assertRecovered(report.afterTakeUp));

  it('a worker that exits before taking up its share: the caller runs it, the next op throws naming it', () => {
    const c = report.beforeTakeUp;
    assert.equal(c.threadsAtFault, 2);
    assert.equal(c.first.error, undefined, JSON.stringify(c.first));
    assert.equal(c.first.same, true, 'the op the worker died in gives other bits');
    assert.ok(c.first.ms < FOUND_WITHIN_MS, `the op took ${c.first.ms} ms`);
    assert.equal(c.second?.error?.name, 'RuntimeError', JSON.stringify(c.second));
    assert.match(c.second.error.message, /^kernel rand_normal_task: pool worker 1 died; ops now run on 1 thread/);
    assert.ok(c.second.ms < FOUND_WITHIN_MS, `the next op took ${c.second.ms} ms to throw`);
  });

  it('and recovers the same way', () => assertRecovered(report.beforeTakeUp));

  it('a worker terminated between ops: an op throws naming it, and no op gave other bits before', () => {
    const c = report.terminated;
    assert.equal(c.failing.error?.name, 'RuntimeError', `no op threw within 10 s: ${JSON.stringify(c)}`);
    // A web Worker fires no event for terminate(): only its released lock can have told.
    const how = report.runtime === 'deno' || report.runtime === 'bun' ? '(died|exited \\(code 1\\))' : 'died';
    assert.match(c.failing.error.message, new RegExp(`^kernel rand_normal_task: pool worker 1 ${how};`));
    assert.ok(c.failing.ms < FOUND_WITHIN_MS, `the op took ${c.failing.ms} ms to throw`);
    assert.equal(c.allSame, true, 'an op that completed before the loss was found gave other bits');
    assertRecovered(c);
  });
}

/** The fault cases run by `command args` in a process of their own; it must report `runtime`. */
async function faultReportOf(command, args, runtime) {
  const report = await entryReport(command, args, 'tests/cross/process-fault-entry.js', 60000);
  assert.equal(report.runtime, runtime);
  return report;
}

describe('worker faults in Deno', () => faultCases(() => faultReportOf(commandPath('deno'), ['run', '--allow-read'], 'deno')));

describe('worker faults in Bun', () => faultCases(() => faultReportOf(commandPath('bun'), [], 'bun')));

describe('worker faults in Chromium, cross-origin isolated page', function () {
  const held = isolatedChromium();

  async function openFaultPage(query, runtime) {
    const page = await held.chromium.browser.newPage();
    try {
      const console = [];
      page.on('console', (m) => console.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => console.push(`pageerror: ${e}`));
      await page.goto(`${held.server.url}tests/cross/browser.html${query}`);
      // This wait has timed out once in a while in full runs (never alone): the page's console says where it stood.
      await page.waitForFunction(() => window.wasmgradReport !== undefined, null, { timeout: 60000 }).catch((e) => {
        throw new Error(`${e.message}\nconsole: ${console.join('\n')}`);
      });
      const report = await page.evaluate(() => window.wasmgradReport);
      assert.equal(report.error, undefined, `the page failed: ${report.error}\nconsole: ${console.join('\n')}`);
      assert.equal(report.runtime, runtime);
      return report;
    } finally {
      await page.close();
    }
  }

  describe('wasmgrad on the page\'s main thread (the caller spins)', () => faultCases(() => openFaultPage('?faults', 'browser')));
  describe('wasmgrad inside a module Worker (the caller blocks)', () => faultCases(() => openFaultPage('?worker&faults', 'worker')));
});
