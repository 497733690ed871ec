// BatchNorm2d on NCHW: the training forward (batch statistics, running-statistics update), the
// evaluation forward (running statistics) and the fused backward.
//
// Per-channel sums run in f64 in four accumulators of two lanes (the reference: one sum), over n
// then the plane, in a fixed order; threads split the channels, so every statistic is computed by
// one thread alike for any thread count. The normalisation itself is y = x * scale + shift in f32,
// as torch does on CPU.
import { BatchNormArgs, BatchNormBackwardArgs } from './generated/args';
import { splitStart } from './split';

@inline function pair(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/** What a channel sum adds for each element, with d = x - shift: d, d * d, or dy * d. */
const enum Term { Centred, Squared, TimesDy }

/** The term of two neighbouring elements at byte offset o, in f64. */
@inline function pairTerm(x: usize, dy: usize, o: usize, shift: v128, term: Term): v128 {
  const d = f64x2.sub(pair(x + o), shift);
  if (term == Term.Centred) return d;
  if (term == Term.Squared) return f64x2.mul(d, d);
  return f64x2.mul(pair(dy + o), d);
}

@inline function scalarTerm(x: usize, dy: usize, o: usize, shift: f64, term: Term): f64 {
  const d = <f64>load<f32>(x + o) - shift;
  if (term == Term.Centred) return d;
  if (term == Term.Squared) return d * d;
  return <f64>load<f32>(dy + o) * d;
}

/**
 * sum over n, s of the term of x[n, c, s] (and dy[n, c, s]), in f64: the mean, the centred
 * moments, or the dot product of the backward. Four accumulators of two lanes each take every
 * eighth pair in turn: one alone waits on its own add's latency, a third of the speed.
 */
@inline function channelSum(x: usize, dy: usize, c: i32, N: i32, C: i32, S: i32, shift: f64, term: Term): f64 {
  let l0 = f64x2.splat(0), l1 = l0, l2 = l0, l3 = l0;
  let tail: f64 = 0;
  const sv = f64x2.splat(shift);
  for (let n = 0; n < N; n++) {
    const off = <usize>(n * C + c) * S << 2;
    let s = 0;
    for (; s + 8 <= S; s += 8) {
      const o = off + (<usize>s << 2);
      l0 = f64x2.add(l0, pairTerm(x, dy, o, sv, term));
      l1 = f64x2.add(l1, pairTerm(x, dy, o + 8, sv, term));
      l2 = f64x2.add(l2, pairTerm(x, dy, o + 16, sv, term));
      l3 = f64x2.add(l3, pairTerm(x, dy, o + 24, sv, term));
    }
    for (; s + 2 <= S; s += 2) l0 = f64x2.add(l0, pairTerm(x, dy, off + (<usize>s << 2), sv, term));
    if (s < S) tail += scalarTerm(x, dy, off + (<usize>s << 2), shift, term);
  }
  const lanes = f64x2.add(f64x2.add(l0, l1), f64x2.add(l2, l3));
  return f64x2.extract_lane(lanes, 0) + f64x2.extract_lane(lanes, 1) + tail;
}

/** y[:, c, :] = x[:, c, :] * scale + shift. */
function affine(x: usize, y: usize, c: i32, N: i32, C: i32, S: i32, scale: f32, shift: f32): void {
  const sc = f32x4.splat(scale), sh = f32x4.splat(shift);
  for (let n = 0; n < N; n++) {
    const off = <usize>(n * C + c) * S << 2;
    let s = 0;
    for (; s + 4 <= S; s += 4) {
      const o = off + (<usize>s << 2);
      v128.store(y + o, f32x4.add(f32x4.mul(v128.load(x + o), sc), sh));
    }
    for (; s < S; s++) {
      const o = off + (<usize>s << 2);
      store<f32>(y + o, load<f32>(x + o) * scale + shift);
    }
  }
}

@inline function optional(p: usize, c: i32, fallback: f32): f32 {
  return p == 0 ? fallback : load<f32>(p + (<usize>c << 2));
}

/**
 * Stores channel c's batch statistics, moves the running statistics towards them as torch does
 * (running = (1 - momentum) * running + momentum * batch, with the unbiased variance), and normalises.
 */
@inline function finishTrain(args: BatchNormArgs, c: i32, N: i32, C: i32, S: i32, mean: f64, variance: f64): void {
  const count = <f64>N * <f64>S;
  const invstd = <f32>(1.0 / Math.sqrt(variance + <f64>args.eps));
  store<f32>(args.mean + (<usize>c << 2), <f32>mean);
  store<f32>(args.invstd + (<usize>c << 2), invstd);
  const rm = args.runningMean, rv = args.runningVar;
  const m = args.momentum;
  const at = <usize>c << 2;
  if (rm != 0) store<f32>(rm + at, (1 - m) * load<f32>(rm + at) + m * <f32>mean);
  if (rv != 0) store<f32>(rv + at, (1 - m) * load<f32>(rv + at) + m * <f32>(variance * count / (count - 1)));
  const gamma = optional(args.gamma, c, 1);
  const beta = optional(args.beta, c, 0);
  const scale = invstd * gamma;
  affine(args.x, args.y, c, N, C, S, scale, beta - <f32>mean * scale);
}

/** channelSum with one f64 accumulator in plain order: the yardstick's. */
function channelSumPlain(x: usize, c: i32, N: i32, C: i32, S: i32, shift: f64, square: bool): f64 {
  let sum: f64 = 0;
  for (let n = 0; n < N; n++) {
    for (let s = 0; s < S; s++) {
      const d = <f64>load<f32>(x + ((<usize>(n * C + c) * S + s) << 2)) - shift;
      sum += square ? d * d : d;
    }
  }
  return sum;
}

// Threads split the channels; the kernel sums in eight f64 lanes, its reference in one.
@inline function trainChannels(words: usize, tid: i32, nthreads: i32, reference: bool): void {
  const args = changetype<BatchNormArgs>(words);
  const x = args.x;
  const N = args.N, C = args.C, S = args.S;
  const count = <f64>N * <f64>S;
  const end = splitStart(C, tid + 1, nthreads);
  for (let c = splitStart(C, tid, nthreads); c < end; c++) {
    const mean = (reference ? channelSumPlain(x, c, N, C, S, 0, false) : channelSum(x, 0, c, N, C, S, 0, Term.Centred)) / count;
    const sq = reference ? channelSumPlain(x, c, N, C, S, mean, true) : channelSum(x, 0, c, N, C, S, mean, Term.Squared);
    finishTrain(args, c, N, C, S, mean, sq / count);
  }
}

export function batchnorm_train_task(words: usize, tid: i32, nthreads: i32): void {
  trainChannels(words, tid, nthreads, false);
}

export function batchnorm_train_reference_task(words: usize, tid: i32, nthreads: i32): void {
  trainChannels(words, tid, nthreads, true);
}

/** Channel c's scale and shift from the running statistics. */
@inline function evalAffine(args: BatchNormArgs, c: i32): f32 {
  return optional(args.gamma, c, 1) /
    <f32>Math.sqrt(<f64>load<f32>(args.runningVar + (<usize>c << 2)) + <f64>args.eps);
}

// Threads split the (n, c) planes: nothing is reduced.
export function batchnorm_eval_task(words: usize, tid: i32, nthreads: i32): void {
  const args = changetype<BatchNormArgs>(words);
  const C = args.C, S = args.S;
  const planes = args.N * C;
  const end = splitStart(planes, tid + 1, nthreads);
  for (let p = splitStart(planes, tid, nthreads); p < end; p++) {
    const c = p % C;
    const scale = evalAffine(args, c);
    const shift = optional(args.beta, c, 0) - load<f32>(args.runningMean + (<usize>c << 2)) * scale;
    // One plane is the (1, 1, S) tensor at plane p.
    const off = <usize>(p - c) * S << 2;
    affine(args.x + off, args.y + off, c, 1, C, S, scale, shift);
  }
}

export function batchnorm_eval_reference_task(words: usize, tid: i32, nthreads: i32): void {
  const args = changetype<BatchNormArgs>(words);
  const x = args.x, y = args.y;
  const C = args.C, S = args.S;
  const total = args.N * C * S;
  const end = splitStart(total, tid + 1, nthreads);
  for (let i = splitStart(total, tid, nthreads); i < end; i++) {
    const c = (i / S) % C;
    const scale = evalAffine(args, c);
    const shift = optional(args.beta, c, 0) - load<f32>(args.runningMean + (<usize>c << 2)) * scale;
    store<f32>(y + (<usize>i << 2), load<f32>(x + (<usize>i << 2)) * scale + shift);
  }
}

/**
 * dgamma, dbeta and dx of channel c from its two sums, as torch:
 * dx = (dy - sum(dy)/M - (x - mean) * invstd^2 * sum(dy*(x-mean))/M) * invstd * gamma.
 */
function finishBackward(args: BatchNormBackwardArgs, c: i32, sumDy: f64, dot: f64): void {
  const N = args.N, C = args.C, S = args.S;
  const count = <f64>N * <f64>S;
  const mean = load<f32>(args.mean + (<usize>c << 2));
  const invstd = load<f32>(args.invstd + (<usize>c << 2));
  store<f32>(args.dbeta + (<usize>c << 2), <f32>sumDy);
  store<f32>(args.dgamma + (<usize>c << 2), <f32>(dot * <f64>invstd));
  const dx = args.dx;
  if (dx == 0) return;
  const dy = args.dy, x = args.x;
  const k = <f32>(dot * <f64>invstd * <f64>invstd / count);
  const gradMean = <f32>(sumDy / count);
  const scale = invstd * optional(args.gamma, c, 1);
  const kv = f32x4.splat(k), gv = f32x4.splat(gradMean), mv = f32x4.splat(mean), sv = f32x4.splat(scale);
  for (let n = 0; n < N; n++) {
    const off = <usize>(n * C + c) * S << 2;
    let s = 0;
    for (; s + 4 <= S; s += 4) {
      const o = off + (<usize>s << 2);
      const centred = f32x4.mul(f32x4.sub(v128.load(x + o), mv), kv);
      v128.store(dx + o, f32x4.mul(f32x4.sub(f32x4.sub(v128.load(dy + o), gv), centred), sv));
    }
    for (; s < S; s++) {
      const o = off + (<usize>s << 2);
      store<f32>(dx + o, (load<f32>(dy + o) - gradMean - (load<f32>(x + o) - mean) * k) * scale);
    }
  }
}

/** channelDot with one f64 accumulator in plain order: the yardstick's. */
function channelDotPlain(dy: usize, x: usize, c: i32, N: i32, C: i32, S: i32, mean: f64): f64 {
  let dot: f64 = 0;
  for (let n = 0; n < N; n++) {
    for (let s = 0; s < S; s++) {
      const o = (<usize>(n * C + c) * S + s) << 2;
      dot += <f64>load<f32>(dy + o) * (<f64>load<f32>(x + o) - mean);
    }
  }
  return dot;
}

// Threads split the channels; the kernel sums in eight f64 lanes, its reference in one.
@inline function backwardChannels(words: usize, tid: i32, nthreads: i32, reference: bool): void {
  const args = changetype<BatchNormBackwardArgs>(words);
  const dy = args.dy, x = args.x;
  const N = args.N, C = args.C, S = args.S;
  const end = splitStart(C, tid + 1, nthreads);
  for (let c = splitStart(C, tid, nthreads); c < end; c++) {
    const mean = <f64>load<f32>(args.mean + (<usize>c << 2));
    const sumDy = reference ? channelSumPlain(dy, c, N, C, S, 0, false) : channelSum(dy, 0, c, N, C, S, 0, Term.Centred);
    const dot = reference ? channelDotPlain(dy, x, c, N, C, S, mean) : channelSum(x, dy, c, N, C, S, mean, Term.TimesDy);
    finishBackward(args, c, sumDy, dot);
  }
}

export function batchnorm_backward_task(words: usize, tid: i32, nthreads: i32): void {
  backwardChannels(words, tid, nthreads, false);
}

export function batchnorm_backward_reference_task(words: usize, tid: i32, nthreads: i32): void {
  backwardChannels(words, tid, nthreads, true);
}
