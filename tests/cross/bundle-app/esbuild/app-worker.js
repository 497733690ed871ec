// esbuild's entry for the module Worker that runs the same app.
import * as wg from 'wasmgrad/embedded';
import { postResult, run } from '../run.js';

postResult(() => run(wg));
