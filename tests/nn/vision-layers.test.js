// The vision layers: PyTorch's output shapes, initialisation bounds, BatchNorm2d's modes and state.
import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';

const { nn } = wg;

function shapeOf(layer, inputShape) {
  return wg.scope(() => [...layer.forward(wg.randn(inputShape, { seed: 5 })).shape]);
}

function close(a, b, tol, what) {
  assert.equal(a.length, b.length, `${what}: lengths`);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

describe('vision layers: output shapes as PyTorch', () => {
  // Each expected shape is torch's formula worked by hand: floor((in + 2p - d(k-1) - 1) / s) + 1.
  const cases = [
    ['Conv2d 3->8 k3', () => new nn.Conv2d(3, 8, 3, { seed: 1 }), [2, 3, 10, 9], [2, 8, 8, 7]],
    ['Conv2d k3 stride 2 padding 1', () => new nn.Conv2d(3, 4, 3, { stride: 2, padding: 1, seed: 1 }), [1, 3, 9, 8], [1, 4, 5, 4]],
    ['Conv2d k [3, 5] dilation 2', () => new nn.Conv2d(2, 2, [3, 5], { dilation: 2, seed: 1 }), [1, 2, 12, 12], [1, 2, 8, 4]],
    ['Conv2d depthwise padding same', () => new nn.Conv2d(4, 4, 3, { groups: 4, padding: 'same', seed: 1 }), [1, 4, 7, 6], [1, 4, 7, 6]],
    ['ConvTranspose2d k3 stride 2 padding 1 outputPadding 1',
      () => new nn.ConvTranspose2d(4, 2, 3, { stride: 2, padding: 1, outputPadding: 1, seed: 1 }), [1, 4, 5, 6], [1, 2, 10, 12]],
    ['MaxPool2d 2', () => new nn.MaxPool2d(2), [2, 3, 7, 8], [2, 3, 3, 4]],
    ['MaxPool2d 2 ceil mode', () => new nn.MaxPool2d(2, { ceilMode: true }), [2, 3, 7, 8], [2, 3, 4, 4]],
    ['MaxPool2d 3 stride 2 padding 1', () => new nn.MaxPool2d(3, { stride: 2, padding: 1 }), [1, 1, 8, 8], [1, 1, 4, 4]],
    ['AvgPool2d 3 stride 1', () => new nn.AvgPool2d(3, { stride: 1 }), [1, 2, 5, 6], [1, 2, 3, 4]],
    ['MaxPool3d 2', () => new nn.MaxPool3d(2), [2, 3, 5, 7, 8], [2, 3, 2, 3, 4]],
    ['MaxPool3d [1, 3, 3] stride [1, 2, 2] padding [0, 1, 1]', () => new nn.MaxPool3d([1, 3, 3], { stride: [1, 2, 2], padding: [0, 1, 1] }), [1, 2, 4, 8, 8], [1, 2, 4, 4, 4]],
    ['AvgPool3d 3 stride 2 ceil mode', () => new nn.AvgPool3d(3, { stride: 2, ceilMode: true }), [1, 1, 6, 7, 8], [1, 1, 3, 3, 4]],
    ['AvgPool2d 2 dilation 2 (extension)', () => new nn.AvgPool2d(2, { stride: 1, dilation: 2 }), [1, 1, 4, 5], [1, 1, 2, 3]],
    ['AdaptiveAvgPool2d 1', () => new nn.AdaptiveAvgPool2d(1), [3, 5, 7, 6], [3, 5, 1, 1]],
    ['Flatten', () => new nn.Flatten(), [3, 5, 2, 2], [3, 20]],
    ['Flatten(2)', () => new nn.Flatten(2), [3, 5, 2, 2], [3, 5, 4]],
    ['Upsample x2', () => new nn.Upsample({ scaleFactor: 2 }), [1, 2, 3, 4], [1, 2, 6, 8]],
    ['BatchNorm2d', () => new nn.BatchNorm2d(3), [2, 3, 4, 4], [2, 3, 4, 4]],
  ];
  for (const [name, make, input, expected] of cases) {
    it(name, () => {
      const layer = make();
      assert.deepEqual(shapeOf(layer, input), expected);
      layer.dispose();
    });
  }
});

describe('vision layers: parameters and initialisation', () => {
  it('Conv2d and ConvTranspose2d weights have torch shapes, within ±1/sqrt(fan_in), seeded', () => {
    const conv = new nn.Conv2d(6, 4, [3, 2], { groups: 2, seed: 7 });
    assert.deepEqual(conv.weight.shape, [4, 3, 3, 2]);
    assert.deepEqual(conv.bias.shape, [4]);
    const bound = 1 / Math.sqrt(3 * 3 * 2);
    for (const t of [conv.weight, conv.bias]) {
      const v = t.toArray();
      assert.ok(v.every((x) => Math.abs(x) <= bound), 'within the bound');
      assert.ok(Math.max(...v.map(Math.abs)) > bound / 2, 'spread over the bound');
    }
    const again = new nn.Conv2d(6, 4, [3, 2], { groups: 2, seed: 7 });
    assert.deepEqual(again.weight.toArray(), conv.weight.toArray());
    const up = new nn.ConvTranspose2d(4, 6, 3, { groups: 2, bias: false, seed: 7 });
    assert.deepEqual(up.weight.shape, [4, 3, 3, 3]);
    assert.equal(up.bias, null);
    assert.ok(up.weight.toArray().every((x) => Math.abs(x) <= 1 / Math.sqrt(3 * 9)));
    assert.deepEqual([...up.namedParameters()].map(([n]) => n), ['weight']);
    for (const m of [conv, again, up]) m.dispose();
  });

  it('refuses channel counts the groups do not divide, and unknown upsampling modes', () => {
    assert.throws(() => new nn.Conv2d(3, 4, 3, { groups: 2 }), (e) => e instanceof wg.ArgumentError && /groups = 2/.test(e.message));
    assert.throws(() => new nn.Conv2d(0, 4, 3), wg.ArgumentError);
    assert.throws(() => new nn.Upsample({ scaleFactor: 2, mode: 'bilinear' }), /nearest/);
    const bn = new nn.BatchNorm2d(3);
    assert.throws(() => bn.forward(wg.zeros([2, 3, 4])), (e) => e instanceof wg.ShapeError && /\(N, 3, H, W\)/.test(e.message));
    bn.dispose();
  });
});

describe('BatchNorm2d', () => {
  it('normalises with batch statistics in training and updates its running ones', () => {
    const bn = new nn.BatchNorm2d(2, 1e-5, 0.1);
    const x = wg.randn([4, 2, 3, 3], { seed: 11, mean: 3, std: 2 });
    const y = bn.forward(x);
    const perChannel = (t, c) => {
      const v = t.toArray();
      const out = [];
      for (let n = 0; n < 4; n++) out.push(...v.slice((n * 2 + c) * 9, (n * 2 + c + 1) * 9));
      return out;
    };
    for (let c = 0; c < 2; c++) {
      const ys = perChannel(y, c);
      const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
      const variance = ys.reduce((a, b) => a + (b - mean) ** 2, 0) / ys.length;
      assert.ok(Math.abs(mean) < 1e-5 && Math.abs(variance - 1) < 1e-3, `channel ${c}: mean ${mean}, var ${variance}`);
      const xs = perChannel(x, c);
      const xm = xs.reduce((a, b) => a + b, 0) / xs.length;
      const xv = xs.reduce((a, b) => a + (b - xm) ** 2, 0) / (xs.length - 1);
      assert.ok(Math.abs(bn.runningMean.toArray()[c] - 0.1 * xm) < 1e-4);
      assert.ok(Math.abs(bn.runningVar.toArray()[c] - (0.9 + 0.1 * xv)) < 1e-3);
    }
    bn.dispose();
  });

  it('uses the running statistics in eval and leaves them alone', () => {
    const bn = new nn.BatchNorm2d(2);
    bn.loadStateDict({
      weight: wg.tensor([2, 0.5]), bias: wg.tensor([1, -1]), runningMean: wg.tensor([1, -2]), runningVar: wg.tensor([4, 0.25]),
    });
    bn.eval();
    const x = wg.tensor([3, 5, -2, 0, 1, 1, -1.5, -2.5], [2, 2, 1, 2]);
    const y = bn.forward(x);
    // (x - m) / sqrt(v + eps) * w + b per channel, computed by hand with eps 1e-5
    const s0 = 2 / Math.sqrt(4 + 1e-5);
    const s1 = 0.5 / Math.sqrt(0.25 + 1e-5);
    close(y.toArray(), [1 + 2 * s0, 1 + 4 * s0, -1, -1 + 2 * s1, 1, 1, -1 + 0.5 * s1, -1 - 0.5 * s1], 1e-5, 'eval output');
    close(bn.runningMean.toArray(), [1, -2], 0, 'running mean');
    bn.dispose();
  });

  it('gives gradients to weight and bias in eval too', () => {
    const bn = new nn.BatchNorm2d(2).eval();
    const x = wg.randn([3, 2, 2, 2], { seed: 4 });
    wg.sum(bn.forward(x)).backward();
    close(bn.bias.grad.toArray(), [12, 12], 1e-5, 'dbias');
    const xs = x.toArray();
    const expected = [0, 1].map((c) => {
      let s = 0;
      for (let n = 0; n < 3; n++) for (let i = 0; i < 4; i++) s += xs[(n * 2 + c) * 4 + i];
      return s / Math.sqrt(1 + 1e-5);
    });
    close(bn.weight.grad.toArray(), expected, 1e-4, 'dweight');
    bn.dispose();
  });

  it('puts its running statistics in the stateDict, and they round-trip', () => {
    const a = new nn.Sequential(new nn.Conv2d(1, 2, 3, { seed: 1 }), new nn.BatchNorm2d(2), new nn.ReLU());
    assert.deepEqual(Object.keys(a.stateDict()),
      ['0.weight', '0.bias', '1.weight', '1.bias', '1.runningMean', '1.runningVar']);
    assert.deepEqual([...a.namedBuffers()].map(([n]) => n), ['1.runningMean', '1.runningVar']);
    wg.scope(() => a.forward(wg.randn([4, 1, 5, 5], { seed: 2 })));
    const b = new nn.Sequential(new nn.Conv2d(1, 2, 3, { seed: 9 }), new nn.BatchNorm2d(2), new nn.ReLU());
    b.loadStateDict(a.stateDict());
    assert.deepEqual(b.stateDict()['1.runningVar'].toArray(), a.stateDict()['1.runningVar'].toArray());
    assert.notDeepEqual([...a.stateDict()['1.runningVar'].toArray()], [1, 1]);
    a.eval();
    b.eval();
    const x = wg.randn([2, 1, 5, 5], { seed: 3 });
    assert.deepEqual(b.forward(x).toArray(), a.forward(x).toArray());
    a.dispose();
    b.dispose();
  });
});
