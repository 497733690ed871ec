// Nearest-neighbour upsampling by integer factors on NCHW, and its gradient. Threads split the
// (n, c) planes.
import { UpsampleArgs } from './generated/args';
import { splitStart } from './split';

// y[p, oh, ow] = x[p, oh / SH, ow / SW]: each input row is widened once, then copied SH times.
export function upsample_nearest_task(args: usize, tid: i32, nthreads: i32): void {
  const u = changetype<UpsampleArgs>(args);
  const x = u.x, y = u.y;
  const H = u.H, W = u.W, SH = u.SH, SW = u.SW;
  const OW = W * SW;
  const rowBytes = <usize>OW << 2;
  const P = u.P;
  const end = splitStart(P, tid + 1, nthreads);
  for (let p = splitStart(P, tid, nthreads); p < end; p++) {
    for (let ih = 0; ih < H; ih++) {
      const src = x + ((<usize>p * H + ih) * W << 2);
      const first = y + ((<usize>p * H + ih) * SH * rowBytes);
      for (let iw = 0; iw < W; iw++) {
        const v = load<f32>(src + (<usize>iw << 2));
        const at = first + (<usize>iw * SW << 2);
        for (let s = 0; s < SW; s++) store<f32>(at + (<usize>s << 2), v);
      }
      for (let r = 1; r < SH; r++) memory.copy(first + <usize>r * rowBytes, first, rowBytes);
    }
  }
}

// dx[p, ih, iw] = sum of dy over its SH x SW block, rows then columns (the reference's order);
// dx is overwritten.
export function upsample_nearest_backward_task(args: usize, tid: i32, nthreads: i32): void {
  const u = changetype<UpsampleArgs>(args);
  const dx = u.x, dy = u.y;
  const H = u.H, W = u.W, SH = u.SH, SW = u.SW;
  const OW = W * SW;
  const P = u.P;
  const end = splitStart(P, tid + 1, nthreads);
  for (let p = splitStart(P, tid, nthreads); p < end; p++) {
    for (let ih = 0; ih < H; ih++) {
      const out = dx + ((<usize>p * H + ih) * W << 2);
      const block = dy + ((<usize>p * H + ih) * SH * OW << 2);
      for (let iw = 0; iw < W; iw++) {
        let sum: f32 = 0;
        for (let r = 0; r < SH; r++) {
          const at = block + ((<usize>r * OW + iw * SW) << 2);
          for (let s = 0; s < SW; s++) sum += load<f32>(at + (<usize>s << 2));
        }
        store<f32>(out + (<usize>iw << 2), sum);
      }
    }
  }
}

// The references' walk: each element of what is written, y (P, OH, OW) or dx (P, H, W), on its own
// from its definition; x is x or dx, y is y or dy.
@inline function referenceWalk(args: usize, tid: i32, nthreads: i32, backward: bool): void {
  const u = changetype<UpsampleArgs>(args);
  const x = u.x, y = u.y;
  const H = u.H, W = u.W, SH = u.SH, SW = u.SW;
  const OH = H * SH, OW = W * SW;
  const rows = backward ? H : OH, cols = backward ? W : OW;
  const total = u.P * rows * cols;
  const end = splitStart(total, tid + 1, nthreads);
  for (let e = splitStart(total, tid, nthreads); e < end; e++) {
    const col = e % cols, row = (e / cols) % rows, p = e / (cols * rows);
    if (!backward) {
      store<f32>(y + (<usize>e << 2), load<f32>(x + ((<usize>p * H * W + (row / SH) * W + col / SW) << 2)));
      continue;
    }
    let sum: f32 = 0;
    for (let a = 0; a < SH; a++) {
      for (let b = 0; b < SW; b++) {
        sum += load<f32>(y + ((<usize>p * OH * OW + (row * SH + a) * OW + col * SW + b) << 2));
      }
    }
    store<f32>(x + (<usize>e << 2), sum);
  }
}

export function upsample_nearest_reference_task(args: usize, tid: i32, nthreads: i32): void {
  referenceWalk(args, tid, nthreads, false);
}

export function upsample_nearest_backward_reference_task(args: usize, tid: i32, nthreads: i32): void {
  referenceWalk(args, tid, nthreads, true);
}
