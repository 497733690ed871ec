// 2-D max pooling with a 2x2 window and stride 2, no padding or dilation: MaxPool2d(2), the
// pooling of nearly every convnet. The general kernel (pool.ts) walks each window tap by tap
// through its border and dilation logic; here one output row reads two input rows once, and four
// outputs come from four vector loads and two shuffles. Outputs and indices are the general
// kernel's bit for bit: the taps are visited in the same (kh, kw) order under the same rule.
// Takes the pooling argument block (PoolArgs); threads split the volumes.
import { AXIS_H, AXIS_W } from './axes';
import { PoolArgs } from './generated/args';
import { splitStart } from './split';

// torch's rule, as pool.ts: a NaN wins over everything after it; among equal values the first tap stays.
@inline function wins(v: v128, best: v128): v128 {
  return v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
}

// Outputs ow..ow+3 of the output row whose window rows start at input index `top` (row 2*oh).
@inline function fourOutputs_simd(volume: usize, top: i32, W: i32, ow: i32, y: usize, indices: usize): void {
  const i0 = top + 2 * ow;
  const upper = volume + (<usize>i0 << 2);
  const lower = upper + (<usize>W << 2);
  const u0 = v128.load(upper), u1 = v128.load(upper, 16);
  const l0 = v128.load(lower), l1 = v128.load(lower, 16);
  // Taps in (kh, kw) order: upper-left (the start), upper-right, lower-left, lower-right.
  const first = i32x4.add(i32x4.splat(i0), i32x4(0, 2, 4, 6));
  let best = i32x4.shuffle(u0, u1, 0, 2, 4, 6);
  let at = first;
  let v = i32x4.shuffle(u0, u1, 1, 3, 5, 7);
  let w = wins(v, best);
  best = v128.bitselect(v, best, w);
  at = v128.bitselect(i32x4.add(first, i32x4.splat(1)), at, w);
  v = i32x4.shuffle(l0, l1, 0, 2, 4, 6);
  w = wins(v, best);
  best = v128.bitselect(v, best, w);
  at = v128.bitselect(i32x4.add(first, i32x4.splat(W)), at, w);
  v = i32x4.shuffle(l0, l1, 1, 3, 5, 7);
  w = wins(v, best);
  best = v128.bitselect(v, best, w);
  at = v128.bitselect(i32x4.add(first, i32x4.splat(W + 1)), at, w);
  v128.store(y, best);
  v128.store(indices, at);
}

@inline function oneOutput(volume: usize, top: i32, W: i32, ow: i32, y: usize, indices: usize): void {
  const i0 = top + 2 * ow;
  let best = load<f32>(volume + (<usize>i0 << 2));
  let at = i0;
  for (let t = 1; t < 4; t++) {
    const i = i0 + (t < 2 ? t : W + t - 2);
    const v = load<f32>(volume + (<usize>i << 2));
    if (v > best || v != v) {
      best = v;
      at = i;
    }
  }
  store<f32>(y, best);
  store<i32>(indices, at);
}

// x is (P, H, W), y and indices (P, OH, OW) with OH = H / 2 and OW = W / 2 rounded down
export function max_pool_2x2s2_task(words: usize, tid: i32, nthreads: i32): void {
  const args = changetype<PoolArgs>(words);
  const x = args.x, y = args.y, indices = args.indices;
  const H = args.size(AXIS_H), W = args.size(AXIS_W), OH = args.out(AXIS_H), OW = args.out(AXIS_W);
  const P = args.P;
  const end = splitStart(P, tid + 1, nthreads);
  for (let p = splitStart(P, tid, nthreads); p < end; p++) {
    const volume = x + ((<usize>p * H * W) << 2);
    let out = (<usize>p * OH * OW) << 2;
    for (let oh = 0; oh < OH; oh++) {
      const top = 2 * oh * W;
      let ow = 0;
      // The last vector group reads up to column 2 * ow + 7 <= 2 * OW - 1 < W: never past the row.
      for (; ow + 4 <= OW; ow += 4, out += 16) fourOutputs_simd(volume, top, W, ow, y + out, indices + out);
      for (; ow < OW; ow++, out += 4) oneOutput(volume, top, W, ow, y + out, indices + out);
    }
  }
}
