// The composed activations, pad and functional embedding against scalar JavaScript references
// (PyTorch's definitions), their layers, and the errors bad arguments get.
import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';

const F = wg.nn.functional;

function assertClose(actual, expected, tol, what) {
  const a = actual instanceof wg.Tensor ? [...actual.toArray()] : actual;
  assert.equal(a.length, expected.length, `${what}: lengths`);
  for (let i = 0; i < a.length; i++) {
    const bound = tol * Math.max(1, Math.abs(expected[i]));
    assert.ok(Math.abs(a[i] - expected[i]) <= bound, `${what}[${i}]: ${a[i]} vs ${expected[i]}`);
  }
}

const XS = [-40, -20, -8, -3, -2.5, -1, -1e-3, 0, 1e-3, 0.5, 1, 2.9, 3, 8, 19.5, 20.5, 40];
const softplusRef = (v, beta = 1, threshold = 20) => (beta * v > threshold ? v : Math.log1p(Math.exp(beta * v)) / beta);
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

describe('composed activations', () => {
  const x = () => wg.tensor(XS, [XS.length]);
  const cases = [
    ['silu', (t) => wg.silu(t), (v) => v / (1 + Math.exp(-v))],
    ['softplus', (t) => wg.softplus(t), (v) => softplusRef(v)],
    ['softplus beta 2 threshold 5', (t) => wg.softplus(t, 2, 5), (v) => softplusRef(v, 2, 5)],
    ['softplus beta -0.5', (t) => wg.softplus(t, -0.5), (v) => softplusRef(v, -0.5)],
    ['mish', (t) => wg.mish(t), (v) => v * Math.tanh(softplusRef(v))],
    ['hardswish', (t) => wg.hardswish(t), (v) => (v * Math.min(Math.max(v + 3, 0), 6)) / 6],
    ['selu', (t) => wg.selu(t), (v) => SELU_SCALE * (v > 0 ? v : SELU_ALPHA * Math.expm1(v))],
  ];
  for (const [name, fn, ref] of cases) {
    it(`${name} matches its definition, tails included (relative 2e-6)`, () => {
      wg.scope(() => assertClose(fn(x()), XS.map(ref), 2e-6, name));
    });
  }

  it('log1p keeps its accuracy where 1 + x rounds (down to 1e-12) and for larger x', () => {
    const vs = [1e-12, 3e-8, 1e-7, 1e-5, 1e-3, 0.2, 5, 1000, -1e-7, -0.3, -0.999];
    wg.scope(() => assertClose(wg.log1p(wg.tensor(vs)), vs.map((v) => Math.log1p(Math.fround(v))), 1e-6, 'log1p'));
  });

  it('softplus stays finite and exact at float32 extremes, with a finite gradient', () => {
    wg.scope(() => {
      const t = wg.tensor([-1e30, -88, 88, 1e30]).requiresGrad_();
      const y = wg.softplus(t);
      assertClose(y, [0, softplusRef(-88), 88, 1e30], 1e-6, 'softplus');
      wg.sum(y).backward();
      assertClose(t.grad, [0, 1 / (1 + Math.exp(88)), 1, 1], 1e-6, 'dsoftplus');
    });
  });

  it('without a graph, mish, softplus, prelu and pad leave only their outputs alive', () => {
    const x = wg.randn([3, 4], { seed: 5 });
    const w = wg.tensor([0.2]);
    for (const fn of [() => wg.mish(x), () => wg.softplus(x, 2), () => wg.prelu(x, w), () => wg.pad(x, [1, 2, 2, 1], { mode: 'reflect' })]) {
      const before = wg.memory().liveTensors;
      const y = fn();
      assert.equal(wg.memory().liveTensors, before + 1);
      y.dispose();
    }
    x.dispose();
    w.dispose();
  });

  it('prelu: one slope, or one per channel on dim 1; the gradient of a slope sums its negative inputs', () => {
    wg.scope(() => {
      const x = wg.tensor([-1, 2, -3, 4, -5, 6, -7, 8], [2, 2, 2]).requiresGrad_();
      const w = wg.tensor([0.1, 0.5]).requiresGrad_();
      const y = wg.prelu(x, w);
      // channel 0 holds -1, 2, -5, 6; channel 1 holds -3, 4, -7, 8
      assertClose(y, [-0.1, 2, -1.5, 4, -0.5, 6, -3.5, 8], 1e-7, 'per channel');
      wg.sum(y).backward();
      assertClose(w.grad, [-1 - 5, -3 - 7], 1e-7, 'dw');
      assertClose(x.grad, [0.1, 1, 0.5, 1, 0.1, 1, 0.5, 1], 1e-7, 'dx');
      assertClose(wg.prelu(x, wg.tensor([0.25])), [-0.25, 2, -0.75, 4, -1.25, 6, -1.75, 8], 1e-7, 'one slope');
    });
  });

  it('prelu refuses a weight that fits neither one slope nor the channels', () => {
    wg.scope(() => {
      assert.throws(() => wg.prelu(wg.zeros([2, 3, 4]), wg.zeros([4])),
        (e) => e instanceof wg.ShapeError && /prelu: weight \[4\].*3 channels.*\[2, 3, 4\]/.test(e.message));
      assert.throws(() => wg.softplus(wg.zeros([2]), 0), (e) => e instanceof wg.ArgumentError && /beta must be nonzero/.test(e.message));
      assert.throws(() => wg.silu(wg.zeros([2], 'int32')), (e) => e instanceof wg.DTypeError && /silu/.test(e.message));
    });
  });

  it('the layers: PReLU learns its slopes (parameter "weight", 0.25 by default), the others hold their options', () => {
    wg.scope(() => {
      const p = new wg.nn.PReLU(3);
      assert.deepEqual(Object.keys(p.stateDict()), ['weight']);
      assertClose(p.weight, [0.25, 0.25, 0.25], 0, 'init');
      const x = wg.tensor([-4, 1, -2, 3, -1, 5], [2, 3]);
      assertClose(p.forward(x), [-1, 1, -0.5, 3, -0.25, 5], 1e-7, 'PReLU');
      assertClose(new wg.nn.Softplus(2, 1).forward(x), [...x.toArray()].map((v) => softplusRef(v, 2, 1)), 2e-6, 'Softplus');
      for (const [Layer, fn] of [[wg.nn.SiLU, wg.silu], [wg.nn.Mish, wg.mish], [wg.nn.Hardswish, wg.hardswish], [wg.nn.SELU, wg.selu]]) {
        assert.deepEqual([...new Layer().forward(x).toArray()], [...fn(x).toArray()], Layer.name);
      }
      assert.throws(() => new wg.nn.PReLU(0), (e) => e instanceof wg.ArgumentError && /numParameters/.test(e.message));
      p.dispose();
    });
  });
});

/** torch.nn.functional.pad by definition: each output element read from its source position, or the fill. */
function padRef(values, shape, padding, mode, fill = 0) {
  const nd = shape.length;
  const before = shape.map(() => 0);
  const after = shape.map(() => 0);
  for (let k = 0; k < padding.length / 2; k++) [before[nd - 1 - k], after[nd - 1 - k]] = [padding[2 * k], padding[2 * k + 1]];
  const out = shape.map((n, d) => n + before[d] + after[d]);
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const total = out.reduce((a, b) => a * b, 1);
  const result = [];
  for (let o = 0; o < total; o++) {
    let rest = o;
    let at = 0;
    let inside = true;
    for (let d = nd - 1; d >= 0; d--) {
      let j = (rest % out[d]) - before[d];
      rest = Math.floor(rest / out[d]);
      const n = shape[d];
      if (mode === 'reflect') j = j < 0 ? -j : j >= n ? 2 * (n - 1) - j : j;
      if (mode === 'replicate') j = Math.min(Math.max(j, 0), n - 1);
      if (mode === 'circular') j = ((j % n) + n) % n;
      if (j < 0 || j >= n) inside = false;
      at += j * strides[d];
    }
    result.push(inside ? values[at] : fill);
  }
  return { values: result, shape: out };
}

describe('pad', () => {
  const cases = [
    [[2, 3, 4], [1, 2], 'constant'],
    [[2, 3, 4], [2, 0, 1, 1], 'constant', -7],
    [[2, 3, 4], [-1, 2, 1, -2], 'constant', 1.5],
    [[1, 2, 3, 4], [3, 2, 2, 1], 'reflect'],
    [[2, 3, 4, 2], [1, 1, 3, 0, 2, 2], 'reflect'],
    [[1, 2, 3, 4], [5, 1, 0, 3], 'replicate'],
    [[2, 2, 3, 2], [1, 2, 3, 1, 1, 1], 'replicate'],
    [[2, 3, 4], [4, 2, 3, 1], 'circular'],
    [[5], [4, 3], 'reflect'],
  ];
  for (const [shape, padding, mode, value] of cases) {
    it(`${mode} ${JSON.stringify(padding)} of ${JSON.stringify(shape)}${value === undefined ? '' : ` with ${value}`}`, () => {
      wg.scope(() => {
        const n = shape.reduce((a, b) => a * b, 1);
        const values = Array.from({ length: n }, (_, i) => i * 0.5 - 3);
        const opts = value === undefined ? { mode } : { mode, value };
        const y = wg.pad(wg.tensor(values, shape), padding, opts);
        const ref = padRef(values, shape, padding, mode, value ?? 0);
        assert.deepEqual(y.shape, ref.shape);
        assert.deepEqual([...y.toArray()], ref.values);
      });
    });
  }

  it("takes torch's positional (mode, value) as well as one options object", () => {
    wg.scope(() => {
      const x = wg.tensor([1, 2, 3], [1, 3]);
      assert.deepEqual([...wg.pad(x, [2, 1], 'reflect').toArray()], [3, 2, 1, 2, 3, 2]);
      assert.deepEqual([...wg.pad(x, [1, 1], 'constant', 5).toArray()], [5, 1, 2, 3, 5]);
      assert.deepEqual([...wg.pad(x, [1, 1], { value: 5 }).toArray()], [5, 1, 2, 3, 5]);
      assert.throws(() => wg.pad(x, [1, 1], 'constant', 5, 6), (e) => e instanceof wg.ArgumentError && /pad: too many arguments/.test(e.message));
      assert.throws(() => wg.pad(x, [1, 1], 'mirror'), (e) => e instanceof wg.ArgumentError && /pad: mode must be 'constant' or 'reflect' or 'replicate' or 'circular', got 'mirror'/.test(e.message));
    });
  });

  it('pads int32 tensors with constants, and a non-contiguous view', () => {
    wg.scope(() => {
      assert.deepEqual([...wg.pad(wg.tensor([1, 2], [2], 'int32'), [1, 1], { value: 9 }).toArray()], [9, 1, 2, 9]);
      const x = wg.transpose(wg.tensor([1, 2, 3, 4, 5, 6], [2, 3]), 0, 1);
      assert.deepEqual([...wg.pad(x, [1, 0], { mode: 'reflect' }).toArray()], [4, 1, 4, 5, 2, 5, 6, 3, 6]);
    });
  });

  it('refuses unknown options and modes, odd lists, too many dims, and amounts the mode cannot pad', () => {
    wg.scope(() => {
      const x = wg.zeros([2, 3]);
      const refuses = (fn, Kind, pattern) => assert.throws(fn, (e) => e instanceof Kind && pattern.test(e.message), String(pattern));
      refuses(() => wg.pad(x, [1, 1], { mdoe: 'reflect' }), wg.ArgumentError, /pad: unknown option 'mdoe'; did you mean 'mode'\? accepted: mode, value/);
      refuses(() => wg.pad(x, [1, 1], { mode: 'mirror' }), wg.ArgumentError, /pad: mode must be 'constant' or 'reflect' or 'replicate' or 'circular', got 'mirror'/);
      refuses(() => wg.pad(x, [1]), wg.ArgumentError, /even-length/);
      refuses(() => wg.pad(x, [1, 1, 1, 1, 1, 1]), wg.ArgumentError, /at most 2 per dim of x \[2, 3\]/);
      refuses(() => wg.pad(x, [3, 0], { mode: 'reflect' }), wg.ShapeError, /reflect padding of \[3, 0\] on dim 1 .*smaller than the dim/);
      refuses(() => wg.pad(x, [4, 0], { mode: 'circular' }), wg.ShapeError, /at most the dim/);
      refuses(() => wg.pad(x, [-1, 0], { mode: 'replicate' }), wg.ArgumentError, /only constant padding may be negative/);
      refuses(() => wg.pad(x, [0, 0, -2, -1]), wg.ShapeError, /crops more than the dim holds/);
      refuses(() => wg.pad(x, [1, 1], { mode: 'reflect', value: 2 }), wg.ArgumentError, /value applies to constant padding only/);
    });
  });

  it('the padding layers: one amount for every side or 2 per dim, as torch.nn', () => {
    wg.scope(() => {
      const x = wg.tensor(Array.from({ length: 24 }, (_, i) => i), [1, 2, 3, 4]);
      const same = (layer, padding, mode, value) => assert.deepEqual([...layer.forward(x).toArray()],
        [...wg.pad(x, padding, value === undefined ? { mode } : { mode, value }).toArray()], layer.constructor.name);
      same(new wg.nn.ZeroPad2d(1), [1, 1, 1, 1], 'constant');
      same(new wg.nn.ConstantPad2d([1, 0, 2, 1], 3.5), [1, 0, 2, 1], 'constant', 3.5);
      same(new wg.nn.ReflectionPad2d([2, 1, 0, 2]), [2, 1, 0, 2], 'reflect');
      same(new wg.nn.ReplicationPad2d(2), [2, 2, 2, 2], 'replicate');
      same(new wg.nn.CircularPad1d([1, 3]), [1, 3], 'circular');
      same(new wg.nn.ReflectionPad3d(1), [1, 1, 1, 1, 1, 1], 'reflect');
      assert.throws(() => new wg.nn.ZeroPad2d([1, 1, 1]), (e) => e instanceof wg.ArgumentError && /ZeroPad2d: padding .* list of 4/.test(e.message));
    });
  });
});

describe('functional embedding', () => {
  it('picks rows by id like nn.Embedding, with the same gradient', () => {
    wg.scope(() => {
      const table = new wg.nn.Embedding(5, 3, { seed: 7 });
      const ids = wg.tensor([4, 0, 4, 2], [2, 2], 'int32');
      const y = F.embedding(ids, table.weight);
      assert.deepEqual(y.shape, [2, 2, 3]);
      const rows = table.weight.toArray();
      assert.deepEqual([...y.toArray()], [4, 0, 4, 2].flatMap((i) => [...rows.slice(3 * i, 3 * i + 3)]));
      wg.sum(wg.mul(y, y)).backward();
      const viaLayer = wg.scope(() => {
        const w = wg.tensor(table.weight.toArray(), [5, 3]).requiresGrad_();
        wg.sum(wg.mul(wg.indexSelect(w, 0, ids), wg.indexSelect(w, 0, ids))).backward();
        return [...w.grad.toArray()];
      });
      assert.deepEqual([...table.weight.grad.toArray()], viaLayer);
      table.dispose();
    });
  });

  it("paddingIdx (torch's padding_idx): that id's row reads as usual but gets no gradient; the layer starts it at zeros", () => {
    wg.scope(() => {
      const w = wg.randn([4, 2], { seed: 8 }).requiresGrad_();
      const ids = wg.tensor([1, 3, 1, 0, 3], [5], 'int32');
      const y = F.embedding(ids, w, { paddingIdx: -1 });
      assert.deepEqual([...y.toArray()], [...F.embedding(ids, w).toArray()]);
      wg.sum(wg.mul(y, 2)).backward();
      assert.deepEqual([...w.grad.toArray()], [2, 2, 4, 4, 0, 0, 0, 0]);
      const layer = new wg.nn.Embedding(4, 3, { paddingIdx: 2, seed: 9 });
      const rows = [...layer.weight.toArray()];
      assert.deepEqual(rows.slice(6, 9), [0, 0, 0]);
      assert.ok(rows.slice(0, 6).every((v) => v !== 0));
      wg.sum(layer.forward(wg.tensor([2, 2, 1], [3], 'int32'))).backward();
      assert.deepEqual([...layer.weight.grad.toArray()], [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
      assert.throws(() => F.embedding(ids, w, { paddingIdx: 4 }), (e) => e instanceof wg.ArgumentError && /paddingIdx must be a whole number in \[-4, 4\)/.test(e.message));
      assert.throws(() => F.embedding(ids, w, { padding_idx: 0 }), (e) => e instanceof wg.ArgumentError && /embedding: unknown option 'padding_idx'; did you mean 'paddingIdx'\? accepted: paddingIdx/.test(e.message));
      assert.throws(() => new wg.nn.Embedding(4, 3, { paddingIndex: 0 }), (e) => e instanceof wg.ArgumentError && /Embedding: unknown option 'paddingIndex'/.test(e.message));
      layer.dispose();
    });
  });

  it('refuses float ids and a weight that is not 2-D', () => {
    wg.scope(() => {
      assert.throws(() => F.embedding(wg.tensor([1, 2]), wg.zeros([3, 2])), (e) => e instanceof wg.DTypeError && /embedding: ids .* float32; expected int32/.test(e.message));
      assert.throws(() => F.embedding(wg.tensor([1], [1], 'int32'), wg.zeros([3])), (e) => e instanceof wg.ShapeError && /embedding: weight must be 2-D/.test(e.message));
      assert.throws(() => F.embedding(wg.tensor([3], [1], 'int32'), wg.zeros([3, 2])), (e) => e instanceof wg.ShapeError && /index 3 .* out of range/.test(e.message));
    });
  });
});
