// The argument block of the cross-entropy tasks, forward and backward, fused (cross_entropy.ts)
// and reference (cross_entropy_reference.ts), written by bindings/kernels/cross-entropy.ts and
// read in place. The forward leaves dloss and weightSum unused.
@unmanaged export class CrossEntropyArgs {
  out: usize; // forward: loss (M); backward: dx (M, C)
  x: usize; // logits (M, C)
  target: usize; // (M) int32
  classWeight: usize; // (C), or 0 for all 1
  dloss: usize; // (M)
  M: i32;
  C: i32;
  ignoreIndex: i32;
  eps: f32; // label smoothing
  scale: f32; // multiplies every row's loss
  weightSum: f32; // sum of the class weights (C without them)
}
