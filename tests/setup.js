// Root hooks: every test file may assume the engine is ready, on all cores.
import * as wg from '../dist/bindings/index.js';

export const mochaHooks = {
  async beforeAll() {
    await wg.ready();
  },
};
