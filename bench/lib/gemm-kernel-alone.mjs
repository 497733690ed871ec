// The GEMM's micro-kernel without the rest of the GEMM, to show where the time goes: the real
// assembly/gemm_kernel.ts, compiled here as the build compiles it (asc, then binaryen -O3) into a
// module of its own, run on packed panels that are already in cache (no packing, no edge tiles).
import asc from 'assemblyscript/asc';
import binaryen from 'binaryen';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ENTRY = 'gemm-kernel-alone.ts';

// Calls the micro-kernel as gemm.ts does (inlined, full tiles, alpha 1, beta 0, no bias). `panels`
// multiplies one A strip by one B strip `reps` times: both stay in L1. `block` walks a packed
// (mc, kc) block of A against a (kc, nc) panel of B, as gemmRegion does: A in L2, a B strip in L1.
const SOURCE = `
import { gemm_4x8_simd, MR, NR } from './assembly/gemm_kernel';

export function panels(kc: i32, a: usize, b: usize, c: usize, reps: i32): void {
  for (let r = 0; r < reps; r++) gemm_4x8_simd(kc, a, b, true, true, c, NR, 0, 0, 1, 0, true, true, 0);
}

export function block(kc: i32, mc: i32, nc: i32, a: usize, b: usize, c: usize): void {
  for (let jp = 0; jp < nc; jp += NR) {
    for (let ip = 0; ip < mc; ip += MR) {
      gemm_4x8_simd(kc, a + (<usize>ip * kc << 2), b + (<usize>jp * kc << 2), true, true,
        c + ((<usize>ip * nc + jp) << 2), nc, jp, 0, 1, 0, true, true, 0);
    }
  }
}
`;

async function compile(relaxed) {
  const features = relaxed ? 'simd,relaxed-simd' : 'simd';
  let binary = null;
  const { error, stderr } = await asc.main(
    [ENTRY, '--enable', features, '-O3', '--runtime', 'stub', '--noAssert', '--outFile', 'alone.wasm'],
    {
      // The module is ours alone: not the project's asconfig.json (its imported memory, its flavours).
      readFile: (name, baseDir) => {
        if (name === ENTRY) return SOURCE;
        if (name === 'asconfig.json') return null;
        return readFile(join(root, baseDir, name), 'utf8').catch(() => null);
      },
      writeFile: (name, contents) => {
        if (name.endsWith('.wasm')) binary = contents;
      },
      listFiles: () => [],
    },
  );
  if (error) throw new Error(`gemm-kernel-alone: asc failed: ${error.message}\n${stderr.toString()}`);
  const module = binaryen.readBinary(binary);
  module.setFeatures(binaryen.Features.All);
  binaryen.setOptimizeLevel(3);
  binaryen.setShrinkLevel(0);
  module.optimize();
  const optimized = module.emitBinary();
  module.dispose();
  return optimized;
}

/**
 * Contenders for bestOfRounds, with their flops per call: the micro-kernel on L1-resident panels
 * and over a packed block (KC = 256, MC = 96, 512 columns), with relaxed_madd when `relaxed`.
 */
export async function gemmKernelAlone({ relaxed = false } = {}) {
  const { instance } = await WebAssembly.instantiate(await compile(relaxed), { env: { abort() {} } });
  const { memory, panels, block } = instance.exports;
  const KC = 256, MC = 96, NC = 512, REPS = 2000;
  const a = 1 << 16, b = a + MC * KC * 4, c = b + KC * NC * 4;
  memory.grow(Math.ceil((c + MC * NC * 4) / 65536));
  const f32 = new Float32Array(memory.buffer, a, (c - a) / 4);
  for (let i = 0; i < f32.length; i++) f32[i] = ((i % 13) - 6) / 64;
  return {
    'micro-kernel alone, L1-resident panels': { fn: () => panels(KC, a, b, c, REPS), flop: 2 * 4 * 8 * KC * REPS },
    'micro-kernel alone, packed 96x256 block x 512 columns': { fn: () => block(KC, MC, NC, a, b, c), flop: 2 * MC * NC * KC },
  };
}
