// Fixed addresses in the wasm memory that the main thread and every worker agree on.
// The kernels never see these: they receive pointers in their argument block.

/** Control words for the pool, as Int32Array indices from CONTROL_PTR. */
export const CONTROL_PTR = 1024;
export const enum Ctl {
  /** Bumped once per dispatched op; workers sleep on it. */
  Seq = 0,
  /** Index of the task in the task table. */
  Task = 1,
  /** How many threads share this op (the caller is thread 0). */
  Threads = 2,
  /** Workers that have finished the current op. */
  Done = 3,
  /**
   * Which set of workers the pool is running. Bumped when the pool stops its workers; a worker
   * started for an older set leaves its loop without touching anything. terminate() is not
   * immediate, so an old worker can still wake after a resize and must not count as a new one.
   */
  Generation = 4,
  /** 1 + the thread index of the first worker whose task threw, or 0. */
  Fault = 5,
  /** Workers that have instantiated the module and entered their loop. */
  Ready = 6,
  /**
   * 1 + the generation of the latest worker the watchdog saw die, or 0. One word the caller can
   * read between wait slices, instead of scanning Gone.
   */
  LostGeneration = 7,
  /**
   * First of one take-up word per thread index (MAX_THREADS of them): TAKE_UP_OPEN when an op is
   * dispatched, TAKE_UP_TAKEN once that worker counted itself in, TAKE_UP_FINISHED once it has
   * finished its share, TAKE_UP_CLOSED when the caller gave up waiting and ran that share itself
   * (see Pool.run).
   */
  TakeUp = 16,
  /**
   * First of one word per thread index: 1 + the generation of that worker once the watchdog saw it
   * die, so a death reported late for a stopped set never counts against a new one.
   */
  Gone = 16 + 64,
  Words = 16 + 2 * 64,
}

export const TAKE_UP_OPEN = 0;
export const TAKE_UP_TAKEN = 1;
export const TAKE_UP_CLOSED = 2;
export const TAKE_UP_FINISHED = 3;

/** The argument block of the op being dispatched: ARGS_BYTES of i32/f32 words. */
export const ARGS_PTR = 2048;
export const ARGS_BYTES = 1024;

/**
 * The reason of the fault in Ctl.Fault: a byte length word, then that many bytes of UTF-8. Written
 * by the worker that set Ctl.Fault, before it counts itself done, since a caller blocked in the op
 * cannot receive that worker's message until after it has thrown.
 */
export const FAULT_TEXT_PTR = ARGS_PTR + ARGS_BYTES;
export const FAULT_TEXT_BYTES = 1024;

/** The first address the allocator may hand out; everything below is reserved. */
export const HEAP_START = 65536;

export const PAGE_BYTES = 65536;
