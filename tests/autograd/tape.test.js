import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';

const close = (got, want, tol = 1e-5) => {
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= tol, `[${i}] ${got[i]} vs ${want[i]}`);
};

describe('the autograd tape', () => {
  it('accumulates .grad over backward calls and through a tensor used twice', () => {
    const x = wg.tensor([1, 2, 3], [3]).requiresGrad_();
    wg.sum(wg.mul(x, x)).backward(); // d/dx sum(x^2) = 2x
    close(x.grad.toArray(), [2, 4, 6]);
    wg.sum(wg.mul(x, 3)).backward(); // accumulates 3
    close(x.grad.toArray(), [5, 7, 9]);
    x.grad.dispose();
    x.grad = null;
    x.dispose();
  });

  it('passes an add gradient to both inputs without sharing a disposal', () => {
    const a = wg.tensor([1, 2], [2]).requiresGrad_();
    const b = wg.tensor([3, 4], [2]).requiresGrad_();
    wg.sum(wg.add(a, b)).backward();
    a.grad.dispose();
    close(b.grad.toArray(), [1, 1]);
  });

  it('takes an explicit gradient for a non-scalar output', () => {
    const x = wg.tensor([1, 2, 3], [3]).requiresGrad_();
    wg.mul(x, 2).backward(wg.tensor([1, 0, -1], [3]));
    close(x.grad.toArray(), [2, 0, -2]);
  });

  it('records nothing inside noGrad, and detach cuts the graph', () => {
    const x = wg.tensor([1, 2], [2]).requiresGrad_();
    const y = wg.noGrad(() => wg.mul(x, 2));
    assert.equal(y.requiresGrad, false);
    assert.equal(y.gradFn, null);
    const z = wg.mul(x.detach(), 2);
    assert.equal(z.requiresGrad, false);
    assert.ok(wg.mul(x, 2).gradFn !== null);
  });

  it('gives gradients with respect to inputs, as adversarial examples need', () => {
    const w = wg.tensor([[1, -2], [0.5, 3]]);
    const x = wg.tensor([[0.1, 0.2]]).requiresGrad_();
    wg.sum(wg.matmul(x, w)).backward();
    close(x.grad.toArray(), [-1, 3.5]);
    assert.equal(w.grad, null);
  });

  it('refuses a second backward through the same graph, and non-scalar implicit gradients', () => {
    const x = wg.tensor([1, 2], [2]).requiresGrad_();
    const loss = wg.sum(wg.exp(x));
    loss.backward();
    assert.throws(() => loss.backward(), /already used by an earlier backward/);
    assert.throws(() => wg.exp(x).backward(), (e) => e instanceof wg.ShapeError && /one-element output/.test(e.message));
    assert.throws(() => wg.tensor([1]).backward(), /does not require grad/);
  });

  it('handles a 3000-op chain without overflowing the stack', () => {
    const x = wg.tensor([0.5], [1]).requiresGrad_();
    let y = x;
    wg.scope(() => {
      for (let i = 0; i < 3000; i++) y = wg.mul(y, 1.0001);
      wg.sum(y).backward();
    });
    close(x.grad.toArray(), [1.0001 ** 3000], 1e-3);
  });

  it('names the disposed tensor when a graph needs it', () => {
    const x = wg.tensor([1, 2], [2]).requiresGrad_();
    const y = wg.exp(x);
    const loss = wg.sum(wg.mul(y, y));
    y.dispose();
    assert.throws(() => loss.backward(), wg.DisposedError);
  });
});

describe('scopes and memory', () => {
  it('frees everything a scope made but what it returns', () => {
    const before = wg.memory();
    const kept = wg.scope(() => {
      const a = wg.randn([100, 100]);
      const b = wg.mul(a, 2);
      return { b, list: [wg.add(b, 1)] };
    });
    assert.equal(wg.memory().liveTensors, before.liveTensors + 2);
    kept.b.dispose();
    kept.list[0].dispose();
    assert.equal(wg.memory().liveTensors, before.liveTensors);
    assert.equal(wg.memory().liveBytes, before.liveBytes);
  });

  it('keeps a training loop flat: tensors, bytes and pages', () => {
    const model = new wg.nn.Sequential(new wg.nn.Linear(20, 32, { seed: 1 }), new wg.nn.ReLU(), new wg.nn.Linear(32, 4, { seed: 2 }));
    const opt = new wg.optim.Adam(model.parameters(), { lr: 1e-3 });
    const x = wg.randn([16, 20], { seed: 3 });
    const y = wg.tensor(new Int32Array(16).map((_, i) => i % 4), [16]);
    const step = () => wg.scope(() => {
      opt.zeroGrad();
      const loss = wg.crossEntropy(model.forward(x), y);
      loss.backward();
      opt.step();
    });
    for (let i = 0; i < 20; i++) step();
    const warm = wg.memory();
    for (let i = 0; i < 300; i++) step();
    const after = wg.memory();
    assert.equal(after.liveTensors, warm.liveTensors);
    assert.equal(after.liveBytes, warm.liveBytes);
    assert.equal(after.pages, warm.pages);
    model.dispose();
    opt.dispose();
  });

  it("frees each gradient's temporaries when it returns, with no scope around backward", () => {
    // Gradients that make intermediates: broadcasting (summed back), pow, div, maximum, where,
    // max and mean over dims, narrow, a broadcast matmul and eval batchNorm.
    const leaves = [wg.randn([3, 4], { seed: 1 }), wg.rand([4], { seed: 2 }), wg.randn([2, 4, 5], { seed: 3 }), wg.randn([3, 1], { seed: 4 })];
    for (const t of leaves) t.requiresGrad = true;
    const [a, b, w, c] = leaves;
    const stats = [wg.zeros([3]), wg.ones([3])];
    const before = wg.memory().liveTensors;
    const made = [];
    const r = (t) => (made.push(t), t);
    const p = r(wg.pow(r(wg.affine(b, 1, 1)), r(wg.add(a, 2))));
    const q = r(wg.div(p, r(wg.maximum(a, c))));
    const s = r(wg.where(r(wg.gt(a, 0)), q, c));
    const m = r(wg.matmul(r(wg.reshape(s, [1, 3, 4])), w));
    const n = r(wg.batchNorm(r(wg.reshape(m, [2, 3, 5])), stats[0], stats[1]));
    const loss = r(wg.add(r(wg.mean(r(wg.max(r(wg.narrow(n, 2, 1, 3)), 2)))), r(wg.mean(r(wg.sum(n, [0, 2]))))));
    loss.backward();
    assert.ok(leaves.every((t) => t.grad !== null));
    assert.equal(wg.memory().liveTensors, before + made.length + leaves.length, 'backward left tensors behind besides the 4 grads');
    for (const t of [...made, ...leaves, ...stats]) t.dispose();
  });

  it('throws a DisposedError naming the op on use after dispose', () => {
    const t = wg.ones([2, 3]);
    t.dispose();
    assert.throws(() => wg.add(t, t), (e) => e instanceof wg.DisposedError && /add/.test(e.message) && /\[2, 3\]/.test(e.message));
    assert.throws(() => t.toArray(), wg.DisposedError);
  });
});
