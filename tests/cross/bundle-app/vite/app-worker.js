// The module Worker that runs the same app, bundled by Vite from main.js's `new Worker(new URL(...))`.
import * as wg from 'wasmgrad';
import { postResult, run } from '../run.js';

postResult(() => run(wg));
