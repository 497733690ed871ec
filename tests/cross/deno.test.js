// The Deno smoke test: the built package loads in Deno with threads on, exits by itself while its
// workers sleep, and gives Node's bits on every thread count.
import { commandPath, processRuntimeSuite } from './process-runtime.js';

processRuntimeSuite({ name: 'Deno', runtime: 'deno', command: commandPath('deno'), args: ['run', '--allow-read'] });
