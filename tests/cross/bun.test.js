// The Bun smoke test: the built package loads in Bun (the devDependency `bun`) with threads on,
// exits by itself while its workers sleep, and gives Node's bits on every thread count.
import { commandPath, processRuntimeSuite } from './process-runtime.js';

processRuntimeSuite({ name: 'Bun', runtime: 'bun', command: commandPath('bun'), args: [] });
