// Compiles assembly/ into the wasm flavours the loader chooses between, then runs wasm-opt on each.
// Every flavour imports its memory, so TypeScript owns it (shared when threads are on).
// The scalar reference kernels (`*_reference_task`) serve only the tests: each flavour is written
// whole to build/test/, which tests/setup.js loads, and without them to build/, which the package
// ships: a sixth of the wasm, and of the compile every cold start pays. Removing exports and what
// only they reach leaves every other function as it was, so both give the same bits.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import binaryen from 'binaryen';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const out = join(root, 'build');
const testOut = join(out, 'test');
mkdirSync(testOut, { recursive: true });

// The flavours and the compiler's options live in asconfig.json, which `asc --config` reads too.
const config = JSON.parse(readFileSync(join(root, 'asconfig.json'), 'utf8'));

// Static data (AssemblyScript's math tables) lives in [DATA_START, HEAP_START); the pool's control
// block and argument area sit below it, the allocator's heap above (bindings/runtime/layout.ts).
const DATA_START = config.options.memoryBase;
const HEAP_START = 65536;

// asc turns these on by default, so wasm-opt must accept them too.
const ASC_DEFAULT_FEATURES = ['sign-ext', 'mutable-globals', 'nontrapping-float-to-int', 'bulk-memory'];

function checkStaticData(file) {
  const module = binaryen.readBinary(readFileSync(file));
  for (let i = 0; i < module.getNumDataSegments(); i++) {
    const { offset, data } = module.getDataSegmentInfo(module.getDataSegmentByIndex(i));
    if (offset < DATA_START || offset + data.byteLength > HEAP_START) {
      throw new Error(`${file}: static data at [${offset}, ${offset + data.byteLength}) leaves [${DATA_START}, ${HEAP_START})`);
    }
  }
  module.dispose();
}

const REFERENCE = /_reference_task$/;

/** Removes the reference kernels' exports from the wasm in `file`, and what only they reached. */
function removeReferences(file) {
  const module = binaryen.readBinary(readFileSync(file));
  const names = Array.from({ length: module.getNumExports() }, (_, i) => binaryen.getExportInfo(module.getExportByIndex(i)).name);
  const references = names.filter((n) => REFERENCE.test(n));
  if (references.length === 0) throw new Error(`${file}: no *_reference_task exports; the tests need them`);
  for (const n of references) module.removeExport(n);
  module.runPasses(['remove-unused-module-elements']);
  writeFileSync(file, module.emitBinary());
  module.dispose();
}

async function build(name, { outFile, enable }) {
  const file = join(root, outFile);
  const testFile = join(testOut, basename(outFile));
  await run(bin('asc'), ['--config', 'asconfig.json', '--target', name], { cwd: root });
  await run(bin('wasm-opt'), [
    file, '-O3', ...[...ASC_DEFAULT_FEATURES, ...enable].map((f) => `--enable-${f}`), '-o', file,
  ], { cwd: root });
  checkStaticData(file);
  copyFileSync(file, testFile);
  removeReferences(file);
  console.log(`${outFile}  ${statSync(file).size} bytes (${statSync(testFile).size} with the references, in build/test/)`);
}

// WASMGRAD_FLAVOURS=simd-threads builds only that flavour: quicker while working on a kernel.
const only = process.env.WASMGRAD_FLAVOURS?.split(',');
try {
  await Promise.all(
    Object.entries(config.targets)
      .filter(([name]) => only === undefined || only.includes(name))
      .map(([name, flags]) => build(name, flags)),
  );
} catch (e) {
  console.error(e.stderr || e.message);
  process.exit(1);
}
