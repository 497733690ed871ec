// The fused LSTM cell: one pass over a time step's gates after the GEMMs (bindings/kernels/lstm.ts)
// have summed x W_ih^T + h W_hh^T + biases. PyTorch's gate order i, f, g, o, each a block of H
// columns of a (B, 4H) row:
//   i = sigmoid(a_i), f = sigmoid(a_f), g = tanh(a_g), o = sigmoid(a_o)
//   c' = f c + i g,  h' = o tanh(c')
// Threads split (row, 4-column group) units. A group either fits a vector or is the row's tail,
// which runs the scalar twin of the same operations: so an element's bits do not depend on which
// thread computes it.
import { LstmCellBackwardArgs, LstmCellForwardArgs } from './generated/args';
import { splitStart } from './split';
import { sigmoidLanes, sigmoidScalar, tanhLanes, tanhScalar } from './fastmath';

@inline function forwardScalar(args: LstmCellForwardArgs, b: i32, j: i32, H: i32): void {
  const row = (<usize>b * H + j) << 2;
  const hBytes = <usize>H << 2;
  const gates = args.gates + (<usize>b * 4 * H << 2) + (<usize>j << 2);
  const i = sigmoidScalar(load<f32>(gates));
  const f = sigmoidScalar(load<f32>(gates + hBytes));
  const g = tanhScalar(load<f32>(gates + 2 * hBytes));
  const o = sigmoidScalar(load<f32>(gates + 3 * hBytes));
  const cNew = f * load<f32>(args.cPrev + row) + i * g;
  store<f32>(gates, i);
  store<f32>(gates + hBytes, f);
  store<f32>(gates + 2 * hBytes, g);
  store<f32>(gates + 3 * hBytes, o);
  store<f32>(args.c + row, cNew);
  store<f32>(args.h + row, o * tanhScalar(cNew));
}

@inline function forwardLanes(args: LstmCellForwardArgs, b: i32, j: i32, H: i32): void {
  const row = (<usize>b * H + j) << 2;
  const hBytes = <usize>H << 2;
  const gates = args.gates + (<usize>b * 4 * H << 2) + (<usize>j << 2);
  const i = sigmoidLanes(v128.load(gates));
  const f = sigmoidLanes(v128.load(gates + hBytes));
  const g = tanhLanes(v128.load(gates + 2 * hBytes));
  const o = sigmoidLanes(v128.load(gates + 3 * hBytes));
  const cNew = f32x4.add(f32x4.mul(f, v128.load(args.cPrev + row)), f32x4.mul(i, g));
  v128.store(gates, i);
  v128.store(gates + hBytes, f);
  v128.store(gates + 2 * hBytes, g);
  v128.store(gates + 3 * hBytes, o);
  v128.store(args.c + row, cNew);
  v128.store(args.h + row, f32x4.mul(o, tanhLanes(cNew)));
}

/**
 * The thread split both passes share: (row, 4-column group) units, each group either whole in a
 * vector (the lanes twin) or the row's tail (the scalar twin, one column at a time). `backward` is
 * a constant at each call, so each task keeps only its own pass.
 */
@inline function eachUnit(words: usize, tid: i32, nthreads: i32, backward: bool): void {
  const forwardArgs = changetype<LstmCellForwardArgs>(words), backwardArgs = changetype<LstmCellBackwardArgs>(words);
  // B and H sit at different offsets of the two argument blocks.
  const B = backward ? backwardArgs.B : forwardArgs.B, H = backward ? backwardArgs.H : forwardArgs.H;
  const groups = (H + 3) >> 2;
  const u1 = splitStart(B * groups, tid + 1, nthreads);
  for (let u = splitStart(B * groups, tid, nthreads); u < u1; u++) {
    const b = u / groups;
    const j = (u - b * groups) << 2;
    if (j + 4 <= H) {
      if (backward) backwardLanes(backwardArgs, b, j, H);
      else forwardLanes(forwardArgs, b, j, H);
      continue;
    }
    for (let jj = j; jj < H; jj++) {
      if (backward) backwardScalar(backwardArgs, b, jj, H);
      else forwardScalar(forwardArgs, b, jj, H);
    }
  }
}

export function lstm_cell_forward_task(words: usize, tid: i32, nthreads: i32): void {
  eachUnit(words, tid, nthreads, false);
}

// Backward of one step, from the saved activations and cell states:
//   dh = dy + dhNext,  tc = tanh(c)
//   do = dh tc o (1 - o),  dc_t = dc + dh o (1 - tc^2)
//   di = dc_t g i (1 - i),  df = dc_t cPrev f (1 - f),  dg = dc_t i (1 - g^2)
//   dc <- dc_t f (the cell gradient handed to the previous step)
@inline function backwardScalar(args: LstmCellBackwardArgs, b: i32, j: i32, H: i32): void {
  const row = (<usize>b * H + j) << 2;
  const hBytes = <usize>H << 2;
  const acts = args.acts + (<usize>b * 4 * H << 2) + (<usize>j << 2);
  const dgates = args.dgates + (<usize>b * 4 * H << 2) + (<usize>j << 2);
  const dyPtr = args.dy, dhPtr = args.dhNext;
  let dh: f32 = dyPtr != 0 ? load<f32>(dyPtr + row) : 0;
  if (dhPtr != 0) dh = dh + load<f32>(dhPtr + row);
  const i = load<f32>(acts), f = load<f32>(acts + hBytes), g = load<f32>(acts + 2 * hBytes), o = load<f32>(acts + 3 * hBytes);
  const tc = tanhScalar(load<f32>(args.c + row));
  const dcAt = args.dc + row;
  const dc = load<f32>(dcAt) + dh * o * (<f32>1 - tc * tc);
  store<f32>(dgates, dc * g * i * (<f32>1 - i));
  store<f32>(dgates + hBytes, dc * load<f32>(args.cPrev + row) * f * (<f32>1 - f));
  store<f32>(dgates + 2 * hBytes, dc * i * (<f32>1 - g * g));
  store<f32>(dgates + 3 * hBytes, dh * tc * o * (<f32>1 - o));
  store<f32>(dcAt, dc * f);
}

@inline function backwardLanes(args: LstmCellBackwardArgs, b: i32, j: i32, H: i32): void {
  const row = (<usize>b * H + j) << 2;
  const hBytes = <usize>H << 2;
  const acts = args.acts + (<usize>b * 4 * H << 2) + (<usize>j << 2);
  const dgates = args.dgates + (<usize>b * 4 * H << 2) + (<usize>j << 2);
  const dyPtr = args.dy, dhPtr = args.dhNext;
  const one = f32x4.splat(1);
  let dh = dyPtr != 0 ? v128.load(dyPtr + row) : f32x4.splat(0);
  if (dhPtr != 0) dh = f32x4.add(dh, v128.load(dhPtr + row));
  const i = v128.load(acts), f = v128.load(acts + hBytes), g = v128.load(acts + 2 * hBytes), o = v128.load(acts + 3 * hBytes);
  const tc = tanhLanes(v128.load(args.c + row));
  const dcAt = args.dc + row;
  const dc = f32x4.add(v128.load(dcAt), f32x4.mul(f32x4.mul(dh, o), f32x4.sub(one, f32x4.mul(tc, tc))));
  v128.store(dgates, f32x4.mul(f32x4.mul(f32x4.mul(dc, g), i), f32x4.sub(one, i)));
  const cPrev = v128.load(args.cPrev + row);
  v128.store(dgates + hBytes, f32x4.mul(f32x4.mul(f32x4.mul(dc, cPrev), f), f32x4.sub(one, f)));
  v128.store(dgates + 2 * hBytes, f32x4.mul(f32x4.mul(dc, i), f32x4.sub(one, f32x4.mul(g, g))));
  v128.store(dgates + 3 * hBytes, f32x4.mul(f32x4.mul(f32x4.mul(dh, tc), o), f32x4.sub(one, o)));
  v128.store(dcAt, f32x4.mul(dc, f));
}

export function lstm_cell_backward_task(words: usize, tid: i32, nthreads: i32): void {
  eachUnit(words, tid, nthreads, true);
}
