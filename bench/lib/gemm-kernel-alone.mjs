// The GEMM's micro-kernel without the rest of the GEMM, to show where the time goes: the real
// one from assembly/, compiled here as the build compiles it (asc, then binaryen -O3) into a
// module of its own, run on packed panels that are already in cache (no packing, no edge tiles).
import asc from 'assemblyscript/asc';
import binaryen from 'binaryen';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ENTRY = 'gemm-kernel-alone.ts';

// The micro-kernel each flavour's gemm.ts runs: the 4x8 tile, or the relaxed flavour's 5x8 one
// (assembly/gemm_kernel_5x8.ts). Its block sizes are the flavour's own, which the module exports.
const KERNELS = {
  plain: {
    imports: 'gemm_4x8_simd, MR', file: 'gemm_kernel', mr: 'MR',
    call: (a, b, c, ldc, j) => `gemm_4x8_simd(kc, ${a}, ${b}, true, true, ${c}, ${ldc}, ${j}, 0, 1, 0, true, true, 0)`,
  },
  relaxed: {
    imports: 'gemm_5x8_relaxed_simd, TALL_MR', file: 'gemm_kernel_5x8', mr: 'TALL_MR',
    call: (a, b, c, ldc, j) => `gemm_5x8_relaxed_simd(kc, ${a}, ${b}, true, ${c}, ${ldc}, ${j}, 0, 1, 0, true, true, 0)`,
  },
};

// Calls the micro-kernel as gemm.ts does (inlined, full tiles, alpha 1, beta 0, no bias). `panels`
// multiplies one A strip by one B strip `reps` times: both stay in L1. `block` walks a packed
// (mc, kc) block of A against a (kc, nc) panel of B, as gemmRegion does: A in L2, a B strip in L1.
function source({ imports, file, mr, call }) {
  return `
import { KC, NR } from './assembly/gemm_kernel';
import { MC } from './assembly/gemm';
import { ${imports} } from './assembly/${file}';

export const kc: i32 = KC;
export const mc: i32 = MC;
export const mr: i32 = ${mr};

export function panels(kc: i32, a: usize, b: usize, c: usize, reps: i32): void {
  for (let r = 0; r < reps; r++) ${call('a', 'b', 'c', 'NR', '0')};
}

export function block(kc: i32, mc: i32, nc: i32, a: usize, b: usize, c: usize): void {
  for (let jp = 0; jp < nc; jp += NR) {
    for (let ip = 0; ip < mc; ip += ${mr}) {
      ${call('a + (<usize>ip * kc << 2)', 'b + (<usize>jp * kc << 2)', 'c + ((<usize>ip * nc + jp) << 2)', 'nc', 'jp')};
    }
  }
}
`;
}

async function compile(relaxed) {
  const features = relaxed ? 'simd,relaxed-simd' : 'simd';
  let binary = null;
  const { error, stderr } = await asc.main(
    [ENTRY, '--enable', features, '-O3', '--runtime', 'stub', '--noAssert', '--outFile', 'alone.wasm'],
    {
      // The module is ours alone: not the project's asconfig.json (its imported memory, its flavours).
      readFile: (name, baseDir) => {
        if (name === ENTRY) return source(KERNELS[relaxed ? 'relaxed' : 'plain']);
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
 * Contenders for bestOfRounds, with their flops per call: the flavour's micro-kernel on
 * L1-resident panels and over a packed block (its KC and MC, 512 columns): the 4x8 tile, or with
 * `relaxed` the 5x8 one with relaxed_madd.
 */
export async function gemmKernelAlone({ relaxed = false } = {}) {
  const { instance } = await WebAssembly.instantiate(await compile(relaxed), { env: { abort() {} } });
  const { memory, panels, block } = instance.exports;
  const [MR, KC, MC] = [instance.exports.mr, instance.exports.kc, instance.exports.mc].map((g) => g.value);
  const NC = 512, REPS = 2000;
  const a = 1 << 16, b = a + MC * KC * 4, c = b + KC * NC * 4;
  memory.grow(Math.ceil((c + MC * NC * 4) / 65536));
  const f32 = new Float32Array(memory.buffer, a, (c - a) / 4);
  for (let i = 0; i < f32.length; i++) f32[i] = ((i % 13) - 6) / 64;
  const name = `micro-kernel alone ${MR}x8`;
  return {
    [`${name}, L1-resident panels`]: { fn: () => panels(KC, a, b, c, REPS), flop: 2 * MR * 8 * KC * REPS },
    [`${name}, packed ${MC}x${KC} block x ${NC} columns`]: { fn: () => block(KC, MC, NC, a, b, c), flop: 2 * MC * NC * KC },
  };
}
