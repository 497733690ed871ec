// Sequence models (issue 5). An LSTM layer's forward+backward (B=32, T=100, input 64, hidden 128
// and 256) against tfjs-layers' LSTM and against our own step-by-step composition of LSTM cells;
// attention forward and forward+backward (B=1, 8 heads, d=64, T=256 and 1024) against
// matmul+softmax+matmul in tfjs (batched 3-D, and per head 2-D on tfjs-wasm) and against our own
// unfused composition; and the peak wasm memory of the fused attention forward, each size in a
// fresh process.
import { availableParallelism } from 'node:os';
import { currentPart, finishPart, runPart } from './lib/processes.mjs';
import { Report } from './lib/report.mjs';
import { bestOfCalls, bestOfRounds } from './lib/timing.mjs';
import { loadTfjs, onBackend } from './lib/tfjs.mjs';
import { clearGrads, loadWasmgrad } from './lib/wasmgrad.mjs';

const ALL = availableParallelism();
const LSTM = { B: 32, T: 100, I: 64, hidden: [128, 256] };
const ATTENTION = { heads: 8, D: 64, lengths: [256, 1024] };
const MEMORY_LENGTHS = [1024, 4096];
// Peers that take seconds per call are timed as the best of a few single calls.
const SLOW_CALLS = 2;

function oursLstm(wg, H) {
  const { B, T, I } = LSTM;
  const layer = new wg.nn.LSTM(I, H, { batchFirst: true, seed: 1 });
  const x = wg.randn([B, T, I], { seed: 2 });
  const dy = wg.randn([B, T, H], { seed: 3 });
  const params = layer.parameters();
  const fused = () => wg.scope(() => layer.forward(x).output.backward(dy));
  // The same layer as T calls of the cell op, each a handful of primitive ops.
  const [wIh, wHh, bIh, bHh] = layer.layers[0];
  const xs = wg.contiguous(wg.transpose(x, 0, 1));
  const dys = wg.contiguous(wg.transpose(dy, 0, 1));
  const unfused = () => wg.scope(() => {
    let state = { h: wg.zeros([B, H]), c: wg.zeros([B, H]) };
    const hs = [];
    for (let t = 0; t < T; t++) {
      state = wg.nn.functional.lstmCell(wg.squeeze(wg.narrow(xs, 0, t, 1), 0), state.h, state.c, wIh, wHh, bIh, bHh);
      hs.push(state.h);
    }
    wg.stack(hs, 0).backward(dys);
  });
  return {
    fused: { fn: () => (fused(), clearGrads(params)) },
    unfused: { fn: () => (unfused(), clearGrads(params)) },
  };
}

function tfjsLstm(tf, backend, H) {
  const { B, T, I } = LSTM;
  return onBackend(tf, backend, () => {
    const layer = tf.layers.lstm({ units: H, returnSequences: true, inputShape: [T, I] });
    const x = tf.randomNormal([B, T, I]);
    // The layer makes its weights on its first call; gradients are taken for exactly those.
    tf.tidy(() => layer.apply(x));
    return { layer, x, dy: tf.randomNormal([B, T, H]), weights: layer.trainableWeights.map((w) => w.read()) };
  }, ({ layer, x, dy, weights }) => tf.tidy(() => {
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x), dy)), weights);
    Object.values(grads).forEach((g) => g.dispose());
  }));
}

async function lstmPart(threads) {
  const wg = await loadWasmgrad({ threads });
  const tf = threads === 1 ? await loadTfjs() : null;
  const rows = [];
  const notes = [];
  for (const H of LSTM.hidden) {
    const ours = oursLstm(wg, H);
    const best = await bestOfRounds({ ours: ours.fused, 'ours unfused (LSTMCell steps)': ours.unfused }, { rounds: 3 });
    const peers = { 'ours unfused (LSTMCell steps)': best['ours unfused (LSTMCell steps)'] * 1e3 };
    if (tf !== null) {
      for (const backend of ['wasm', 'cpu']) {
        const peer = tfjsLstm(tf, backend, H);
        try {
          peers[`tfjs-${backend}`] = (await bestOfCalls(peer.fn, SLOW_CALLS + 1)) * 1e3;
        } catch (e) {
          peers[`tfjs-${backend}`] = null;
          notes.push(`tfjs-${backend} LSTM backward failed: ${e.message}`);
        }
      }
    }
    rows.push({ case: `lstm fwd+bwd B=32 T=100 I=64 H=${H} threads=${threads}`, unit: 'ms', ours: best.ours * 1e3, peers });
  }
  return { rows, notes };
}

// The peer column of attention's matrix products alone (gemmsOfAttention).
const GEMMS_ALONE = 'ours: its 2 (fwd) or 6 (fwd+bwd) GEMMs alone';

function attentionInputs(wg, T, requiresGrad) {
  const { heads, D } = ATTENTION;
  const make = (seed) => {
    const t = wg.randn([1, heads, T, D], { seed });
    return requiresGrad ? t.requiresGrad_() : t;
  };
  return [make(1), make(2), make(3)];
}

function oursAttention(wg, T) {
  const plain = attentionInputs(wg, T, false);
  const leaves = attentionInputs(wg, T, true);
  const dy = wg.randn([1, ATTENTION.heads, T, ATTENTION.D], { seed: 4 });
  const fusedOp = (q, k, v) => wg.nn.functional.scaledDotProductAttention(q, k, v);
  const unfusedOp = (q, k, v) => wg.matmul(wg.softmax(wg.mul(wg.matmul(q, wg.transpose(k, -2, -1)), 1 / Math.sqrt(ATTENTION.D)), -1), v);
  const forward = (op) => ({ fn: () => wg.scope(() => op(...plain)) });
  const backward = (op) => ({ fn: () => (wg.scope(() => op(...leaves).backward(dy)), clearGrads(leaves)) });
  const products = gemmsOfAttention(wg, plain, dy);
  return {
    forward: { ours: forward(fusedOp), 'ours unfused': forward(unfusedOp), [GEMMS_ALONE]: { fn: products.forward } },
    backward: { ours: backward(fusedOp), 'ours unfused': backward(unfusedOp), [GEMMS_ALONE]: { fn: products.backward } },
  };
}

/**
 * Only the matrix products of attention, at our GEMM's rate: forward S = q k^T and O = P v; the
 * backward adds dP = dO v^T, dV = P^T dO, dQ = dS k and dK = dS^T q. Any attention, fused or not,
 * does these six (a fused backward that does not keep P recomputes S: seven), so the unfused
 * composition's time over this time bounds what fusing can gain at our GEMM's rate.
 */
function gemmsOfAttention(wg, [q, k, v], dy) {
  const t = (x) => wg.transpose(x, -2, -1);
  const forward = () => wg.scope(() => wg.matmul(wg.matmul(q, t(k)), v));
  const backward = () => wg.scope(() => {
    const p = wg.matmul(q, t(k));
    wg.matmul(p, v);
    const dp = wg.matmul(dy, t(v));
    wg.matmul(t(p), dy);
    wg.matmul(dp, k);
    wg.matmul(t(dp), q);
  });
  return { forward, backward };
}

/** matMul + softmax + matMul over (heads, T, D) at once, or one 2-D head at a time. */
function tfjsAttention(tf, backend, T, perHead) {
  const { heads, D } = ATTENTION;
  const scale = 1 / Math.sqrt(D);
  const attend = (q, k, v) => tf.matMul(tf.softmax(tf.mul(tf.matMul(q, k, false, true), scale)), v);
  const heads2d = (q, k, v) => tf.stack(tf.unstack(q).map((qh, h) =>
    tf.matMul(tf.softmax(tf.mul(tf.matMul(qh, tf.transpose(tf.unstack(k)[h])), scale)), tf.unstack(v)[h])));
  const op = perHead ? heads2d : attend;
  const make = () => [0, 1, 2, 3].map(() => tf.randomNormal([heads, T, D]));
  const forward = onBackend(tf, backend, make, ([q, k, v]) => tf.tidy(() => op(q, k, v)).dispose());
  const backward = onBackend(tf, backend, make, ([q, k, v, dy]) =>
    tf.tidy(() => tf.grads((a, b, c) => op(a, b, c))([q, k, v], dy)).forEach((g) => g.dispose()));
  return { forward, backward };
}

async function attentionPart(threads) {
  const wg = await loadWasmgrad({ threads });
  const tf = threads === 1 ? await loadTfjs() : null;
  const rows = [];
  for (const T of ATTENTION.lengths) {
    const ours = oursAttention(wg, T);
    const peers = tf === null ? {} : {
      'tfjs-wasm batched': tfjsAttention(tf, 'wasm', T, false),
      'tfjs-wasm per-head 2-D': tfjsAttention(tf, 'wasm', T, true),
      'tfjs-cpu batched': tfjsAttention(tf, 'cpu', T, false),
    };
    for (const pass of ['forward', 'backward']) {
      const best = await bestOfRounds(ours[pass], { rounds: 3 });
      for (const [name, peer] of Object.entries(peers)) {
        // tfjs takes seconds per call at T=1024 (and on cpu): single calls there.
        const slow = T > 256 || name.includes('cpu');
        best[name] = slow ? await bestOfCalls(peer[pass].fn, SLOW_CALLS) : (await bestOfRounds({ p: peer[pass] }, { rounds: 3 })).p;
      }
      const { ours: o, ...rest } = best;
      rows.push({
        case: `attention ${pass === 'forward' ? 'fwd' : 'fwd+bwd'} B=1 H=8 d=64 T=${T} threads=${threads}`, unit: 'ms',
        ours: o * 1e3, peers: Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, v * 1e3])),
      });
    }
  }
  return { rows, notes: [] };
}

/** Wasm memory after one forward of the fused (or unfused) attention, in a process of its own. */
async function memoryPart(T, unfused) {
  const wg = await loadWasmgrad({ threads: ALL });
  const [q, k, v] = attentionInputs(wg, T, false);
  const inputs = wg.memory().pages;
  const out = unfused
    ? wg.matmul(wg.softmax(wg.mul(wg.matmul(q, wg.transpose(k, -2, -1)), 1 / Math.sqrt(ATTENTION.D)), -1), v)
    : wg.nn.functional.scaledDotProductAttention(q, k, v);
  return { inputs, after: wg.memory().pages, outBytes: out.size * 4 };
}

const PARTS = {
  'lstm-one': () => lstmPart(1),
  'lstm-all': () => lstmPart(ALL),
  'attention-one': () => attentionPart(1),
  'attention-all': () => attentionPart(ALL),
  ...Object.fromEntries(MEMORY_LENGTHS.map((T) => [`memory-${T}`, () => memoryPart(T, false)])),
  'memory-unfused-1024': () => memoryPart(1024, true),
};

export async function main({ json }) {
  const report = new Report('sequence');
  const timed = [];
  for (const part of ['lstm-one', 'lstm-all', 'attention-one', 'attention-all']) timed.push(await runPart(import.meta.url, part));
  // The peers have no threads in Node: their one-thread figures stand in the all-thread rows.
  const rows = timed.flatMap((p) => p.rows);
  for (const r of rows.filter((x) => x.case.endsWith(`threads=${ALL}`))) {
    const single = rows.find((o) => o.case === r.case.replace(`threads=${ALL}`, 'threads=1'));
    for (const [k, v] of Object.entries(single.peers)) if (!k.startsWith('ours')) r.peers[k] = v;
  }
  // Times: lower is better, so the table's ours/peer ratio is shown as peer/ours (speed-up).
  for (const r of rows) {
    report.add({ case: r.case, unit: 'calls/s', ours: 1e3 / r.ours,
      peers: Object.fromEntries(Object.entries(r.peers).map(([k, v]) => [k, v === null ? null : 1e3 / v])) });
  }
  for (const T of MEMORY_LENGTHS) {
    const m = await runPart(import.meta.url, `memory-${T}`);
    report.add({ case: `attention fwd T=${T} peak wasm memory`, unit: 'pages', ours: m.after, peers: {} });
    report.note(`memory T=${T}: ${m.inputs} pages (${(m.inputs / 16).toFixed(1)} MiB) with q, k, v made; ${m.after} after the fused forward ` +
      `(+${m.after - m.inputs} pages, output ${(m.outBytes / 2 ** 20).toFixed(1)} MiB).`);
  }
  const u = await runPart(import.meta.url, 'memory-unfused-1024');
  report.note(`memory T=1024, our unfused matmul+softmax+matmul: ${u.inputs} -> ${u.after} pages (the (8, T, T) scores).`);
  for (const p of timed) for (const n of p.notes) report.note(n);
  report.note(`Figures are calls per second (1000 / best ms); ratios are speed-ups. ${ALL} cores; tfjs runs one thread in Node, ` +
    `and its one-thread figures stand in the ${ALL}-thread rows. Peers taking seconds per call: best of ${SLOW_CALLS} to ${SLOW_CALLS + 1} single calls.`);
  report.note('LSTM fwd+bwd: gradients of sum(output * dy) for every weight (tfjs: variableGrads over tfjs-layers LSTM, full @tensorflow/tfjs).');
  for (const r of rows.filter((x) => x.case.startsWith('attention'))) {
    const bound = r.peers['ours unfused'] / r.peers[GEMMS_ALONE];
    report.note(`${r.case}: the unfused composition takes ${bound.toFixed(2)}x the time of its matrix products alone, ` +
      'so no attention doing those products at our GEMM rate can run faster than that ratio relative to it.');
  }
  report.note('Targets (issue 5): LSTM training step >= 8x tfjs-wasm; fused attention forward >= 10x tfjs-wasm batched and 3x ' +
    'per-head at T=1024; forward+backward >= 20x batched; attention memory linear in T.');
  report.print({ json });
}

const part = currentPart();
if (part !== null) {
  finishPart(await PARTS[part]());
  process.exit(0);
}
