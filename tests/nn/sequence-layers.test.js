// The sequence layers: LSTM against a step-by-step LSTMCell loop, stacking and batchFirst,
// memory over a training loop, MultiheadAttention against its definition, masks, positions,
// and the causal transformer stack.
import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';

const F = wg.nn.functional;

function assertClose(actual, expected, tol, what) {
  const a = actual instanceof wg.Tensor ? actual.toArray() : actual;
  const e = expected instanceof wg.Tensor ? expected.toArray() : expected;
  assert.equal(a.length, e.length, `${what}: lengths`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - e[i]));
  assert.ok(worst <= tol, `${what}: max |difference| ${worst} > ${tol}`);
}

/** The LSTM stepped by LSTMCell with the layer's own weights: the composite yardstick. */
function cellLoop(layer, x, h0, c0) {
  const cell = new wg.nn.LSTMCell(layer.inputSize, layer.hiddenSize);
  const s = layer.stateDict();
  cell.loadStateDict({ weight_ih: s.weight_ih_l0, weight_hh: s.weight_hh_l0, bias_ih: s.bias_ih_l0, bias_hh: s.bias_hh_l0 });
  let state = { h: h0, c: c0 };
  const ys = [];
  for (let t = 0; t < x.shape[0]; t++) {
    state = cell.forward(wg.reshape(wg.narrow(x, 0, t, 1), [x.shape[1], x.shape[2]]), state);
    ys.push(state.h);
  }
  return { cell, output: wg.stack(ys, 0), hn: state.h, cn: state.c };
}

describe('nn.LSTM', () => {
  it('matches a step-by-step LSTMCell loop with the same weights: outputs, states and gradients', () => {
    wg.scope(() => {
      const [T, B, I, H] = [7, 3, 5, 6];
      const lstm = new wg.nn.LSTM(I, H, { seed: 3 });
      const x = wg.randn([T, B, I], { seed: 1 }).requiresGrad_();
      const h0 = wg.randn([1, B, H], { seed: 2 });
      const c0 = wg.randn([1, B, H], { seed: 4 });
      const fused = lstm.forward(x, { h0, c0 });
      const loop = cellLoop(lstm, x, wg.reshape(h0, [B, H]), wg.reshape(c0, [B, H]));
      assert.deepEqual(fused.output.shape, [T, B, H]);
      assert.deepEqual(fused.hn.shape, [1, B, H]);
      assertClose(fused.output, loop.output, 1e-5, 'output');
      assertClose(fused.hn, loop.hn, 1e-5, 'hn');
      assertClose(fused.cn, loop.cn, 1e-5, 'cn');

      // The same loss through both: every gradient agrees.
      const loss = (o) => wg.add(wg.sum(wg.mul(o.output, o.output)), wg.sum(wg.add(o.hn, wg.mul(o.cn, 3))));
      loss(fused).backward();
      const xGradFused = x.grad.toArray();
      x.grad.dispose();
      x.grad = null;
      loss(loop).backward();
      assertClose(xGradFused, x.grad, 1e-4, 'dx');
      const cellParams = loop.cell.stateDict();
      for (const [name, p] of Object.entries(lstm.stateDict())) {
        assertClose(p.grad, cellParams[name.replace('_l0', '')].grad, 1e-4, `d${name}`);
      }
      lstm.dispose();
      loop.cell.dispose();
    });
  });

  it('initialises every parameter uniform in ±1/sqrt(hidden), with PyTorch names', () => {
    const lstm = new wg.nn.LSTM(4, 16, { numLayers: 2, seed: 9 });
    assert.deepEqual(Object.keys(lstm.stateDict()), [
      'weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1',
    ]);
    assert.deepEqual(lstm.stateDict().weight_ih_l1.shape, [64, 16]);
    for (const p of lstm.parameters()) {
      const v = p.toArray();
      assert.ok(v.every((e) => Math.abs(e) <= 0.25) && v.some((e) => Math.abs(e) > 0.2), 'bound 1/sqrt(16) = 0.25, and used');
    }
    lstm.dispose();
  });

  it('stacks layers (layer 2 reads layer 1) and batchFirst only transposes x and output', () => {
    wg.scope(() => {
      const [B, T, I, H] = [2, 5, 3, 4];
      const deep = new wg.nn.LSTM(I, H, { numLayers: 2, batchFirst: true, seed: 21 });
      const x = wg.randn([B, T, I], { seed: 22 });
      const h0 = wg.randn([2, B, H], { seed: 23 });
      const c0 = wg.randn([2, B, H], { seed: 24 });
      const r = deep.forward(x, { h0, c0 });
      assert.deepEqual(r.output.shape, [B, T, H]);
      assert.deepEqual(r.hn.shape, [2, B, H]);
      assert.deepEqual(r.cn.shape, [2, B, H]);

      const s = deep.stateDict();
      const state = (t, l) => wg.reshape(wg.narrow(t, 0, l, 1), [B, H]);
      const xt = wg.transpose(x, 0, 1);
      const l0 = F.lstm(xt, state(h0, 0), state(c0, 0), s.weight_ih_l0, s.weight_hh_l0, s.bias_ih_l0, s.bias_hh_l0);
      const l1 = F.lstm(l0.y, state(h0, 1), state(c0, 1), s.weight_ih_l1, s.weight_hh_l1, s.bias_ih_l1, s.bias_hh_l1);
      assertClose(r.output, wg.transpose(l1.y, 0, 1), 0, 'output');
      assertClose(r.hn, wg.stack([l0.hn, l1.hn]), 0, 'hn');
      assertClose(r.cn, wg.stack([l0.cn, l1.cn]), 0, 'cn');
      deep.dispose();
    });
  });

  it('refuses wrong shapes with a ShapeError naming the layout', () => {
    wg.scope(() => {
      const lstm = new wg.nn.LSTM(3, 4, { batchFirst: true });
      assert.throws(() => lstm.forward(wg.zeros([2, 5, 2])), (e) => e instanceof wg.ShapeError && /\(B, T, inputSize\)/.test(e.message));
      assert.throws(() => lstm.forward(wg.zeros([2, 5, 3]), { h0: wg.zeros([1, 3, 4]), c0: wg.zeros([1, 2, 4]) }),
        (e) => e instanceof wg.ShapeError && /h0 must be \(numLayers, B, H\)/.test(e.message));
      lstm.dispose();
    });
  });

  it('keeps memory flat over repeated forward/backward/step in wg.scope', () => {
    const lstm = new wg.nn.LSTM(3, 8, { numLayers: 2, batchFirst: true, seed: 31 });
    const head = new wg.nn.Linear(8, 1, { seed: 32 });
    const opt = new wg.optim.Adam([...lstm.parameters(), ...head.parameters()], { lr: 1e-2 });
    const x = wg.randn([4, 10, 3], { seed: 33 });
    const target = wg.randn([4, 1], { seed: 34 });
    const reports = [];
    for (let i = 0; i < 5; i++) {
      wg.scope(() => {
        opt.zeroGrad();
        const { hn } = lstm.forward(x);
        const last = wg.reshape(wg.narrow(hn, 0, 1, 1), [4, 8]);
        wg.mseLoss(head.forward(last), target).backward();
        opt.step();
      });
      const m = wg.memory();
      reports.push([m.liveTensors, m.liveBytes]);
    }
    // The first step makes the optimizer state and the gradients; after it nothing grows.
    for (const r of reports.slice(2)) assert.deepEqual(r, reports[1]);
    [x, target].forEach((t) => t.dispose());
    opt.zeroGrad();
    lstm.dispose();
    head.dispose();
  });
});

describe('nn.LSTMCell', () => {
  it('starts from zeros without a state, and rejects a mismatched one', () => {
    wg.scope(() => {
      const cell = new wg.nn.LSTMCell(2, 3, { seed: 41 });
      const x = wg.randn([4, 2], { seed: 42 });
      const a = cell.forward(x);
      const b = cell.forward(x, { h: wg.zeros([4, 3]), c: wg.zeros([4, 3]) });
      assertClose(a.h, b.h, 0, 'h');
      assertClose(a.c, b.c, 0, 'c');
      assert.throws(() => cell.forward(x, { h: wg.zeros([4, 2]), c: wg.zeros([4, 3]) }), wg.ShapeError);
      cell.dispose();
    });
  });
});

describe('nn.GRU', () => {
  it('follows PyTorch\'s equations (gates r, z, n; r inside the recurrent half of n)', () => {
    wg.scope(() => {
      const [T, B, I, H] = [3, 2, 2, 3];
      const gru = new wg.nn.GRU(I, H, { batchFirst: true, seed: 201 });
      const x = wg.randn([B, T, I], { seed: 202 });
      const h0 = wg.randn([1, B, H], { seed: 203 });
      const { output, hn } = gru.forward(x, h0);
      assert.deepEqual(output.shape, [B, T, H]);
      const s = Object.fromEntries(Object.entries(gru.stateDict()).map(([k, v]) => [k, v.toArray()]));
      const xv = x.toArray();
      const sig = (v) => 1 / (1 + Math.exp(-v));
      const expected = new Float32Array(B * T * H);
      let h = Array.from(h0.toArray());
      for (let t = 0; t < T; t++) {
        const next = [];
        for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) {
          const gate = (g) => {
            let gi = s.bias_ih_l0[g * H + j];
            let gh = s.bias_hh_l0[g * H + j];
            for (let i = 0; i < I; i++) gi += s.weight_ih_l0[(g * H + j) * I + i] * xv[(b * T + t) * I + i];
            for (let k = 0; k < H; k++) gh += s.weight_hh_l0[(g * H + j) * H + k] * h[b * H + k];
            return [gi, gh];
          };
          const [ri, rh] = gate(0);
          const [zi, zh] = gate(1);
          const [ni, nh] = gate(2);
          const r = sig(ri + rh);
          const z = sig(zi + zh);
          const n = Math.tanh(ni + r * nh);
          next[b * H + j] = (1 - z) * n + z * h[b * H + j];
          expected[(b * T + t) * H + j] = next[b * H + j];
        }
        h = next;
      }
      assertClose(output, expected, 1e-5, 'output');
      assertClose(hn, h, 1e-5, 'hn');
      const cell = new wg.nn.GRUCell(I, H);
      assert.deepEqual(Object.keys(cell.stateDict()), ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']);
      assert.throws(() => cell.forward(wg.zeros([2, 3])), wg.ShapeError);
      gru.dispose();
      cell.dispose();
    });
  });
});

describe('attention layers', () => {
  it('a query whose keys are all padding gets zeros and zero gradients (PyTorch gives NaN)', () => {
    wg.scope(() => {
      const [B, H, T, D] = [2, 2, 3, 4];
      const q = wg.randn([B, H, T, D], { seed: 51 }).requiresGrad_();
      const k = wg.randn([B, H, T, D], { seed: 52 }).requiresGrad_();
      const v = wg.randn([B, H, T, D], { seed: 53 }).requiresGrad_();
      const pad = wg.tensor([0, 0, 1, 1, 1, 1], [B, T], 'int32'); // batch 1: every key is padding
      const out = F.scaledDotProductAttention(q, k, v, { keyPaddingMask: pad });
      wg.sum(wg.mul(out, out)).backward();
      const perBatch = H * T * D;
      const o = out.toArray();
      assert.ok(o.slice(perBatch).every((e) => e === 0), 'batch 1 all zeros');
      assert.ok(o.slice(0, perBatch).some((e) => e !== 0), 'batch 0 attends');
      for (const g of [q.grad, k.grad, v.grad]) assert.ok(g.toArray().slice(perBatch).every((e) => e === 0));
      // Keys 2 of batch 0 are padding: no gradient reaches them.
      const dk = k.grad.toArray();
      for (let h = 0; h < H; h++) assert.ok(dk.slice(h * T * D + 2 * D, h * T * D + 3 * D).every((e) => e === 0));
    });
  });

  it('MultiheadAttention equals its definition: per-head softmax(q k^T / sqrt(d)) v between the projections', () => {
    wg.scope(() => {
      const [B, T, S, E, heads] = [2, 3, 4, 6, 3];
      const mha = new wg.nn.MultiheadAttention(E, heads, { batchFirst: true, seed: 61 });
      const query = wg.randn([B, T, E], { seed: 62 });
      const key = wg.randn([B, S, E], { seed: 63 });
      const value = wg.randn([B, S, E], { seed: 64 });
      const pad = wg.tensor([0, 0, 0, 1, 0, 1, 0, 0], [B, S], 'int32');
      const got = mha.forward(query, key, value, { keyPaddingMask: pad });
      assert.deepEqual(got.shape, [B, T, E]);

      // By hand in plain JS over the parameters.
      const W = mha.inProjWeight.toArray();
      const bIn = mha.inProjBias.toArray();
      const Wo = mha.outProj.weight.toArray();
      const bo = mha.outProj.bias.toArray();
      const project = (x, rows, part) => {
        const xv = x.toArray();
        const out = new Float64Array(B * rows * E);
        for (let n = 0; n < B * rows; n++) for (let o = 0; o < E; o++) {
          let s = bIn[part * E + o];
          for (let i = 0; i < E; i++) s += xv[n * E + i] * W[(part * E + o) * E + i];
          out[n * E + o] = s;
        }
        return out;
      };
      const [qp, kp, vp] = [project(query, T, 0), project(key, S, 1), project(value, S, 2)];
      const d = E / heads;
      const padv = pad.toArray();
      const merged = new Float64Array(B * T * E);
      for (let b = 0; b < B; b++) for (let h = 0; h < heads; h++) for (let t = 0; t < T; t++) {
        const scores = [];
        for (let s = 0; s < S; s++) {
          let dot = 0;
          for (let j = 0; j < d; j++) dot += qp[(b * T + t) * E + h * d + j] * kp[(b * S + s) * E + h * d + j];
          scores.push(padv[b * S + s] ? -Infinity : dot / Math.sqrt(d));
        }
        const m = Math.max(...scores);
        const w = scores.map((e) => Math.exp(e - m));
        const z = w.reduce((a, c) => a + c, 0);
        for (let j = 0; j < d; j++) {
          let acc = 0;
          for (let s = 0; s < S; s++) acc += (w[s] / z) * vp[(b * S + s) * E + h * d + j];
          merged[(b * T + t) * E + h * d + j] = acc;
        }
      }
      const expected = new Float32Array(B * T * E);
      for (let n = 0; n < B * T; n++) for (let o = 0; o < E; o++) {
        let s = bo[o];
        for (let i = 0; i < E; i++) s += merged[n * E + i] * Wo[o * E + i];
        expected[n * E + o] = s;
      }
      assertClose(got, expected, 1e-5, 'MultiheadAttention');
      assert.ok(bo.every((e) => e === 0) && bIn.every((e) => e === 0), 'PyTorch zeroes the projection biases');
      mha.dispose();
    });
  });

  it('PositionalEncoding holds sin/cos of pos / 10000^(2i/D) and adds it per position', () => {
    wg.scope(() => {
      const pe = new wg.nn.PositionalEncoding(6, { maxLen: 10 });
      const table = pe.pe.toArray();
      for (const [pos, i] of [[0, 0], [1, 0], [1, 1], [3, 4], [9, 5]]) {
        const angle = pos / 10000 ** ((2 * Math.floor(i / 2)) / 6);
        assert.ok(Math.abs(table[pos * 6 + i] - (i % 2 ? Math.cos(angle) : Math.sin(angle))) < 1e-6);
      }
      const out = pe.forward(wg.zeros([2, 4, 6])).toArray();
      assertClose(out.slice(24), table.slice(0, 24), 0, 'batch 1 gets rows 0..3');
      const seqFirst = new wg.nn.PositionalEncoding(6, { maxLen: 10, batchFirst: false });
      const out2 = seqFirst.forward(wg.zeros([4, 2, 6])).toArray();
      assertClose(out2.slice(6, 12), table.slice(0, 6), 0, '(T, B, D): batch 1 of step 0 gets row 0');
      assert.throws(() => pe.forward(wg.zeros([1, 11, 6])), wg.ShapeError);
      const learned = new wg.nn.PositionalEmbedding(10, 6, { seed: 1 });
      assert.deepEqual(learned.forward(wg.zeros([2, 4, 6])).shape, [2, 4, 6]);
      learned.dispose();
    });
  });
});

describe('TransformerBlock and GPT', () => {
  it('a causal GPT: position t of the logits ignores later tokens; the head is tied unless asked', () => {
    wg.scope(() => {
      const config = { vocabSize: 11, blockSize: 8, embedDim: 16, numHeads: 4, numLayers: 2, seed: 71 };
      const gpt = new wg.nn.GPT(config);
      const untied = new wg.nn.GPT({ ...config, tied: false });
      assert.equal(untied.numParameters() - gpt.numParameters(), 11 * 16);
      const a = wg.tensor([1, 2, 3, 4, 5, 6], [1, 6], 'int32');
      const b = wg.tensor([1, 2, 3, 9, 9, 9], [1, 6], 'int32');
      const la = gpt.forward(a);
      const lb = gpt.forward(b);
      assert.deepEqual(la.shape, [1, 6, 11]);
      assertClose(la.toArray().slice(0, 33), lb.toArray().slice(0, 33), 1e-6, 'positions 0..2');
      assert.ok(la.toArray().slice(33).some((v, i) => Math.abs(v - lb.toArray()[33 + i]) > 1e-4), 'later positions differ');
      assert.throws(() => gpt.forward(wg.zeros([1, 9], 'int32')), wg.ShapeError);
      gpt.dispose();
      untied.dispose();
    });
  });

  it('a block sees later tokens unless causal; a small GPT learns to continue a sequence', () => {
    wg.scope(() => {
      const xv = wg.randn([1, 4, 8], { seed: 82 }).toArray();
      const yv = xv.slice();
      for (let i = 24; i < 32; i++) yv[i] = -yv[i]; // only the last token differs (not by a shift: LayerNorm removes those)
      const [x, y] = [wg.tensor(xv, [1, 4, 8]), wg.tensor(yv, [1, 4, 8])];
      const first = (t) => t.toArray().slice(0, 8);
      const open = new wg.nn.TransformerBlock(8, 2, { seed: 81 });
      const causal = new wg.nn.TransformerBlock(8, 2, { seed: 81, causal: true });
      assert.ok(first(open.forward(x)).some((v, i) => Math.abs(v - first(open.forward(y))[i]) > 1e-4), 'open block');
      assertClose(first(causal.forward(x)), first(causal.forward(y)), 0, 'causal block, position 0');
      assertClose(first(open.forward(x, { isCausal: true })), first(causal.forward(x)), 0, 'isCausal per call');
      open.dispose();
      causal.dispose();
    });
    const gpt = new wg.nn.GPT({ vocabSize: 6, blockSize: 8, embedDim: 16, numHeads: 2, numLayers: 1, seed: 91 });
    const opt = new wg.optim.Adam(gpt.parameters(), { lr: 1e-2 });
    const seq = [0, 1, 2, 3, 4, 5, 0, 1, 2];
    const ids = wg.tensor(seq.slice(0, 8), [1, 8], 'int32');
    const next = wg.tensor(seq.slice(1), [8], 'int32');
    const losses = [];
    for (let i = 0; i < 60; i++) {
      losses.push(wg.scope(() => {
        opt.zeroGrad();
        const loss = wg.crossEntropy(wg.reshape(gpt.forward(ids), [8, 6]), next);
        loss.backward();
        opt.step();
        return loss.item();
      }));
    }
    assert.ok(losses[0] > 1.5, `starts near ln 6: ${losses[0]}`);
    assert.ok(losses.at(-1) < 0.1, `memorises the sequence: ${losses.at(-1)}`);
    [ids, next].forEach((t) => t.dispose());
    opt.zeroGrad();
    gpt.dispose();
  });
});
