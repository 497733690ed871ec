// esbuild's entry for the page: `wasmgrad/embedded` carries the wasm and the pool's worker.
import * as wg from 'wasmgrad/embedded';
import { run, showResult } from '../run.js';

showResult(() => run(wg), () => new Worker('./app-worker.js', { type: 'module' }));
