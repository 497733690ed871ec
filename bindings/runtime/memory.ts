// The one WebAssembly.Memory of the engine and the allocator over it.
// Kernels never allocate: every byte they touch was handed out here.
import { OutOfMemoryError, ArgumentError } from '../errors.js';
import { HEAP_START, PAGE_BYTES } from './layout.js';

/** Blocks start on 64-byte boundaries: a cache line, and more than v128 needs. */
export const ALIGN = 64;

/**
 * Rounds a request up to its size class: multiples of 64 up to 4 KiB, then four classes per
 * power of two. Freed blocks are reused by later requests of the same class, so a training loop
 * that allocates the same shapes every step reaches a steady state instead of growing.
 */
export function sizeClass(bytes: number): number {
  if (bytes <= 4096) return Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  const pow = 2 ** Math.floor(Math.log2(bytes));
  const step = pow / 4;
  return Math.ceil(bytes / step) * step;
}

export interface MemoryStats {
  liveBlocks: number;
  liveBytes: number;
  freeBytes: number;
  pages: number;
  maxPages: number;
}

export class Heap {
  readonly memory: WebAssembly.Memory;
  readonly maxPages: number;
  private top = HEAP_START;
  private readonly live = new Map<number, number>();
  private readonly freeByClass = new Map<number, Set<number>>();
  private readonly freeByEnd = new Map<number, number>();
  private liveBytes = 0;
  private freeBytes = 0;
  private buffer!: ArrayBufferLike;
  u8!: Uint8Array;
  i32!: Int32Array;
  f32!: Float32Array;

  constructor(opts: { shared: boolean; maxPages: number }) {
    const initial = Math.ceil((HEAP_START + 16 * PAGE_BYTES) / PAGE_BYTES);
    this.maxPages = opts.maxPages;
    this.memory = new WebAssembly.Memory({ initial, maximum: opts.maxPages, shared: opts.shared });
    this.refreshViews();
  }

  /** Views go stale when the memory grows; everything that reads memory goes through these. */
  private refreshViews(): void {
    this.buffer = this.memory.buffer;
    this.u8 = new Uint8Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
    this.f32 = new Float32Array(this.buffer);
  }

  /** Returns a 64-byte aligned block of at least `bytes` bytes. Its contents are undefined. */
  alloc(bytes: number, op = 'alloc'): number {
    if (!Number.isInteger(bytes) || bytes < 0) {
      throw new ArgumentError(`${op}: expected a non-negative whole number of bytes, got ${bytes}`);
    }
    const size = sizeClass(bytes);
    const reusable = this.freeByClass.get(size);
    let ptr: number;
    if (reusable !== undefined && reusable.size > 0) {
      ptr = reusable.values().next().value as number;
      reusable.delete(ptr);
      this.freeByEnd.delete(ptr + size);
      this.freeBytes -= size;
    } else {
      ptr = this.top;
      this.ensureCapacity(ptr + size, bytes, op);
      this.top = ptr + size;
    }
    this.live.set(ptr, size);
    this.liveBytes += size;
    return ptr;
  }

  free(ptr: number): void {
    const size = this.live.get(ptr);
    if (size === undefined) throw new ArgumentError(`free: ${ptr} is not a live block`);
    this.live.delete(ptr);
    this.liveBytes -= size;
    if (ptr + size === this.top) {
      this.top = ptr;
      this.releaseFreeBlocksAtTop();
      return;
    }
    let set = this.freeByClass.get(size);
    if (set === undefined) this.freeByClass.set(size, (set = new Set()));
    set.add(ptr);
    this.freeByEnd.set(ptr + size, ptr);
    this.freeBytes += size;
  }

  /** Free blocks that end where the heap ends go back to the untouched top, where any size can use them. */
  private releaseFreeBlocksAtTop(): void {
    for (;;) {
      const ptr = this.freeByEnd.get(this.top);
      if (ptr === undefined) return;
      const size = this.top - ptr;
      this.freeByEnd.delete(this.top);
      this.freeByClass.get(size)!.delete(ptr);
      this.freeBytes -= size;
      this.top = ptr;
    }
  }

  /** Grows the memory so that addresses below `end` exist, or throws an OutOfMemoryError. */
  private ensureCapacity(end: number, requested: number, op: string): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const needPages = Math.ceil((end - have) / PAGE_BYTES);
    const currentPages = have / PAGE_BYTES;
    // Grow by at least a quarter of what we have, so a run of small growths costs few view rebuilds.
    const wantPages = Math.max(needPages, Math.ceil(currentPages / 4));
    const pages = Math.min(wantPages, this.maxPages - currentPages);
    if (pages < needPages) throw this.outOfMemory(op, requested, `the maximum is ${this.maxPages * PAGE_BYTES} bytes (${this.maxPages} pages)`);
    try {
      this.memory.grow(pages);
    } catch {
      // Below the maximum the host may still refuse: the machine itself is short of memory.
      throw this.outOfMemory(op, requested, `the host refused to grow the memory past ${have} bytes`);
    }
    this.refreshViews();
  }

  private outOfMemory(op: string, requested: number, limit: string): OutOfMemoryError {
    return new OutOfMemoryError(
      `${op}: out of wasm memory: asked for ${requested} bytes with ${this.liveBytes} bytes live in ` +
        `${this.live.size} blocks (${this.freeBytes} bytes free but in other size classes); ${limit}. ` +
        'Dispose tensors you no longer need, use wg.scope(), or raise the limit with wg.ready({ maxMemoryMB }).',
    );
  }

  /** True when `ptr` is a live block: lets callers refuse pointers they did not get from here. */
  isLive(ptr: number): boolean {
    return this.live.has(ptr);
  }

  stats(): MemoryStats {
    return {
      liveBlocks: this.live.size,
      liveBytes: this.liveBytes,
      freeBytes: this.freeBytes,
      pages: this.memory.buffer.byteLength / PAGE_BYTES,
      maxPages: this.maxPages,
    };
  }
}
