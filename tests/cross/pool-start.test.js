// ready() does not wait for the pool's workers: ops run on the calling thread until they check in,
// with the same bits, and a worker that fails to start turns the pool down to one thread with the
// loud warning; a program that never yields after ready() still gets its threads. In a fresh
// process each, importing the package by name (its bundled entry), or dist/ where the test reads
// the pool's state.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const fixture = fileURLToPath(new URL('./fixtures/pool-start.js', import.meta.url));
const neverYields = fileURLToPath(new URL('./fixtures/pool-start-never-yields.js', import.meta.url));
const repository = fileURLToPath(new URL('../../', import.meta.url));

async function runFixture(mode, env = {}, file = fixture) {
  const { stdout } = await promisify(execFile)(process.execPath, [file, mode], {
    cwd: repository, env: { ...process.env, ...env }, timeout: 120000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

describe('pool start after ready()', () => {
  it('the package entry is the one-file bundle', async () => {
    const { entry } = await runFixture('starts');
    assert.match(entry, /\/dist\/bindings\/runtime\/bundle\.js$/);
  });

  it('ops before and after the worker checks in give the same bits, with no warning', async () => {
    const { info, same, warnings } = await runFixture('starts');
    assert.equal(same, true);
    assert.deepEqual(warnings, []);
    assert.equal(info.singleThreadReason, undefined);
  });

  it('a worker that fails to start: one thread, the same bits, the reason and the warning', async () => {
    const { info, same, warnings } = await runFixture('fails', { WASMGRAD_FAULT_EXIT_BEFORE_CHECK_IN: '1' });
    assert.equal(same, true);
    assert.equal(info.threads, 1);
    // The exit event or the watchdog, whichever reports the loss first.
    assert.match(info.singleThreadReason, /^workers could not start \(worker 1 (exited \(code 71\)|died)\)$/);
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.match(warnings[0], /THREADS ARE OFF: running on one thread because workers could not start \(worker 1 /);
  });

  // The workers are spawned in a later task, which such a program never lets run: the first op
  // that earns a second thread spawns them instead, and ops use them once they check in.
  it('a program that never yields after ready() gets its threads, with the same bits', async () => {
    const { widestOp, ops, same } = await runFixture('', {}, neverYields);
    assert.equal(widestOp, 2, `${ops} ops, none of them on 2 threads`);
    assert.equal(same, true);
  });
});
