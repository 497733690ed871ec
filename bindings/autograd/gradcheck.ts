// Finite differences against backward(): Bengio's "use tools to verify gradients", for users.
import { ArgumentError } from '../errors.js';
import { randn } from '../creation.js';
import { engine } from '../runtime/engine.js';
import type { Tensor } from '../tensor.js';
import { noGrad } from './grad-mode.js';
import { backward } from './backward.js';
import { mul } from '../ops/arithmetic.js';
import { sum } from '../ops/reduce.js';
import { scope } from '../lifetime.js';
import { defineOptions } from '../options.js';

export interface GradcheckOptions {
  /** Step of the central differences. Default 1e-2: float32 needs a wide one. */
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Print the max difference per input (default true). */
  verbose?: boolean;
  /** Seed of the random projection of the output. */
  seed?: number;
}

const GRADCHECK = defineOptions<GradcheckOptions>('gradcheck', {
  eps: 'number', atol: 'number', rtol: 'number', verbose: 'boolean', seed: 'number',
});

export interface GradcheckResult {
  ok: boolean;
  /** Per input, the largest |analytic - numeric| and where it was. */
  inputs: { maxAbsDiff: number; index: number; analytic: number; numeric: number }[];
}

/**
 * Checks fn's gradients with respect to every input that requires grad. fn's output is projected
 * on a fixed random tensor r, L = sum(fn(...inputs) * r), so one backward covers every output;
 * each input element is then nudged by ±eps and L is measured in double precision.
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], options?: GradcheckOptions, ...none: []): GradcheckResult {
  const opts = GRADCHECK.parseLast(options, none);
  const eps = opts.eps ?? 1e-2;
  const atol = opts.atol ?? 1e-2;
  const rtol = opts.rtol ?? 1e-2;
  const checked = inputs.filter((t) => t.requiresGrad);
  if (checked.length === 0) throw new ArgumentError('gradcheck: no input has requiresGrad = true');
  for (const t of checked) {
    if (!t.isContiguous()) throw new ArgumentError('gradcheck: inputs must be contiguous');
    t.grad?.dispose();
    t.grad = null;
  }
  const projection = noGrad(() => {
    const out = fn(...inputs);
    const r = randn(out.shape, { seed: opts.seed ?? 1234 });
    out.dispose();
    return r;
  });
  const objective = (): number =>
    scope(() => {
      const out = fn(...inputs);
      const values = out.toArray();
      const r = projection.toArray();
      let l = 0;
      for (let i = 0; i < values.length; i++) l += values[i] * r[i];
      return l;
    });
  scope(() => backward(sum(mul(fn(...inputs), projection))));
  const result: GradcheckResult = { ok: true, inputs: [] };
  noGrad(() => {
    for (const [k, t] of checked.entries()) {
      const analytic = t.grad === null ? new Float32Array(t.size) : t.grad.toArray();
      const base = t.ptr() >> 2;
      let worst = { maxAbsDiff: 0, index: -1, analytic: 0, numeric: 0 };
      for (let i = 0; i < t.size; i++) {
        const f32 = engine().heap.f32;
        const original = f32[base + i];
        engine().heap.f32[base + i] = original + eps;
        const plus = objective();
        engine().heap.f32[base + i] = original - eps;
        const minus = objective();
        engine().heap.f32[base + i] = original;
        const numeric = (plus - minus) / (2 * eps);
        const diff = Math.abs(analytic[i] - numeric);
        if (diff > worst.maxAbsDiff || worst.index < 0) worst = { maxAbsDiff: diff, index: i, analytic: analytic[i], numeric };
        if (diff > atol + rtol * Math.abs(numeric)) result.ok = false;
      }
      result.inputs.push(worst);
      if (opts.verbose ?? true) {
        console.log(
          `gradcheck input ${k} ${JSON.stringify(t.shape)}: max |analytic - numeric| = ${worst.maxAbsDiff.toExponential(2)}` +
            ` at ${worst.index} (analytic ${worst.analytic.toPrecision(5)}, numeric ${worst.numeric.toPrecision(5)})`,
        );
      }
    }
  });
  projection.dispose();
  for (const t of checked) {
    t.grad?.dispose();
    t.grad = null;
  }
  return result;
}
