// Node, Deno and Bun run this in a fresh process: the runtimes workload, printed as one JSON line;
// with the argument `cold`, only the cold start; with `floor`, only an empty module's import. It
// loads the package's entry, the file that `import 'wasmgrad'` resolves to.
import { measure } from './runtime-workload.js';

const entry = new URL('../../dist/bindings/runtime/bundle.js', import.meta.url).href;
const args = globalThis.Deno?.args ?? globalThis.process.argv.slice(2);
console.log(JSON.stringify(await measure(args[0] ?? '', entry)));
