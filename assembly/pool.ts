// 2-D max and average pooling over (n, c) planes, and their gradients. Threads split the planes,
// so every output and every input-gradient element is computed by one thread, in a fixed order.
import { argI32, argPtr, splitStart } from './args';
import { endInside, firstInside } from './window';

// The argument block of every task here (bindings/kernels/pool.ts).
const ARG_X = 0; // x (or dx) is (P, H, W): P = N*C planes
const ARG_Y = 1; // y (or dy) is (P, OH, OW)
const ARG_INDICES = 2; // indices is (P, OH, OW) int32: h*W + w of each max in its plane, -1 for an empty window
const ARG_P = 3;
const ARG_H = 4;
const ARG_W = 5;
const ARG_OH = 6;
const ARG_OW = 7;
const ARG_KH = 8;
const ARG_KW = 9;
const ARG_STRIDE_H = 10;
const ARG_STRIDE_W = 11;
const ARG_PAD_TOP = 12;
const ARG_PAD_LEFT = 13;
const ARG_DILATION_H = 14;
const ARG_DILATION_W = 15;
const ARG_COUNT_INCLUDE_PAD = 16; // average pooling only: divide by the window clipped to the padded
const ARG_PAD_BOTTOM = 17; // input (count_include_pad) or to the input itself
const ARG_PAD_RIGHT = 18;

// Taps [lo, hi) of a window starting at `origin` (stride `dilation`, `taps` of them) that fall
// inside [0, size). Window positions in [wholeLo, wholeHi) hold all their taps, which skips the
// two divisions per output that finding the range costs at the borders.
@inline function tapsLo(origin: i32, dilation: i32, whole: bool): i32 {
  return whole ? 0 : firstInside(origin, dilation);
}

@inline function tapsHi(origin: i32, dilation: i32, size: i32, taps: i32, whole: bool): i32 {
  return whole ? taps : endInside(origin, dilation, size, taps);
}

/** First window position whose taps are all inside: the first with origin >= 0. */
@inline function wholeLo(pad: i32, stride: i32): i32 {
  return firstInside(-pad, stride);
}

/** One past the last window position whose last tap is inside [0, size). */
@inline function wholeHi(pad: i32, stride: i32, size: i32, taps: i32, dilation: i32, count: i32): i32 {
  return max(wholeLo(pad, stride), endInside((taps - 1) * dilation - pad, stride, size, count));
}

/** What average pooling divides a window's sum by, as torch's avg_pool2d (no dilation). */
@inline function avgDivisor(args: usize, oh: i32, ow: i32): f32 {
  const H = argI32(args, ARG_H), W = argI32(args, ARG_W);
  const h0 = oh * argI32(args, ARG_STRIDE_H) - argI32(args, ARG_PAD_TOP);
  const w0 = ow * argI32(args, ARG_STRIDE_W) - argI32(args, ARG_PAD_LEFT);
  let h1 = min(h0 + argI32(args, ARG_KH), H + argI32(args, ARG_PAD_BOTTOM));
  let w1 = min(w0 + argI32(args, ARG_KW), W + argI32(args, ARG_PAD_RIGHT));
  if (argI32(args, ARG_COUNT_INCLUDE_PAD) != 0) return <f32>((h1 - h0) * (w1 - w0));
  h1 = min(h1, H);
  w1 = min(w1, W);
  return <f32>((h1 - max(h0, 0)) * (w1 - max(w0, 0)));
}

// torch's rule: a NaN wins over everything after it; among equal values the first in (kh, kw) order stays.
@inline function beats(v: f32, best: f32): bool {
  return v > best || v != v;
}

/** Taps at i, i + 2, i + 4, i + 6 of `plane`, reading no further than i + 6. */
@inline function loadEveryOther(plane: usize, i: i32): v128 {
  const at = plane + (<usize>i << 2);
  return i32x4.shuffle(v128.load(at), v128.load(at, 12), 0, 2, 5, 7);
}

// Four adjacent outputs whose windows lie wholly inside the plane and step 1 or 2 columns apart,
// with the scalar loop's rule tap for tap, so each output gets the same value and index either way.
// oh's window starts at input row h0, output ow's at column w0.
@inline function maxPoolFour_simd(
  plane: usize, W: i32, h0: i32, w0: i32, KH: i32, KW: i32, sw: i32, dh: i32, dw: i32, y: usize, indices: usize,
): void {
  let best = f32x4.splat(-Infinity);
  let at = i32x4.splat(0);
  const lane = i32x4(0, sw, 2 * sw, 3 * sw);
  let first = true;
  for (let kh = 0; kh < KH; kh++) {
    const row = (h0 + kh * dh) * W + w0;
    for (let kw = 0; kw < KW; kw++) {
      const i = row + kw * dw;
      const v = sw == 1 ? v128.load(plane + (<usize>i << 2)) : loadEveryOther(plane, i);
      const where = i32x4.add(i32x4.splat(i), lane);
      if (first) {
        best = v;
        at = where;
        first = false;
        continue;
      }
      const wins = v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
      best = v128.bitselect(v, best, wins);
      at = v128.bitselect(where, at, wins);
    }
  }
  v128.store(y, best);
  v128.store(indices, at);
}

export function max_pool2d_task(args: usize, tid: i32, nthreads: i32): void {
  const x = argPtr(args, ARG_X), y = argPtr(args, ARG_Y), indices = argPtr(args, ARG_INDICES);
  const H = argI32(args, ARG_H), W = argI32(args, ARG_W), OH = argI32(args, ARG_OH), OW = argI32(args, ARG_OW);
  const KH = argI32(args, ARG_KH), KW = argI32(args, ARG_KW);
  const sh = argI32(args, ARG_STRIDE_H), sw = argI32(args, ARG_STRIDE_W);
  const pt = argI32(args, ARG_PAD_TOP), pl = argI32(args, ARG_PAD_LEFT);
  const dh = argI32(args, ARG_DILATION_H), dw = argI32(args, ARG_DILATION_W);
  const ohWhole0 = wholeLo(pt, sh), ohWhole1 = wholeHi(pt, sh, H, KH, dh, OH);
  const owWhole0 = wholeLo(pl, sw), owWhole1 = wholeHi(pl, sw, W, KW, dw, OW);
  const simdStride = sw <= 2;
  const P = argI32(args, ARG_P);
  const end = splitStart(P, tid + 1, nthreads);
  for (let p = splitStart(P, tid, nthreads); p < end; p++) {
    const plane = x + (<usize>p * H * W << 2);
    let out = <usize>p * OH * OW << 2;
    for (let oh = 0; oh < OH; oh++) {
      const h0 = oh * sh - pt;
      const wholeRows = oh >= ohWhole0 && oh < ohWhole1;
      const khLo = tapsLo(h0, dh, wholeRows), khHi = tapsHi(h0, dh, H, KH, wholeRows);
      let ow = 0;
      while (ow < OW) {
        const w0 = ow * sw - pl;
        if (simdStride && wholeRows && ow >= owWhole0 && ow + 4 <= owWhole1) {
          maxPoolFour_simd(plane, W, h0, w0, KH, KW, sw, dh, dw, y + out, indices + out);
          out += 16;
          ow += 4;
          continue;
        }
        const wholeCols = ow >= owWhole0 && ow < owWhole1;
        const kwLo = tapsLo(w0, dw, wholeCols), kwHi = tapsHi(w0, dw, W, KW, wholeCols);
        let best = -Infinity as f32;
        let at = -1;
        for (let kh = khLo; kh < khHi; kh++) {
          const row = (h0 + kh * dh) * W + w0;
          for (let kw = kwLo; kw < kwHi; kw++) {
            const i = row + kw * dw;
            const v = load<f32>(plane + (<usize>i << 2));
            if (at < 0 || beats(v, best)) {
              best = v;
              at = i;
            }
          }
        }
        store<f32>(y + out, best);
        store<i32>(indices + out, at);
        out += 4;
        ow++;
      }
    }
  }
}

// Every tap with a bounds test: the yardstick for max_pool2d_task.
export function max_pool2d_reference_task(args: usize, tid: i32, nthreads: i32): void {
  const x = argPtr(args, ARG_X), y = argPtr(args, ARG_Y), indices = argPtr(args, ARG_INDICES);
  const H = argI32(args, ARG_H), W = argI32(args, ARG_W), OH = argI32(args, ARG_OH), OW = argI32(args, ARG_OW);
  const KH = argI32(args, ARG_KH), KW = argI32(args, ARG_KW);
  const sh = argI32(args, ARG_STRIDE_H), sw = argI32(args, ARG_STRIDE_W);
  const pt = argI32(args, ARG_PAD_TOP), pl = argI32(args, ARG_PAD_LEFT);
  const dh = argI32(args, ARG_DILATION_H), dw = argI32(args, ARG_DILATION_W);
  const total = argI32(args, ARG_P) * OH * OW;
  const end = splitStart(total, tid + 1, nthreads);
  for (let o = splitStart(total, tid, nthreads); o < end; o++) {
    const ow = o % OW, oh = (o / OW) % OH, p = o / (OW * OH);
    let best = -Infinity as f32;
    let at = -1;
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        const ih = oh * sh - pt + kh * dh, iw = ow * sw - pl + kw * dw;
        if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
        const v = load<f32>(x + ((<usize>p * H * W + ih * W + iw) << 2));
        if (at < 0 || beats(v, best)) {
          best = v;
          at = ih * W + iw;
        }
      }
    }
    store<f32>(y + (<usize>o << 2), best);
    store<i32>(indices + (<usize>o << 2), at);
  }
}

// dx[p, indices[p, o]] += dy[p, o] over a zeroed plane, outputs in order.
export function max_pool2d_backward_task(args: usize, tid: i32, nthreads: i32): void {
  const dx = argPtr(args, ARG_X), dy = argPtr(args, ARG_Y), indices = argPtr(args, ARG_INDICES);
  const HW = argI32(args, ARG_H) * argI32(args, ARG_W), OHW = argI32(args, ARG_OH) * argI32(args, ARG_OW);
  const P = argI32(args, ARG_P);
  const end = splitStart(P, tid + 1, nthreads);
  for (let p = splitStart(P, tid, nthreads); p < end; p++) {
    const plane = dx + (<usize>p * HW << 2);
    memory.fill(plane, 0, <usize>HW << 2);
    const base = <usize>p * OHW << 2;
    for (let o = 0; o < OHW; o++) {
      const i = load<i32>(indices + base + (<usize>o << 2));
      if (i < 0) continue;
      const at = plane + (<usize>i << 2);
      store<f32>(at, load<f32>(at) + load<f32>(dy + base + (<usize>o << 2)));
    }
  }
}

// Each input element gathers the outputs that chose it, in output order: the same sums as
// max_pool2d_backward_task, bit for bit.
export function max_pool2d_backward_reference_task(args: usize, tid: i32, nthreads: i32): void {
  const dx = argPtr(args, ARG_X), dy = argPtr(args, ARG_Y), indices = argPtr(args, ARG_INDICES);
  const HW = argI32(args, ARG_H) * argI32(args, ARG_W), OHW = argI32(args, ARG_OH) * argI32(args, ARG_OW);
  const total = argI32(args, ARG_P) * HW;
  const end = splitStart(total, tid + 1, nthreads);
  for (let e = splitStart(total, tid, nthreads); e < end; e++) {
    const p = e / HW, i = e - p * HW;
    let sum: f32 = 0;
    for (let o = 0; o < OHW; o++) {
      const at = (<usize>p * OHW + o) << 2;
      if (load<i32>(indices + at) == i) sum += load<f32>(dy + at);
    }
    store<f32>(dx + (<usize>e << 2), sum);
  }
}

export function avg_pool2d_task(args: usize, tid: i32, nthreads: i32): void {
  const x = argPtr(args, ARG_X), y = argPtr(args, ARG_Y);
  const H = argI32(args, ARG_H), W = argI32(args, ARG_W), OH = argI32(args, ARG_OH), OW = argI32(args, ARG_OW);
  const KH = argI32(args, ARG_KH), KW = argI32(args, ARG_KW);
  const sh = argI32(args, ARG_STRIDE_H), sw = argI32(args, ARG_STRIDE_W);
  const pt = argI32(args, ARG_PAD_TOP), pl = argI32(args, ARG_PAD_LEFT);
  const ohWhole0 = wholeLo(pt, sh), ohWhole1 = wholeHi(pt, sh, H, KH, 1, OH);
  const owWhole0 = wholeLo(pl, sw), owWhole1 = wholeHi(pl, sw, W, KW, 1, OW);
  const P = argI32(args, ARG_P);
  const end = splitStart(P, tid + 1, nthreads);
  for (let p = splitStart(P, tid, nthreads); p < end; p++) {
    const plane = x + (<usize>p * H * W << 2);
    let out = y + (<usize>p * OH * OW << 2);
    for (let oh = 0; oh < OH; oh++) {
      const h0 = oh * sh - pt;
      const wholeRows = oh >= ohWhole0 && oh < ohWhole1;
      const khLo = tapsLo(h0, 1, wholeRows), khHi = tapsHi(h0, 1, H, KH, wholeRows);
      for (let ow = 0; ow < OW; ow++) {
        const w0 = ow * sw - pl;
        const wholeCols = ow >= owWhole0 && ow < owWhole1;
        const kwLo = tapsLo(w0, 1, wholeCols), kwHi = tapsHi(w0, 1, W, KW, wholeCols);
        let sum: f32 = 0;
        for (let kh = khLo; kh < khHi; kh++) {
          const row = plane + (<usize>((h0 + kh) * W + w0) << 2);
          for (let kw = kwLo; kw < kwHi; kw++) sum += load<f32>(row + (<usize>kw << 2));
        }
        store<f32>(out, sum / avgDivisor(args, oh, ow));
        out += 4;
      }
    }
  }
}

export function avg_pool2d_reference_task(args: usize, tid: i32, nthreads: i32): void {
  const x = argPtr(args, ARG_X), y = argPtr(args, ARG_Y);
  const H = argI32(args, ARG_H), W = argI32(args, ARG_W), OH = argI32(args, ARG_OH), OW = argI32(args, ARG_OW);
  const KH = argI32(args, ARG_KH), KW = argI32(args, ARG_KW);
  const sh = argI32(args, ARG_STRIDE_H), sw = argI32(args, ARG_STRIDE_W);
  const pt = argI32(args, ARG_PAD_TOP), pl = argI32(args, ARG_PAD_LEFT);
  const total = argI32(args, ARG_P) * OH * OW;
  const end = splitStart(total, tid + 1, nthreads);
  for (let o = splitStart(total, tid, nthreads); o < end; o++) {
    const ow = o % OW, oh = (o / OW) % OH, p = o / (OW * OH);
    let sum: f32 = 0;
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        const ih = oh * sh - pt + kh, iw = ow * sw - pl + kw;
        if (ih >= 0 && ih < H && iw >= 0 && iw < W) sum += load<f32>(x + ((<usize>p * H * W + ih * W + iw) << 2));
      }
    }
    store<f32>(y + (<usize>o << 2), sum / avgDivisor(args, oh, ow));
  }
}

// Each output spreads dy / divisor over its window, outputs in order, onto a zeroed plane.
export function avg_pool2d_backward_task(args: usize, tid: i32, nthreads: i32): void {
  const dx = argPtr(args, ARG_X), dy = argPtr(args, ARG_Y);
  const H = argI32(args, ARG_H), W = argI32(args, ARG_W), OH = argI32(args, ARG_OH), OW = argI32(args, ARG_OW);
  const KH = argI32(args, ARG_KH), KW = argI32(args, ARG_KW);
  const sh = argI32(args, ARG_STRIDE_H), sw = argI32(args, ARG_STRIDE_W);
  const pt = argI32(args, ARG_PAD_TOP), pl = argI32(args, ARG_PAD_LEFT);
  const ohWhole0 = wholeLo(pt, sh), ohWhole1 = wholeHi(pt, sh, H, KH, 1, OH);
  const owWhole0 = wholeLo(pl, sw), owWhole1 = wholeHi(pl, sw, W, KW, 1, OW);
  const P = argI32(args, ARG_P);
  const end = splitStart(P, tid + 1, nthreads);
  for (let p = splitStart(P, tid, nthreads); p < end; p++) {
    const plane = dx + (<usize>p * H * W << 2);
    memory.fill(plane, 0, <usize>H * W << 2);
    let grad = dy + (<usize>p * OH * OW << 2);
    for (let oh = 0; oh < OH; oh++) {
      const h0 = oh * sh - pt;
      const wholeRows = oh >= ohWhole0 && oh < ohWhole1;
      const khLo = tapsLo(h0, 1, wholeRows), khHi = tapsHi(h0, 1, H, KH, wholeRows);
      for (let ow = 0; ow < OW; ow++) {
        const g = load<f32>(grad) / avgDivisor(args, oh, ow);
        grad += 4;
        const w0 = ow * sw - pl;
        const wholeCols = ow >= owWhole0 && ow < owWhole1;
        const kwLo = tapsLo(w0, 1, wholeCols), kwHi = tapsHi(w0, 1, W, KW, wholeCols);
        for (let kh = khLo; kh < khHi; kh++) {
          const row = plane + (<usize>((h0 + kh) * W + w0) << 2);
          for (let kw = kwLo; kw < kwHi; kw++) {
            const at = row + (<usize>kw << 2);
            store<f32>(at, load<f32>(at) + g);
          }
        }
      }
    }
  }
}

// Each input element gathers dy / divisor from the windows holding it, in output order.
export function avg_pool2d_backward_reference_task(args: usize, tid: i32, nthreads: i32): void {
  const dx = argPtr(args, ARG_X), dy = argPtr(args, ARG_Y);
  const H = argI32(args, ARG_H), W = argI32(args, ARG_W), OH = argI32(args, ARG_OH), OW = argI32(args, ARG_OW);
  const KH = argI32(args, ARG_KH), KW = argI32(args, ARG_KW);
  const sh = argI32(args, ARG_STRIDE_H), sw = argI32(args, ARG_STRIDE_W);
  const pt = argI32(args, ARG_PAD_TOP), pl = argI32(args, ARG_PAD_LEFT);
  const total = argI32(args, ARG_P) * H * W;
  const end = splitStart(total, tid + 1, nthreads);
  for (let e = splitStart(total, tid, nthreads); e < end; e++) {
    const iw = e % W, ih = (e / W) % H, p = e / (W * H);
    let sum: f32 = 0;
    for (let oh = 0; oh < OH; oh++) {
      const kh = ih - (oh * sh - pt);
      if (kh < 0 || kh >= KH) continue;
      for (let ow = 0; ow < OW; ow++) {
        const kw = iw - (ow * sw - pl);
        if (kw < 0 || kw >= KW) continue;
        sum += load<f32>(dy + ((<usize>p * OH * OW + oh * OW + ow) << 2)) / avgDivisor(args, oh, ow);
      }
    }
    store<f32>(dx + (<usize>e << 2), sum);
  }
}
