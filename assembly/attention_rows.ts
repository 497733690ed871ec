// What the attention tasks (fused, backward and reference) look up beside their operands' rows:
// whether a key is visible through the padding mask, and where a row's log-sum-exp lives.
import { AttentionArgs } from './generated/args';

@inline export function keyVisible(args: AttentionArgs, b: i32, j: i32): bool {
  const mask = args.mask;
  if (mask == 0) return true;
  const at = mask + ((<usize>b * args.S + j) << 2);
  return args.maskFloat ? load<f32>(at) != 0 : load<i32>(at) != 0;
}

/** Address of lse[b, h, i]. */
@inline export function lseAt(args: AttentionArgs, b: i32, h: i32, i: i32): usize {
  return args.lse + ((<usize>(b * args.H + h) * args.T + i) << 2);
}

