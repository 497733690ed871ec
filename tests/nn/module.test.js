import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';

class TwoLayer extends wg.nn.Module {
  constructor(seed = 1) {
    super();
    this.fc1 = this.addModule('fc1', new wg.nn.Linear(3, 4, { seed }));
    this.norm = this.addModule('norm', new wg.nn.BatchNorm1d(4));
    this.fc2 = this.addModule('fc2', new wg.nn.Linear(4, 2, { seed: seed + 10 }));
  }

  forward(x) {
    return this.fc2.forward(wg.relu(this.norm.forward(this.fc1.forward(x))));
  }
}

describe('nn.Module', () => {
  it('names parameters and buffers with dotted paths', () => {
    const m = new TwoLayer();
    assert.deepEqual([...m.namedParameters()].map(([n]) => n),
      ['fc1.weight', 'fc1.bias', 'norm.weight', 'norm.bias', 'fc2.weight', 'fc2.bias']);
    assert.deepEqual(Object.keys(m.stateDict()).slice(-2), ['norm.runningMean', 'norm.runningVar']);
    assert.equal(m.numParameters(), 3 * 4 + 4 + 4 + 4 + 4 * 2 + 2);
    assert.ok(m.parameters().every((p) => p.requiresGrad));
    m.eval();
    assert.equal(m.norm.training, false);
    m.train();
    assert.equal(m.fc2.training, true);
    m.dispose();
  });

  /** Two models in eval mode that disagree on x until one is loaded with the other's state. */
  function disagreeing() {
    const a = new TwoLayer(1).eval();
    const b = new TwoLayer(2).eval();
    const x = wg.randn([5, 3], { seed: 9 });
    assert.notDeepEqual(b.forward(x).toArray(), a.forward(x).toArray());
    return { a, b, x };
  }

  it('round-trips a stateDict, and refuses wrong keys and shapes', () => {
    const { a, b, x } = disagreeing();
    b.loadStateDict(a.stateDict());
    assert.deepEqual(b.forward(x).toArray(), a.forward(x).toArray());
    const state = a.stateDict();
    assert.throws(() => b.loadStateDict({ ...state, extra: wg.zeros([1]) }), /unexpected: extra/);
    const { ['fc1.bias']: _drop, ...missing } = state;
    assert.throws(() => b.loadStateDict(missing), /missing: fc1.bias/);
    assert.throws(() => b.loadStateDict({ ...state, 'fc1.bias': wg.zeros([5]) }), (e) => e instanceof wg.ShapeError && /fc1.bias/.test(e.message));
    b.loadStateDict(missing, { strict: false });
    a.dispose();
    b.dispose();
  });

  it('survives a safetensors round trip', () => {
    const a = new TwoLayer(1);
    const bytes = wg.saveSafetensors(a.stateDict());
    const b = new TwoLayer(2);
    b.loadStateDict(wg.loadSafetensors(bytes).tensors);
    for (const [k, t] of Object.entries(a.stateDict())) assert.deepEqual(b.stateDict()[k].toArray(), t.toArray(), k);
    a.dispose();
    b.dispose();
  });

  it('loads what loadSafetensors returns, without .tensors, and refuses values that are not tensors', () => {
    const { a, b, x } = disagreeing();
    wg.scope(() => b.loadStateDict(wg.loadSafetensors(wg.saveSafetensors(a.stateDict(), { note: 'kept' }))));
    assert.deepEqual(b.forward(x).toArray(), a.forward(x).toArray());
    assert.throws(() => b.loadStateDict({ ...a.stateDict(), 'fc1.bias': [0, 0, 0, 0] }),
      (e) => e instanceof wg.ArgumentError && /loadStateDict: fc1.bias is 0,0,0,0, not a Tensor/.test(e.message));
    assert.throws(() => b.loadStateDict(null), (e) => e instanceof wg.ArgumentError && /expected a state dict/.test(e.message));
    a.dispose();
    b.dispose();
  });
});

describe('training', () => {
  it('an MLP overfits 64 random points to zero training error', () => {
    wg.manualSeed(5);
    const x = wg.randn([64, 10], { seed: 1 });
    const labels = Int32Array.from(wg.rand([64], { seed: 2, low: 0, high: 4 }).toArray(), Math.floor);
    const y = wg.tensor(labels, [64]);
    const model = new wg.nn.Sequential(
      new wg.nn.Linear(10, 64, { seed: 3 }), new wg.nn.ReLU(),
      new wg.nn.Linear(64, 64, { seed: 4 }), new wg.nn.ReLU(),
      new wg.nn.Linear(64, 4, { seed: 5 }),
    );
    const opt = new wg.optim.Adam(model.parameters(), { lr: 1e-2 });
    let loss = Infinity;
    for (let step = 0; step < 300 && loss > 1e-3; step++) {
      loss = wg.scope(() => {
        opt.zeroGrad();
        const l = wg.crossEntropy(model.forward(x), y);
        l.backward();
        opt.step();
        return l.item();
      });
    }
    const predicted = wg.noGrad(() => wg.argmax(model.forward(x), 1)).toArray();
    const errors = predicted.filter((p, i) => p !== labels[i]).length;
    console.log(`      final loss ${loss.toExponential(2)}, training errors ${errors}/64`);
    assert.equal(errors, 0);
    model.dispose();
    opt.dispose();
  });

  it('schedulers set the learning rate as PyTorch does', () => {
    const p = wg.zeros([1]);
    const opt = new wg.optim.SGD([p], { lr: 1 });
    const step = new wg.optim.StepLR(opt, { stepSize: 2, gamma: 0.5 });
    const lrs = [];
    for (let i = 0; i < 5; i++) {
      step.step();
      lrs.push(opt.lr);
    }
    assert.deepEqual(lrs, [1, 0.5, 0.5, 0.25, 0.25]);
    const opt2 = new wg.optim.SGD([p], { lr: 2 });
    const cosine = new wg.optim.CosineAnnealingLR(opt2, { tMax: 4 });
    const warm = new wg.optim.LinearWarmupLR(opt2, { warmupSteps: 2, then: cosine });
    const seen = [opt2.lr];
    for (let i = 0; i < 6; i++) {
      warm.step();
      seen.push(opt2.lr);
    }
    const want = [0, 1, 2, 1 + Math.cos(Math.PI / 4), 1, 1 + Math.cos((3 * Math.PI) / 4), 0];
    seen.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-12, `${i}: ${v} vs ${want[i]}`));
  });

  it('clipGradNorm scales gradients to the max norm and returns the old norm', () => {
    const a = wg.tensor([3, 0], [2]).requiresGrad_();
    const b = wg.tensor([0, 4], [2]).requiresGrad_();
    a.grad = wg.tensor([3, 0], [2]);
    b.grad = wg.tensor([0, 4], [2]);
    const norm = wg.optim.clipGradNorm([a, b], 1);
    assert.ok(Math.abs(norm - 5) < 1e-6);
    const g = [...a.grad.toArray(), ...b.grad.toArray()];
    assert.ok(Math.abs(Math.hypot(...g) - 1) < 1e-5);
  });
});
