// The Deno smoke test: the built package loads in Deno with threads on, exits by itself while its
// workers sleep, and gives Node's bits on 1 and 2 threads.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { firstDifference } from './suite.js';
import { nodeHashes } from './node-hashes.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const deno = fileURLToPath(new URL('../../node_modules/.bin/deno', import.meta.url));

describe('Deno', () => {
  let run;

  before(async function () {
    // The timeout is the "exits by itself" check: a pool that held the process would hang here.
    const { stdout } = await promisify(execFile)(
      deno,
      ['run', '--allow-read', 'tests/cross/deno-entry.js'],
      { cwd: root, timeout: 30000, env: { ...process.env, NO_COLOR: '1' } },
    );
    const lines = stdout.trim().split('\n');
    run = JSON.parse(lines[lines.length - 1]);
  });

  it('loads the threaded flavour with 2 threads', () => {
    assert.deepEqual(run.info, { runtime: 'deno', flavour: 'simd-threads', threads: 2, sharedMemory: true });
  });

  for (const threads of [1, 2]) {
    it(`gives Node's hashes on ${threads} thread${threads > 1 ? 's' : ''}`, async () => {
      const expected = (await nodeHashes())[threads];
      const diff = firstDifference(expected, run.hashes[threads]);
      assert.equal(diff, undefined, `Deno differs from Node on ${threads} threads, first at ${diff}`);
    });
  }
});
