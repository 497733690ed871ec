// Node and Deno run this in a fresh process: the runtimes workload, printed as one JSON line; with
// the argument `cold`, only the cold start. It loads the package's entry, the file that
// `import 'wasmgrad'` resolves to.
import { coldStart, measureRuntime } from './runtime-workload.js';

const entry = new URL('../../dist/bindings/runtime/bundle.js', import.meta.url).href;
const args = globalThis.Deno?.args ?? globalThis.process.argv.slice(2);
const result = args[0] === 'cold' ? { coldStartMs: (await coldStart(entry)).coldStartMs } : await measureRuntime(entry);
console.log(JSON.stringify(result));
