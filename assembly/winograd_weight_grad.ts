// The weight gradient of a 3x3 stride-1 convolution by Winograd F(3x3, 2x2): each 2x2 block of
// the output gradient dy (a tile) and the 4x4 input block d under it contribute the 3x3 correlation
//   dw += A'ᵀ [ (G' g G'ᵀ) ⊙ (Bᵀ d B) ] A',  g = the tile of dy,
// 16 multiplies per tile and channel pair where the product of dy with im2col's columns spends 36.
// Summed over every tile of the batch, the 16 positions xi of the transformed tile are one GEMM,
//   m[xi] (OC, C) = u[xi] (OC, T) @ v[xi] (C, T)ᵀ,  T = N * tilesH * tilesW,
// whose inner dimension is the sum over tiles (in a fixed order, whatever the thread count). v is
// the forward's input transform (winograd_f2k3_input, assembly/winograd.ts): the tiles and Bᵀ are
// the same. F(3x3, 2x2)'s Bᵀ has d3 - d1 in its last row where the forward's has d1 - d3, so G'
// carries that sign in its last row instead; negation is exact, so nothing rounds differently.
//
// G' = [1 0; ½ ½; ½ -½; 0 -1], A'ᵀ = [1 1 1 0; 0 1 -1 0; 0 1 1 1]. Tile (th, tw) covers dy rows
// 2th, 2th + 1 and columns 2tw, 2tw + 1, zero past the edge. The SIMD kernel puts four
// neighbouring tiles of a row in the four lanes and applies the reference's operations in its
// order, so the two agree to the bit.
import { WinogradWeightGradArgs } from './generated/args';
import { at16, storeLanes } from './winograd';
import { splitStart } from './split';

const HALF: f32 = 0.5;

// Row k of G' applied to p = (p0, p1).
@inline function gradientRow(k: i32, p0: f32, p1: f32): f32 {
  return k == 0 ? p0 : k == 1 ? (p0 + p1) * HALF : k == 2 ? (p0 - p1) * HALF : -p1;
}

@inline function gradientRowLanes(k: i32, p0: v128, p1: v128): v128 {
  const half = f32x4.splat(HALF);
  return k == 0 ? p0 : k == 1 ? f32x4.mul(f32x4.add(p0, p1), half) : k == 2 ? f32x4.mul(f32x4.sub(p0, p1), half) : f32x4.neg(p1);
}

// Row a of A'ᵀ applied to p = (p0, p1, p2, p3): (p0 + p1) + p2, p1 - p2, (p1 + p2) + p3.
@inline function weightRow(a: i32, p0: f32, p1: f32, p2: f32, p3: f32): f32 {
  return a == 0 ? p0 + p1 + p2 : a == 1 ? p1 - p2 : p1 + p2 + p3;
}

/** dy[plane][oh, ow], or 0 past the edge. */
@inline function gradient(plane: usize, OH: i32, OW: i32, oh: i32, ow: i32): f32 {
  return oh < OH && ow < OW ? load<f32>(plane + ((<usize>oh * OW + ow) << 2)) : 0;
}

// u[4i + k, oc, t] = (G' g G'ᵀ)[i, k] of dy's tile t in plane (n, oc), one element at a time: the
// yardstick for winograd_f3k2_gradient_task.
export function winograd_f3k2_gradient_reference_task(args: usize, tid: i32, nthreads: i32): void {
  const g = changetype<WinogradWeightGradArgs>(args);
  const OC = g.OC, OH = g.OH, OW = g.OW, tilesW = g.tilesW;
  const perImage = g.tilesH * tilesW;
  const T = g.N * perImage;
  const total = 16 * OC * T;
  const end = splitStart(total, tid + 1, nthreads);
  for (let e = splitStart(total, tid, nthreads); e < end; e++) {
    const t = e % T;
    const oc = (e / T) % OC;
    const xi = e / (T * OC);
    const i = xi >> 2, k = xi & 3;
    const n = t / perImage;
    const oh = 2 * ((t - n * perImage) / tilesW), ow = 2 * (t % tilesW);
    const plane = g.dy + ((<usize>(n * OC + oc) * OH * OW) << 2);
    const s0 = gradientRow(i, gradient(plane, OH, OW, oh, ow), gradient(plane, OH, OW, oh + 1, ow));
    const s1 = gradientRow(i, gradient(plane, OH, OW, oh, ow + 1), gradient(plane, OH, OW, oh + 1, ow + 1));
    store<f32>(at16(g.u, xi, OC, oc, T, t), gradientRow(k, s0, s1));
  }
}

// Columns 2tw .. 2tw + 7 of a dy row, split into the even (first = true) or odd ones: column 0 or
// 1 of four neighbouring tiles. Whole vectors inside the row, lane by lane at its end (zero past it).
@inline function tileColumns(row: usize, ow: i32, OW: i32, odd: i32): v128 {
  if (ow + 8 <= OW) {
    const lo = v128.load(row + (<usize>ow << 2)), hi = v128.load(row + (<usize>ow << 2), 16);
    return odd ? v128.shuffle<f32>(lo, hi, 1, 3, 5, 7) : v128.shuffle<f32>(lo, hi, 0, 2, 4, 6);
  }
  let lanes = f32x4.splat(0);
  const c0 = ow + odd;
  if (c0 < OW) lanes = f32x4.replace_lane(lanes, 0, load<f32>(row + (<usize>c0 << 2)));
  if (c0 + 2 < OW) lanes = f32x4.replace_lane(lanes, 1, load<f32>(row + (<usize>(c0 + 2) << 2)));
  if (c0 + 4 < OW) lanes = f32x4.replace_lane(lanes, 2, load<f32>(row + (<usize>(c0 + 4) << 2)));
  if (c0 + 6 < OW) lanes = f32x4.replace_lane(lanes, 3, load<f32>(row + (<usize>(c0 + 6) << 2)));
  return lanes;
}

// As the reference, four tiles of a row at a time. Threads split the planes of dy, in (oc, n)
// order: consecutive planes write consecutive tiles of u.
export function winograd_f3k2_gradient_task(args: usize, tid: i32, nthreads: i32): void {
  const g = changetype<WinogradWeightGradArgs>(args);
  const OC = g.OC, OH = g.OH, OW = g.OW, tilesH = g.tilesH, tilesW = g.tilesW;
  const T = g.N * tilesH * tilesW;
  const planes = g.N * OC;
  const zero = f32x4.splat(0);
  const end = splitStart(planes, tid + 1, nthreads);
  for (let p = splitStart(planes, tid, nthreads); p < end; p++) {
    const oc = p / g.N, n = p - oc * g.N;
    const plane = g.dy + ((<usize>(n * OC + oc) * OH * OW) << 2);
    for (let th = 0; th < tilesH; th++) {
      const row0 = plane + (<usize>(2 * th) * OW << 2), row1 = row0 + (<usize>OW << 2);
      const second = 2 * th + 1 < OH;
      const t0 = (n * tilesH + th) * tilesW;
      for (let tw = 0; tw < tilesW; tw += 4) {
        const ow = 2 * tw;
        const count = min(4, tilesW - tw);
        // g[r][q] of the four tiles: row r, column q.
        const g00 = tileColumns(row0, ow, OW, 0), g01 = tileColumns(row0, ow, OW, 1);
        const g10 = second ? tileColumns(row1, ow, OW, 0) : zero, g11 = second ? tileColumns(row1, ow, OW, 1) : zero;
        for (let i = 0; i < 4; i++) {
          const s0 = gradientRowLanes(i, g00, g10), s1 = gradientRowLanes(i, g01, g11);
          for (let k = 0; k < 4; k++) storeLanes(g.u, 4 * i + k, OC, oc, T, t0 + tw, gradientRowLanes(k, s0, s1), count);
        }
      }
    }
  }
}

/** m[4i + k] of one filter, whose m[0] is at `at`, the 16 positions `step` bytes apart. */
@inline function sum(at: usize, step: usize, i: i32, k: i32): f32 {
  return load<f32>(at + <usize>(4 * i + k) * step);
}

// dw[oc, c, a, b] = (A'ᵀ m A')[a, b], where m[xi, oc, c] holds the 16 sums. Threads split the
// (oc, c) filters; OC*C of them per call, a small part of the work: scalar suffices.
export function winograd_f3k2_weights_task(args: usize, tid: i32, nthreads: i32): void {
  const g = changetype<WinogradWeightGradArgs>(args);
  const filters = g.OC * g.C;
  const step = <usize>filters << 2;
  const end = splitStart(filters, tid + 1, nthreads);
  for (let f = splitStart(filters, tid, nthreads); f < end; f++) {
    const dst = g.dw + (<usize>f * 9 << 2);
    const at = g.m + (<usize>f << 2);
    for (let a = 0; a < 3; a++) {
      // Row a of A'ᵀ m, at the four columns k.
      const r0 = weightRow(a, sum(at, step, 0, 0), sum(at, step, 1, 0), sum(at, step, 2, 0), sum(at, step, 3, 0));
      const r1 = weightRow(a, sum(at, step, 0, 1), sum(at, step, 1, 1), sum(at, step, 2, 1), sum(at, step, 3, 1));
      const r2 = weightRow(a, sum(at, step, 0, 2), sum(at, step, 1, 2), sum(at, step, 2, 2), sum(at, step, 3, 2));
      const r3 = weightRow(a, sum(at, step, 0, 3), sum(at, step, 1, 3), sum(at, step, 2, 3), sum(at, step, 3, 3));
      for (let b = 0; b < 3; b++) store<f32>(dst + (<usize>(3 * a + b) << 2), weightRow(b, r0, r1, r2, r3));
    }
  }
}
