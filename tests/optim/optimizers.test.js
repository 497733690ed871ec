import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { SGD } from '../../dist/bindings/optim/sgd.js';
import { Adam, AdamW } from '../../dist/bindings/optim/adam.js';
import { Adagrad } from '../../dist/bindings/optim/adagrad.js';
import { engine } from '../../dist/bindings/runtime/engine.js';
import { adagradTask, adamTask, sgdTask } from '../../dist/bindings/runtime/generated/kernel-args.js';

// Textbook updates in double precision, element by element, to compare the fused kernels with.
const textbook = {
  sgd(p, g, s, o) {
    const out = [];
    for (let i = 0; i < p.length; i++) {
      let gi = g[i] + (o.weightDecay ?? 0) * p[i];
      const mom = o.momentum ?? 0;
      if (mom !== 0) {
        s.buf ??= [];
        s.buf[i] = s.buf[i] === undefined ? gi : mom * s.buf[i] + (1 - (o.dampening ?? 0)) * gi;
        gi = o.nesterov ? gi + mom * s.buf[i] : s.buf[i];
      }
      out.push(p[i] - o.lr * gi);
    }
    return out;
  },
  adam(p, g, s, o, decoupled) {
    s.t = (s.t ?? 0) + 1;
    s.m ??= p.map(() => 0);
    s.v ??= p.map(() => 0);
    const [b1, b2] = o.betas ?? [0.9, 0.999];
    const wd = o.weightDecay ?? (decoupled ? 0.01 : 0);
    const lr = o.lr ?? 1e-3;
    return p.map((pi, i) => {
      let gi = g[i];
      if (decoupled) pi = pi * (1 - lr * wd);
      else gi = gi + wd * pi;
      s.m[i] = b1 * s.m[i] + (1 - b1) * gi;
      s.v[i] = b2 * s.v[i] + (1 - b2) * gi * gi;
      const mhat = s.m[i] / (1 - b1 ** s.t);
      const vhat = s.v[i] / (1 - b2 ** s.t);
      return pi - (lr * mhat) / (Math.sqrt(vhat) + (o.eps ?? 1e-8));
    });
  },
  adagrad(p, g, s, o) {
    s.t = (s.t ?? 0) + 1;
    s.sum ??= p.map(() => 0);
    const clr = (o.lr ?? 1e-2) / (1 + (s.t - 1) * (o.lrDecay ?? 0));
    return p.map((pi, i) => {
      const gi = g[i] + (o.weightDecay ?? 0) * pi;
      s.sum[i] += gi * gi;
      return pi - (clr * gi) / (Math.sqrt(s.sum[i]) + (o.eps ?? 1e-10));
    });
  },
};

const cases = [
  ['SGD plain', SGD, { lr: 0.1 }, textbook.sgd],
  ['SGD momentum + decay', SGD, { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 }, textbook.sgd],
  ['SGD nesterov', SGD, { lr: 0.05, momentum: 0.8, nesterov: true }, textbook.sgd],
  ['Adam', Adam, { lr: 0.01 }, (p, g, s, o) => textbook.adam(p, g, s, o, false)],
  ['Adam L2 decay', Adam, { lr: 0.01, weightDecay: 0.1, betas: [0.8, 0.99] }, (p, g, s, o) => textbook.adam(p, g, s, o, false)],
  ['AdamW', AdamW, { lr: 0.01 }, (p, g, s, o) => textbook.adam(p, g, s, o, true)],
  ['Adagrad', Adagrad, { lr: 0.1, lrDecay: 0.01, weightDecay: 0.02 }, textbook.adagrad],
];

describe('optimizers match their textbook updates', () => {
  for (const [name, Opt, opts, formula] of cases) {
    it(`${name}, 5 steps over 37 elements`, () => {
      const n = 37;
      const p = wg.randn([n], { seed: 11 });
      p.requiresGrad = true;
      const opt = new Opt([p], opts);
      let expected = Array.from(p.toArray());
      const state = {};
      let maxDiff = 0;
      for (let step = 0; step < 5; step++) {
        const g = wg.randn([n], { seed: 100 + step });
        p.grad = g;
        expected = formula(expected, Array.from(g.toArray()), state, opts);
        opt.step();
        const got = p.toArray();
        for (let i = 0; i < n; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - expected[i]));
        opt.zeroGrad();
        assert.equal(p.grad, null);
      }
      console.log(`      ${name}: max |fused - textbook| = ${maxDiff.toExponential(2)}`);
      assert.ok(maxDiff < 2e-5, `max diff ${maxDiff}`);
      opt.dispose();
      p.dispose();
    });
  }
});

describe('fused optimizer kernels against their scalar references', () => {
  // Each kernel run on p, g and two state buffers (the pointers), of n elements each.
  const kernels = {
    sgd: (task, p, g, a, _b, n) => sgdTask(task, {
      param: p, grad: g, buffer: a, n, lr: 0.1, momentum: 0.9, dampening: 0.05, weightDecay: 0.01, nesterov: true, firstStep: false,
    }, n * 8),
    adam: (task, p, g, a, b, n) => adamTask(task, {
      lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true, stepSize: 0.1, sqrtBiasCorrection2: 0.03,
      tensors: [{ param: p, grad: g, expAvg: a, expAvgSq: b, n }],
    }, n * 8),
    adagrad: (task, p, g, a, _b, n) => adagradTask(task, { param: p, grad: g, stateSum: a, n, clr: 0.1, weightDecay: 0.01, eps: 1e-10 }, n * 8),
  };
  for (const [task, step] of Object.entries(kernels)) {
    for (const n of [1, 3, 7, 17, 63, 65, 257, 100003]) {
      it(`${task}_task equals ${task}_reference_task bit for bit, n=${n}`, () => {
        const run = (name) => {
          const t = [1, 2, 3, 4].map((s) => wg.rand([n], { seed: s, low: 0.1, high: 1 }));
          step(name, ...t.map((x) => x.ptr()), n);
          const out = t.map((x) => x.toArray());
          t.forEach((x) => x.dispose());
          return out;
        };
        assert.deepEqual(run(task), run(`${task}_reference`));
      });
    }
  }
});

describe('Adam over many tensors in one kernel call', () => {
  afterEach(async () => wg.setNumThreads(2));

  // Sizes with tails of every length, laid end to end so thread boundaries fall inside tensors.
  const SIZES = [1, 3, 7, 17, 63, 65, 257, 20011, 2, 5];
  const fresh = () => SIZES.map((n, i) => ({
    param: wg.rand([n], { seed: 10 + i, low: -1, high: 1 }),
    grad: wg.rand([n], { seed: 30 + i, low: -1, high: 1 }),
    expAvg: wg.rand([n], { seed: 50 + i, low: -0.1, high: 0.1 }),
    expAvgSq: wg.rand([n], { seed: 70 + i, low: 0, high: 0.1 }),
  }));
  const bits = (tensors) => tensors.flatMap((t) => [t.param, t.expAvg, t.expAvgSq].map((x) => Array.from(new Uint32Array(x.toArray().buffer))));
  const options = { lr: 0.01, weightDecay: 0.01, step: 3 };

  for (const threads of [1, 2, 3]) {
    it(`one call on ${threads} thread(s) gives the bits of one adamStep per tensor`, async () => {
      await wg.setNumThreads(threads);
      const together = fresh();
      const pool = engine().pool;
      if (pool !== null) pool.widestOp = 0;
      wg.adamSteps(together, options);
      if (pool !== null && threads > 1) assert.equal(pool.widestOp, threads, `the call ran on ${pool.widestOp} threads`);
      await wg.setNumThreads(1);
      const apart = fresh();
      for (const t of apart) wg.adamStep(t.param, t.grad, t.expAvg, t.expAvgSq, options);
      assert.deepEqual(bits(together), bits(apart));
    });
  }

  it('refuses tensors that share memory, which one call would update from two threads at once', () => {
    const p = wg.zeros([8]);
    const t = () => ({ param: p, grad: wg.ones([8]), expAvg: wg.zeros([8]), expAvgSq: wg.zeros([8]) });
    assert.throws(() => wg.adamSteps([t(), t()], { lr: 0.1, step: 1 }), /adamSteps: the parameters and moment buffers must not share memory/);
    assert.deepEqual([...p.toArray()], new Array(8).fill(0), 'nothing was updated');
  });

  it('splits a list longer than one argument block into several calls with the same result', () => {
    const many = Array.from({ length: 120 }, (_, i) => ({
      param: wg.full([i % 7 + 1], 0.5), grad: wg.full([i % 7 + 1], (i % 5) - 2), expAvg: wg.zeros([i % 7 + 1]), expAvgSq: wg.zeros([i % 7 + 1]),
    }));
    wg.adamSteps(many, { lr: 0.1, step: 1 });
    many.forEach(({ param, grad }, i) => {
      const g = (i % 5) - 2;
      // The first bias-corrected step moves each weight by lr * sign(g) (up to eps).
      const want = g === 0 ? 0.5 : 0.5 - 0.1 * Math.sign(g);
      for (const v of param.toArray()) assert.ok(Math.abs(v - want) < 1e-6, `tensor ${i}: ${v}, expected ${want}`);
      grad.dispose();
    });
  });
});

describe('optimizer arguments', () => {
  it('refuses bad hyperparameters and parameter lists', () => {
    const p = wg.zeros([2]);
    assert.throws(() => new SGD([p], { lr: -1 }), /SGD: lr must be a number in \[0, Infinity\], got -1/);
    assert.throws(() => new SGD([p], { lr: 0.1, nesterov: true }), /nesterov needs momentum/);
    assert.throws(() => new Adam([p], { betas: [1, 0.9] }), /betas\[0\]/);
    assert.throws(() => new Adam([]), /empty parameter list/);
    assert.throws(() => new Adam([p, p]), /more than once/);
    assert.throws(() => new Adam([wg.zeros([2], 'int32')]), wg.DTypeError);
    p.dispose();
    assert.throws(() => new Adam([p]), wg.DisposedError);
  });
});
