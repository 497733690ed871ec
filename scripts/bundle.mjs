// Bundles what tsc wrote into dist/, after build:wasm and tsc. The package ships these bundles
// and not the ~115 modules they are made of (package.json "files"), so it carries each line once:
// - dist/bindings/runtime/bundle.js, the package's entry: dist/bindings/index.js in one file,
//   since Node spends most of a cold start resolving and linking modules one by one (~100 ms for
//   the graph, ~20 ms for the one file, on the loaded 2-core machine), and a browser waits a round
//   trip for each level of imports. It imports nothing, and sits beside engine.js and pool.js so
//   their `new URL(..., import.meta.url)` still point at build/ and at worker.js.
// - dist/bindings/runtime/embedded-bundle.js, the `wasmgrad/embedded` entry: embedded.js over
//   bundle.js. The sources it registers reach the engine in bundle.js through a global slot
//   (embedded-sources.ts), so both carry their own copy of that small module.
// - dist/bindings/runtime/embedded-assets.js for that entry: the simd-threads wasm, gzipped and
//   in base64 (the simd flavour differs from it in one byte, checked here), and the pool's worker
//   bundled into one ES module. Gzip first, since base64 text compresses poorly.
// - dist/bindings/runtime/onnx-bundle.js, the `wasmgrad/onnx` entry: dist/bindings/onnx/index.js over
//   bundle.js, reaching the library only through its entry (the `internals` it exports included).
//   ONNX is a fifth of the library's code, and every cold start of `import 'wasmgrad'` would parse
//   it for nothing (~3 ms of ~20 in Node).
// - dist/models/bundle.js, the `wasmgrad/models` entry: the zoo (dist/models/index.js) over
//   bundle.js, so `import 'wasmgrad'` does not load it.
// - dist/models/wasmgrad.js, the `wasmgrad` command: cli.js over both entries.
// A bundle that reaches a module of another bundle past its entry would carry a second copy of
// it (a second Tensor class, a second registry or record of layer statistics): the build refuses it.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const runtime = join(root, 'dist/bindings/runtime');
const bindings = join(root, 'dist/bindings');

/**
 * Leaves the modules of `external` out of a bundle, imported from the path given for each. Any
 * other import of a module that `isElsewhere` claims fails the build: it would be a second copy.
 */
function importFrom(external, isElsewhere = () => null) {
  return {
    name: 'import-from',
    setup(b) {
      b.onResolve({ filter: /^\./ }, (args) => {
        const target = resolve(args.resolveDir, args.path);
        if (target in external) return { path: external[target], external: true };
        const entry = isElsewhere(target);
        if (entry !== null) return { errors: [{ text: `${args.importer} imports ${args.path}: import it through ${entry} instead` }] };
        return undefined;
      });
    },
  };
}

/** Claims every module under dist/bindings/ for the library's entry. */
const inLibrary = (target) => (target.startsWith(bindings) ? 'bindings/index.js' : null);

const bundled = {
  bundle: true,
  format: 'esm',
  // Names are not minified: classes keep theirs (errors and layers name themselves from their
  // class; tests/cross/package.test.js checks) with no keepNames, whose ~900 name-setting calls
  // cost a Node cold start ~2 ms, and stack traces stay readable. Lines are kept: Node prints an uncaught error's whole source line,
  // and esbuild's lineLimit would split string literals, hiding `new URL('...wasm')` from Vite.
  minifySyntax: true,
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
};

await build({
  ...bundled,
  entryPoints: [join(bindings, 'index.js')],
  outfile: join(runtime, 'bundle.js'),
  platform: 'neutral',
});

await build({
  ...bundled,
  entryPoints: [join(runtime, 'embedded.js')],
  outfile: join(runtime, 'embedded-bundle.js'),
  platform: 'neutral',
  plugins: [importFrom({
    [join(bindings, 'index.js')]: './bundle.js',
    [join(runtime, 'embedded-assets.js')]: './embedded-assets.js',
  })],
});

await build({
  ...bundled,
  entryPoints: [join(bindings, 'onnx/index.js')],
  outfile: join(runtime, 'onnx-bundle.js'),
  platform: 'neutral',
  plugins: [importFrom({ [join(bindings, 'index.js')]: './bundle.js' }, (target) => (target.startsWith(join(bindings, 'onnx/')) ? null : inLibrary(target)))],
});

const models = join(root, 'dist/models');
const library = {
  [join(bindings, 'index.js')]: '../bindings/runtime/bundle.js',
  [join(bindings, 'onnx/index.js')]: '../bindings/runtime/onnx-bundle.js',
};
const zoo = await build({
  ...bundled,
  entryPoints: [join(models, 'index.js')],
  outfile: join(models, 'bundle.js'),
  platform: 'neutral',
  metafile: true,
  absWorkingDir: root,
  // node-builtins.js ships as a file of its own, beside the library's bundle.
  plugins: [importFrom({ ...library, [join(runtime, 'node-builtins.js')]: '../bindings/runtime/node-builtins.js' }, inLibrary)],
});
const inZoo = new Set(Object.keys(zoo.metafile.inputs).map((f) => resolve(root, f)));

await build({
  ...bundled,
  entryPoints: [join(models, 'cli.js')],
  outfile: join(models, 'wasmgrad.js'),
  platform: 'node',
  plugins: [importFrom({ ...library, [join(models, 'index.js')]: './bundle.js' }, (target) => inLibrary(target) ?? (inZoo.has(target) ? 'models/index.js' : null))],
});

const worker = await build({
  entryPoints: [join(runtime, 'worker.js')],
  bundle: true,
  format: 'esm',
  minify: true,
  write: false,
  logLevel: 'warning',
});
const wasm = (flavour) => readFileSync(join(root, `build/wasmgrad-${flavour}.wasm`));
const threads = wasm('simd-threads');
const single = wasm('simd');
const differing = threads.length === single.length ? [...threads.keys()].filter((i) => threads[i] !== single[i]) : null;
if (differing === null || differing.length !== 1 || threads[differing[0]] !== 0x03 || single[differing[0]] !== 0x01) {
  throw new Error('embed-assets: simd and simd-threads differ in more than the shared flag of their memory import; ' +
    'the embedded entry (bindings/runtime/embedded-sources.ts) relies on one copy carrying both');
}

const file = join(runtime, 'embedded-assets.js');
writeFileSync(file, [
  '// Generated by scripts/bundle.mjs: do not edit.',
  `export const THREADS_WASM_GZIP_BASE64 = ${JSON.stringify(gzipSync(threads, { level: 9 }).toString('base64'))};`,
  `export const SHARED_FLAG_OFFSET = ${differing[0]};`,
  `export const WORKER_SCRIPT = ${JSON.stringify(worker.outputFiles[0].text)};`,
  '',
].join('\n'));
copyFileSync(join(root, 'bindings/runtime/embedded-assets.d.ts'), join(runtime, 'embedded-assets.d.ts'));
console.log(`dist/bindings/runtime/embedded-assets.js  ${readFileSync(file).length} bytes`);
