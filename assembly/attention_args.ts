// The argument block of every attention task, fused (attention.ts) and reference
// (attention_reference.ts), written by bindings/kernels/attention.ts; and how a task reads it.
import { argI32, argPtr } from './args';

// Each 4-D operand is [ptr, stride over B, stride over H, stride over rows] in elements; its last
// dim is contiguous. Strides may be 0 (one K/V shared by all heads).
export const ARG_Q = 0; // q is (B, H, T, D)
export const ARG_K = 4; // k is (B, H, S, D)
export const ARG_V = 8; // v is (B, H, S, Dv)
export const ARG_OUT = 12; // out is (B, H, T, Dv)
export const ARG_DOUT = 16; // dout is (B, H, T, Dv); backward only
export const ARG_LSE = 20; // lse is (B, H, T) contiguous
export const ARG_MASK = 21; // mask is (B, S) contiguous, or 0 for none
export const ARG_MASK_FLOAT = 22; // 1 when mask holds float32, 0 for int32
export const ARG_B = 23;
export const ARG_H = 24;
export const ARG_T = 25;
export const ARG_S = 26;
export const ARG_D = 27;
export const ARG_DV = 28;
export const ARG_CAUSAL = 29;
export const ARG_SCALE = 30;
export const ARG_WORK = 31; // nthreads x ARG_WORK_STRIDE bytes of scratch
export const ARG_WORK_STRIDE = 32;
export const ARG_DQ = 33; // dq is (B, H, T, D) contiguous
export const ARG_DK = 34; // dk is (B, H, S, D) contiguous
export const ARG_DV_OUT = 35; // dv is (B, H, S, Dv) contiguous
// The backward's elementwise tasks (attention_backward.ts) read these too. Heads are numbered
// n = b * H + h; a call covers heads ARG_HEAD0 .. ARG_HEAD0 + ARG_HEADS - 1.
export const ARG_HEAD0 = 36;
export const ARG_HEADS = 37;
export const ARG_ROW0 = 38; // the first query row of the block
export const ARG_ROWS = 39; // query rows in the block
export const ARG_COLS = 40; // keys the block's rows may see (min(S, row0 + rows) when causal)
export const ARG_SCORES = 41; // scores is (heads, rows, cols) at strides ARG_BLOCK_HEAD, ARG_BLOCK_LD
export const ARG_DSCORES = 42; // dscores is laid out as scores
export const ARG_BLOCK_HEAD = 43;
export const ARG_BLOCK_LD = 44;
export const ARG_KEYS_OUT = 45; // keys is (B, H, S, D) contiguous: k with the hidden keys' rows zeroed

/** Address of row `r` of head (b, h) of the strided operand whose words start at `at`. */
@inline export function rowAt(args: usize, at: i32, b: i32, h: i32, r: i32): usize {
  const offset = <usize>b * argI32(args, at + 1) + <usize>h * argI32(args, at + 2) + <usize>r * argI32(args, at + 3);
  return argPtr(args, at) + (offset << 2);
}

@inline export function keyVisible(args: usize, b: i32, j: i32): bool {
  const mask = argPtr(args, ARG_MASK);
  if (mask == 0) return true;
  const at = mask + ((<usize>b * argI32(args, ARG_S) + j) << 2);
  return argI32(args, ARG_MASK_FLOAT) != 0 ? load<f32>(at) != 0 : load<i32>(at) != 0;
}

/** Address of lse[b, h, i]. */
@inline export function lseAt(args: usize, b: i32, h: i32, i: i32): usize {
  return argPtr(args, ARG_LSE) + ((<usize>(b * argI32(args, ARG_H) + h) * argI32(args, ARG_T) + i) << 2);
}

