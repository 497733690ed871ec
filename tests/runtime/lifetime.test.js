// The garbage collector's safety net: a tensor joins it only once no scope holds it (lifetime.ts),
// so a forgotten tensor must still be freed whichever way it left its scopes.
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as wg from '../../dist/bindings/index.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc');

/** Collects and lets the FinalizationRegistry's callbacks run, a few times over. */
async function settle() {
  for (let i = 0; i < 5; i++) {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('tensor lifetime: forgotten tensors are freed by the garbage collector', () => {
  const ways = {
    'made outside any scope': () => wg.zeros([300]),
    'returned from the outermost scope': () => wg.scope(() => wg.zeros([300])),
    'returned through nested scopes': () => wg.scope(() => wg.scope(() => wg.zeros([300]))),
    'kept inside a scope': () => wg.scope(() => {
      wg.keep(wg.zeros([300]));
    }),
  };
  for (const [way, make] of Object.entries(ways)) {
    it(way, async () => {
      await settle();
      const before = wg.memory();
      // In a function of its own, so that no reference to the tensors outlives it.
      (() => {
        for (let i = 0; i < 20; i++) make();
      })();
      assert.equal(wg.memory().liveTensors, before.liveTensors + 20, 'the tensors are alive until collected');
      await settle();
      const after = wg.memory();
      assert.equal(after.liveTensors, before.liveTensors, 'forgotten tensors are still counted live');
      assert.equal(after.liveBytes, before.liveBytes, 'forgotten tensors still hold memory');
    });
  }

  it('a scope frees what it made at once, without the collector', () => {
    const before = wg.memory();
    wg.scope(() => {
      for (let i = 0; i < 20; i++) wg.zeros([300]);
    });
    assert.equal(wg.memory().liveTensors, before.liveTensors);
    assert.equal(wg.memory().liveBytes, before.liveBytes);
  });
});
