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

export function upsample_nearest_reference_task(args: usize, tid: i32, nthreads: i32): void {
  const u = changetype<UpsampleArgs>(args);
  const x = u.x, y = u.y;
  const H = u.H, W = u.W, SH = u.SH, SW = u.SW;
  const OH = H * SH, OW = W * SW;
  const total = u.P * OH * OW;
  const end = splitStart(total, tid + 1, nthreads);
  for (let o = splitStart(total, tid, nthreads); o < end; o++) {
    const ow = o % OW, oh = (o / OW) % OH, p = o / (OW * OH);
    store<f32>(y + (<usize>o << 2), load<f32>(x + ((<usize>p * H * W + (oh / SH) * W + ow / SW) << 2)));
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

export function upsample_nearest_backward_reference_task(args: usize, tid: i32, nthreads: i32): void {
  const u = changetype<UpsampleArgs>(args);
  const dx = u.x, dy = u.y;
  const H = u.H, W = u.W, SH = u.SH, SW = u.SW;
  const OH = H * SH, OW = W * SW;
  const total = u.P * H * W;
  const end = splitStart(total, tid + 1, nthreads);
  for (let i = splitStart(total, tid, nthreads); i < end; i++) {
    const iw = i % W, ih = (i / W) % H, p = i / (W * H);
    let sum: f32 = 0;
    for (let a = 0; a < SH; a++) {
      for (let b = 0; b < SW; b++) {
        sum += load<f32>(dy + ((<usize>p * OH * OW + (ih * SH + a) * OW + iw * SW + b) << 2));
      }
    }
    store<f32>(dx + (<usize>i << 2), sum);
  }
}
