// The thread pool. One op at a time: the caller writes the argument block, bumps the sequence
// word, runs slice 0 itself, then waits until every worker has finished its slice. Kernels split
// their outputs by (tid, nthreads), so the bits do not depend on how many threads ran.
import { ArgumentError, RuntimeError } from '../errors.js';
import { ARGS_PTR, CONTROL_PTR, Ctl } from './layout.js';
import { canBlock, nodeWorkers } from './platform.js';
import type { Task } from './tasks.js';
import { nodeBuiltin } from './node-builtins.js';

/** Threads beyond this are refused: more would only oversubscribe any machine we run on. */
export const MAX_THREADS = 64;

interface WorkerHandle {
  terminate(): void;
}

async function spawnWorker(
  init: { module: WebAssembly.Module; memory: WebAssembly.Memory; tid: number; generation: number },
  onFault: (message: string) => void,
): Promise<WorkerHandle> {
  const url = new URL('./worker.js', import.meta.url);
  if (nodeWorkers) {
    const { Worker } = await nodeBuiltin('node:worker_threads');
    const w = new Worker(url);
    w.on('message', (m) => m?.fault !== undefined && onFault(m.message));
    w.on('error', (e) => onFault(String(e?.message ?? e)));
    w.postMessage(init);
    // After the listeners, which would otherwise take the reference back: a program that is done
    // must be able to exit while the workers sleep.
    w.unref();
    return w;
  }
  const w = new Worker(url, { type: 'module' });
  w.onmessage = (e: MessageEvent) => e.data?.fault !== undefined && onFault(e.data.message);
  w.onerror = (e: ErrorEvent) => onFault(e.message);
  w.postMessage(init);
  return w;
}

export class Pool {
  private workers: WorkerHandle[] = [];
  private readonly ctl: Int32Array;
  private readonly blocking = canBlock();
  private lastFault = '';

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
    const fresh: Promise<WorkerHandle>[] = [];
    for (let tid = 1; tid < threads; tid++) {
      fresh.push(
        spawnWorker({ module: this.module, memory: this.memory, tid, generation }, (m) => (this.lastFault = m)),
      );
    }
    this.workers = await Promise.all(fresh);
    const deadline = Date.now() + 30000;
    while (Atomics.load(ctl, Ctl.Ready) < threads - 1) {
      if (this.lastFault !== '') throw new RuntimeError(`a pool worker failed to start: ${this.lastFault}`);
      if (Date.now() > deadline) throw new RuntimeError(`pool workers did not start within 30 s`);
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  private stopWorkers(): void {
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

  /** Runs task `index` over `nthreads` threads; its arguments are already at ARGS_PTR. */
  run(index: number, nthreads: number): void {
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
    Atomics.add(ctl, Ctl.Seq, 1);
    Atomics.notify(ctl, Ctl.Seq);
    let failure: unknown = undefined;
    try {
      this.tasks[index](ARGS_PTR, 0, n);
    } catch (e) {
      failure = e;
    }
    // Every worker answers every op, even one with no slice, so none can be left reading the
    // control block while the next op is written into it.
    let done = Atomics.load(ctl, Ctl.Done);
    for (let spin = 0; done < workers; spin++) {
      if (this.blocking && spin > 1000) Atomics.wait(ctl, Ctl.Done, done, 10);
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
