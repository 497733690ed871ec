// Per-channel bias of NCHW tensors: adding it (conv forward) and its gradient, the sum over
// everything but the channel (conv backward).
import { ChannelBiasAddArgs, ChannelSumArgs } from './generated/args';
import { splitStart } from './split';

// y is (N, C, S), bias is (C): y[n, c, :] += bias[c]. Threads split the (n, c) planes.
export function channel_bias_add_task(args: usize, tid: i32, nthreads: i32): void {
  const a = changetype<ChannelBiasAddArgs>(args);
  const y = a.y, bias = a.bias;
  const C = a.C, S = a.S;
  const planes = a.N * C;
  const end = splitStart(planes, tid + 1, nthreads);
  for (let p = splitStart(planes, tid, nthreads); p < end; p++) {
    const b = load<f32>(bias + (<usize>(p % C) << 2));
    const bv = f32x4.splat(b);
    const row = y + (<usize>p * S << 2);
    let s = 0;
    for (; s + 4 <= S; s += 4) {
      const at = row + (<usize>s << 2);
      v128.store(at, f32x4.add(v128.load(at), bv));
    }
    for (; s < S; s++) {
      const at = row + (<usize>s << 2);
      store<f32>(at, load<f32>(at) + b);
    }
  }
}

// out is (C), x is (N, C, S): out[c] = sum over n and s of x[n, c, s]. Threads split the channels;
// each sum runs in four lanes (plus a scalar tail per plane) over n then s, in f32, and the lanes
// are added last in a fixed order.
export function channel_sum_task(args: usize, tid: i32, nthreads: i32): void {
  const a = changetype<ChannelSumArgs>(args);
  const out = a.out, x = a.x;
  const N = a.N, C = a.C, S = a.S;
  const end = splitStart(C, tid + 1, nthreads);
  for (let c = splitStart(C, tid, nthreads); c < end; c++) {
    let lanes = f32x4.splat(0);
    let tail: f32 = 0;
    for (let n = 0; n < N; n++) {
      const row = x + (<usize>(n * C + c) * S << 2);
      let s = 0;
      for (; s + 4 <= S; s += 4) lanes = f32x4.add(lanes, v128.load(row + (<usize>s << 2)));
      for (; s < S; s++) tail += load<f32>(row + (<usize>s << 2));
    }
    const sum = (f32x4.extract_lane(lanes, 0) + f32x4.extract_lane(lanes, 1)) +
      (f32x4.extract_lane(lanes, 2) + f32x4.extract_lane(lanes, 3)) + tail;
    store<f32>(out + (<usize>c << 2), sum);
  }
}

// The plain sequential sum channel_sum_task is held to.
export function channel_sum_reference_task(args: usize, tid: i32, nthreads: i32): void {
  const a = changetype<ChannelSumArgs>(args);
  const out = a.out, x = a.x;
  const N = a.N, C = a.C, S = a.S;
  const end = splitStart(C, tid + 1, nthreads);
  for (let c = splitStart(C, tid, nthreads); c < end; c++) {
    let sum: f32 = 0;
    for (let n = 0; n < N; n++) {
      for (let s = 0; s < S; s++) sum += load<f32>(x + ((<usize>(n * C + c) * S + s) << 2));
    }
    store<f32>(out + (<usize>c << 2), sum);
  }
}
