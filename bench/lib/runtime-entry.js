// Node and Deno run this in a fresh process: the runtimes workload, printed as one JSON line.
import { measureRuntime } from './runtime-workload.js';

console.log(JSON.stringify(await measureRuntime(new URL('../../dist/bindings/index.js', import.meta.url).href)));
