import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { engine } from '../../dist/bindings/runtime/engine.js';
import { CONTROL_PTR } from '../../dist/bindings/runtime/layout.js';

// Ctl.Done; a const enum, so not in the built layout.js.
const DONE = 3;

describe('pool worker generations', () => {
  afterEach(async () => wg.setNumThreads(2));

  // terminate() is asynchronous (in Chromium a nested Worker outlived it by whole ops), so a worker
  // of a stopped pool can wake after the next pool started. Here one is kept alive on purpose: it
  // must neither run the new pool's ops nor count as having finished them.
  it('a worker outliving its pool neither runs nor counts the next pool\'s ops', async () => {
    await wg.setNumThreads(2);
    const pool = engine().pool;
    const zombie = pool.workers[0];
    const terminate = zombie.terminate.bind(zombie);
    zombie.terminate = () => {};
    try {
      await wg.setNumThreads(1);
      await wg.setNumThreads(2);
      const one = wg.randn([200003], { seed: 5 });
      await new Promise((r) => setTimeout(r, 100));
      const ctl = new Int32Array(engine().heap.memory.buffer, CONTROL_PTR, 16);
      assert.equal(Atomics.load(ctl, DONE), 1, 'workers that reported the last op done');
      await wg.setNumThreads(1);
      assert.deepEqual(wg.randn([200003], { seed: 5 }).toArray(), one.toArray());
    } finally {
      terminate();
    }
  });
});
