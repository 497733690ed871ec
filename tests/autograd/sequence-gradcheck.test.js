// The sequence ops against finite differences: the fused LSTM op (gradients arriving through y,
// hn and cn, from given initial states), the LSTMCell composite, fused attention with causal and
// padding masks, and MultiheadAttention with its parameters.
import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';

const F = wg.nn.functional;

function input(shape, seed, scale = 0.8) {
  return wg.randn(shape, { seed, std: scale }).requiresGrad_();
}

function check(fn, inputs, opts = {}) {
  const result = wg.gradcheck(fn, inputs, { verbose: false, ...opts });
  assert.ok(result.ok, JSON.stringify(result.inputs));
  return Math.max(...result.inputs.map((r) => r.maxAbsDiff));
}

const flat = (...ts) => wg.cat(ts.map((t) => wg.reshape(t, [-1])), 0);

describe('gradcheck: LSTM op', () => {
  const [T, B, I, H] = [4, 2, 3, 3];
  const weights = (seed) => [input([4 * H, I], seed), input([4 * H, H], seed + 1), input([4 * H], seed + 2), input([4 * H], seed + 3)];

  it('through y, hn and cn, with h0 and c0', () => {
    const xs = [input([T, B, I], 1), input([B, H], 2), input([B, H], 3), ...weights(4)];
    check((x, h0, c0, wIh, wHh, bIh, bHh) => {
      const { y, hn, cn } = F.lstm(x, h0, c0, wIh, wHh, bIh, bHh);
      return flat(y, hn, cn);
    }, xs);
    xs.forEach((t) => t.dispose());
  });

  it('through hn alone and through cn alone (y unused), zero initial states, no biases', () => {
    const xs = [input([T, B, I], 11), ...weights(12).slice(0, 2)];
    check((x, wIh, wHh) => F.lstm(x, null, null, wIh, wHh).hn, xs);
    check((x, wIh, wHh) => F.lstm(x, null, null, wIh, wHh).cn, xs);
    xs.forEach((t) => t.dispose());
  });

  it('gives the gradient of hn as the sum of two routes when y[T-1] and hn are both used', () => {
    const [x, wIh, wHh] = [input([T, B, I], 21), ...weights(22).slice(0, 2)];
    check((x_, a, b) => {
      const { y, hn } = F.lstm(x_, null, null, a, b);
      return wg.add(wg.narrow(y, 0, T - 1, 1), wg.mul(hn, 2));
    }, [x, wIh, wHh]);
    [x, wIh, wHh].forEach((t) => t.dispose());
  });

  it('frees its saved state: no tensors left after forward/backward or a noGrad forward', () => {
    const [x, wIh, wHh] = [input([T, B, I], 31), ...weights(32).slice(0, 2)];
    const before = wg.memory().liveTensors;
    wg.scope(() => wg.sum(F.lstm(x, null, null, wIh, wHh).y).backward());
    [x, wIh, wHh].forEach((t) => { t.grad.dispose(); t.grad = null; });
    wg.noGrad(() => {
      const { y, hn, cn } = F.lstm(x, null, null, wIh, wHh);
      [y, hn, cn].forEach((t) => t.dispose());
    });
    assert.equal(wg.memory().liveTensors, before);
    [x, wIh, wHh].forEach((t) => t.dispose());
  });
});

describe('gradcheck: LSTMCell', () => {
  it('h and c of one step with respect to x, h, c and all parameters', () => {
    const [B, I, H] = [3, 2, 4];
    const xs = [input([B, I], 41), input([B, H], 42), input([B, H], 43), input([4 * H, I], 44), input([4 * H, H], 45),
      input([4 * H], 46), input([4 * H], 47)];
    check((x, h, c, wIh, wHh, bIh, bHh) => {
      const next = F.lstmCell(x, h, c, wIh, wHh, bIh, bHh);
      return flat(next.h, next.c);
    }, xs);
    xs.forEach((t) => t.dispose());
  });
});

describe('gradcheck: GRU', () => {
  it('gruCell with respect to x, h and all parameters', () => {
    const [B, I, H] = [3, 2, 4];
    const xs = [input([B, I], 141), input([B, H], 142), input([3 * H, I], 143), input([3 * H, H], 144), input([3 * H], 145),
      input([3 * H], 146)];
    check(F.gruCell, xs);
    xs.forEach((t) => t.dispose());
  });

  it('a 2-layer GRU through output and hn, from h0', () => {
    const gru = new wg.nn.GRU(2, 3, { numLayers: 2, seed: 150 });
    const x = input([4, 2, 2], 151);
    const h0 = input([2, 2, 3], 152);
    check((x_, h) => {
      const r = gru.forward(x_, h);
      return flat(r.output, r.hn);
    }, [x, h0, ...gru.parameters()]);
    [x, h0].forEach((t) => t.dispose());
    gru.dispose();
  });
});

describe('gradcheck: RNN and bidirectional stacks', () => {
  it('rnnCell, tanh and relu, with respect to x, h and all parameters', () => {
    const [B, I, H] = [3, 2, 4];
    const xs = [input([B, I], 160), input([B, H], 161), input([H, I], 162), input([H, H], 163), input([H], 164), input([H], 165)];
    check(F.rnnCell, xs);
    check((...a) => F.rnnCell(...a, 'relu'), xs);
    xs.forEach((t) => t.dispose());
  });

  for (const [Layer, name, state] of [
    [wg.nn.RNN, 'RNN', (h0) => h0],
    [wg.nn.GRU, 'GRU', (h0) => h0],
    [wg.nn.LSTM, 'LSTM', (h0, c0) => ({ h0, c0 })],
  ]) {
    it(`a 2-layer bidirectional ${name}, batchFirst, through output and the final states, from given states`, () => {
      // (relu's kink would meet the finite differences; rnnCell checks relu above)
      const layer = new Layer(2, 2, { numLayers: 2, bidirectional: true, batchFirst: true, seed: 170 });
      const x = input([2, 3, 2], 171);
      const h0 = input([4, 2, 2], 172);
      const c0 = input([4, 2, 2], 173);
      check((x_, h, c) => {
        const r = layer.forward(x_, state(h, c));
        return flat(r.output, r.hn, ...(r.cn ? [r.cn] : []));
      }, [x, h0, c0, ...layer.parameters()]);
      [x, h0, c0].forEach((t) => t.dispose());
      layer.dispose();
    });
  }
});

describe('gradcheck: scaledDotProductAttention (fused)', () => {
  const [B, Hh, T, S, D] = [2, 2, 3, 5, 4];
  const qkv = (seed, t = T) => [input([B, Hh, t, D], seed), input([B, Hh, S, D], seed + 1), input([B, Hh, S, D], seed + 2)];

  it('no mask, T != S', () => {
    const xs = qkv(51);
    check((q, k, v) => F.scaledDotProductAttention(q, k, v), xs);
    xs.forEach((t) => t.dispose());
  });

  it('causal, T != S, custom scale', () => {
    const xs = qkv(61);
    check((q, k, v) => F.scaledDotProductAttention(q, k, v, { isCausal: true, scale: 0.3 }), xs);
    xs.forEach((t) => t.dispose());
  });

  it('causal with a key padding mask (nonzero = padding), including a fully masked row', () => {
    // Batch 0 pads keys 3, 4; batch 1 pads keys 0, 1: with causal, its query 0 and 1 see no key.
    const pad = wg.tensor([0, 0, 0, 1, 1, 1, 1, 0, 0, 0], [B, S], 'int32');
    const xs = qkv(71, S);
    check((q, k, v) => F.scaledDotProductAttention(q, k, v, { isCausal: true, keyPaddingMask: pad }), xs);
    xs.forEach((t) => t.dispose());
    pad.dispose();
  });

  it('3-D q, k, v (B, T, D) as one head', () => {
    const xs = [input([B, T, D], 81), input([B, S, D], 82), input([B, S, D], 83)];
    check((q, k, v) => F.scaledDotProductAttention(q, k, v, { isCausal: true }), xs);
    xs.forEach((t) => t.dispose());
  });

  it('the unfused attnMask path: an int32 lower-triangular mask matches isCausal, values and gradients', () => {
    const xs = qkv(91, S);
    const tri = wg.tensor(Int32Array.from({ length: S * S }, (_, n) => (n % S <= Math.floor(n / S) ? 1 : 0)), [S, S], 'int32');
    const run = (opts) => wg.scope(() => {
      const out = F.scaledDotProductAttention(...xs, opts);
      wg.sum(wg.mul(out, out)).backward();
      const grads = xs.map((t) => t.grad.toArray());
      xs.forEach((t) => { t.grad.dispose(); t.grad = null; });
      return { out: out.toArray(), grads };
    });
    const fused = run({ isCausal: true });
    const masked = run({ attnMask: tri });
    const close = (a, b) => a.every((v, i) => Math.abs(v - b[i]) < 1e-5);
    assert.ok(close(fused.out, masked.out));
    fused.grads.forEach((g, i) => assert.ok(close(g, masked.grads[i]), `gradient ${i}`));
    check((q, k, v) => F.scaledDotProductAttention(q, k, v, { attnMask: tri }), xs);
    xs.forEach((t) => t.dispose());
    tri.dispose();
  });
});

describe('gradcheck: MultiheadAttention', () => {
  for (const batchFirst of [true, false]) {
    it(`self-attention, causal, with padding, batchFirst ${batchFirst}`, () => {
      const [B, T, E] = [2, 4, 6];
      const mha = new wg.nn.MultiheadAttention(E, 2, { batchFirst, seed: 5 });
      const x = input(batchFirst ? [B, T, E] : [T, B, E], 101);
      const pad = wg.tensor([0, 0, 0, 1, 0, 0, 0, 0], [B, T], 'int32');
      check((q) => mha.forward(q, q, q, { isCausal: true, keyPaddingMask: pad }), [x, ...mha.parameters()]);
      x.dispose();
      pad.dispose();
      mha.dispose();
    });
  }
});
