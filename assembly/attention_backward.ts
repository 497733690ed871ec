// The elementwise steps of the fused attention's backward. bindings/kernels/attention.ts runs the
// products on the packed GEMM (gemm.ts), block of query rows after block, every head at once:
//   scores  = scale q_blk k^T,   dscores = dout_blk v^T,
//   then here p = exp(scores - lse) and ds = p (dscores - delta), delta_i = p_i . dscores_i / sum(p_i),
//   then dv += p^T dout_blk,   dq_blk = scale ds k,   dk += scale ds^T q_blk.
// Only a block of rows x S scores per head is ever held, and each element is computed once, by
// one thread, whatever the thread count.
//
// Masks: a hidden pair gets p = ds = 0 by selection, not by multiplying, so a hidden key's k and
// v may hold anything (NaN included): its score is never read, and attention_backward_keys_task
// gives the dq product a copy of k with the hidden keys' rows zeroed. A query row with
// lse = -Infinity (it sees no key) gets p = ds = 0, so zero gradients.
import { AttentionArgs } from './generated/args';
import { splitStart } from './split';
import { keyVisible, lseAt } from './attention_rows';
import { expLanesNonPositive } from './fastmath';

const LANE_INDEX: v128 = i32x4(0, 1, 2, 3);

@inline function laneSum(x: v128): f32 {
  return (f32x4.extract_lane(x, 0) + f32x4.extract_lane(x, 1)) + (f32x4.extract_lane(x, 2) + f32x4.extract_lane(x, 3));
}

// All lanes set where keys j .. j + 3 of batch b are visible to a query that sees keys up to `last`.
@inline function keepLanes(args: AttentionArgs, b: i32, j: i32, last: i32): v128 {
  let keep = i32x4.le_s(i32x4.add(i32x4.splat(j), LANE_INDEX), i32x4.splat(last));
  const mask = args.mask;
  if (mask != 0) {
    const m = v128.load(mask + ((<usize>b * args.S + j) << 2));
    keep = v128.and(keep, args.maskFloat ? f32x4.ne(m, f32x4.splat(0)) : i32x4.ne(m, i32x4.splat(0)));
  }
  return keep;
}

// Row r of head n's block: scores row s becomes p, dscores row dp becomes ds, over `cols` keys
// (every key the row may see). delta = (p . dp) / sum(p): dout . out in exact arithmetic, but
// taken from these very p and dp, so that the row's ds cancel where the math says they do (one
// visible key, or one key taking all the weight at huge scores), whatever rounding the products'
// sums and the recomputed scores carry.
function probabilityRow(args: AttentionArgs, n: i32, r: i32, s: usize, dp: usize, cols: i32): void {
  const H = args.H;
  const b = n / H, h = n % H, i = args.row0 + r;
  const lse = load<f32>(lseAt(args, b, h, i));
  if (lse == -Infinity) {
    memory.fill(s, 0, <usize>cols << 2);
    memory.fill(dp, 0, <usize>cols << 2);
    return;
  }
  // Query i sees key j when j <= last.
  const last = args.causal ? i : i32.MAX_VALUE;
  const vLse = f32x4.splat(lse);
  const whole = cols & ~3;
  let acc = f32x4.splat(0), mass = f32x4.splat(0);
  for (let j = 0; j < whole; j += 4) {
    const o = <usize>j << 2;
    const keep = keepLanes(args, b, j, last);
    const p = v128.and(expLanesNonPositive(f32x4.sub(v128.load(s + o), vLse)), keep);
    v128.store(s + o, p);
    acc = f32x4.add(acc, v128.and(f32x4.mul(p, v128.load(dp + o)), keep));
    mass = f32x4.add(mass, p);
  }
  let pdp = laneSum(acc), sum = laneSum(mass);
  // The tail goes through the same lane arithmetic one key at a time: no read past a row or the mask.
  for (let j = whole; j < cols; j++) {
    const o = <usize>j << 2;
    const keep = i32x4.splat(j <= last && keyVisible(args, b, j) ? -1 : 0);
    const p = v128.and(expLanesNonPositive(f32x4.sub(f32x4.splat(load<f32>(s + o)), vLse)), keep);
    store<f32>(s + o, f32x4.extract_lane(p, 0));
    pdp += f32x4.extract_lane(v128.and(f32x4.mul(p, f32x4.splat(load<f32>(dp + o))), keep), 0);
    sum += f32x4.extract_lane(p, 0);
  }
  // sum is about 1 (lse normalises p); 0 only when every p underflowed.
  const delta = sum > 0 ? pdp / sum : 0;
  // A hidden key has p = 0 but maybe dp = NaN: select on p, not multiply.
  const vDelta = f32x4.splat(delta), zero = f32x4.splat(0);
  for (let j = 0; j < whole; j += 4) {
    const o = <usize>j << 2;
    const p = v128.load(s + o);
    v128.store(dp + o, v128.and(f32x4.mul(p, f32x4.sub(v128.load(dp + o), vDelta)), f32x4.ne(p, zero)));
  }
  for (let j = whole; j < cols; j++) {
    const o = <usize>j << 2;
    const p = load<f32>(s + o);
    store<f32>(dp + o, p != 0 ? p * (load<f32>(dp + o) - delta) : 0);
  }
}

// Threads split the block's rows of all its heads.
export function attention_backward_probabilities_task(words: usize, tid: i32, nthreads: i32): void {
  const args = changetype<AttentionArgs>(words);
  const rows = args.rows, cols = args.cols, head0 = args.head0;
  const total = args.heads * rows;
  const headStride = <usize>args.blockHead << 2, ld = <usize>args.blockLd << 2;
  const end = splitStart(total, tid + 1, nthreads);
  for (let u = splitStart(total, tid, nthreads); u < end; u++) {
    const g = u / rows, r = u % rows;
    const at = <usize>g * headStride + <usize>r * ld;
    probabilityRow(args, head0 + g, r, args.scores + at, args.dscores + at, cols);
  }
}

// keys (B, H, S, D) = k with the rows of hidden keys zeroed; threads split the rows.
export function attention_backward_keys_task(words: usize, tid: i32, nthreads: i32): void {
  const args = changetype<AttentionArgs>(words);
  const H = args.H, S = args.S, D = args.D;
  const total = args.B * H * S;
  const keys = args.keys;
  const end = splitStart(total, tid + 1, nthreads);
  for (let u = splitStart(total, tid, nthreads); u < end; u++) {
    const n = u / S, j = u % S, b = n / H;
    const dst = keys + (<usize>u * D << 2);
    if (keyVisible(args, b, j)) memory.copy(dst, args.kRow(b, n % H, j), <usize>D << 2);
    else memory.fill(dst, 0, <usize>D << 2);
  }
}
