// Fused optimizer updates: one pass over a parameter, its gradient and its state, so a step costs
// one read and one write of each instead of a chain of elementwise ops.
// The formulas are PyTorch's (torch.optim.SGD, Adam, AdamW, Adagrad), in the same order.
import { argF32, argI32, argPtr, splitStart } from './args';

// Argument block of sgd: p, g, buf are (n); buf is unused when momentum is 0.
// [p, g, buf, n, lr, momentum, dampening, weightDecay, nesterov, firstStep]
@inline function sgdElement(p: f32, g: f32, buf: f32, lr: f32, momentum: f32, dampening: f32, wd: f32,
                            nesterov: bool, first: bool, pOut: usize, bufOut: usize): void {
  g = g + wd * p;
  if (momentum != 0) {
    buf = first ? g : momentum * buf + (1 - dampening) * g;
    store<f32>(bufOut, buf);
    g = nesterov ? g + momentum * buf : buf;
  }
  store<f32>(pOut, p - lr * g);
}

export function sgd_reference_task(args: usize, tid: i32, nthreads: i32): void {
  const p = argPtr(args, 0), g = argPtr(args, 1), buf = argPtr(args, 2), n = argI32(args, 3);
  const lr = argF32(args, 4), momentum = argF32(args, 5), dampening = argF32(args, 6), wd = argF32(args, 7);
  const nesterov = argI32(args, 8) != 0, first = argI32(args, 9) != 0;
  const end = splitStart(n, tid + 1, nthreads);
  for (let i = splitStart(n, tid, nthreads); i < end; i++) {
    const o = <usize>i << 2;
    sgdElement(load<f32>(p + o), load<f32>(g + o), load<f32>(buf + o), lr, momentum, dampening, wd,
      nesterov, first, p + o, buf + o);
  }
}

export function sgd_task(args: usize, tid: i32, nthreads: i32): void {
  const p = argPtr(args, 0), g = argPtr(args, 1), buf = argPtr(args, 2), n = argI32(args, 3);
  const lr = argF32(args, 4), momentum = argF32(args, 5), dampening = argF32(args, 6), wd = argF32(args, 7);
  const nesterov = argI32(args, 8) != 0, first = argI32(args, 9) != 0;
  const start = splitStart(n, tid, nthreads), end = splitStart(n, tid + 1, nthreads);
  const vlr = f32x4.splat(lr), vmom = f32x4.splat(momentum), vdamp = f32x4.splat(1 - dampening);
  const vwd = f32x4.splat(wd);
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const o = <usize>i << 2;
    const pv = v128.load(p + o);
    let gv = f32x4.add(v128.load(g + o), f32x4.mul(vwd, pv));
    if (momentum != 0) {
      const bv = first ? gv : f32x4.add(f32x4.mul(vmom, v128.load(buf + o)), f32x4.mul(vdamp, gv));
      v128.store(buf + o, bv);
      gv = nesterov ? f32x4.add(gv, f32x4.mul(vmom, bv)) : bv;
    }
    v128.store(p + o, f32x4.sub(pv, f32x4.mul(vlr, gv)));
  }
  for (; i < end; i++) {
    const o = <usize>i << 2;
    sgdElement(load<f32>(p + o), load<f32>(g + o), load<f32>(buf + o), lr, momentum, dampening, wd,
      nesterov, first, p + o, buf + o);
  }
}

// Argument block of adam: a list of tensors, so that one dispatch updates a whole model.
// [lr, beta1, beta2, eps, weightDecay, decoupled, stepSize, sqrtBiasCorrection2, count,
//  then count times: p, g, m, v, n]  (p, g, m, v are (n))
// stepSize = lr / (1 - beta1^t) and sqrtBiasCorrection2 = sqrt(1 - beta2^t) come from the caller,
// computed once per step in double precision. The threads split the tensors' elements laid end
// to end; each element's update is the same whichever thread and lane make it.
const ADAM_HEADER = 9;
const ADAM_PER_TENSOR = 5;

@inline function adamElement(p: f32, g: f32, m: f32, v: f32, lr: f32, b1: f32, b2: f32, eps: f32, wd: f32,
                             decoupled: bool, stepSize: f32, sqrtBc2: f32, at: usize, mAt: usize, vAt: usize): void {
  if (decoupled) p = p * (1 - lr * wd);
  else g = g + wd * p;
  m = b1 * m + (1 - b1) * g;
  v = b2 * v + (1 - b2) * g * g;
  store<f32>(mAt, m);
  store<f32>(vAt, v);
  store<f32>(at, p - stepSize * (m / (Mathf.sqrt(v) / sqrtBc2 + eps)));
}

@inline function adamTensorArg(args: usize, j: i32, field: i32): usize {
  return args + (<usize>(ADAM_HEADER + j * ADAM_PER_TENSOR + field) << 2);
}

@inline function adamTensorSize(args: usize, j: i32): i32 {
  return load<i32>(adamTensorArg(args, j, 4));
}

function adamTotal(args: usize, count: i32): i32 {
  let total = 0;
  for (let j = 0; j < count; j++) total += adamTensorSize(args, j);
  return total;
}

export function adam_reference_task(args: usize, tid: i32, nthreads: i32): void {
  const lr = argF32(args, 0), b1 = argF32(args, 1), b2 = argF32(args, 2), eps = argF32(args, 3);
  const wd = argF32(args, 4), decoupled = argI32(args, 5) != 0;
  const stepSize = argF32(args, 6), sqrtBc2 = argF32(args, 7), count = argI32(args, 8);
  const total = adamTotal(args, count);
  const start = splitStart(total, tid, nthreads), end = splitStart(total, tid + 1, nthreads);
  let first = 0;
  for (let j = 0; j < count; j++) {
    // This thread's share of tensor j: elements [from, to), none when from >= to.
    const n = adamTensorSize(args, j), from = max(start - first, 0), to = min(end - first, n);
    const p = load<u32>(adamTensorArg(args, j, 0)), g = load<u32>(adamTensorArg(args, j, 1));
    const m = load<u32>(adamTensorArg(args, j, 2)), v = load<u32>(adamTensorArg(args, j, 3));
    for (let i = from; i < to; i++) {
      const o = <usize>i << 2;
      adamElement(load<f32>(p + o), load<f32>(g + o), load<f32>(m + o), load<f32>(v + o), lr, b1, b2, eps, wd,
        decoupled, stepSize, sqrtBc2, p + o, m + o, v + o);
    }
    first += n;
  }
}

export function adam_task(args: usize, tid: i32, nthreads: i32): void {
  const lr = argF32(args, 0), b1 = argF32(args, 1), b2 = argF32(args, 2), eps = argF32(args, 3);
  const wd = argF32(args, 4), decoupled = argI32(args, 5) != 0;
  const stepSize = argF32(args, 6), sqrtBc2 = argF32(args, 7), count = argI32(args, 8);
  const vb1 = f32x4.splat(b1), vc1 = f32x4.splat(1 - b1), vb2 = f32x4.splat(b2), vc2 = f32x4.splat(1 - b2);
  const vdecay = f32x4.splat(1 - lr * wd), vwd = f32x4.splat(wd), veps = f32x4.splat(eps);
  const vstep = f32x4.splat(stepSize), vbc2 = f32x4.splat(sqrtBc2);
  const total = adamTotal(args, count);
  const start = splitStart(total, tid, nthreads), end = splitStart(total, tid + 1, nthreads);
  let first = 0;
  for (let j = 0; j < count; j++) {
    const n = adamTensorSize(args, j), to = min(end - first, n);
    const p = <usize>load<u32>(adamTensorArg(args, j, 0)), g = <usize>load<u32>(adamTensorArg(args, j, 1));
    const m = <usize>load<u32>(adamTensorArg(args, j, 2)), v = <usize>load<u32>(adamTensorArg(args, j, 3));
    let i = max(start - first, 0);
    for (; i + 4 <= to; i += 4) {
      const o = <usize>i << 2;
      let pv = v128.load(p + o);
      let gv = v128.load(g + o);
      if (decoupled) pv = f32x4.mul(pv, vdecay);
      else gv = f32x4.add(gv, f32x4.mul(vwd, pv));
      const mv = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(vc1, gv));
      const vv = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(f32x4.mul(vc2, gv), gv));
      v128.store(m + o, mv);
      v128.store(v + o, vv);
      const denom = f32x4.add(f32x4.div(f32x4.sqrt(vv), vbc2), veps);
      v128.store(p + o, f32x4.sub(pv, f32x4.mul(vstep, f32x4.div(mv, denom))));
    }
    for (; i < to; i++) {
      const o = <usize>i << 2;
      adamElement(load<f32>(p + o), load<f32>(g + o), load<f32>(m + o), load<f32>(v + o), lr, b1, b2, eps, wd,
        decoupled, stepSize, sqrtBc2, p + o, m + o, v + o);
    }
    first += n;
  }
}

// Argument block of adagrad: p, g, sum are (n).
// [p, g, sum, n, clr, weightDecay, eps] with clr = lr / (1 + (t - 1) * lrDecay) from the caller.
@inline function adagradElement(p: f32, g: f32, s: f32, clr: f32, wd: f32, eps: f32, at: usize, sAt: usize): void {
  g = g + wd * p;
  s = s + g * g;
  store<f32>(sAt, s);
  store<f32>(at, p - clr * (g / (Mathf.sqrt(s) + eps)));
}

export function adagrad_reference_task(args: usize, tid: i32, nthreads: i32): void {
  const p = argPtr(args, 0), g = argPtr(args, 1), s = argPtr(args, 2), n = argI32(args, 3);
  const clr = argF32(args, 4), wd = argF32(args, 5), eps = argF32(args, 6);
  const end = splitStart(n, tid + 1, nthreads);
  for (let i = splitStart(n, tid, nthreads); i < end; i++) {
    const o = <usize>i << 2;
    adagradElement(load<f32>(p + o), load<f32>(g + o), load<f32>(s + o), clr, wd, eps, p + o, s + o);
  }
}

export function adagrad_task(args: usize, tid: i32, nthreads: i32): void {
  const p = argPtr(args, 0), g = argPtr(args, 1), s = argPtr(args, 2), n = argI32(args, 3);
  const clr = argF32(args, 4), wd = argF32(args, 5), eps = argF32(args, 6);
  const start = splitStart(n, tid, nthreads), end = splitStart(n, tid + 1, nthreads);
  const vclr = f32x4.splat(clr), vwd = f32x4.splat(wd), veps = f32x4.splat(eps);
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const o = <usize>i << 2;
    const pv = v128.load(p + o);
    const gv = f32x4.add(v128.load(g + o), f32x4.mul(vwd, pv));
    const sv = f32x4.add(v128.load(s + o), f32x4.mul(gv, gv));
    v128.store(s + o, sv);
    v128.store(p + o, f32x4.sub(pv, f32x4.mul(vclr, f32x4.div(gv, f32x4.add(f32x4.sqrt(sv), veps)))));
  }
  for (; i < end; i++) {
    const o = <usize>i << 2;
    adagradElement(load<f32>(p + o), load<f32>(g + o), load<f32>(s + o), clr, wd, eps, p + o, s + o);
  }
}
