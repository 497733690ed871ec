import { liveTensorCount } from './lifetime.js';
import { engine } from './runtime/engine.js';

export interface MemoryReport {
  /** Tensor objects made and not yet disposed (views count separately). */
  liveTensors: number;
  /** Bytes in blocks handed out by the allocator. */
  liveBytes: number;
  /** Bytes in freed blocks kept for reuse. */
  freeBytes: number;
  /** Size of the wasm memory, in 64 KiB pages, and its limit. */
  pages: number;
  maxPages: number;
}

/** What the engine holds now: the numbers to watch for leaks in a training loop. */
export function memory(): MemoryReport {
  const s = engine().heap.stats();
  return { liveTensors: liveTensorCount(), liveBytes: s.liveBytes, freeBytes: s.freeBytes, pages: s.pages, maxPages: s.maxPages };
}
