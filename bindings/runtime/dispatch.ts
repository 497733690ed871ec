// The one way TypeScript runs a kernel: name the task, give its argument words, and say how much
// work it is, so that small ops stay on the calling thread.
import { engine, type F32 } from './engine.js';
import { ARGS_PTR } from './layout.js';

/**
 * Work, in scalar operations, below which one more thread costs more to wake than it saves. The
 * unit is what one element of a streaming elementwise kernel costs (relu: 1, tanh: about 12); a
 * core does about 1,300 of them per microsecond. Kernels whose inner loop does more per memory
 * access count less for the same arithmetic (the GEMM: gemm.ts, GEMM_MACS_PER_WORK).
 * A wake-up is some microseconds, tens on a loaded machine.
 */
export const WORK_PER_THREAD = 1 << 15;

/** How many threads an op of `work` scalar operations should use. */
export function threadsFor(work: number): number {
  return Math.max(1, Math.min(engine().threads, Math.floor(work / WORK_PER_THREAD)));
}

/** Runs `<task>_task` from the wasm module with these argument words over the threads `work` earns. */
export function dispatch(task: string, args: readonly (number | F32)[], work: number): void {
  const e = engine();
  e.run(e.tasks.indexOf(task), args, threadsFor(work));
}

/**
 * Argument word `i` of the op that just ran. A kernel that meets bad input it can only see while it
 * runs (indices, say) sets a word of its arguments rather than trap, and its wrapper reads it here.
 */
export function argumentWordAfterRun(i: number): number {
  return engine().heap.i32[(ARGS_PTR >> 2) + i];
}
