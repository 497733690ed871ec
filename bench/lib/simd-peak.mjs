// The f32x4 ceiling of this machine, measured rather than assumed: a loop of independent
// multiply-add chains with no memory traffic. Percentages of "peak" in reports are of this.
import binaryen from 'binaryen';

// Enough independent chains to cover the latency of every pipe, few enough to stay in the 16
// xmm registers: 6 mul chains feeding 6 add chains, or 10 fused chains.
const chains = (fused) => (fused ? 10 : 6);

// Separate f32x4.mul and f32x4.add (what the non-relaxed flavours can use), or fused
// relaxed_madd. Every value stays in registers.
function probeText(fused) {
  const CHAINS = chains(fused);
  const locals = Array.from({ length: CHAINS }, (_, i) => `(local $a${i} v128)${fused ? '' : ` (local $p${i} v128)`}`).join(' ');
  const init = fused ? '' : Array.from({ length: CHAINS }, (_, i) => `(local.set $p${i} (f32x4.splat (f32.const 1)))`).join(' ');
  const step = Array.from({ length: CHAINS }, (_, i) =>
    fused
      ? `(local.set $a${i} (f32x4.relaxed_madd (local.get $a${i}) (local.get $y) (local.get $y)))`
      : `(local.set $p${i} (f32x4.mul (local.get $p${i}) (local.get $y))) (local.set $a${i} (f32x4.add (local.get $a${i}) (local.get $p${i})))`,
  ).join(' ');
  let sum = '(local.get $a0)';
  for (let i = 1; i < CHAINS; i++) sum = `(f32x4.add ${sum} (local.get $a${i}))`;
  return `(module (func (export "probe") (param $n i32) (result f32) (local $y v128) ${locals}
    (local.set $y (f32x4.splat (f32.const 0.9999999))) ${init}
    (loop $l ${step} (local.set $n (i32.sub (local.get $n) (i32.const 1))) (br_if $l (local.get $n)))
    (f32x4.extract_lane 0 ${sum})))`;
}

/**
 * The probe as a function to time, and the flops of one call, so it can take turns with the
 * code under test and see the same load. `fused` needs relaxed SIMD (a Node flag in Node 20).
 */
export async function simdPeakProbe({ fused = false, iterations = 2e6 } = {}) {
  const module = binaryen.parseText(probeText(fused));
  module.setFeatures(binaryen.Features.SIMD128 | binaryen.Features.RelaxedSIMD);
  const bytes = module.emitBinary();
  module.dispose();
  const { instance } = await WebAssembly.instantiate(bytes);
  const probe = instance.exports.probe;
  // Each chain step is four lanes of a multiply and an add.
  return { fn: () => probe(iterations), flop: iterations * chains(fused) * 8 };
}
