// im2col and col2im: the lowering that turns a convolution into a GEMM, and its adjoint.
//
// The column matrix of one image holds, for every (channel, kh, kw), the OH x OW input values that
// kernel tap sees: row (c*KH + kh)*KW + kw, entry oh*OW + ow = x[n, c, oh*sh - pt + kh*dh, ow*sw - pl + kw*dw],
// zero where that falls in the padding. Groups need nothing here: group g's rows are the contiguous
// block of its channels. Bottom and right padding only make OH and OW larger, which the caller says.
// Where image n's row r starts is set by two strides: images stacked (N, C*KH*KW, OH*OW) for
// per-image products, or rows interleaved (C*KH*KW, N, OH*OW) so that one GEMM sums over the batch.
import { Im2colArgs } from './generated/args';
import { copyRun, zeroRun } from './runs';
import { splitStart } from './split';
import { endInside, firstInside } from './window';

/** Where row `row` of image `n` starts. */
@inline function columnRow(g: Im2colArgs, n: i32, row: i32): usize {
  return g.cols + ((<usize>n * g.imageStride + <usize>row * g.rowStride) << 2);
}

// Threads split the rows of the column matrix over the whole batch: every row is written by one thread.
export function im2col_task(args: usize, tid: i32, nthreads: i32): void {
  const g = changetype<Im2colArgs>(args);
  const image = g.image, C = g.C, H = g.H, W = g.W, KH = g.KH, KW = g.KW, OH = g.OH, OW = g.OW;
  const sh = g.sh, sw = g.sw, pt = g.pt, pl = g.pl, dh = g.dh, dw = g.dw;
  const taps = KH * KW;
  const perImage = C * taps;
  const rows = g.N * perImage;
  const end = splitStart(rows, tid + 1, nthreads);
  for (let r = splitStart(rows, tid, nthreads); r < end; r++) {
    const plane = r / taps; // n*C + c
    const tap = r - plane * taps;
    const kh = tap / KW;
    const kw = tap - kh * KW;
    const src = image + (<usize>plane * H * W << 2);
    const n = r / perImage;
    let dst = columnRow(g, n, r - n * perImage);
    const iw0 = kw * dw - pl;
    // Clamped to the output: when only the padding makes the image fit, a tap can skip past it.
    const owLo = min(OW, firstInside(iw0, sw));
    const owHi = min(OW, endInside(iw0, sw, W, OW));
    const ohLo = min(OH, firstInside(kh * dh - pt, sh));
    const ohHi = min(OH, endInside(kh * dh - pt, sh, H, OH));
    zeroRun(dst, ohLo * OW);
    dst += <usize>ohLo * OW << 2;
    for (let oh = ohLo; oh < ohHi; oh++) {
      const row = src + (<usize>(oh * sh - pt + kh * dh) * W << 2);
      zeroRun(dst, owLo);
      if (sw == 1) {
        copyRun(dst + (<usize>owLo << 2), row + (<usize>(owLo + iw0) << 2), owHi - owLo);
      } else {
        for (let ow = owLo; ow < owHi; ow++) {
          store<f32>(dst + (<usize>ow << 2), load<f32>(row + (<usize>(ow * sw + iw0) << 2)));
        }
      }
      zeroRun(dst + (<usize>owHi << 2), OW - owHi);
      dst += <usize>OW << 2;
    }
    zeroRun(dst, (OH - ohHi) * OW);
  }
}

// One element at a time with a bounds test: the yardstick for im2col_task.
export function im2col_reference_task(args: usize, tid: i32, nthreads: i32): void {
  const g = changetype<Im2colArgs>(args);
  const image = g.image, C = g.C, H = g.H, W = g.W, KH = g.KH, KW = g.KW, OH = g.OH, OW = g.OW;
  const sh = g.sh, sw = g.sw, pt = g.pt, pl = g.pl, dh = g.dh, dw = g.dw;
  const total = g.N * C * KH * KW * OH * OW;
  const end = splitStart(total, tid + 1, nthreads);
  for (let i = splitStart(total, tid, nthreads); i < end; i++) {
    const ow = i % OW;
    const oh = (i / OW) % OH;
    const kw = (i / (OW * OH)) % KW;
    const kh = (i / (OW * OH * KW)) % KH;
    const plane = i / (OW * OH * KW * KH);
    const n = plane / C, c = plane % C;
    const ih = oh * sh - pt + kh * dh;
    const iw = ow * sw - pl + kw * dw;
    let v: f32 = 0;
    if (ih >= 0 && ih < H && iw >= 0 && iw < W) v = load<f32>(image + ((<usize>plane * H * W + ih * W + iw) << 2));
    store<f32>(columnRow(g, n, (c * KH + kh) * KW + kw) + (<usize>(oh * OW + ow) << 2), v);
  }
}

// The adjoint: image[n, c, ih, iw] = sum of the column entries that im2col copied from there.
// Threads split the (n, c) planes, so no two write one element; within a plane the taps add in
// (kh, kw) order, each tap at most once per element, onto a zeroed plane.
export function col2im_task(args: usize, tid: i32, nthreads: i32): void {
  const g = changetype<Im2colArgs>(args);
  const image = g.image, C = g.C, H = g.H, W = g.W, KH = g.KH, KW = g.KW, OH = g.OH, OW = g.OW;
  const sh = g.sh, sw = g.sw, pt = g.pt, pl = g.pl, dh = g.dh, dw = g.dw;
  const planes = g.N * C;
  const end = splitStart(planes, tid + 1, nthreads);
  for (let p = splitStart(planes, tid, nthreads); p < end; p++) {
    const dst = image + (<usize>p * H * W << 2);
    memory.fill(dst, 0, <usize>H * W << 2);
    for (let kh = 0; kh < KH; kh++) {
      const ohLo = firstInside(kh * dh - pt, sh);
      const ohHi = endInside(kh * dh - pt, sh, H, OH);
      for (let kw = 0; kw < KW; kw++) {
        const iw0 = kw * dw - pl;
        const owLo = firstInside(iw0, sw);
        const owHi = endInside(iw0, sw, W, OW);
        const n = p / C;
        const src = columnRow(g, n, ((p - n * C) * KH + kh) * KW + kw);
        for (let oh = ohLo; oh < ohHi; oh++) {
          const row = dst + (<usize>(oh * sh - pt + kh * dh) * W << 2);
          const from = src + (<usize>oh * OW << 2);
          if (sw == 1) {
            const out = row + (<usize>iw0 << 2);
            let ow = owLo;
            for (; ow + 4 <= owHi; ow += 4) {
              const o = <usize>ow << 2;
              v128.store(out + o, f32x4.add(v128.load(out + o), v128.load(from + o)));
            }
            for (; ow < owHi; ow++) {
              const o = <usize>ow << 2;
              store<f32>(out + o, load<f32>(out + o) + load<f32>(from + o));
            }
          } else {
            for (let ow = owLo; ow < owHi; ow++) {
              const at = row + (<usize>(ow * sw + iw0) << 2);
              store<f32>(at, load<f32>(at) + load<f32>(from + (<usize>ow << 2)));
            }
          }
        }
      }
    }
  }
}

// Gathers each image element's sum from the taps that can reach it, in the same (kh, kw) order as
// col2im_task, so the two agree to the bit.
export function col2im_reference_task(args: usize, tid: i32, nthreads: i32): void {
  const g = changetype<Im2colArgs>(args);
  const image = g.image, C = g.C, H = g.H, W = g.W, KH = g.KH, KW = g.KW, OH = g.OH, OW = g.OW;
  const sh = g.sh, sw = g.sw, pt = g.pt, pl = g.pl, dh = g.dh, dw = g.dw;
  const total = g.N * C * H * W;
  const end = splitStart(total, tid + 1, nthreads);
  for (let i = splitStart(total, tid, nthreads); i < end; i++) {
    const iw = i % W;
    const ih = (i / W) % H;
    const plane = i / (W * H);
    let sum: f32 = 0;
    for (let kh = 0; kh < KH; kh++) {
      const th = ih + pt - kh * dh;
      if (th < 0 || th % sh != 0 || th / sh >= OH) continue;
      for (let kw = 0; kw < KW; kw++) {
        const tw = iw + pl - kw * dw;
        if (tw < 0 || tw % sw != 0 || tw / sw >= OW) continue;
        const row = columnRow(g, plane / C, ((plane % C) * KH + kh) * KW + kw);
        sum += load<f32>(row + (<usize>((th / sh) * OW + tw / sw) << 2));
      }
    }
    store<f32>(image + (<usize>i << 2), sum);
  }
}
