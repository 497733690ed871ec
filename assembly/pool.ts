// Max and average pooling over (n, c) volumes (D, H, W), and their gradients; 2-D pooling is the
// case D = 1 with a one-tap depth window. Threads split the volumes, so every output and every
// input-gradient element is computed by one thread, in a fixed order.
import { PoolArgs } from './generated/args';
import { splitStart } from './split';
import { AXIS_D, AXIS_H, AXIS_W } from './axes';
import { endInside, firstInside } from './window';

@inline function origin(args: PoolArgs, axis: i32, o: i32): i32 {
  return o * args.stride(axis) - args.padBefore(axis);
}

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

/**
 * How many of output o's taps along `axis` average pooling counts: those inside the padded input
 * (count_include_pad; the padding before is always reached, a ceil-mode window may pass the end)
 * or those inside the input. With dilation 1 this is torch's avg_pool2d divisor, per axis.
 */
@inline function countedTaps(args: PoolArgs, axis: i32, o: i32): i32 {
  const at = origin(args, axis, o), d = args.dilation(axis), k = args.kernel(axis), pad = args.padBefore(axis);
  if (args.countIncludePad) {
    return endInside(at + pad, d, args.size(axis) + pad + args.padAfter(axis), k);
  }
  return endInside(at, d, args.size(axis), k) - firstInside(at, d);
}

/** What average pooling divides a window's sum by: 0 for a window wholly in padding without count_include_pad. */
@inline function avgDivisor(args: PoolArgs, od: i32, oh: i32, ow: i32): f32 {
  return <f32>(countedTaps(args, AXIS_D, od) * countedTaps(args, AXIS_H, oh) * countedTaps(args, AXIS_W, ow));
}

// torch's rule: a NaN wins over everything after it; among equal values the first in (kd, kh, kw) order stays.
@inline function beats(v: f32, best: f32): bool {
  return v > best || v != v;
}

/** Taps at i, i + 2, i + 4, i + 6 of `volume`, reading no further than i + 6. */
@inline function loadEveryOther(volume: usize, i: i32): v128 {
  const at = volume + (<usize>i << 2);
  return i32x4.shuffle(v128.load(at), v128.load(at, 12), 0, 2, 5, 7);
}

// Four adjacent outputs whose windows hold all their (h, w) taps and at least one depth tap
// (kd in [kdLo, kdHi)), stepping 1 or 2 columns apart, with the scalar loop's rule tap for tap, so
// each output gets the same value and index either way. The window starts at input slice d0, row
// h0 and, for the first of the four, column w0.
@inline function maxPoolFour_simd(
  volume: usize, H: i32, W: i32, d0: i32, kdLo: i32, kdHi: i32, dd: i32, h0: i32, w0: i32,
  KH: i32, KW: i32, sw: i32, dh: i32, dw: i32, y: usize, indices: usize,
): void {
  let best = f32x4.splat(-Infinity);
  let at = i32x4.splat(0);
  const lane = i32x4(0, sw, 2 * sw, 3 * sw);
  let first = true;
  for (let kd = kdLo; kd < kdHi; kd++) {
    const slice = (d0 + kd * dd) * H;
    for (let kh = 0; kh < KH; kh++) {
      const row = (slice + h0 + kh * dh) * W + w0;
      for (let kw = 0; kw < KW; kw++) {
        const i = row + kw * dw;
        const v = sw == 1 ? v128.load(volume + (<usize>i << 2)) : loadEveryOther(volume, i);
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
  }
  v128.store(y, best);
  v128.store(indices, at);
}

// volume is (D, H, W); y and indices are one output each. The max of one window's taps kd in
// [kdLo, kdHi), kh in [khLo, khHi), kw in [kwLo, kwHi), and where it is in the volume; ties and NaNs
// as beats() says, taps in (kd, kh, kw) order.
@inline function maxPoolWindow(
  volume: usize, H: i32, W: i32, d0: i32, kdLo: i32, kdHi: i32, dd: i32, h0: i32, khLo: i32, khHi: i32, dh: i32,
  w0: i32, kwLo: i32, kwHi: i32, dw: i32, y: usize, indices: usize,
): void {
  let best = -Infinity as f32;
  let at = -1;
  for (let kd = kdLo; kd < kdHi; kd++) {
    const slice = (d0 + kd * dd) * H;
    for (let kh = khLo; kh < khHi; kh++) {
      const row = (slice + h0 + kh * dh) * W + w0;
      for (let kw = kwLo; kw < kwHi; kw++) {
        const i = row + kw * dw;
        const v = load<f32>(volume + (<usize>i << 2));
        if (at < 0 || beats(v, best)) {
          best = v;
          at = i;
        }
      }
    }
  }
  store<f32>(y, best);
  store<i32>(indices, at);
}

/** Output o's (od, oh, ow) and volume p, outputs numbered in (P, OD, OH, OW) order. */
@inline function outputAxis(args: PoolArgs, o: i32, axis: i32): i32 {
  let inner = 1;
  for (let a = axis + 1; a <= AXIS_W; a++) inner *= args.out(a);
  return (o / inner) % args.out(axis);
}

// Every tap with a bounds test: the yardstick for max_pool_task.
export function max_pool_reference_task(words: usize, tid: i32, nthreads: i32): void {
  const args = changetype<PoolArgs>(words);
  const x = args.x, y = args.y, indices = args.indices;
  const D = args.size(AXIS_D), H = args.size(AXIS_H), W = args.size(AXIS_W);
  const KD = args.kernel(AXIS_D), KH = args.kernel(AXIS_H), KW = args.kernel(AXIS_W);
  const dd = args.dilation(AXIS_D), dh = args.dilation(AXIS_H), dw = args.dilation(AXIS_W);
  const outputs = args.out(AXIS_D) * args.out(AXIS_H) * args.out(AXIS_W);
  const total = args.P * outputs;
  const end = splitStart(total, tid + 1, nthreads);
  for (let o = splitStart(total, tid, nthreads); o < end; o++) {
    const p = o / outputs;
    const d0 = origin(args, AXIS_D, outputAxis(args, o, AXIS_D));
    const h0 = origin(args, AXIS_H, outputAxis(args, o, AXIS_H));
    const w0 = origin(args, AXIS_W, outputAxis(args, o, AXIS_W));
    let best = -Infinity as f32;
    let at = -1;
    for (let kd = 0; kd < KD; kd++) {
      for (let kh = 0; kh < KH; kh++) {
        for (let kw = 0; kw < KW; kw++) {
          const id = d0 + kd * dd, ih = h0 + kh * dh, iw = w0 + kw * dw;
          if (id < 0 || id >= D || ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
          const i = (id * H + ih) * W + iw;
          const v = load<f32>(x + ((<usize>p * D * H * W + i) << 2));
          if (at < 0 || beats(v, best)) {
            best = v;
            at = i;
          }
        }
      }
    }
    store<f32>(y + (<usize>o << 2), best);
    store<i32>(indices + (<usize>o << 2), at);
  }
}

@inline function inputsPerVolume(args: PoolArgs): i32 {
  return args.size(AXIS_D) * args.size(AXIS_H) * args.size(AXIS_W);
}

@inline function outputsPerVolume(args: PoolArgs): i32 {
  return args.out(AXIS_D) * args.out(AXIS_H) * args.out(AXIS_W);
}

// dx[p, indices[p, o]] += dy[p, o] over a zeroed volume, outputs in order.
export function max_pool_backward_task(words: usize, tid: i32, nthreads: i32): void {
  const args = changetype<PoolArgs>(words);
  const dx = args.x, dy = args.y, indices = args.indices;
  const inputs = inputsPerVolume(args), outputs = outputsPerVolume(args);
  const P = args.P;
  const end = splitStart(P, tid + 1, nthreads);
  for (let p = splitStart(P, tid, nthreads); p < end; p++) {
    const volume = dx + (<usize>p * inputs << 2);
    memory.fill(volume, 0, <usize>inputs << 2);
    const base = <usize>p * outputs << 2;
    for (let o = 0; o < outputs; o++) {
      const i = load<i32>(indices + base + (<usize>o << 2));
      if (<u32>i >= <u32>inputs) {
        if (i != -1) args.badIndex = 1;
        continue;
      }
      const at = volume + (<usize>i << 2);
      store<f32>(at, load<f32>(at) + load<f32>(dy + base + (<usize>o << 2)));
    }
  }
}

// Each input element gathers the outputs that chose it, in output order: the same sums as
// max_pool_backward_task, bit for bit.
export function max_pool_backward_reference_task(words: usize, tid: i32, nthreads: i32): void {
  const args = changetype<PoolArgs>(words);
  const dx = args.x, dy = args.y, indices = args.indices;
  const inputs = inputsPerVolume(args), outputs = outputsPerVolume(args);
  const total = args.P * inputs;
  const end = splitStart(total, tid + 1, nthreads);
  for (let e = splitStart(total, tid, nthreads); e < end; e++) {
    const p = e / inputs, i = e - p * inputs;
    let sum: f32 = 0;
    for (let o = 0; o < outputs; o++) {
      const at = (<usize>p * outputs + o) << 2;
      const index = load<i32>(indices + at);
      if (index == i) sum += load<f32>(dy + at);
      // Exactly one thread visits element 0 of a volume: it checks that volume's indices.
      else if (i == 0 && index != -1 && <u32>index >= <u32>inputs) args.badIndex = 1;
    }
    store<f32>(dx + (<usize>e << 2), sum);
  }
}

// volume is (D, H, W) (x, or the backward's dx); y is output (od, oh, ow) (y, or the backward's dy).
// Stores the mean of the output's taps (taps as in maxPoolWindow) in y, or adds its share of y to
// each tap. The forward divides after the sum: computing the divisor before it cost a 3x3 average
// pool 4%.
@inline function avgPoolWindow(
  volume: usize, H: i32, W: i32, d0: i32, kdLo: i32, kdHi: i32, dd: i32, h0: i32, khLo: i32, khHi: i32, dh: i32,
  w0: i32, kwLo: i32, kwHi: i32, dw: i32, y: usize, args: PoolArgs, od: i32, oh: i32, ow: i32, backward: bool,
): void {
  const g: f32 = backward ? load<f32>(y) / avgDivisor(args, od, oh, ow) : 0;
  let sum: f32 = 0;
  for (let kd = kdLo; kd < kdHi; kd++) {
    const slice = (d0 + kd * dd) * H;
    for (let kh = khLo; kh < khHi; kh++) {
      const row = volume + (<usize>((slice + h0 + kh * dh) * W + w0) << 2);
      for (let kw = kwLo; kw < kwHi; kw++) {
        const at = row + (<usize>(kw * dw) << 2);
        if (backward) store<f32>(at, load<f32>(at) + g);
        else sum += load<f32>(at);
      }
    }
  }
  if (!backward) store<f32>(y, sum / avgDivisor(args, od, oh, ow));
}

const MAX_POOL: i32 = 0;
const AVG_POOL: i32 = 1;
const AVG_POOL_BACKWARD: i32 = 2;

// The walk over the windows that max pooling, average pooling and average pooling's backward
// (which spreads dy / divisor over each window of a zeroed dx, outputs in order) share: the same
// window bounds and order each way. Max pooling takes four adjacent whole windows at once where its
// stride allows. `mode` is a constant at each call, so each task keeps only its own pass.
@inline function poolWalk(args: PoolArgs, tid: i32, nthreads: i32, mode: i32): void {
  const volumes = args.x, y = args.y, indices = args.indices;
  const D = args.size(AXIS_D), H = args.size(AXIS_H), W = args.size(AXIS_W);
  const OD = args.out(AXIS_D), OH = args.out(AXIS_H), OW = args.out(AXIS_W);
  const KD = args.kernel(AXIS_D), KH = args.kernel(AXIS_H), KW = args.kernel(AXIS_W);
  const sh = args.stride(AXIS_H), sw = args.stride(AXIS_W);
  const pt = args.padBefore(AXIS_H), pl = args.padBefore(AXIS_W);
  const dd = args.dilation(AXIS_D), dh = args.dilation(AXIS_H), dw = args.dilation(AXIS_W);
  const ohWhole0 = wholeLo(pt, sh), ohWhole1 = wholeHi(pt, sh, H, KH, dh, OH);
  const owWhole0 = wholeLo(pl, sw), owWhole1 = wholeHi(pl, sw, W, KW, dw, OW);
  const simdStride = sw <= 2;
  const P = args.P;
  const end = splitStart(P, tid + 1, nthreads);
  for (let p = splitStart(P, tid, nthreads); p < end; p++) {
    const volume = volumes + (<usize>p * D * H * W << 2);
    if (mode == AVG_POOL_BACKWARD) memory.fill(volume, 0, <usize>D * H * W << 2);
    // Bytes into y, and into indices for max pooling.
    let out = <usize>p * OD * OH * OW << 2;
    for (let od = 0; od < OD; od++) {
      const d0 = origin(args, AXIS_D, od);
      const kdLo = firstInside(d0, dd), kdHi = endInside(d0, dd, D, KD);
      for (let oh = 0; oh < OH; oh++) {
        const h0 = oh * sh - pt;
        const wholeRows = oh >= ohWhole0 && oh < ohWhole1;
        const khLo = tapsLo(h0, dh, wholeRows), khHi = tapsHi(h0, dh, H, KH, wholeRows);
        const simdRows = simdStride && wholeRows && kdLo < kdHi;
        let ow = 0;
        while (ow < OW) {
          const w0 = ow * sw - pl;
          if (mode == MAX_POOL && simdRows && ow >= owWhole0 && ow + 4 <= owWhole1) {
            maxPoolFour_simd(volume, H, W, d0, kdLo, kdHi, dd, h0, w0, KH, KW, sw, dh, dw, y + out, indices + out);
            out += 16;
            ow += 4;
            continue;
          }
          const wholeCols = ow >= owWhole0 && ow < owWhole1;
          const kwLo = tapsLo(w0, dw, wholeCols), kwHi = tapsHi(w0, dw, W, KW, wholeCols);
          if (mode == MAX_POOL) {
            maxPoolWindow(volume, H, W, d0, kdLo, kdHi, dd, h0, khLo, khHi, dh, w0, kwLo, kwHi, dw, y + out, indices + out);
          } else {
            avgPoolWindow(volume, H, W, d0, kdLo, kdHi, dd, h0, khLo, khHi, dh, w0, kwLo, kwHi, dw, y + out,
              args, od, oh, ow, mode == AVG_POOL_BACKWARD);
          }
          out += 4;
          ow++;
        }
      }
    }
  }
}

export function max_pool_task(words: usize, tid: i32, nthreads: i32): void {
  poolWalk(changetype<PoolArgs>(words), tid, nthreads, MAX_POOL);
}

export function avg_pool_task(words: usize, tid: i32, nthreads: i32): void {
  poolWalk(changetype<PoolArgs>(words), tid, nthreads, AVG_POOL);
}

export function avg_pool_reference_task(words: usize, tid: i32, nthreads: i32): void {
  const args = changetype<PoolArgs>(words);
  const x = args.x, y = args.y;
  const D = args.size(AXIS_D), H = args.size(AXIS_H), W = args.size(AXIS_W);
  const KD = args.kernel(AXIS_D), KH = args.kernel(AXIS_H), KW = args.kernel(AXIS_W);
  const dd = args.dilation(AXIS_D), dh = args.dilation(AXIS_H), dw = args.dilation(AXIS_W);
  const outputs = outputsPerVolume(args);
  const total = args.P * outputs;
  const end = splitStart(total, tid + 1, nthreads);
  for (let o = splitStart(total, tid, nthreads); o < end; o++) {
    const p = o / outputs;
    const od = outputAxis(args, o, AXIS_D), oh = outputAxis(args, o, AXIS_H), ow = outputAxis(args, o, AXIS_W);
    const d0 = origin(args, AXIS_D, od), h0 = origin(args, AXIS_H, oh), w0 = origin(args, AXIS_W, ow);
    let sum: f32 = 0;
    for (let kd = 0; kd < KD; kd++) {
      for (let kh = 0; kh < KH; kh++) {
        for (let kw = 0; kw < KW; kw++) {
          const id = d0 + kd * dd, ih = h0 + kh * dh, iw = w0 + kw * dw;
          if (id < 0 || id >= D || ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
          sum += load<f32>(x + ((<usize>p * D * H * W + (id * H + ih) * W + iw) << 2));
        }
      }
    }
    store<f32>(y + (<usize>o << 2), sum / avgDivisor(args, od, oh, ow));
  }
}

export function avg_pool_backward_task(words: usize, tid: i32, nthreads: i32): void {
  poolWalk(changetype<PoolArgs>(words), tid, nthreads, AVG_POOL_BACKWARD);
}

/** The tap of output o's window along `axis` that lands on input coordinate i, or -1. */
@inline function tapAt(args: PoolArgs, axis: i32, o: i32, i: i32): i32 {
  const offset = i - origin(args, axis, o), d = args.dilation(axis);
  if (offset < 0 || offset % d != 0 || offset / d >= args.kernel(axis)) return -1;
  return offset / d;
}

// Each input element gathers dy / divisor from the windows holding it, in output order.
export function avg_pool_backward_reference_task(words: usize, tid: i32, nthreads: i32): void {
  const args = changetype<PoolArgs>(words);
  const dx = args.x, dy = args.y;
  const D = args.size(AXIS_D), H = args.size(AXIS_H), W = args.size(AXIS_W);
  const OD = args.out(AXIS_D), OH = args.out(AXIS_H), OW = args.out(AXIS_W);
  const inputs = inputsPerVolume(args);
  const total = args.P * inputs;
  const end = splitStart(total, tid + 1, nthreads);
  for (let e = splitStart(total, tid, nthreads); e < end; e++) {
    const iw = e % W, ih = (e / W) % H, id = (e / (W * H)) % D, p = e / inputs;
    let sum: f32 = 0;
    for (let od = 0; od < OD; od++) {
      if (tapAt(args, AXIS_D, od, id) < 0) continue;
      for (let oh = 0; oh < OH; oh++) {
        if (tapAt(args, AXIS_H, oh, ih) < 0) continue;
        for (let ow = 0; ow < OW; ow++) {
          if (tapAt(args, AXIS_W, ow, iw) < 0) continue;
          const at = (<usize>p * OD * OH * OW + (od * OH + oh) * OW + ow) << 2;
          sum += load<f32>(dy + at) / avgDivisor(args, od, oh, ow);
        }
      }
    }
    store<f32>(dx + (<usize>e << 2), sum);
  }
}
