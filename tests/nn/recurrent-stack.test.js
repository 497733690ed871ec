// nn.RNN against a scalar JavaScript RNN, and the bidirectional, multi-layer stacks of RNN, LSTM
// and GRU against their definition: the reverse direction is the same layer run over the sequence
// reversed in time with the *_reverse parameters, and layer 2 reads both directions' outputs.
import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';

function assertClose(actual, expected, tol, what) {
  const a = actual instanceof wg.Tensor ? [...actual.toArray()] : actual;
  const e = expected instanceof wg.Tensor ? [...expected.toArray()] : expected;
  assert.equal(a.length, e.length, `${what}: lengths`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - e[i]));
  assert.ok(worst <= tol, `${what}: max |difference| ${worst} > ${tol}`);
}

/** A multi-layer Elman RNN in plain numbers: x[t][b][i], weights from the state dict; returns output[t][b][h] and hn[l][b][h]. */
function scalarRnn(x, sd, { numLayers, H, act, h0 }) {
  let seq = x;
  const hn = [];
  for (let l = 0; l < numLayers; l++) {
    const wIh = sd[`weight_ih_l${l}`].toArray(), wHh = sd[`weight_hh_l${l}`].toArray();
    const bIh = sd[`bias_ih_l${l}`].toArray(), bHh = sd[`bias_hh_l${l}`].toArray();
    const I = seq[0][0].length;
    let h = h0 ? h0[l] : seq[0].map(() => Array(H).fill(0));
    const out = [];
    for (const xt of seq) {
      h = xt.map((xb, b) => Array.from({ length: H }, (_, j) => {
        let s = bIh[j] + bHh[j];
        for (let i = 0; i < I; i++) s += wIh[j * I + i] * xb[i];
        for (let k = 0; k < H; k++) s += wHh[j * H + k] * h[b][k];
        return act === 'relu' ? Math.max(0, s) : Math.tanh(s);
      }));
      out.push(h);
    }
    hn.push(h);
    seq = out;
  }
  return { output: seq, hn };
}

/** A tensor as nested arrays of the given shape. */
function nested(t) {
  const flat = [...t.toArray()];
  const build = (shape, offset) => shape.length === 1
    ? flat.slice(offset, offset + shape[0])
    : Array.from({ length: shape[0] }, (_, i) => build(shape.slice(1), offset + i * shape.slice(1).reduce((a, b) => a * b, 1)));
  return build(t.shape, 0);
}

const flipTime = (t, dim) => wg.indexSelect(t, dim, wg.tensor(Array.from({ length: t.shape[dim] }, (_, i) => t.shape[dim] - 1 - i), [t.shape[dim]], 'int32'));

describe('nn.RNN', () => {
  for (const act of ['tanh', 'relu']) {
    it(`matches a scalar JavaScript RNN: 2 layers, ${act}, from h0`, () => {
      wg.scope(() => {
        const [T, B, I, H] = [5, 3, 4, 6];
        const rnn = new wg.nn.RNN(I, H, { numLayers: 2, nonlinearity: act, seed: 11 });
        const x = wg.randn([T, B, I], { seed: 12 });
        const h0 = wg.randn([2, B, H], { seed: 13 });
        const { output, hn } = rnn.forward(x, h0);
        const ref = scalarRnn(nested(x), rnn.stateDict(), { numLayers: 2, H, act, h0: nested(h0) });
        assert.deepEqual(output.shape, [T, B, H]);
        assert.deepEqual(hn.shape, [2, B, H]);
        assertClose(output, ref.output.flat(2), 1e-5, 'output');
        assertClose(hn, ref.hn.flat(2), 1e-5, 'hn');
        rnn.dispose();
      });
    });
  }

  it('RNNCell is one step of the layer, and the layer defaults to zero states', () => {
    wg.scope(() => {
      const rnn = new wg.nn.RNN(3, 4, { seed: 21 });
      const cell = new wg.nn.RNNCell(3, 4);
      const sd = rnn.stateDict();
      cell.loadStateDict({ weight_ih: sd.weight_ih_l0, weight_hh: sd.weight_hh_l0, bias_ih: sd.bias_ih_l0, bias_hh: sd.bias_hh_l0 });
      const x = wg.randn([2, 5, 3], { seed: 22 });
      let h;
      for (let t = 0; t < 2; t++) h = cell.forward(wg.reshape(wg.narrow(x, 0, t, 1), [5, 3]), h);
      assertClose(rnn.forward(x).hn, h, 1e-6, 'hn');
      rnn.dispose();
      cell.dispose();
    });
  });

  it('refuses a bad nonlinearity, unknown options and mis-shaped states', () => {
    wg.scope(() => {
      const refuses = (fn, Kind, pattern) => assert.throws(fn, (e) => e instanceof Kind && pattern.test(e.message), String(pattern));
      refuses(() => new wg.nn.RNN(2, 3, { nonlinearity: 'sigmoid' }), wg.ArgumentError, /RNN: nonlinearity must be 'tanh' or 'relu', got 'sigmoid'/);
      refuses(() => new wg.nn.RNN(2, 3, { num_layers: 2 }), wg.ArgumentError, /RNN: unknown option 'num_layers'/);
      refuses(() => new wg.nn.LSTM(2, 3, { bidirectonal: true }), wg.ArgumentError, /LSTM: unknown option 'bidirectonal'/);
      refuses(() => new wg.nn.GRU(2, 3, { bidirectional: 1 }), wg.ArgumentError, /GRU: bidirectional must be a boolean/);
      refuses(() => new wg.nn.RNNCell(2, 3, { nonlinearity: 'gelu' }), wg.ArgumentError, /RNNCell: nonlinearity/);
      const rnn = new wg.nn.RNN(2, 3, { numLayers: 2, bidirectional: true });
      refuses(() => rnn.forward(wg.zeros([4, 5, 2]), wg.zeros([2, 5, 3])), wg.ShapeError,
        /RNN: h0 must be \(numLayers\*numDirections, B, H\) = \[4, 5, 3\], got \[2, 5, 3\]/);
      refuses(() => rnn.forward(wg.zeros([4, 5, 3])), wg.ShapeError, /RNN: x must be \(T, B, inputSize\) with inputSize 2/);
      rnn.dispose();
    });
  });
});

describe('bidirectional stacks (RNN, LSTM, GRU)', () => {
  it("use PyTorch's parameter names, order and shapes: *_reverse, layer 1 reading 2H", () => {
    const lstm = new wg.nn.LSTM(3, 4, { numLayers: 2, bidirectional: true });
    const shapes = Object.fromEntries(Object.entries(lstm.stateDict()).map(([k, t]) => [k, t.shape]));
    const names = [];
    for (const l of [0, 1]) for (const d of ['', '_reverse']) for (const p of ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']) names.push(`${p}_l${l}${d}`);
    assert.deepEqual(Object.keys(shapes), names);
    assert.deepEqual(shapes.weight_ih_l0_reverse, [16, 3]);
    assert.deepEqual(shapes.weight_ih_l1, [16, 8]);
    assert.deepEqual(shapes.weight_ih_l1_reverse, [16, 8]);
    assert.deepEqual(shapes.weight_hh_l1_reverse, [16, 4]);
    assert.equal(new wg.nn.GRU(3, 4, { bidirectional: true, bias: false }).parameters().length, 4);
    lstm.dispose();
  });

  const kinds = [
    ['RNN', (I, H, o) => new wg.nn.RNN(I, H, o), 1],
    ['GRU', (I, H, o) => new wg.nn.GRU(I, H, o), 3],
    ['LSTM', (I, H, o) => new wg.nn.LSTM(I, H, o), 4],
  ];
  for (const [name, make] of kinds) {
    it(`${name}: each direction of each layer is the unidirectional layer, the reverse one on time-reversed input; hn in PyTorch's order`, () => {
      wg.scope(() => {
        const [T, B, I, H] = [4, 2, 3, 5];
        const bi = make(I, H, { numLayers: 2, bidirectional: true, batchFirst: true, seed: 31 });
        const x = wg.randn([B, T, I], { seed: 32 });
        const states = [wg.randn([4, B, H], { seed: 33 }), wg.randn([4, B, H], { seed: 34 })];
        const stateArg = (s, k) => {
          const pick = (t) => (k === undefined ? t : wg.narrow(t, 0, k, 1));
          return name === 'LSTM' ? { h0: pick(s[0]), c0: pick(s[1]) } : pick(s[0]);
        };
        const r = bi.forward(x, stateArg(states));
        assert.deepEqual(r.output.shape, [B, T, 2 * H]);
        assert.deepEqual(r.hn.shape, [4, B, H]);

        const sd = bi.stateDict();
        let input = wg.transpose(x, 0, 1);
        for (let l = 0; l < 2; l++) {
          const outs = [];
          for (const [d, suffix] of [[0, ''], [1, '_reverse']]) {
            const uni = make(l === 0 ? I : 2 * H, H, {});
            const p = (n) => sd[`${n}_l${l}${suffix}`];
            uni.loadStateDict({ weight_ih_l0: p('weight_ih'), weight_hh_l0: p('weight_hh'), bias_ih_l0: p('bias_ih'), bias_hh_l0: p('bias_hh') });
            const k = 2 * l + d;
            const u = uni.forward(d === 0 ? input : flipTime(input, 0), stateArg(states, k));
            outs.push(d === 0 ? u.output : flipTime(u.output, 0));
            assertClose(wg.narrow(r.hn, 0, k, 1), u.hn, 1e-5, `hn[${k}]`);
            if (name === 'LSTM') assertClose(wg.narrow(r.cn, 0, k, 1), u.cn, 1e-5, `cn[${k}]`);
            uni.dispose();
          }
          input = wg.cat(outs, 2);
        }
        assertClose(r.output, wg.contiguous(wg.transpose(input, 0, 1)), 1e-5, 'output');
        bi.dispose();
      });
    });
  }

  it("destructure as PyTorch's tuples, [output, hn] and [output, [hn, cn]], and by name as before", () => {
    wg.scope(() => {
      const x = wg.randn([3, 2, 4], { seed: 61 });
      for (const layer of [new wg.nn.RNN(4, 5, { bidirectional: true }), new wg.nn.GRU(4, 5)]) {
        const r = layer.forward(x);
        const [output, hn] = r;
        assert.equal(r.length, 2);
        assert.equal(output, r.output);
        assert.equal(hn, r.hn);
        layer.dispose();
      }
      const lstm = new wg.nn.LSTM(4, 5, { numLayers: 2 });
      const r = lstm.forward(x);
      const [output, [hn, cn]] = r;
      assert.deepEqual([output, hn, cn], [r.output, r.hn, r.cn]);
      assert.deepEqual(cn.shape, [2, 2, 5]);
      lstm.dispose();
    });
  });

  it('dropout acts between layers in training only, and never on a single layer', () => {
    wg.scope(() => {
      const gru = new wg.nn.GRU(3, 4, { numLayers: 2, bidirectional: true, dropout: 0.5, seed: 41 });
      const x = wg.randn([3, 2, 3], { seed: 42 });
      wg.manualSeed(1);
      const trained = [...gru.forward(x).output.toArray()];
      gru.eval();
      const a = [...gru.forward(x).output.toArray()];
      const b = [...gru.forward(x).output.toArray()];
      assert.deepEqual(a, b);
      assert.notDeepEqual(trained, a);
      const single = new wg.nn.RNN(3, 4, { dropout: 0.5, bidirectional: true, seed: 43 });
      assert.deepEqual([...single.forward(x).output.toArray()], [...single.forward(x).output.toArray()]);
      gru.dispose();
      single.dispose();
    });
  });

  it('keeps memory flat over training steps of a bidirectional LSTM in wg.scope', () => {
    const lstm = new wg.nn.LSTM(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true, seed: 51 });
    const opt = new wg.optim.SGD(lstm.parameters(), { lr: 0.1 });
    const x = wg.randn([2, 5, 3], { seed: 52 });
    const step = () => wg.scope(() => {
      opt.zeroGrad();
      const { output } = lstm.forward(x);
      wg.mean(wg.mul(output, output)).backward();
      opt.step();
    });
    step();
    const before = wg.memory().liveTensors;
    for (let i = 0; i < 5; i++) step();
    assert.equal(wg.memory().liveTensors, before);
    x.dispose();
    lstm.dispose();
  });
});

describe('bidirectional stacks: the same bits for 1, 2 and 3 threads', () => {
  after(() => wg.setNumThreads(2));

  it('a 2-layer bidirectional LSTM and RNN, outputs and parameter gradients', async () => {
    const lstm = new wg.nn.LSTM(8, 16, { numLayers: 2, bidirectional: true, batchFirst: true, seed: 71 });
    const rnn = new wg.nn.RNN(8, 16, { bidirectional: true, nonlinearity: 'relu', seed: 72 });
    const x = wg.randn([4, 12, 8], { seed: 73 });
    const seen = [];
    for (const n of [1, 2, 3]) {
      await wg.setNumThreads(n);
      seen.push(wg.scope(() => {
        const [a] = lstm.forward(x);
        const [b] = rnn.forward(wg.transpose(x, 0, 1));
        wg.add(wg.sum(wg.mul(a, a)), wg.sum(b)).backward();
        const grads = [...lstm.parameters(), ...rnn.parameters()].map((p) => {
          const g = p.grad.toArray();
          p.grad.dispose();
          p.grad = null;
          return g;
        });
        return [a.toArray(), b.toArray(), ...grads].map((v) => Buffer.from(v.buffer).toString('base64')).join('|');
      }));
    }
    assert.equal(seen[1], seen[0], '2 threads differ from 1');
    assert.equal(seen[2], seen[0], '3 threads differ from 1');
    [lstm, rnn, x].forEach((m) => m.dispose());
  });
});
