// The one way TypeScript runs a kernel: the typed writers of ./generated/kernel-args.ts fill the
// argument block through argumentWords, then runTask names the task and says how much work it is,
// so that small ops stay on the calling thread.
import { RuntimeError } from '../errors.js';
import { engine } from './engine.js';
import { ARGS_BYTES, ARGS_PTR } from './layout.js';

/**
 * Work, in scalar operations, below which one more thread costs more to wake than it saves. The
 * unit is what one element of a streaming elementwise kernel costs (relu: 1, tanh: about 12); a
 * core does about 1,300 of them per microsecond. Kernels whose inner loop does more per memory
 * access count less for the same arithmetic (the GEMM: gemm.ts, GEMM_MACS_PER_WORK).
 * A wake-up is some microseconds, tens on a loaded machine.
 */
export const WORK_PER_THREAD = 1 << 15;

/** Index of the argument block's first word in the heap's Int32Array and Float32Array views. */
export const ARGS_WORD = ARGS_PTR >> 2;

/** How many threads an op of `work` scalar operations should use. */
export function threadsFor(work: number): number {
  return Math.max(1, Math.min(engine().threads, Math.floor(work / WORK_PER_THREAD)));
}

/** The heap's word views, for writing an argument block of `words` words from ARGS_WORD. */
export function argumentWords(words: number): { readonly i32: Int32Array; readonly f32: Float32Array } {
  if (words * 4 > ARGS_BYTES) throw new RuntimeError(`too many kernel arguments: ${words} words, at most ${ARGS_BYTES / 4}`);
  return engine().heap;
}

/** Runs `<task>_task` from the wasm module on the argument block written, over the threads `work` earns. */
export function runTask(task: string, work: number): void {
  const e = engine();
  e.run(e.tasks.indexOf(task), threadsFor(work));
}

/**
 * Argument word `i` of the op that just ran. A kernel that meets bad input it can only see while it
 * runs (indices, say) sets a word of its arguments rather than trap (an `out` word of the spec),
 * and its writer returns it.
 */
export function argumentWordAfterRun(i: number): number {
  return engine().heap.i32[ARGS_WORD + i];
}
