// The runtimes that run the built package in a process of their own (Deno, Bun): each entry prints
// its report as one JSON line, the last of its output.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { THREAD_COUNTS } from './suite.js';
import { assertSameAsNode } from './node-hashes.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Where a devDependency's command is, in the repository's node_modules. */
export const commandPath = (name) => fileURLToPath(new URL(`../../node_modules/.bin/${name}`, import.meta.url));

/** Runs `command ...args entry` from the repository root; the JSON line it printed last. */
export async function entryReport(command, args, entry, timeout) {
  const { stdout } = await promisify(execFile)(command, [...args, entry], {
    cwd: root,
    timeout,
    env: { ...process.env, NO_COLOR: '1' },
  }).catch((e) => {
    // What the entry printed before it failed or was killed says how far it got.
    throw new Error(`${e.message}\nits output: ${e.stdout ?? ''}`);
  });
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

/**
 * The smoke test of such a runtime: the built package loads with threads on, exits by itself while
 * its workers sleep, and gives Node's bits on every thread count.
 */
export function processRuntimeSuite({ name, runtime, command, args }) {
  describe(name, () => {
    let report;

    // The timeout is the "exits by itself" check: a pool that held the process would hang here.
    before(async () => (report = await entryReport(command, args, 'tests/cross/process-entry.js', 30000)));

    it(`loads the threaded flavour with 2 threads, and says it runs in ${name}`, () => {
      assert.deepEqual(report.info, { runtime, flavour: 'simd-threads', threads: 2, sharedMemory: true });
    });

    for (const threads of THREAD_COUNTS) {
      it(`gives Node's hashes on ${threads} thread(s)`, () => assertSameAsNode(name, report.hashes, threads));
    }
  });
}
