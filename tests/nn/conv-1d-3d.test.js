// conv1d, maxPool1d, avgPool1d and conv3d against direct scalar loops (torch's definitions), the
// Conv1d/Conv3d/MaxPool1d/AvgPool1d layers, and the errors bad arguments get.
import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';

function assertClose(actual, expected, tol, what) {
  const a = [...actual.toArray()];
  assert.equal(a.length, expected.length, `${what}: lengths`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - expected[i]));
  assert.ok(worst <= tol, `${what}: max |difference| ${worst} > ${tol}`);
}

const values = (t) => [...t.toArray()];

/**
 * Direct N-d convolution: x (N, C, ...S), w (OC, C/g, ...K), output (N, OC, ...O); per spatial
 * axis stride s, dilation d and padding [before, after].
 */
function convRef(x, xShape, w, wShape, bias, { stride, dilation, before, after, groups }) {
  const [N, C, ...S] = xShape;
  const [OC, Cg, ...K] = wShape;
  const O = S.map((n, a) => Math.floor((n + before[a] + after[a] - dilation[a] * (K[a] - 1) - 1) / stride[a]) + 1);
  const count = (dims) => dims.reduce((p, q) => p * q, 1);
  const unravel = (i, dims) => dims.map((_, a) => Math.floor(i / count(dims.slice(a + 1))) % dims[a]);
  const out = [];
  for (let n = 0; n < N; n++) {
    for (let oc = 0; oc < OC; oc++) {
      const g = Math.floor(oc / (OC / groups));
      for (let o = 0; o < count(O); o++) {
        const op = unravel(o, O);
        let acc = bias ? bias[oc] : 0;
        for (let c = 0; c < Cg; c++) {
          for (let k = 0; k < count(K); k++) {
            const kp = unravel(k, K);
            const ip = op.map((v, a) => v * stride[a] - before[a] + kp[a] * dilation[a]);
            if (ip.some((v, a) => v < 0 || v >= S[a])) continue;
            const xi = ((n * C + g * Cg + c) * count(S)) + ip.reduce((p, v, a) => p + v * count(S.slice(a + 1)), 0);
            const wi = ((oc * Cg + c) * count(K)) + k;
            acc += x[xi] * w[wi];
          }
        }
        out.push(acc);
      }
    }
  }
  return { out, shape: [N, OC, ...O] };
}

/** One case per [name, opts, x shape, weight shape, with bias, geometry for convRef]: conv(x, w, b, opts) against convRef. */
function checkAgainstDirectSum(conv, cases) {
  for (const [name, opts, xShape, wShape, withBias, ref] of cases) {
    it(`matches the direct sum: ${name}`, () => {
      wg.scope(() => {
        const x = wg.randn(xShape, { seed: 1 });
        const w = wg.randn(wShape, { seed: 2 });
        const b = withBias ? wg.randn([wShape[0]], { seed: 3 }) : null;
        const y = conv(x, w, b, opts);
        const expected = convRef(values(x), xShape, values(w), wShape, b && values(b), ref);
        assert.deepEqual(y.shape, expected.shape);
        assertClose(y, expected.out, 1e-5, name);
      });
    });
  }
}

function poolRef(x, [N, C, L], k, { stride = k, padding = 0, dilation = 1, ceilMode = false, countIncludePad = true }, kind) {
  const span = dilation * (k - 1) + 1;
  let OL = (ceilMode ? Math.ceil : Math.floor)((L + 2 * padding - span) / stride) + 1;
  if (ceilMode && (OL - 1) * stride >= L + padding) OL--;
  const out = [];
  for (let p = 0; p < N * C; p++) {
    for (let o = 0; o < OL; o++) {
      let best = -Infinity, sum = 0, inside = 0, padded = 0;
      for (let j = 0; j < k; j++) {
        const i = o * stride - padding + j * dilation;
        if (i < L + padding) padded++;
        if (i < 0 || i >= L) continue;
        inside++;
        best = Math.max(best, x[p * L + i]);
        sum += x[p * L + i];
      }
      out.push(kind === 'max' ? best : sum / (countIncludePad ? padded : inside));
    }
  }
  return out;
}

describe('conv1d', () => {
  const cases = [
    ['bias', { }, [2, 3, 9], [4, 3, 3], true, { stride: [1], dilation: [1], before: [0], after: [0], groups: 1 }],
    ['stride 2, padding 2, dilation 2', { stride: 2, padding: 2, dilation: 2 }, [2, 2, 11], [3, 2, 3], true,
      { stride: [2], dilation: [2], before: [2], after: [2], groups: 1 }],
    ['groups 2, padding [0, 3]', { groups: 2, padding: [0, 3] }, [1, 4, 6], [6, 2, 2], false,
      { stride: [1], dilation: [1], before: [0], after: [3], groups: 2 }],
    ["padding 'same', even kernel", { padding: 'same' }, [2, 2, 7], [2, 2, 4], false,
      { stride: [1], dilation: [1], before: [1], after: [2], groups: 1 }],
  ];
  checkAgainstDirectSum(wg.conv1d, cases);

  it('the Conv1d layer: torch parameter shapes, seeded, the same as conv1d with its weights', () => {
    wg.scope(() => {
      const layer = new wg.nn.Conv1d(4, 6, 3, { stride: 2, padding: 1, groups: 2, seed: 5 });
      assert.deepEqual(layer.weight.shape, [6, 2, 3]);
      assert.deepEqual(layer.bias.shape, [6]);
      const x = wg.randn([2, 4, 10], { seed: 6 });
      assert.deepEqual(values(layer.forward(x)), values(wg.conv1d(x, layer.weight, layer.bias, { stride: 2, padding: 1, groups: 2 })));
      assert.deepEqual(values(new wg.nn.Conv1d(4, 6, 3, { seed: 5 }).weight), values(new wg.nn.Conv1d(4, 6, 3, { seed: 5 }).weight));
      layer.dispose();
    });
  });

  it('refuses non-3-D operands, unknown options and says which 1-D call a 2-D error comes from', () => {
    wg.scope(() => {
      const refuses = (fn, Kind, pattern) => assert.throws(fn, (e) => e instanceof Kind && pattern.test(e.message), String(pattern));
      refuses(() => wg.conv1d(wg.zeros([2, 3, 1, 5]), wg.zeros([2, 3, 1])), wg.ShapeError, /conv1d: x must be 3-D \(N, C, L\), got shape \[2, 3, 1, 5\]/);
      refuses(() => wg.conv1d(wg.zeros([2, 3, 5]), wg.zeros([2, 3])), wg.ShapeError, /conv1d: weight must be 3-D/);
      refuses(() => wg.conv1d(wg.zeros([2, 3, 5]), wg.zeros([2, 2, 3])), wg.ShapeError, /^conv1d \(run as its 2-D form on \(N, C, 1, L\)\): conv2d: weight/);
      refuses(() => wg.conv1d(wg.zeros([2, 3, 5]), wg.zeros([2, 3, 3]), null, { strides: 2 }), wg.ArgumentError, /conv1d: unknown option 'strides'/);
      refuses(() => wg.conv1d(wg.zeros([2, 3, 5]), wg.zeros([2, 3, 3]), null, { stride: [1, 2] }), wg.ArgumentError, /conv1d: stride must be a number or a list of one number, got \[1,2\]/);
      refuses(() => wg.maxPool1d(wg.zeros([2, 3, 5]), 2, { ceil: true }), wg.ArgumentError, /maxPool1d: unknown option 'ceil'/);
      refuses(() => wg.avgPool1d(wg.zeros([3, 5]), 2), wg.ShapeError, /avgPool1d: x must be 3-D/);
      refuses(() => new wg.nn.Conv1d(2, 2, 3, { padd: 1 }), wg.ArgumentError, /Conv1d: unknown option 'padd'/);
      refuses(() => new wg.nn.Conv3d(2, 2, 3, { dilations: 1 }), wg.ArgumentError, /Conv3d: unknown option 'dilations'/);
      refuses(() => new wg.nn.Conv3d(2, 2, [3, 3]), wg.ArgumentError, /Conv3d: kernelSize must be a number or a triple/);
    });
  });
});

describe('maxPool1d and avgPool1d', () => {
  const cases = [
    [3, {}],
    [3, { stride: 2, padding: 1 }],
    [2, { stride: 2, dilation: 2, ceilMode: true }],
    [3, { stride: 2, padding: 1, countIncludePad: false, ceilMode: true }],
  ];
  for (const [k, opts] of cases) {
    it(`match the direct windows: kernel ${k} ${JSON.stringify(opts)}`, () => {
      wg.scope(() => {
        const shape = [2, 3, 9];
        const x = wg.randn(shape, { seed: 11 });
        const { countIncludePad, ...maxOpts } = opts;
        assertClose(wg.maxPool1d(x, k, maxOpts), poolRef(values(x), shape, k, opts, 'max'), 0, 'max');
        assertClose(wg.avgPool1d(x, [k], opts), poolRef(values(x), shape, k, opts, 'avg'), 1e-6, 'avg');
      });
    });
  }

  it('maxPool1d returnIndices gives positions along L; the layers pool as the functions do', () => {
    wg.scope(() => {
      const x = wg.tensor([3, 1, 4, 1, 5, 9, 2, 6], [1, 1, 8]);
      const [y, indices] = wg.maxPool1d(x, 3, { stride: 2, padding: 1, returnIndices: true });
      // windows over positions -1..1, 1..3, 3..5, 5..7
      assert.deepEqual(values(y), [3, 4, 9, 9]);
      assert.deepEqual(values(indices), [0, 2, 5, 5]);
      assert.deepEqual(values(new wg.nn.MaxPool1d(2).forward(x)), [3, 4, 9, 6]);
      assert.deepEqual(values(new wg.nn.AvgPool1d(4, { stride: 4 }).forward(x)), [9 / 4, 22 / 4]);
    });
  });
});

describe('conv3d', () => {
  const cases = [
    ['bias', {}, [2, 2, 4, 5, 4], [3, 2, 2, 3, 2], true, { stride: [1, 1, 1], dilation: [1, 1, 1], before: [0, 0, 0], after: [0, 0, 0], groups: 1 }],
    ['stride [2, 1, 2], padding 1, dilation [2, 1, 1], groups 2', { stride: [2, 1, 2], padding: 1, dilation: [2, 1, 1], groups: 2 },
      [1, 4, 6, 4, 5], [4, 2, 2, 3, 3], true, { stride: [2, 1, 2], dilation: [2, 1, 1], before: [1, 1, 1], after: [1, 1, 1], groups: 2 }],
    ['asymmetric padding, depthwise', { padding: [2, 0, 1, 0, 1, 2], groups: 3 }, [2, 3, 3, 3, 3], [3, 1, 2, 2, 2], false,
      { stride: [1, 1, 1], dilation: [1, 1, 1], before: [2, 0, 1], after: [0, 1, 2], groups: 3 }],
    ["padding 'same'", { padding: 'same' }, [1, 2, 4, 3, 4], [2, 2, 3, 2, 3], false,
      { stride: [1, 1, 1], dilation: [1, 1, 1], before: [1, 0, 1], after: [1, 1, 1], groups: 1 }],
    ["padding 'valid', stride 3 in depth", { padding: 'valid', stride: [3, 1, 1] }, [1, 1, 8, 3, 3], [2, 1, 2, 2, 2], true,
      { stride: [3, 1, 1], dilation: [1, 1, 1], before: [0, 0, 0], after: [0, 0, 0], groups: 1 }],
  ];
  checkAgainstDirectSum(wg.conv3d, cases);

  it("its input gradient is convTranspose3d of dy with the same weight (torch's pairing)", () => {
    wg.scope(() => {
      const x = wg.randn([1, 2, 5, 4, 5], { seed: 31 }).requiresGrad_();
      const w = wg.randn([3, 2, 3, 2, 3], { seed: 32 });
      const opts = { stride: 2, padding: 1 };
      const y = wg.conv3d(x, w, null, opts);
      const dy = wg.randn(y.shape, { seed: 33 });
      wg.sum(wg.mul(y, dy)).backward();
      const viaTranspose = wg.convTranspose3d(dy, w, null, opts);
      assert.deepEqual(viaTranspose.shape, x.shape);
      assertClose(x.grad, values(viaTranspose), 1e-5, 'dx');
    });
  });

  it('without a graph, leaves only its output alive', () => {
    const x = wg.randn([1, 2, 4, 4, 4], { seed: 41 });
    const w = wg.randn([2, 2, 2, 2, 2], { seed: 42 });
    const before = wg.memory().liveTensors;
    const y = wg.conv3d(x, w, null, { stride: 2, padding: 1 });
    assert.equal(wg.memory().liveTensors, before + 1);
    [x, w, y].forEach((t) => t.dispose());
  });

  it('the Conv3d layer: torch parameter shapes, the same as conv3d with its weights', () => {
    wg.scope(() => {
      const layer = new wg.nn.Conv3d(2, 4, [2, 3, 3], { padding: 1, seed: 9 });
      assert.deepEqual(layer.weight.shape, [4, 2, 2, 3, 3]);
      const x = wg.randn([1, 2, 3, 4, 4], { seed: 10 });
      assert.deepEqual(values(layer.forward(x)), values(wg.conv3d(x, layer.weight, layer.bias, { padding: 1 })));
      layer.dispose();
    });
  });

  it('refuses bad shapes, groups and options, naming them', () => {
    wg.scope(() => {
      const refuses = (fn, Kind, pattern) => assert.throws(fn, (e) => e instanceof Kind && pattern.test(e.message), String(pattern));
      const x = wg.zeros([1, 4, 3, 3, 3]);
      refuses(() => wg.conv3d(wg.zeros([4, 3, 3, 3]), wg.zeros([2, 4, 1, 1, 1])), wg.ShapeError, /conv3d: x must be 5-D \(N, C, D, H, W\)/);
      refuses(() => wg.conv3d(x, wg.zeros([2, 3, 1, 1, 1])), wg.ShapeError, /conv3d: weight \[2, 3, 1, 1, 1\] must have in_channels\/groups = 4/);
      refuses(() => wg.conv3d(x, wg.zeros([3, 2, 1, 1, 1]), null, { groups: 2 }), wg.ArgumentError, /groups .* 3 output channels/);
      refuses(() => wg.conv3d(x, wg.zeros([2, 4, 4, 1, 1])), wg.ShapeError, /output size would be 0x3x3/);
      refuses(() => wg.conv3d(x, wg.zeros([2, 4, 1, 1, 1]), wg.zeros([3])), wg.ShapeError, /bias \[3\] must be \[2\]/);
      refuses(() => wg.conv3d(x, wg.zeros([2, 4, 1, 1, 1]), null, { stride: 2, padding: 'same' }), wg.ArgumentError, /'same' needs stride 1/);
      refuses(() => wg.conv3d(x, wg.zeros([2, 4, 1, 1, 1]), null, { pad: 1 }), wg.ArgumentError, /conv3d: unknown option 'pad'/);
      refuses(() => wg.conv3d(x, wg.zeros([2, 4, 1, 1, 1], 'int32')), wg.DTypeError, /conv3d: weight/);
    });
  });
});

describe('the new composites: the same bits for 1, 2 and 3 threads', () => {
  after(() => wg.setNumThreads(2));

  it('conv3d, conv1d, pad and mish, forward and gradients', async () => {
    const seen = [];
    for (const n of [1, 2, 3]) {
      await wg.setNumThreads(n);
      seen.push(wg.scope(() => {
        const x = wg.randn([2, 3, 6, 7, 8], { seed: 51 }).requiresGrad_();
        const w = wg.randn([4, 3, 3, 2, 3], { seed: 52 }).requiresGrad_();
        const s = wg.randn([2, 3, 40], { seed: 53 }).requiresGrad_();
        const k = wg.randn([5, 3, 4], { seed: 54 }).requiresGrad_();
        const y = wg.conv3d(wg.pad(x, [1, 2, 0, 1, 2, 0], { mode: 'reflect' }), w, null, { stride: [2, 1, 1], padding: 1 });
        const z = wg.mish(wg.conv1d(s, k, null, { padding: 'same', dilation: 2 }));
        wg.add(wg.sum(wg.mul(y, y)), wg.sum(z)).backward();
        return [y, z, x.grad, w.grad, s.grad, k.grad].map((t) => Buffer.from(t.toArray().buffer).toString('base64')).join('|');
      }));
    }
    assert.equal(seen[1], seen[0], '2 threads differ from 1');
    assert.equal(seen[2], seen[0], '3 threads differ from 1');
  });
});
