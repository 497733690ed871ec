// The Bun smoke test: the built package loads in Bun (the devDependency `bun`) with threads on,
// exits by itself while its workers sleep, and gives Node's bits on every thread count.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { THREAD_COUNTS } from './suite.js';
import { assertSameAsNode } from './node-hashes.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bun = fileURLToPath(new URL('../../node_modules/.bin/bun', import.meta.url));

describe('Bun', () => {
  let report;

  before(async () => {
    // The timeout is the "exits by itself" check: a pool that held the process would hang here.
    const { stdout } = await promisify(execFile)(bun, ['tests/cross/deno-entry.js'], {
      cwd: root,
      timeout: 30000,
      env: { ...process.env, NO_COLOR: '1' },
    });
    const lines = stdout.trim().split('\n');
    report = JSON.parse(lines[lines.length - 1]);
  });

  it('loads the threaded flavour with 2 threads, and says it runs in Bun', () => {
    assert.deepEqual(report.info, { runtime: 'bun', flavour: 'simd-threads', threads: 2, sharedMemory: true });
  });

  for (const threads of THREAD_COUNTS) {
    it(`gives Node's hashes on ${threads} thread(s)`, () => assertSameAsNode('Bun', report.hashes, threads));
  }
});
