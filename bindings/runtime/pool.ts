// The thread pool. One op at a time: the caller writes the argument block, bumps the sequence
// word, runs slice 0 itself, then waits until every worker has finished its slice. Kernels split
// their outputs by (tid, nthreads), so the bits do not depend on how many threads ran, nor on
// which thread ran a slice.
//
// Slow and dead workers. A kernel that throws in a worker is caught there and reported
// (Ctl.Fault). A worker can also be slow to wake (a loaded machine) or die without a word
// (terminate(), its thread killed), and the caller, blocked in Atomics.wait, cannot receive an
// 'exit' event, which is queued on its own event loop. So each worker counts itself in on an op
// (its Ctl.TakeUp word) before it touches the op. One that has not done so within
// TAKE_UP_TIMEOUT_MS is closed out of the op, and the caller runs that slice itself: the op
// completes with the same bits whether the worker was slow or dead, and a slow worker that wakes
// later leaves the op alone. A dead worker is then found between ops by an 'exit' (Node) or
// 'error' listener, when the event loop runs: the next threaded op throws, the pool stops its
// workers and every op runs on the calling thread (same bits) until setNumThreads() starts new
// ones. A heartbeat word was rejected: a worker inside a long kernel cannot beat, so it would not
// tell busy from dead. Not caught: a worker that dies after counting itself in and before
// finishing; nothing in shared memory marks that death (only an 'exit' listener on a thread that
// is not blocked, i.e. a supervising worker owning the pool, could see it).
import { ArgumentError, RuntimeError } from '../errors.js';
import { ARGS_PTR, CONTROL_PTR, Ctl, TAKE_UP_CLOSED, TAKE_UP_OPEN } from './layout.js';
import { canBlock, nodeWorkers } from './platform.js';
import type { Task } from './tasks.js';
import { nodeBuiltin } from './node-builtins.js';

/** Threads beyond this are refused: more would only oversubscribe any machine we run on. */
export const MAX_THREADS = 64;

/**
 * How long the caller waits for every worker to count itself in on an op before it runs the
 * missing slices itself. A sleeping worker wakes in microseconds, or milliseconds on a loaded
 * machine; waiting longer for a dead one would only delay the op.
 */
export const TAKE_UP_TIMEOUT_MS = 500;

interface WorkerHandle {
  terminate(): void;
}

async function spawnWorker(
  init: { module: WebAssembly.Module; memory: WebAssembly.Memory; tid: number; generation: number },
  onFault: (message: string) => void,
  onExit: (message: string) => void,
): Promise<WorkerHandle> {
  const url = new URL('./worker.js', import.meta.url);
  if (nodeWorkers) {
    const { Worker } = await nodeBuiltin('node:worker_threads');
    const w = new Worker(url);
    w.on('message', (m) => m?.fault !== undefined && onFault(m.message));
    w.on('error', (e) => onExit(`worker ${init.tid} failed: ${String(e?.message ?? e)}`));
    w.on('exit', (code) => onExit(`worker ${init.tid} exited (code ${code})`));
    w.postMessage(init);
    // After the listeners, which would otherwise take the reference back: a program that is done
    // must be able to exit while the workers sleep.
    w.unref();
    return w;
  }
  const w = new Worker(url, { type: 'module' });
  w.onmessage = (e: MessageEvent) => e.data?.fault !== undefined && onFault(e.data.message);
  w.onerror = (e: ErrorEvent) => onExit(`worker ${init.tid} failed: ${e.message}`);
  w.postMessage(init);
  return w;
}

export class Pool {
  private workers: WorkerHandle[] = [];
  private readonly ctl: Int32Array;
  private readonly blocking = canBlock();
  private lastFault = '';
  /** Why a worker of the running set is gone, or ''. */
  private lost = '';

  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    private readonly tasks: readonly Task[],
    private readonly taskNames: readonly string[],
  ) {
    // The memory is shared, so this view never goes stale: growth does not detach it.
    this.ctl = new Int32Array(memory.buffer, CONTROL_PTR, Ctl.Words);
  }

  /** Threads that take part in an op, the caller included. */
  get threads(): number {
    return this.workers.length + 1;
  }

  async resize(threads: number): Promise<void> {
    if (threads === this.threads) return;
    this.stopWorkers();
    const ctl = this.ctl;
    Atomics.store(ctl, Ctl.Ready, 0);
    Atomics.store(ctl, Ctl.Fault, 0);
    const generation = Atomics.load(ctl, Ctl.Generation);
    // Workers stopped on purpose exit after the generation moved on: only a current one is a loss.
    const onExit = (why: string) => {
      if (Atomics.load(ctl, Ctl.Generation) === generation && this.lost === '') this.lost = why;
    };
    const fresh: Promise<WorkerHandle>[] = [];
    for (let tid = 1; tid < threads; tid++) {
      fresh.push(
        spawnWorker({ module: this.module, memory: this.memory, tid, generation }, (m) => (this.lastFault = m), onExit),
      );
    }
    this.workers = await Promise.all(fresh);
    const deadline = Date.now() + 30000;
    while (Atomics.load(ctl, Ctl.Ready) < threads - 1) {
      if (this.lastFault !== '' || this.lost !== '') {
        throw new RuntimeError(`a pool worker failed to start: ${this.lastFault || this.lost}`);
      }
      if (Date.now() > deadline) throw new RuntimeError(`pool workers did not start within 30 s`);
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  private stopWorkers(): void {
    this.lost = '';
    if (this.workers.length === 0) return;
    Atomics.add(this.ctl, Ctl.Generation, 1);
    Atomics.add(this.ctl, Ctl.Seq, 1);
    Atomics.notify(this.ctl, Ctl.Seq);
    for (const w of this.workers) w.terminate();
    this.workers = [];
  }

  shutdown(): void {
    this.stopWorkers();
  }

  /**
   * Stops the workers after one was lost; later ops run on the calling thread alone. Returns the
   * error for the op that found the loss.
   */
  private broken(index: number, why: string): RuntimeError {
    const threads = this.threads;
    this.stopWorkers();
    return new RuntimeError(
      `kernel ${this.taskNames[index]}: pool ${why}; ops now run on 1 thread instead of ${threads}: ` +
        'call wg.setNumThreads(n) to start new workers',
    );
  }

  /** Closes the current op to workers that have not counted themselves in; returns their thread indices. */
  private closeTakeUp(): number[] {
    const missing: number[] = [];
    for (let tid = 1; tid <= this.workers.length; tid++) {
      if (Atomics.compareExchange(this.ctl, Ctl.TakeUp + tid, TAKE_UP_OPEN, TAKE_UP_CLOSED) === TAKE_UP_OPEN) missing.push(tid);
    }
    return missing;
  }

  /** Runs task `index` over `nthreads` threads; its arguments are already at ARGS_PTR. */
  run(index: number, nthreads: number): void {
    if (this.lost !== '') throw this.broken(index, this.lost);
    const workers = this.workers.length;
    const n = Math.min(nthreads, workers + 1);
    if (n <= 1) {
      this.tasks[index](ARGS_PTR, 0, 1);
      return;
    }
    const ctl = this.ctl;
    Atomics.store(ctl, Ctl.Done, 0);
    Atomics.store(ctl, Ctl.Task, index);
    Atomics.store(ctl, Ctl.Threads, n);
    // The take-up words open last: a late worker from the previous op that counts itself in on
    // this one must already see this op's task and thread count.
    for (let tid = 1; tid <= workers; tid++) Atomics.store(ctl, Ctl.TakeUp + tid, TAKE_UP_OPEN);
    Atomics.add(ctl, Ctl.Seq, 1);
    Atomics.notify(ctl, Ctl.Seq);
    let failure: unknown = undefined;
    const runSlice = (tid: number) => {
      try {
        this.tasks[index](ARGS_PTR, tid, n);
      } catch (e) {
        failure ??= e;
      }
    };
    runSlice(0);
    // Every worker answers every op, even one with no slice, so none can be left reading the
    // control block while the next op is written into it.
    let done = Atomics.load(ctl, Ctl.Done);
    let expected = workers;
    let deadline = 0;
    for (let spin = 0; done < expected; spin++) {
      if (spin > 1000 && (this.blocking || (spin & 1023) === 0)) {
        if (this.blocking) Atomics.wait(ctl, Ctl.Done, done, 10);
        // The clock is read only on this slow path, so ops that finish promptly never pay for it.
        if (deadline === 0) deadline = Date.now() + TAKE_UP_TIMEOUT_MS;
        if (expected === workers && Date.now() > deadline) {
          const missing = this.closeTakeUp();
          expected -= missing.length;
          for (const tid of missing) if (tid < n) runSlice(tid);
        }
      }
      done = Atomics.load(ctl, Ctl.Done);
    }
    if (failure !== undefined) throw failure;
    const fault = Atomics.exchange(ctl, Ctl.Fault, 0);
    if (fault !== 0) {
      throw new RuntimeError(`thread ${fault - 1} failed in kernel ${this.taskNames[index]}: ${this.lastFault}`);
    }
  }
}

export function checkThreadCount(n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new ArgumentError(`setNumThreads: expected a whole number from 1 to ${MAX_THREADS}, got ${String(n)}`);
  }
  return n;
}
