// Fused optimizer updates: one pass over a parameter, its gradient and its state, so a step costs
// one read and one write of each instead of a chain of elementwise ops.
// The formulas are PyTorch's (torch.optim.SGD, Adam, AdamW, Adagrad), in the same order.
import { AdagradArgs, AdamArgs, SgdArgs } from './generated/args';
import { splitStart } from './split';

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

export function sgd_reference_task(words: usize, tid: i32, nthreads: i32): void {
  const args = changetype<SgdArgs>(words);
  const p = args.param, g = args.grad, buf = args.buffer, n = args.n;
  const lr = args.lr, momentum = args.momentum, dampening = args.dampening, wd = args.weightDecay;
  const nesterov = args.nesterov, first = args.firstStep;
  const end = splitStart(n, tid + 1, nthreads);
  for (let i = splitStart(n, tid, nthreads); i < end; i++) {
    const o = <usize>i << 2;
    sgdElement(load<f32>(p + o), load<f32>(g + o), load<f32>(buf + o), lr, momentum, dampening, wd,
      nesterov, first, p + o, buf + o);
  }
}

export function sgd_task(words: usize, tid: i32, nthreads: i32): void {
  const args = changetype<SgdArgs>(words);
  const p = args.param, g = args.grad, buf = args.buffer, n = args.n;
  const lr = args.lr, momentum = args.momentum, dampening = args.dampening, wd = args.weightDecay;
  const nesterov = args.nesterov, first = args.firstStep;
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

// Adam's block lists tensors, so that one dispatch updates a whole model.
// stepSize = lr / (1 - beta1^t) and sqrtBiasCorrection2 = sqrt(1 - beta2^t) come from the caller,
// computed once per step in double precision. The threads split the tensors' elements laid end
// to end; each element's update is the same whichever thread and lane make it.
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

function adamTotal(args: AdamArgs): i32 {
  let total = 0;
  for (let j = 0; j < args.count; j++) total += args.tensors(j).n;
  return total;
}

export function adam_reference_task(words: usize, tid: i32, nthreads: i32): void {
  const args = changetype<AdamArgs>(words);
  const lr = args.lr, b1 = args.beta1, b2 = args.beta2, eps = args.eps;
  const wd = args.weightDecay, decoupled = args.decoupled;
  const stepSize = args.stepSize, sqrtBc2 = args.sqrtBiasCorrection2, count = args.count;
  const total = adamTotal(args);
  const start = splitStart(total, tid, nthreads), end = splitStart(total, tid + 1, nthreads);
  let first = 0;
  for (let j = 0; j < count; j++) {
    // This thread's share of tensor j: elements [from, to), none when from >= to.
    const t = args.tensors(j);
    const n = t.n, from = max(start - first, 0), to = min(end - first, n);
    const p = t.param, g = t.grad, m = t.expAvg, v = t.expAvgSq;
    for (let i = from; i < to; i++) {
      const o = <usize>i << 2;
      adamElement(load<f32>(p + o), load<f32>(g + o), load<f32>(m + o), load<f32>(v + o), lr, b1, b2, eps, wd,
        decoupled, stepSize, sqrtBc2, p + o, m + o, v + o);
    }
    first += n;
  }
}

export function adam_task(words: usize, tid: i32, nthreads: i32): void {
  const args = changetype<AdamArgs>(words);
  const lr = args.lr, b1 = args.beta1, b2 = args.beta2, eps = args.eps;
  const wd = args.weightDecay, decoupled = args.decoupled;
  const stepSize = args.stepSize, sqrtBc2 = args.sqrtBiasCorrection2, count = args.count;
  const vb1 = f32x4.splat(b1), vc1 = f32x4.splat(1 - b1), vb2 = f32x4.splat(b2), vc2 = f32x4.splat(1 - b2);
  const vdecay = f32x4.splat(1 - lr * wd), vwd = f32x4.splat(wd), veps = f32x4.splat(eps);
  const vstep = f32x4.splat(stepSize), vbc2 = f32x4.splat(sqrtBc2);
  const total = adamTotal(args);
  const start = splitStart(total, tid, nthreads), end = splitStart(total, tid + 1, nthreads);
  let first = 0;
  for (let j = 0; j < count; j++) {
    const t = args.tensors(j);
    const n = t.n, to = min(end - first, n);
    const p = t.param, g = t.grad, m = t.expAvg, v = t.expAvgSq;
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

@inline function adagradElement(p: f32, g: f32, s: f32, clr: f32, wd: f32, eps: f32, at: usize, sAt: usize): void {
  g = g + wd * p;
  s = s + g * g;
  store<f32>(sAt, s);
  store<f32>(at, p - clr * (g / (Mathf.sqrt(s) + eps)));
}

export function adagrad_reference_task(words: usize, tid: i32, nthreads: i32): void {
  const args = changetype<AdagradArgs>(words);
  const p = args.param, g = args.grad, s = args.stateSum, n = args.n;
  const clr = args.clr, wd = args.weightDecay, eps = args.eps;
  const end = splitStart(n, tid + 1, nthreads);
  for (let i = splitStart(n, tid, nthreads); i < end; i++) {
    const o = <usize>i << 2;
    adagradElement(load<f32>(p + o), load<f32>(g + o), load<f32>(s + o), clr, wd, eps, p + o, s + o);
  }
}

export function adagrad_task(words: usize, tid: i32, nthreads: i32): void {
  const args = changetype<AdagradArgs>(words);
  const p = args.param, g = args.grad, s = args.stateSum, n = args.n;
  const clr = args.clr, wd = args.weightDecay, eps = args.eps;
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
