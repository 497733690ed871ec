// The LSTM layer as one differentiable op over the whole sequence (kernels/lstm.ts). The registry
// records one output per op, so the op returns y, hn and cn packed into one (T+2, B, H) tensor —
// rows 0..T-1 are y, row T is hn, row T+1 is cn — and `lstm` hands out narrowed views of it,
// through which gradients on y, hn and cn all reach the one backward. The gates and states the
// backward reads hang on the packed output (saved-state.ts): freed by backward, by disposing the
// packed output (a scope does), or at once when no graph is recorded.
import { expectFloat, registerComposite, registerGradient, registerKernel, runOp } from '../autograd/registry.js';
import { copyInto } from '../kernels/copy.js';
import { lstmBackward, lstmForward, type LstmSaved } from '../kernels/lstm.js';
import { empty } from '../creation.js';
import { formatShape, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { attachSaved, releaseSaved, savedOf, willRecord } from './saved-state.js';
import { add, mul } from './arithmetic.js';
import { split } from './join.js';
import { linear } from './linear.js';
import { sigmoid, tanh } from './unary.js';
import { narrow, reshape } from './views.js';
import { defineOptions } from '../options.js';

/** The biases, the trailing optional arguments of lstm and lstmCell. */
interface Biases {
  bIh?: Tensor | null;
  bHh?: Tensor | null;
}
const LSTM = defineOptions<Biases>('lstm', { bIh: 'tensor|null', bHh: 'tensor|null' });
const LSTM_CELL = defineOptions<Biases>('lstmCell', { bIh: 'tensor|null', bHh: 'tensor|null' });

type Slot = 'x' | 'wIh' | 'wHh' | 'bIh' | 'bHh' | 'h0' | 'c0';

/** The op's inputs by name: attrs.slots lists which are present, in input order. */
function bySlot(inputs: readonly Tensor[], slots: readonly Slot[]): Partial<Record<Slot, Tensor>> {
  return Object.fromEntries(slots.map((s, i) => [s, inputs[i]]));
}

registerKernel<{ slots: Slot[] }>({
  name: 'lstm',
  simd: true,
  threaded: true,
  onnx: [],
  options: LSTM,
  forward: (inputs, { slots }) => {
    expectFloat('lstm', ...inputs);
    const s = bySlot(inputs, slots);
    const r = lstmForward(s.x!, s.h0 ?? null, s.c0 ?? null, s.wIh!, s.wHh!, s.bIh ?? null, s.bHh ?? null);
    const { T, B, H } = r.saved;
    const packed = empty([T + 2, B, H]);
    const parts: [Tensor, number, number][] = [[r.y, 0, T], [r.hn, T, 1], [r.cn, T + 1, 1]];
    for (const [src, row, rows] of parts) {
      const dst = narrow(packed, 0, row, rows);
      const from = reshape(src, dst.shape);
      copyInto(from, dst);
      for (const t of [dst, from, src]) t.dispose();
    }
    if (willRecord(inputs)) {
      const { x, wIh, wHh, gates, cells, hiddens } = r.saved;
      attachSaved(packed, { value: r.saved, tensors: [x, wIh, wHh, gates, cells, hiddens], dispose: () => r.saved.dispose() });
    } else {
      r.saved.dispose();
    }
    return packed;
  },
});
registerGradient<{ slots: Slot[] }>({
  name: 'lstm',
  backward: (dPacked, { inputs, output, attrs: { slots } }) => {
    const saved = savedOf<LstmSaved>('lstm backward', output);
    const { T, B, H } = saved;
    const dy = narrow(dPacked, 0, 0, T);
    const dhn = reshape(narrow(dPacked, 0, T, 1), [B, H]);
    const dcn = reshape(narrow(dPacked, 0, T + 1, 1), [B, H]);
    const g = lstmBackward(dy, dhn, dcn, saved);
    releaseSaved(output);
    const s = bySlot(inputs, slots);
    const bySlotGrad: Record<Slot, Tensor> = { x: g.dx, wIh: g.dWih, wHh: g.dWhh, bIh: g.dbIh, bHh: g.dbHh, h0: g.dh0, c0: g.dc0 };
    return slots.map((slot) => (s[slot]!.requiresGrad ? bySlotGrad[slot] : null));
  },
});

export interface LstmResult {
  /** (T, B, H): the hidden state of every step. */
  y: Tensor;
  /** (B, H): the hidden and cell states after the last step. */
  hn: Tensor;
  cn: Tensor;
}

/**
 * One LSTM layer over x (T, B, I) with PyTorch's gate order (i, f, g, o): wIh (4H, I), wHh (4H, H),
 * biases (4H) or null, initial states h0, c0 (B, H) or null for zeros. y, hn and cn are views of
 * one recorded output, and gradients from any of them flow back.
 */
export function lstm(
  x: Tensor, h0: Tensor | null, c0: Tensor | null, wIh: Tensor, wHh: Tensor, ...biases: [bIh?: Tensor | null, bHh?: Tensor | null] | [Biases]
): LstmResult {
  const { bIh = null, bHh = null } = LSTM.fromArguments(biases);
  const named: [Slot, Tensor | null][] = [['x', x], ['wIh', wIh], ['wHh', wHh], ['bIh', bIh], ['bHh', bHh], ['h0', h0], ['c0', c0]];
  const present = named.filter((e): e is [Slot, Tensor] => e[1] !== null && e[1] !== undefined);
  const packed = runOp('lstm', present.map(([, t]) => t), { slots: present.map(([s]) => s) });
  const T = packed.shape[0] - 2;
  const [B, H] = [packed.shape[1], packed.shape[2]];
  const hn = narrow(packed, 0, T, 1);
  const cn = narrow(packed, 0, T + 1, 1);
  const result = { y: narrow(packed, 0, 0, T), hn: reshape(hn, [B, H]), cn: reshape(cn, [B, H]) };
  // The packed tensor stays alive through the views' graph (its gradFn inputs), not this reference.
  if (!packed.requiresGrad) packed.dispose();
  if (!hn.requiresGrad) hn.dispose();
  if (!cn.requiresGrad) cn.dispose();
  return result;
}

registerComposite({ name: 'lstmCell', builtFrom: ['linear', 'add', 'split', 'sigmoid', 'tanh', 'mul'], options: LSTM_CELL });

/**
 * One LSTM step, as torch.nn.LSTMCell: x (B, I), h and c (B, H), the weights and biases as in
 * `lstm`. Returns the next h and c. Built from primitive ops, for step-by-step generation.
 */
export function lstmCell(
  x: Tensor, h: Tensor, c: Tensor, wIh: Tensor, wHh: Tensor, ...biases: [bIh?: Tensor | null, bHh?: Tensor | null] | [Biases]
): { h: Tensor; c: Tensor } {
  const { bIh = null, bHh = null } = LSTM_CELL.fromArguments(biases);
  const H = wHh.ndim === 2 ? wHh.shape[1] : -1;
  const B = x.shape[0];
  const fits = wHh.ndim === 2 && wHh.shape[0] === 4 * H && x.ndim === 2 &&
    [h, c].every((s) => s.ndim === 2 && s.shape[0] === B && s.shape[1] === H);
  if (!fits) {
    throw new ShapeError(
      `lstmCell: x ${formatShape(x.shape)}, h ${formatShape(h.shape)}, c ${formatShape(c.shape)}, wHh ${formatShape(wHh.shape)}; ` +
        'expected x (B, I), h and c (B, H), wHh (4H, H)',
    );
  }
  const gates = add(linear(x, wIh, bIh ?? undefined), linear(h, wHh, bHh ?? undefined));
  const [i, f, g, o] = split(gates, H, 1);
  const cNext = add(mul(sigmoid(f), c), mul(sigmoid(i), tanh(g)));
  return { h: mul(sigmoid(o), tanh(cNext)), c: cNext };
}
