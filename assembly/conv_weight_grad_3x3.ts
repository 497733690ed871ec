// The weight gradient of a 3x3 stride-1 convolution with few input channels (a first layer: one
// grey or three colour channels), directly:
//   dw[oc, c, kh, kw] = sum over n, oh, ow of dy[n, oc, oh, ow] * x[n, c, oh - pt + kh, ow - pl + kw].
// There im2col's product dy @ colsᵀ has an inner dimension of a whole batch of positions but only
// C*9 columns, too few for the GEMM's register tiles, and it first copies dy channel-first and x
// into columns; here each dy vector meets the nine shifted input vectors it multiplies, read from
// a zero-padded copy of one input plane, so nothing is packed and padding needs no tests.
//
// The sums: lane l of a filter tap's accumulator adds the products at columns ow = 4j + l (zero
// past OW) in (n, oh, j) order; the four lanes are then added as ((l0 + l1) + l2) + l3. Threads
// split the output channels, so every sum has the same order whatever the thread count, and the
// scalar reference, which forms each lane's sum in that order, agrees with this to the bit.
import { ConvWeightGrad3x3Args } from './generated/args';
import { stagePlane } from './runs';
import { splitStart } from './split';

/** Floats per stage row: the output width in whole vectors, plus the two columns the taps reach past it. */
@inline function stageWidth(OW: i32): i32 {
  return ((OW + 3) & ~3) + 2;
}

// dy[row][ow .. ow + 3], zero past OW: lane by lane at the row's end, whose next floats may lie
// past the tensor.
@inline function gradientLanes(row: usize, ow: i32, OW: i32): v128 {
  if (ow + 4 <= OW) return v128.load(row + (<usize>ow << 2));
  let lanes = f32x4.splat(0);
  lanes = f32x4.replace_lane(lanes, 0, load<f32>(row + (<usize>ow << 2)));
  if (ow + 1 < OW) lanes = f32x4.replace_lane(lanes, 1, load<f32>(row + (<usize>(ow + 1) << 2)));
  if (ow + 2 < OW) lanes = f32x4.replace_lane(lanes, 2, load<f32>(row + (<usize>(ow + 2) << 2)));
  return lanes;
}

@inline function madd(acc: v128, a: v128, b: v128): v128 {
  return f32x4.add(acc, f32x4.mul(a, b));
}

// acc[oc, c] (9 taps x 4 lanes) += the products of dy plane (n, oc) with the staged plane (n, c).
function accumulate(g: ConvWeightGrad3x3Args, dyPlane: usize, stage: usize, acc: usize): void {
  const OH = g.OH, OW = g.OW;
  const stride = <usize>stageWidth(OW) << 2;
  let a0 = v128.load(acc), a1 = v128.load(acc, 16), a2 = v128.load(acc, 32);
  let a3 = v128.load(acc, 48), a4 = v128.load(acc, 64), a5 = v128.load(acc, 80);
  let a6 = v128.load(acc, 96), a7 = v128.load(acc, 112), a8 = v128.load(acc, 128);
  for (let oh = 0; oh < OH; oh++) {
    const dyRow = dyPlane + (<usize>(oh * OW) << 2);
    const r0 = stage + <usize>oh * stride, r1 = r0 + stride, r2 = r1 + stride;
    for (let ow = 0; ow < OW; ow += 4) {
      const d = gradientLanes(dyRow, ow, OW);
      const o = <usize>ow << 2;
      a0 = madd(a0, d, v128.load(r0 + o)); a1 = madd(a1, d, v128.load(r0 + o, 4)); a2 = madd(a2, d, v128.load(r0 + o, 8));
      a3 = madd(a3, d, v128.load(r1 + o)); a4 = madd(a4, d, v128.load(r1 + o, 4)); a5 = madd(a5, d, v128.load(r1 + o, 8));
      a6 = madd(a6, d, v128.load(r2 + o)); a7 = madd(a7, d, v128.load(r2 + o, 4)); a8 = madd(a8, d, v128.load(r2 + o, 8));
    }
  }
  v128.store(acc, a0); v128.store(acc, a1, 16); v128.store(acc, a2, 32);
  v128.store(acc, a3, 48); v128.store(acc, a4, 64); v128.store(acc, a5, 80);
  v128.store(acc, a6, 96); v128.store(acc, a7, 112); v128.store(acc, a8, 128);
}

/** ((l0 + l1) + l2) + l3 of the four floats at `at`. */
@inline function laneSum(at: usize): f32 {
  return load<f32>(at) + load<f32>(at, 4) + load<f32>(at, 8) + load<f32>(at, 12);
}

// Threads split the output channels. Each stages every input plane once, in (n, c) order, into its
// stage (scratch + tid * scratchStride), and adds its channels' products into their accumulators
// (acc: OC*C*9 vectors, each thread's channels its own).
export function conv_weight_grad_3x3_task(args: usize, tid: i32, nthreads: i32): void {
  const g = changetype<ConvWeightGrad3x3Args>(args);
  const N = g.N, C = g.C, OC = g.OC;
  const oc0 = splitStart(OC, tid, nthreads), oc1 = splitStart(OC, tid + 1, nthreads);
  if (oc0 >= oc1) return;
  const stage = g.scratch + <usize>tid * g.scratchStride;
  const filterBytes = <usize>(9 * 4) << 2;
  const firstAcc = g.acc + <usize>(oc0 * C) * filterBytes;
  memory.fill(firstAcc, 0, <usize>((oc1 - oc0) * C) * filterBytes);
  const planeBytes = <usize>(g.H * g.W) << 2, dyPlaneBytes = <usize>(g.OH * g.OW) << 2;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      stagePlane(stage, g.OH + 2, stageWidth(g.OW), g.x + <usize>(n * C + c) * planeBytes, g.H, g.W, g.pt, g.pl);
      for (let oc = oc0; oc < oc1; oc++) {
        accumulate(g, g.dy + <usize>(n * OC + oc) * dyPlaneBytes, stage, g.acc + <usize>(oc * C + c) * filterBytes);
      }
    }
  }
  for (let f = oc0 * C; f < oc1 * C; f++) {
    const acc = g.acc + <usize>f * filterBytes;
    for (let t = 0; t < 9; t++) store<f32>(g.dw + (<usize>(f * 9 + t) << 2), laneSum(acc + (<usize>t << 4)));
  }
}

/** x[n, c][ih, iw], or 0 in the padding. */
@inline function pixel(g: ConvWeightGrad3x3Args, n: i32, c: i32, ih: i32, iw: i32): f32 {
  if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) return 0;
  return load<f32>(g.x + ((<usize>((n * g.C + c) * g.H + ih) * g.W + iw) << 2));
}

// One dw element at a time, each lane's sum formed in the SIMD kernel's order: its yardstick.
export function conv_weight_grad_3x3_reference_task(args: usize, tid: i32, nthreads: i32): void {
  const g = changetype<ConvWeightGrad3x3Args>(args);
  const C = g.C, OC = g.OC, OH = g.OH, OW = g.OW;
  const total = OC * C * 9;
  const end = splitStart(total, tid + 1, nthreads);
  for (let e = splitStart(total, tid, nthreads); e < end; e++) {
    const tap = e % 9, f = e / 9;
    const kh = tap / 3, kw = tap % 3;
    const oc = f / C, c = f % C;
    let l0: f32 = 0, l1: f32 = 0, l2: f32 = 0, l3: f32 = 0;
    for (let n = 0; n < g.N; n++) {
      const dyPlane = g.dy + (<usize>((n * OC + oc) * OH * OW) << 2);
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow += 4) {
          for (let l = 0; l < 4; l++) {
            const at = ow + l;
            const d: f32 = at < OW ? load<f32>(dyPlane + (<usize>(oh * OW + at) << 2)) : 0;
            const p = d * pixel(g, n, c, oh - g.pt + kh, at - g.pl + kw);
            if (l == 0) l0 = l0 + p;
            else if (l == 1) l1 = l1 + p;
            else if (l == 2) l2 = l2 + p;
            else l3 = l3 + p;
          }
        }
      }
    }
    store<f32>(g.dw + (<usize>e << 2), l0 + l1 + l2 + l3);
  }
}
