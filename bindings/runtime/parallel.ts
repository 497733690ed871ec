import { engine } from './engine.js';

/**
 * Work, in rough multiply-adds, below which one more thread costs more to wake than it saves.
 * A wake-up is some microseconds; a core does a few thousand multiply-adds per microsecond.
 */
export const WORK_PER_THREAD = 1 << 15;

/** How many threads an op of `work` multiply-adds should use. */
export function threadsFor(work: number): number {
  return Math.max(1, Math.min(engine().threads, Math.floor(work / WORK_PER_THREAD)));
}
