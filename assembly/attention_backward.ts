// The backward of the fused attention (attention.ts), FlashAttention-2 style: the probabilities
// are recomputed tile by tile, BLOCK queries x BLOCK keys, as p = exp(scale q.k - lse) from the
// lse the forward saved, and every product is a small GEMM on a 4x8 register tile. Nothing of
// size T x S is ever held. With delta_i = dout_i . out_i and ds = p (dout_i . v_j - delta_i):
//   dv_j = sum_i p_ij dout_i,   dk_j = scale sum_i ds_ij q_i,   dq_i = scale sum_j ds_ij k_j.
//
// Determinism: two passes, each owning whole rows of its outputs. The dq pass takes a block of
// queries and walks the keys; the dk/dv pass takes a block of keys and walks the queries. Both
// recompute the tile instead of sharing a sum between threads, and every tile's bounds depend
// only on T, S and the block, never on the thread count. The dq pass also writes delta, which
// the dk/dv pass reads, so it runs first.
//
// Masks: a hidden pair gets p = ds = 0 by selection, not by multiplying, so a hidden key's k and
// v may hold anything (NaN included); hidden keys are packed as zeros, so their k never reaches
// dq. A query row with lse = -Infinity (it sees no key) gets zero gradients.
import { argF32, argI32, argPtr } from './args';
import { dot } from './attention_dot';
import {
  ARG_B, ARG_CAUSAL, ARG_D, ARG_DK, ARG_DOUT, ARG_DQ, ARG_DV, ARG_DV_OUT, ARG_H, ARG_K, ARG_OUT, ARG_Q, ARG_S,
  ARG_SCALE, ARG_T, ARG_V, ARG_WORK, ARG_WORK_STRIDE, deltaAt, keyVisible, lseAt, rowAt,
} from './attention_args';
import { expLanes } from './fastmath';

// Queries and keys per tile: a multiple of 8 (the register tile's width).
const BLOCK = 32;
const TILE_ROW_BYTES: usize = BLOCK * 4;
const TILE_BYTES: usize = BLOCK * TILE_ROW_BYTES;

@inline function roundUp4(n: i32): i32 {
  return (n + 3) & ~3;
}

// c is (4, 8) at cRow bytes per row; element k of row r of a is at a_r + k * aCol; b is (K, 8)
// at bRow bytes per row. c = (accumulate ? c : 0) + a b, each element summed in k order.
@inline function gemm_4x8_simd(
  c: usize, cRow: usize, a0: usize, a1: usize, a2: usize, a3: usize, aCol: usize, b: usize, bRow: usize, K: i32,
  accumulate: bool,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  if (accumulate) {
    c00 = v128.load(c); c01 = v128.load(c, 16);
    c10 = v128.load(c + cRow); c11 = v128.load(c + cRow, 16);
    c20 = v128.load(c + 2 * cRow); c21 = v128.load(c + 2 * cRow, 16);
    c30 = v128.load(c + 3 * cRow); c31 = v128.load(c + 3 * cRow, 16);
  }
  let ka: usize = 0, kb = b;
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(kb), b1 = v128.load(kb, 16);
    const x0 = v128.load32_splat(a0 + ka), x1 = v128.load32_splat(a1 + ka);
    c00 = f32x4.add(c00, f32x4.mul(x0, b0)); c01 = f32x4.add(c01, f32x4.mul(x0, b1));
    c10 = f32x4.add(c10, f32x4.mul(x1, b0)); c11 = f32x4.add(c11, f32x4.mul(x1, b1));
    const x2 = v128.load32_splat(a2 + ka), x3 = v128.load32_splat(a3 + ka);
    c20 = f32x4.add(c20, f32x4.mul(x2, b0)); c21 = f32x4.add(c21, f32x4.mul(x2, b1));
    c30 = f32x4.add(c30, f32x4.mul(x3, b0)); c31 = f32x4.add(c31, f32x4.mul(x3, b1));
    ka += aCol;
    kb += bRow;
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + cRow, c10); v128.store(c + cRow, c11, 16);
  v128.store(c + 2 * cRow, c20); v128.store(c + 2 * cRow, c21, 16);
  v128.store(c + 3 * cRow, c30); v128.store(c + 3 * cRow, c31, 16);
}

// c is (roundUp4(rows), BLOCK) in the scratch; element (r, k) of a is at a + r * aRow + k * aCol
// for r < rows (the rows of a last partial group of four repeat row rows - 1, and their rows of c
// are never read); b is (K, BLOCK) in the scratch. c = (accumulate ? c : 0) + a b.
function gemmTile(c: usize, rows: i32, a: usize, aRow: usize, aCol: usize, b: usize, K: i32, accumulate: bool): void {
  for (let r = 0; r < rows; r += 4) {
    const a0 = a + <usize>r * aRow;
    const a1 = a + <usize>min(r + 1, rows - 1) * aRow;
    const a2 = a + <usize>min(r + 2, rows - 1) * aRow;
    const a3 = a + <usize>min(r + 3, rows - 1) * aRow;
    const cr = c + <usize>r * TILE_ROW_BYTES;
    for (let col = 0; col < BLOCK; col += 8) {
      gemm_4x8_simd(cr + (<usize>col << 2), TILE_ROW_BYTES, a0, a1, a2, a3, aCol, b + (<usize>col << 2), TILE_ROW_BYTES, K, accumulate);
    }
  }
}

// dst is (width, BLOCK): dst[d][t] = row t's element d for t < n (rows at src + t * srcRow, or
// zeros where keep[t] is 0), 0 for n <= t < BLOCK.
function packTransposed(dst: usize, src: usize, srcRow: usize, n: i32, width: i32, keep: usize): void {
  memory.fill(dst, 0, <usize>width * TILE_ROW_BYTES);
  for (let t = 0; t < n; t++) {
    if (load<i32>(keep + (<usize>t << 2)) == 0) continue;
    const row = src + <usize>t * srcRow;
    for (let d = 0; d < width; d++) store<f32>(dst + <usize>d * TILE_ROW_BYTES + (<usize>t << 2), load<f32>(row + (<usize>d << 2)));
  }
}

// dst row t (width floats) = scale * src[d][t] for t < n, src (roundUp4(width), BLOCK) in the scratch.
function unpackTransposed(dst: usize, dstRow: usize, src: usize, n: i32, width: i32, scale: f32): void {
  for (let t = 0; t < n; t++) {
    const row = dst + <usize>t * dstRow;
    for (let d = 0; d < width; d++) store<f32>(row + (<usize>d << 2), load<f32>(src + <usize>d * TILE_ROW_BYTES + (<usize>t << 2)) * scale);
  }
}

const LANE_INDEX: v128 = i32x4(0, 1, 2, 3);

// Bytes of an operand tile of width rows (rounded up to the register tile's 4) of BLOCK floats.
@inline function operandBytes(width: i32): usize {
  return <usize>roundUp4(width) * TILE_ROW_BYTES;
}

/** Bytes of scratch each thread needs for the backward tasks at head sizes D and Dv: the larger of the two layouts. */
export function attention_backward_workspace_bytes(D: i32, Dv: i32): i32 {
  const dq = 3 * operandBytes(D) + operandBytes(Dv) + 2 * TILE_BYTES + 3 * TILE_ROW_BYTES;
  const dkdv = 2 * operandBytes(D) + 2 * operandBytes(Dv) + 2 * TILE_BYTES + TILE_ROW_BYTES;
  return <i32>max(dq, dkdv);
}

// Query rows i0 .. i0 + nq - 1 of head (b, h): dq and delta. The scratch holds q and dout of the
// block transposed (qT, doT), the block's lse, delta and live-column mask, the current key tile
// packed by rows (kp), the tile's scores s^T (keys x queries), its ds^T, and dq^T.
function dqBlock(args: usize, b: i32, h: i32, i0: i32, nq: i32, scratch: usize): void {
  const S = argI32(args, ARG_S), D = argI32(args, ARG_D), Dv = argI32(args, ARG_DV);
  const scale = argF32(args, ARG_SCALE);
  const causal = argI32(args, ARG_CAUSAL) != 0;
  const qT = scratch, doT = qT + operandBytes(D);
  const lseV = doT + operandBytes(Dv), deltaV = lseV + TILE_ROW_BYTES, live = deltaV + TILE_ROW_BYTES;
  const kp = live + TILE_ROW_BYTES, sT = kp + operandBytes(D), dsT = sT + TILE_BYTES, dqT = dsT + TILE_BYTES;
  const q = rowAt(args, ARG_Q, b, h, i0), qRow = rowAt(args, ARG_Q, b, h, i0 + 1) - q;
  const dout = rowAt(args, ARG_DOUT, b, h, i0), doRow = rowAt(args, ARG_DOUT, b, h, i0 + 1) - dout;
  const dq = argPtr(args, ARG_DQ) + ((<usize>(b * argI32(args, ARG_H) + h) * argI32(args, ARG_T) + i0) * D << 2);
  let anyLive = false;
  for (let r = 0; r < BLOCK; r++) {
    const lse = r < nq ? load<f32>(lseAt(args, b, h, i0 + r)) : <f32>-Infinity;
    const isLive = lse != -Infinity;
    const delta = isLive ? dot(dout + <usize>r * doRow, rowAt(args, ARG_OUT, b, h, i0 + r), Dv) : 0;
    if (r < nq) store<f32>(deltaAt(args, b, h, i0 + r), delta);
    store<f32>(lseV + (<usize>r << 2), isLive ? lse : 0);
    store<f32>(deltaV + (<usize>r << 2), delta);
    store<i32>(live + (<usize>r << 2), isLive ? -1 : 0);
    anyLive = anyLive || isLive;
  }
  memory.fill(dq, 0, <usize>nq * D << 2);
  if (!anyLive) return;
  packTransposed(qT, q, qRow, nq, D, live);
  packTransposed(doT, dout, doRow, nq, Dv, live);
  memory.fill(dqT, 0, operandBytes(D));
  const end = causal ? min(S, i0 + nq) : S;
  const vScale = f32x4.splat(scale);
  for (let j0 = 0; j0 < end; j0 += BLOCK) {
    const nk = min(BLOCK, end - j0);
    let anyVisible = false;
    for (let t = 0; t < nk; t++) {
      const row = kp + <usize>t * D * 4;
      if (keyVisible(args, b, j0 + t)) {
        memory.copy(row, rowAt(args, ARG_K, b, h, j0 + t), <usize>D << 2);
        anyVisible = true;
      } else {
        memory.fill(row, 0, <usize>D << 2);
      }
    }
    if (!anyVisible) continue;
    const v = rowAt(args, ARG_V, b, h, j0), vRow = rowAt(args, ARG_V, b, h, j0 + 1) - v;
    gemmTile(sT, nk, kp, <usize>D << 2, 4, qT, D, false);
    gemmTile(dsT, nk, v, vRow, 4, doT, Dv, false);
    for (let t = 0; t < nk; t++) {
      const sRow = sT + <usize>t * TILE_ROW_BYTES, dsRow = dsT + <usize>t * TILE_ROW_BYTES;
      if (!keyVisible(args, b, j0 + t)) {
        memory.fill(dsRow, 0, TILE_ROW_BYTES);
        continue;
      }
      // Query i0 + col sees key j0 + t when col >= j0 + t - i0.
      const first = i32x4.splat(causal ? j0 + t - i0 : i32.MIN_VALUE);
      for (let col = 0; col < BLOCK; col += 4) {
        const o = <usize>col << 2;
        const keep = v128.and(v128.load(live + o), i32x4.ge_s(i32x4.add(i32x4.splat(col), LANE_INDEX), first));
        const p = expLanes(f32x4.sub(f32x4.mul(v128.load(sRow + o), vScale), v128.load(lseV + o)));
        const ds = f32x4.mul(p, f32x4.sub(v128.load(dsRow + o), v128.load(deltaV + o)));
        v128.store(dsRow + o, v128.and(ds, keep));
      }
    }
    // dq^T += kp^T ds^T: row d of kp^T is column d of kp.
    gemmTile(dqT, D, kp, 4, <usize>D << 2, dsT, nk, true);
  }
  unpackTransposed(dq, <usize>D << 2, dqT, nq, D, scale);
}

// Key rows j0 .. j0 + nk - 1 of head (b, h): dk and dv. The scratch holds k and v of the block
// transposed (kT, vT), the block's visible-key mask, the tile's p (queries x keys) and ds, and
// dk^T and dv^T.
function dkdvBlock(args: usize, b: i32, h: i32, j0: i32, nk: i32, scratch: usize): void {
  const T = argI32(args, ARG_T), S = argI32(args, ARG_S), D = argI32(args, ARG_D), Dv = argI32(args, ARG_DV);
  const scale = argF32(args, ARG_SCALE);
  const causal = argI32(args, ARG_CAUSAL) != 0;
  const kT = scratch, vT = kT + operandBytes(D), visible = vT + operandBytes(Dv);
  const p = visible + TILE_ROW_BYTES, ds = p + TILE_BYTES, dkT = ds + TILE_BYTES, dvT = dkT + operandBytes(D);
  const head = <usize>(b * argI32(args, ARG_H) + h) * S + j0;
  const dk = argPtr(args, ARG_DK) + (head * D << 2), dv = argPtr(args, ARG_DV_OUT) + (head * Dv << 2);
  memory.fill(dk, 0, <usize>nk * D << 2);
  memory.fill(dv, 0, <usize>nk * Dv << 2);
  let anyVisible = false;
  for (let t = 0; t < BLOCK; t++) {
    const isVisible = t < nk && keyVisible(args, b, j0 + t);
    store<i32>(visible + (<usize>t << 2), isVisible ? -1 : 0);
    anyVisible = anyVisible || isVisible;
  }
  // Causal: no query before j0 sees a key of the block.
  const start = causal ? j0 : 0;
  if (!anyVisible || start >= T) return;
  const k = rowAt(args, ARG_K, b, h, j0), v = rowAt(args, ARG_V, b, h, j0);
  packTransposed(kT, k, rowAt(args, ARG_K, b, h, j0 + 1) - k, nk, D, visible);
  packTransposed(vT, v, rowAt(args, ARG_V, b, h, j0 + 1) - v, nk, Dv, visible);
  memory.fill(dkT, 0, operandBytes(D));
  memory.fill(dvT, 0, operandBytes(Dv));
  const vScale = f32x4.splat(scale);
  for (let i0 = start; i0 < T; i0 += BLOCK) {
    const nq = min(BLOCK, T - i0);
    const q = rowAt(args, ARG_Q, b, h, i0), qRow = rowAt(args, ARG_Q, b, h, i0 + 1) - q;
    const dout = rowAt(args, ARG_DOUT, b, h, i0), doRow = rowAt(args, ARG_DOUT, b, h, i0 + 1) - dout;
    gemmTile(p, nq, q, qRow, 4, kT, D, false);
    gemmTile(ds, nq, dout, doRow, 4, vT, Dv, false);
    for (let r = 0; r < BLOCK; r++) {
      const pRow = p + <usize>r * TILE_ROW_BYTES, dsRow = ds + <usize>r * TILE_ROW_BYTES;
      const lse = r < nq ? load<f32>(lseAt(args, b, h, i0 + r)) : <f32>-Infinity;
      if (lse == -Infinity) {
        // Rows past nq are zeroed too: the k loops below stop at nq, but a row of NaN must not sit there.
        memory.fill(pRow, 0, TILE_ROW_BYTES);
        memory.fill(dsRow, 0, TILE_ROW_BYTES);
        continue;
      }
      const vLse = f32x4.splat(lse), vDelta = f32x4.splat(load<f32>(deltaAt(args, b, h, i0 + r)));
      // Key j0 + col is seen by query i0 + r when col <= i0 + r - j0.
      const last = i32x4.splat(causal ? i0 + r - j0 : i32.MAX_VALUE);
      for (let col = 0; col < BLOCK; col += 4) {
        const o = <usize>col << 2;
        const keep = v128.and(v128.load(visible + o), i32x4.le_s(i32x4.add(i32x4.splat(col), LANE_INDEX), last));
        const pv = v128.and(expLanes(f32x4.sub(f32x4.mul(v128.load(pRow + o), vScale), vLse)), keep);
        v128.store(pRow + o, pv);
        v128.store(dsRow + o, v128.and(f32x4.mul(pv, f32x4.sub(v128.load(dsRow + o), vDelta)), keep));
      }
    }
    // dv^T += dout^T p and dk^T += q^T ds: row d of dout^T is column d of the block's dout rows.
    gemmTile(dvT, Dv, dout, 4, doRow, p, nq, true);
    gemmTile(dkT, D, q, 4, qRow, ds, nq, true);
  }
  unpackTransposed(dk, <usize>D << 2, dkT, nk, D, scale);
  unpackTransposed(dv, <usize>Dv << 2, dvT, nk, Dv, 1);
}

// Threads take the blocks of rows of every head round-robin, so that causal blocks, whose cost
// grows (dq) or shrinks (dk, dv) along the sequence, balance out.
function eachBlock(args: usize, tid: i32, nthreads: i32, rows: i32, block: (args: usize, b: i32, h: i32, r0: i32, n: i32, scratch: usize) => void): void {
  const H = argI32(args, ARG_H);
  const scratch = argPtr(args, ARG_WORK) + <usize>tid * argI32(args, ARG_WORK_STRIDE);
  const blocks = (rows + BLOCK - 1) / BLOCK;
  const total = argI32(args, ARG_B) * H * blocks;
  for (let u = tid; u < total; u += nthreads) {
    const r0 = u % blocks * BLOCK;
    block(args, u / (H * blocks), u / blocks % H, r0, min(BLOCK, rows - r0), scratch);
  }
}

// The first backward pass: dq and delta, by blocks of query rows.
export function attention_backward_dq_task(args: usize, tid: i32, nthreads: i32): void {
  eachBlock(args, tid, nthreads, argI32(args, ARG_T), dqBlock);
}

// The second backward pass, after the first has written delta: dk and dv, by blocks of key rows.
export function attention_backward_dkdv_task(args: usize, tid: i32, nthreads: i32): void {
  eachBlock(args, tid, nthreads, argI32(args, ARG_S), dkdvBlock);
}
