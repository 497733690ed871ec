// The LSTM cell as plain loops over AssemblyScript's Mathf: the yardstick the tests hold the
// fused cell (lstm.ts) and its fast exp/tanh to. Same argument blocks; threads split the rows.
import { LstmCellBackwardArgs, LstmCellForwardArgs } from './generated/args';
import { splitStart } from './split';

@inline function sigmoid(x: f32): f32 {
  return <f32>1 / (<f32>1 + Mathf.exp(-x));
}

export function lstm_cell_forward_reference_task(words: usize, tid: i32, nthreads: i32): void {
  const args = changetype<LstmCellForwardArgs>(words);
  const B = args.B, H = args.H;
  const end = splitStart(B, tid + 1, nthreads);
  for (let b = splitStart(B, tid, nthreads); b < end; b++) {
    const gates = args.gates + (<usize>b * 4 * H << 2);
    for (let j = 0; j < H; j++) {
      const at = (<usize>b * H + j) << 2;
      const gi = gates + (<usize>j << 2);
      const gf = gi + (<usize>H << 2), gg = gf + (<usize>H << 2), go = gg + (<usize>H << 2);
      const i = sigmoid(load<f32>(gi)), f = sigmoid(load<f32>(gf));
      const g = Mathf.tanh(load<f32>(gg)), o = sigmoid(load<f32>(go));
      const c = f * load<f32>(args.cPrev + at) + i * g;
      store<f32>(gi, i);
      store<f32>(gf, f);
      store<f32>(gg, g);
      store<f32>(go, o);
      store<f32>(args.c + at, c);
      store<f32>(args.h + at, o * Mathf.tanh(c));
    }
  }
}

export function lstm_cell_backward_reference_task(words: usize, tid: i32, nthreads: i32): void {
  const args = changetype<LstmCellBackwardArgs>(words);
  const B = args.B, H = args.H;
  const dy = args.dy, dhNext = args.dhNext;
  const end = splitStart(B, tid + 1, nthreads);
  for (let b = splitStart(B, tid, nthreads); b < end; b++) {
    const acts = args.acts + (<usize>b * 4 * H << 2);
    const dgates = args.dgates + (<usize>b * 4 * H << 2);
    for (let j = 0; j < H; j++) {
      const at = (<usize>b * H + j) << 2;
      const i = load<f32>(acts + (<usize>j << 2));
      const f = load<f32>(acts + (<usize>(H + j) << 2));
      const g = load<f32>(acts + (<usize>(2 * H + j) << 2));
      const o = load<f32>(acts + (<usize>(3 * H + j) << 2));
      const dh = (dy != 0 ? load<f32>(dy + at) : 0) + (dhNext != 0 ? load<f32>(dhNext + at) : 0);
      const tc = Mathf.tanh(load<f32>(args.c + at));
      const dc = load<f32>(args.dc + at) + dh * o * (1 - tc * tc);
      store<f32>(dgates + (<usize>j << 2), dc * g * i * (1 - i));
      store<f32>(dgates + (<usize>(H + j) << 2), dc * load<f32>(args.cPrev + at) * f * (1 - f));
      store<f32>(dgates + (<usize>(2 * H + j) << 2), dc * i * (1 - g * g));
      store<f32>(dgates + (<usize>(3 * H + j) << 2), dh * tc * o * (1 - o));
      store<f32>(args.dc + at, dc * f);
    }
  }
}
