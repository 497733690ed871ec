// Vite's entry for the page: plain `wasmgrad`; Vite emits its wasm and pool worker as assets.
import * as wg from 'wasmgrad';
import { run, showResult } from '../run.js';

showResult(() => run(wg), () => new Worker(new URL('./app-worker.js', import.meta.url), { type: 'module' }));
