// Compiles assembly/ into the wasm flavours the loader chooses between, then runs wasm-opt on each.
// Every flavour imports its memory, so TypeScript owns it (shared when threads are on).
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import binaryen from 'binaryen';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const out = join(root, 'build');
mkdirSync(out, { recursive: true });

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

async function build(name, { outFile, enable }) {
  const file = join(root, outFile);
  await run(bin('asc'), ['--config', 'asconfig.json', '--target', name], { cwd: root });
  await run(bin('wasm-opt'), [
    file, '-O3', ...[...ASC_DEFAULT_FEATURES, ...enable].map((f) => `--enable-${f}`), '-o', file,
  ], { cwd: root });
  checkStaticData(file);
  console.log(`${outFile}  ${statSync(file).size} bytes`);
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
