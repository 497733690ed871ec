// Winograd F(2x2, 3x3) for 3x3 stride-1 convolutions (Lavin and Gray, 2015): each 2x2 block of
// output (a tile) comes from the 4x4 input block d under it through
//   y = Aᵀ [ sum over c of (G g Gᵀ) ⊙ (Bᵀ d B) ] A,
// 16 multiplies per tile and channel pair where im2col + GEMM spends 36. The sum over channels at
// each of the 16 positions xi of the transformed tile is one GEMM,
//   m[xi] (OC, T) = u[xi] (OC, C) @ v[xi] (C, T),  T = N * tilesH * tilesW,
// run by gemm_task as a batch of 16; these kernels are the three transforms around it. Every
// element is written by one thread and every sum has a fixed order, so the result is the same for
// any thread count (though not bit-equal to im2col's, which sums the 3x3 taps directly).
//
// Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1],
// Aᵀ = [1 1 1 0; 0 1 -1 -1]. Tiles run over (n, th, tw) in that order; tile (th, tw) reads input
// rows 2th - pt .. 2th - pt + 3 and columns 2tw - pl .. 2tw - pl + 3, zero outside the image.
// The SIMD kernels put four neighbouring tiles of a row in the four lanes and apply the same
// operations in the same order as the scalar references, so the two agree to the bit.
import { WinogradArgs } from './generated/args';
import { stagePlane } from './runs';
import { splitStart } from './split';

const HALF: f32 = 0.5;

/** Where value xi of (row, tile t) lives in a (16, rows, T) array. */
@inline export function at16(base: usize, xi: i32, rows: i32, row: i32, T: i32, t: i32): usize {
  return base + ((<usize>(xi * rows + row) * T + t) << 2);
}

// Row k of Bᵀ applied to p = (p0, p1, p2, p3): p0 - p2, p1 + p2, p2 - p1, p1 - p3.
@inline function inputRow(k: i32, p0: f32, p1: f32, p2: f32, p3: f32): f32 {
  return k == 0 ? p0 - p2 : k == 1 ? p1 + p2 : k == 2 ? p2 - p1 : p1 - p3;
}

// Row k of Aᵀ applied to p: (p0 + p1) + p2, (p1 - p2) - p3.
@inline function outputRow(k: i32, p0: f32, p1: f32, p2: f32, p3: f32): f32 {
  return k == 0 ? p0 + p1 + p2 : p1 - p2 - p3;
}

// Row k of G applied to p = (p0, p1, p2).
@inline function filterRow(k: i32, p0: f32, p1: f32, p2: f32): f32 {
  return k == 0 ? p0 : k == 1 ? (p0 + p1 + p2) * HALF : k == 2 ? (p0 - p1 + p2) * HALF : p2;
}

// u[xi = 4i + k, f] = (G g Gᵀ)[i, k] of the 3x3 filter g whose tap (r, s) is at tap0 + r*rowStep + s*colStep bytes.
@inline function transformFilter(u: usize, filters: i32, f: i32, tap0: usize, rowStep: i32, colStep: i32): void {
  for (let i = 0; i < 4; i++) {
    const r0 = filterRow(i, load<f32>(tap0), load<f32>(tap0 + <usize>rowStep), load<f32>(tap0 + <usize>(2 * rowStep)));
    const c1 = tap0 + <usize>colStep, c2 = tap0 + <usize>(2 * colStep);
    const r1 = filterRow(i, load<f32>(c1), load<f32>(c1 + <usize>rowStep), load<f32>(c1 + <usize>(2 * rowStep)));
    const r2 = filterRow(i, load<f32>(c2), load<f32>(c2 + <usize>rowStep), load<f32>(c2 + <usize>(2 * rowStep)));
    for (let k = 0; k < 4; k++) store<f32>(at16(u, 4 * i + k, filters, f, 1, 0), filterRow(k, r0, r1, r2));
  }
}

// u[xi = 4i + k, oc, c] = (G g Gᵀ)[i, k] of the 3x3 filter g = w[oc, c]. Threads split the
// (oc, c) filters. It transforms OC*C filters per call, a small part of the work: scalar suffices.
export function winograd_f2k3_filter_task(args: usize, tid: i32, nthreads: i32): void {
  const g = changetype<WinogradArgs>(args);
  const filters = g.OC * g.C;
  const end = splitStart(filters, tid + 1, nthreads);
  for (let f = splitStart(filters, tid, nthreads); f < end; f++) transformFilter(g.u, filters, f, g.w + (<usize>f * 9 << 2), 12, 4);
}

// The filters of the adjoint convolution, the input gradient of a 3x3 stride-1 convolution: w is
// that convolution's weight, (C, OC, 3, 3) in this block's terms, and filter (oc, c) here is
// w[c, oc] turned by 180 degrees. Read in place, so the turned copy is never made.
export function winograd_f2k3_filter_adjoint_task(args: usize, tid: i32, nthreads: i32): void {
  const g = changetype<WinogradArgs>(args);
  const OC = g.OC, C = g.C;
  const filters = OC * C;
  const end = splitStart(filters, tid + 1, nthreads);
  for (let f = splitStart(filters, tid, nthreads); f < end; f++) {
    const oc = f / C, c = f - oc * C;
    // The last tap of w[c, oc], walked backwards.
    const last = g.w + ((<usize>(c * OC + oc) * 9 + 8) << 2);
    transformFilter(g.u, filters, f, last, -12, -4);
  }
}

/** x[plane][ih, iw], or 0 in the padding. */
@inline function pixel(plane: usize, H: i32, W: i32, ih: i32, iw: i32): f32 {
  return ih >= 0 && ih < H && iw >= 0 && iw < W ? load<f32>(plane + ((<usize>ih * W + iw) << 2)) : 0;
}

// v[4i + k, c, t] = (Bᵀ d B)[i, k], one element at a time: the yardstick for winograd_f2k3_input_task.
export function winograd_f2k3_input_reference_task(args: usize, tid: i32, nthreads: i32): void {
  const g = changetype<WinogradArgs>(args);
  const C = g.C, H = g.H, W = g.W, tilesW = g.tilesW;
  const perImage = g.tilesH * tilesW;
  const T = g.N * perImage;
  const total = 16 * C * T;
  const end = splitStart(total, tid + 1, nthreads);
  for (let e = splitStart(total, tid, nthreads); e < end; e++) {
    const t = e % T;
    const c = (e / T) % C;
    const xi = e / (T * C);
    const i = xi >> 2, k = xi & 3;
    const n = t / perImage;
    const ih = 2 * ((t - n * perImage) / tilesW) - g.pt, iw = 2 * (t % tilesW) - g.pl;
    const plane = g.x + ((<usize>(n * C + c) * H * W) << 2);
    // Column q of Bᵀ d at row i, for the four q that row k of Bᵀ combines.
    let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
    for (let q = 0; q < 4; q++) {
      const s = inputRow(i, pixel(plane, H, W, ih, iw + q), pixel(plane, H, W, ih + 1, iw + q),
        pixel(plane, H, W, ih + 2, iw + q), pixel(plane, H, W, ih + 3, iw + q));
      if (q == 0) s0 = s;
      else if (q == 1) s1 = s;
      else if (q == 2) s2 = s;
      else s3 = s;
    }
    store<f32>(at16(g.v, xi, C, c, T, t), inputRow(k, s0, s1, s2, s3));
  }
}

// inputRow on four lanes.
@inline function inputRowLanes(k: i32, p0: v128, p1: v128, p2: v128, p3: v128): v128 {
  return k == 0 ? f32x4.sub(p0, p2) : k == 1 ? f32x4.add(p1, p2) : k == 2 ? f32x4.sub(p2, p1) : f32x4.sub(p1, p3);
}

// Stores lanes [0, count) of value to v[xi, c, t + lane].
@inline export function storeLanes(v: usize, xi: i32, C: i32, c: i32, T: i32, t: i32, value: v128, count: i32): void {
  const at = at16(v, xi, C, c, T, t);
  if (count == 4) {
    v128.store(at, value);
    return;
  }
  store<f32>(at, f32x4.extract_lane(value, 0));
  if (count > 1) store<f32>(at, f32x4.extract_lane(value, 1), 4);
  if (count > 2) store<f32>(at, f32x4.extract_lane(value, 2), 8);
}

// Column q (0..3) of the four tiles' 4x4 blocks in one staged row, as lanes: the even (q = 0, 2)
// or odd (q = 1, 3) floats of the eight from `at`.
@inline function evens(at: usize): v128 {
  return v128.shuffle<f32>(v128.load(at), v128.load(at, 16), 0, 2, 4, 6);
}

@inline function odds(at: usize): v128 {
  return v128.shuffle<f32>(v128.load(at), v128.load(at, 16), 1, 3, 5, 7);
}

// As the reference, four tiles of a row at a time. Threads split the input planes. Each plane is
// first copied, zero-padded, into the thread's stage (2*tilesH + 2 rows of 2*tilesW + 10 floats,
// in `scratch`), so that the lanes load without bounds tests.
export function winograd_f2k3_input_task(args: usize, tid: i32, nthreads: i32): void {
  const g = changetype<WinogradArgs>(args);
  const C = g.C, H = g.H, W = g.W, tilesH = g.tilesH, tilesW = g.tilesW, pt = g.pt, pl = g.pl;
  const T = g.N * tilesH * tilesW;
  const width = 2 * tilesW + 10;
  const stage = g.scratch + <usize>tid * g.scratchStride;
  const stride = <usize>width << 2;
  // (c, n) order: consecutive planes write consecutive tiles of v.
  const planes = g.N * C;
  const end = splitStart(planes, tid + 1, nthreads);
  for (let p = splitStart(planes, tid, nthreads); p < end; p++) {
    const c = p / g.N, n = p - c * g.N;
    const plane = g.x + ((<usize>(n * C + c) * H * W) << 2);
    stagePlane(stage, 2 * tilesH + 2, width, plane, H, W, pt, pl);
    for (let th = 0; th < tilesH; th++) {
      const t0 = (n * tilesH + th) * tilesW;
      const r0 = stage + <usize>(2 * th) * stride, r1 = r0 + stride, r2 = r1 + stride, r3 = r2 + stride;
      for (let tw = 0; tw < tilesW; tw += 4) {
        // A row's last group stores whole vectors too, its extra lanes landing on the next tile
        // row's first tiles, which this thread overwrites next; but not past the plane's last row.
        const count = th + 1 < tilesH ? 4 : min(4, tilesW - tw);
        const o = <usize>(2 * tw) << 2;
        // Column q of Bᵀ d at row i is s[i][q] = row i of Bᵀ over column q of the staged rows.
        let d0 = evens(r0 + o), d1 = evens(r1 + o), d2 = evens(r2 + o), d3 = evens(r3 + o);
        const s00 = inputRowLanes(0, d0, d1, d2, d3), s10 = inputRowLanes(1, d0, d1, d2, d3);
        const s20 = inputRowLanes(2, d0, d1, d2, d3), s30 = inputRowLanes(3, d0, d1, d2, d3);
        d0 = odds(r0 + o); d1 = odds(r1 + o); d2 = odds(r2 + o); d3 = odds(r3 + o);
        const s01 = inputRowLanes(0, d0, d1, d2, d3), s11 = inputRowLanes(1, d0, d1, d2, d3);
        const s21 = inputRowLanes(2, d0, d1, d2, d3), s31 = inputRowLanes(3, d0, d1, d2, d3);
        d0 = evens(r0 + o + 8); d1 = evens(r1 + o + 8); d2 = evens(r2 + o + 8); d3 = evens(r3 + o + 8);
        const s02 = inputRowLanes(0, d0, d1, d2, d3), s12 = inputRowLanes(1, d0, d1, d2, d3);
        const s22 = inputRowLanes(2, d0, d1, d2, d3), s32 = inputRowLanes(3, d0, d1, d2, d3);
        d0 = odds(r0 + o + 8); d1 = odds(r1 + o + 8); d2 = odds(r2 + o + 8); d3 = odds(r3 + o + 8);
        const s03 = inputRowLanes(0, d0, d1, d2, d3), s13 = inputRowLanes(1, d0, d1, d2, d3);
        const s23 = inputRowLanes(2, d0, d1, d2, d3), s33 = inputRowLanes(3, d0, d1, d2, d3);
        const t = t0 + tw;
        for (let k = 0; k < 4; k++) {
          storeLanes(g.v, k, C, c, T, t, inputRowLanes(k, s00, s01, s02, s03), count);
          storeLanes(g.v, 4 + k, C, c, T, t, inputRowLanes(k, s10, s11, s12, s13), count);
          storeLanes(g.v, 8 + k, C, c, T, t, inputRowLanes(k, s20, s21, s22, s23), count);
          storeLanes(g.v, 12 + k, C, c, T, t, inputRowLanes(k, s30, s31, s32, s33), count);
        }
      }
    }
  }
}

// y[n, oc, 2th + a, 2tw + b] = (Aᵀ m A)[a, b] + bias[oc], one element at a time: the yardstick
// for winograd_f2k3_output_task.
export function winograd_f2k3_output_reference_task(args: usize, tid: i32, nthreads: i32): void {
  const g = changetype<WinogradArgs>(args);
  const OC = g.OC, OH = g.OH, OW = g.OW, tilesH = g.tilesH, tilesW = g.tilesW;
  const T = g.N * tilesH * tilesW;
  const total = g.N * OC * OH * OW;
  const end = splitStart(total, tid + 1, nthreads);
  for (let e = splitStart(total, tid, nthreads); e < end; e++) {
    const ow = e % OW, oh = (e / OW) % OH;
    const plane = e / (OW * OH);
    const n = plane / OC, oc = plane % OC;
    const t = (n * tilesH + (oh >> 1)) * tilesW + (ow >> 1);
    const a = oh & 1, b = ow & 1;
    // Row a of Aᵀ m, at the four columns q.
    let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
    for (let q = 0; q < 4; q++) {
      const s = outputRow(a, load<f32>(at16(g.m, q, OC, oc, T, t)), load<f32>(at16(g.m, 4 + q, OC, oc, T, t)),
        load<f32>(at16(g.m, 8 + q, OC, oc, T, t)), load<f32>(at16(g.m, 12 + q, OC, oc, T, t)));
      if (q == 0) s0 = s;
      else if (q == 1) s1 = s;
      else if (q == 2) s2 = s;
      else s3 = s;
    }
    const bias: f32 = g.bias != 0 ? load<f32>(g.bias + (<usize>oc << 2)) : 0;
    store<f32>(g.y + (<usize>e << 2), outputRow(b, s0, s1, s2, s3) + bias);
  }
}

// outputRow on four lanes.
@inline function outputRowLanes(k: i32, p0: v128, p1: v128, p2: v128, p3: v128): v128 {
  return k == 0 ? f32x4.add(f32x4.add(p0, p1), p2) : f32x4.sub(f32x4.sub(p1, p2), p3);
}

// Lanes l of (even, odd) at output columns 2l and 2l + 1 of `row`, for the columns below `count`.
@inline function storeOutputRow(row: usize, even: v128, odd: v128, count: i32): void {
  const lo = v128.shuffle<f32>(even, odd, 0, 4, 1, 5), hi = v128.shuffle<f32>(even, odd, 2, 6, 3, 7);
  if (count >= 4) {
    v128.store(row, lo);
    if (count == 8) v128.store(row, hi, 16);
    else storeFirstLanes(row + 16, hi, count - 4);
  } else {
    storeFirstLanes(row, lo, count);
  }
}

// Lanes [0, count) of value at dst, count < 4.
@inline function storeFirstLanes(dst: usize, value: v128, count: i32): void {
  if (count > 0) store<f32>(dst, f32x4.extract_lane(value, 0));
  if (count > 1) store<f32>(dst, f32x4.extract_lane(value, 1), 4);
  if (count > 2) store<f32>(dst, f32x4.extract_lane(value, 2), 8);
}

// As the reference, four tiles of a row at a time. Threads split the planes of y. m has four
// floats of room past its end, so that the last group of a row loads whole vectors; the lanes
// past the row (the next row's tiles, or that room) are computed and never stored.
export function winograd_f2k3_output_task(args: usize, tid: i32, nthreads: i32): void {
  const g = changetype<WinogradArgs>(args);
  const OC = g.OC, OH = g.OH, OW = g.OW, tilesH = g.tilesH, tilesW = g.tilesW;
  const T = g.N * tilesH * tilesW;
  const planes = g.N * OC;
  const end = splitStart(planes, tid + 1, nthreads);
  // (oc, n) order: consecutive planes read consecutive tiles of m.
  for (let p = splitStart(planes, tid, nthreads); p < end; p++) {
    const oc = p / g.N, n = p - oc * g.N;
    const bias = f32x4.splat(g.bias != 0 ? load<f32>(g.bias + (<usize>oc << 2)) : 0);
    const out = g.y + ((<usize>(n * OC + oc) * OH * OW) << 2);
    for (let th = 0; th < tilesH; th++) {
      const t0 = (n * tilesH + th) * tilesW;
      const row0 = out + (<usize>(2 * th) * OW << 2);
      const both = 2 * th + 1 < OH;
      for (let tw = 0; tw < tilesW; tw += 4) {
        const at = at16(g.m, 0, OC, oc, T, t0 + tw);
        const xiStride = <usize>OC * T << 2;
        // Rows 0 and 1 of Aᵀ m at column q, from m[q], m[4 + q], m[8 + q], m[12 + q].
        let p0 = v128.load(at), p1 = v128.load(at + 4 * xiStride), p2 = v128.load(at + 8 * xiStride), p3 = v128.load(at + 12 * xiStride);
        const e0 = outputRowLanes(0, p0, p1, p2, p3), o0 = outputRowLanes(1, p0, p1, p2, p3);
        p0 = v128.load(at + xiStride); p1 = v128.load(at + 5 * xiStride); p2 = v128.load(at + 9 * xiStride); p3 = v128.load(at + 13 * xiStride);
        const e1 = outputRowLanes(0, p0, p1, p2, p3), o1 = outputRowLanes(1, p0, p1, p2, p3);
        p0 = v128.load(at + 2 * xiStride); p1 = v128.load(at + 6 * xiStride); p2 = v128.load(at + 10 * xiStride); p3 = v128.load(at + 14 * xiStride);
        const e2 = outputRowLanes(0, p0, p1, p2, p3), o2 = outputRowLanes(1, p0, p1, p2, p3);
        p0 = v128.load(at + 3 * xiStride); p1 = v128.load(at + 7 * xiStride); p2 = v128.load(at + 11 * xiStride); p3 = v128.load(at + 15 * xiStride);
        const e3 = outputRowLanes(0, p0, p1, p2, p3), o3 = outputRowLanes(1, p0, p1, p2, p3);
        const count = min(8, OW - 2 * tw);
        const dst = row0 + (<usize>(2 * tw) << 2);
        storeOutputRow(dst, f32x4.add(outputRowLanes(0, e0, e1, e2, e3), bias), f32x4.add(outputRowLanes(1, e0, e1, e2, e3), bias), count);
        if (both) {
          storeOutputRow(dst + (<usize>OW << 2), f32x4.add(outputRowLanes(0, o0, o1, o2, o3), bias),
            f32x4.add(outputRowLanes(1, o0, o1, o2, o3), bias), count);
        }
      }
    }
  }
}
