// The thread pool. One op at a time: the caller writes the argument block, bumps the sequence
// word, runs slice 0 itself, then waits until every worker has finished its slice. Kernels split
// their outputs by (tid, nthreads), so the bits do not depend on how many threads ran, nor on
// which thread ran a slice.
//
// Slow and dead workers. A kernel that throws in a worker is caught there and reported, with its
// reason, in shared memory (Ctl.Fault, FAULT_TEXT_PTR). A worker can also be slow to wake (a loaded
// machine) or die without a word (terminate(), process.exit(), its thread killed), and the caller,
// blocked in Atomics.wait, cannot receive an 'exit' event, which is queued on its own event loop.
// So each worker counts itself in on an op (its Ctl.TakeUp word) before it touches the op, and
// marks the word again when it has finished. Deaths are written into shared memory by the watchdog
// thread (watchdog.ts), which the caller reads between bounded wait slices. Only how the watchdog
// learns of a death differs by runtime, from events that only a death fires: in Node the worker's
// lifeline port closes; in Deno and browsers the worker's Web Lock is released. (Chromium ends a
// worker busy in its loop about 2 s after terminate(), and only while the thread that called it
// runs its event loop, so never in the middle of that thread's op; the worker serves ops until.)
// Then:
// - a worker that has not counted itself in within TAKE_UP_TIMEOUT_MS, or is known dead, is
//   closed out of the op and the caller runs that slice itself: the op completes with the same
//   bits, and a slow worker that wakes later leaves the op alone;
// - a worker that died after counting itself in may have written part of its share (and kernels
//   may update in place), so the op cannot be completed: once the live workers have finished, it
//   throws a RuntimeError;
// - either way the next threaded op finds the loss at once, as it does one found between ops by an
//   'exit' or 'error' listener: it throws, the pool stops its workers and every op runs on the
//   calling thread (same bits) until setNumThreads() starts new ones.
// A heartbeat was rejected: a worker inside a long kernel cannot beat, so it would not tell busy
// from dead. Nor would progress words that kernels bump: a worker descheduled on a loaded machine
// makes none. Only where there is no Web Locks API (not a secure context, which also has no shared
// memory) does the pool run without a watchdog, and a death after the take-up would not be caught.
//
// Starting. Spawning a worker costs milliseconds to tens of them (a new isolate, its imports, an
// instance), far more than the engine's own start, so `ready()` does not wait for the workers:
// ops run on the calling thread (the same bits) until every worker has checked in, and a start
// that fails turns the pool down to one thread with the loud single-thread warning. Nor does it
// wait for them to be spawned: constructing the watchdog and the workers blocks the calling
// thread for milliseconds each (most of a Node cold start), so `startLater` does it in a task of
// its own, after the code that awaited `ready()` has run its first ops; or in the first op that
// earns a second thread, if that comes first: a program that never yields after `ready()` (a
// synchronous training loop) would otherwise run on one thread to its end. So spawning is
// synchronous: node:worker_threads is loaded then where the runtime loads built-ins synchronously,
// and imported by ready() while the wasm compiles elsewhere (workerThreads).
// setNumThreads() still resolves only once its workers are running.
import { ArgumentError, RuntimeError } from '../errors.js';
import { ARGS_PTR, CONTROL_PTR, Ctl, FAULT_TEXT_PTR, TAKE_UP_CLOSED, TAKE_UP_FINISHED, TAKE_UP_OPEN, TAKE_UP_TAKEN } from './layout.js';
import { canBlock, inLaterTask, nodeLike, nodeWorkers, runtimeName } from './platform.js';
import type { Task } from './tasks.js';
import { builtinsLoadNow, nodeBuiltin, nodeBuiltinNow } from './node-builtins.js';
import { embeddedWorkerUrl } from './embedded-sources.js';
import { workerFaults, type WorkerFaults } from './worker-faults.js';

/** Threads beyond this are refused: more would only oversubscribe any machine we run on. */
export const MAX_THREADS = 64;

/**
 * How long the caller waits for every worker to count itself in on an op before it runs the
 * missing slices itself. A sleeping worker wakes in microseconds, or milliseconds on a loaded
 * machine; waiting longer for a dead one would only delay the op.
 */
export const TAKE_UP_TIMEOUT_MS = 500;

/**
 * The caller spins this many polls for the workers before it waits in slices: most ops finish
 * within them, and the clock and the fault words are read only after.
 */
const SPIN = 1000;

/** Longest single Atomics.wait of the caller; the watchdog's notify ends one at once. */
const WAIT_SLICE_MS = 10;

interface WorkerHandle {
  terminate(): void;
}

interface Watchdog extends WorkerHandle {
  postMessage(message: unknown, transfer: any[]): void;
}

type Init = { module: WebAssembly.Module; memory: WebAssembly.Memory; tid: number; generation: number; faults: WorkerFaults };

/** How long workers may take to check in before the pool gives up on them. */
const START_TIMEOUT_MS = 30000;

// Node's thread file, named by a variable: a literal `new URL('./x.js', import.meta.url)` would
// make Vite and webpack copy it into a browser bundle, which never runs it.
const NODE_WORKER_FILE = './worker.js';

/**
 * How the watchdog learns of a death (see watchdog.ts): 'lifeline' in Node and Bun, 'lock' where
 * the Web Locks API is, null where neither works (a browser page that is not a secure context), so
 * a death after the take-up would not be caught; such a page has no shared memory anyway. Asked
 * only when workers start: Deno builds `navigator.locks` on first use, milliseconds of a cold start.
 */
function watchBy(): 'lifeline' | 'lock' | null {
  return nodeLike ? 'lifeline' : (globalThis as any).navigator?.locks !== undefined ? 'lock' : null;
}

/** A web Worker on worker.js: bundled from the page's blob when embedded. */
function webWorker(): Worker {
  // The literal `new Worker(new URL(...))` is the form Vite and webpack bundle as a worker entry.
  const embedded = embeddedWorkerUrl();
  return embedded !== null
    ? new Worker(embedded, { type: 'module' })
    : new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
}

/** node:worker_threads where workers are Node's (nodeWorkers); else null. */
export type WorkerThreads = typeof import('node:worker_threads') | null;

/**
 * What spawning workers needs, got when the first workers spawn: in the middle of an op, so it must
 * come synchronously. Where the runtime loads built-ins synchronously it is loaded then, keeping
 * its milliseconds out of ready(); elsewhere ready() imports it beforehand.
 */
export type WorkerThreadsSource = () => WorkerThreads;

export async function workerThreads(): Promise<WorkerThreadsSource> {
  if (!nodeWorkers) return () => null;
  // Deno (2.1+) is not asked: asking touches its `process`, tens of milliseconds (node-builtins.ts).
  if (runtimeName === 'deno' || builtinsLoadNow()) return () => nodeBuiltinNow('node:worker_threads');
  const imported = await nodeBuiltin('node:worker_threads');
  return () => imported;
}

/** Starts the watchdog thread (see watchdog.ts): worker.js, told by its first message to watch. */
function spawnWatchdog(threads: WorkerThreads): Watchdog {
  if (threads === null) return webWorker();
  const w = new threads.Worker(new URL(NODE_WORKER_FILE, import.meta.url));
  w.unref();
  return w;
}

/** Lock names are origin-wide in browsers: the engine's random id keeps two pages' apart. */
function randomId(): string {
  return Array.from(crypto.getRandomValues(new Uint32Array(2)), (x) => x.toString(36)).join('');
}

function spawnWorker(
  threads: WorkerThreads,
  init: Init,
  watchdog: Watchdog | null,
  lock: string | null,
  onExit: (message: string) => void,
): WorkerHandle {
  const channel = watchdog === null ? null : threads !== null ? new threads.MessageChannel() : new MessageChannel();
  const start = (post: (message: unknown, transfer: any[]) => void) => {
    if (channel === null) return post(init, []);
    const { memory, tid, generation } = init;
    watchdog!.postMessage({ watch: { memory, port: channel.port2, tid, generation, lock } }, [channel.port2]);
    post({ ...init, lifeline: channel.port1, lock }, [channel.port1]);
  };
  if (threads !== null) {
    const w = new threads.Worker(new URL(NODE_WORKER_FILE, import.meta.url));
    w.on('error', (e) => onExit(`worker ${init.tid} failed: ${String(e?.message ?? e)}`));
    w.on('exit', (code) => onExit(`worker ${init.tid} exited (code ${code})`));
    start((m, transfer) => w.postMessage(m, transfer));
    // After the listeners, which would otherwise take the reference back: a program that is done
    // must be able to exit while the workers sleep.
    w.unref();
    return w;
  }
  const w = webWorker();
  w.onerror = (e: ErrorEvent) => onExit(`worker ${init.tid} failed: ${e.message}`);
  start((m, transfer) => w.postMessage(m, transfer));
  return w;
}

export class Pool {
  private workers: WorkerHandle[] = [];
  private watchdog: Watchdog | null = null;
  /**
   * Part of the workers' lock names (see watchdog.ts), made when the first are needed: Node's
   * lifelines need no names, and its `crypto` global loads some twenty internal modules on first
   * use, up to 20 ms of a cold start on a loaded machine.
   */
  private id = '';
  /** Test-only: the faults the next workers started will inject (worker-faults.ts). */
  faults: WorkerFaults = {};
  private readonly ctl: Int32Array;
  private readonly blocking = canBlock();
  /** Why a worker of the running set is gone, or '' (from an 'exit' or 'error' listener). */
  private lost = '';
  /** The Ctl.Generation value of the running set of workers. */
  private generation: number;
  /** When the running set has not all checked in yet: the time to give up on it. */
  private startDeadline: number | null = null;
  /** Why the last start without waiting failed, leaving one thread; '' if none did. */
  startFailure = '';
  /** The thread count `startLater` promised, until its workers are spawned; 0 when none is pending. */
  private pendingThreads = 0;
  private closed = false;
  /**
   * The most threads one op has run on since this was last set to 0. Ops earn threads by their
   * size (dispatch.ts), so a test that compares bits across thread counts reads it to prove that
   * its ops really were split.
   */
  widestOp = 0;

  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    private readonly tasks: readonly Task[],
    private readonly taskNames: readonly string[],
    private readonly workerThreads: WorkerThreadsSource,
    /** Told why, when workers started without waiting fail to check in. */
    private readonly onStartFailure: (why: string) => void,
  ) {
    // The memory is shared, so this view never goes stale: growth does not detach it.
    this.ctl = new Int32Array(memory.buffer, CONTROL_PTR, Ctl.Words);
    this.generation = Atomics.load(this.ctl, Ctl.Generation);
  }

  /** Threads that take part in an op, the caller included. */
  get threads(): number {
    return this.pendingThreads !== 0 ? this.pendingThreads : this.workers.length + 1;
  }

  /**
   * Spawns `threads - 1` workers in a later task, or at the first op that wants more than one
   * thread if that comes first (a program that never yields after ready()), and returns at once
   * (see "Starting"); a spawn that throws leaves one thread, with the reason in startFailure and
   * the warning.
   */
  startLater(threads: number): void {
    this.pendingThreads = threads;
    inLaterTask(() => this.startPending());
  }

  /** Spawns the workers startLater promised, unless that is done or the pool was shut down. */
  private startPending(): void {
    const threads = this.pendingThreads;
    if (threads === 0) return;
    this.pendingThreads = 0;
    if (this.closed) return;
    try {
      this.spawn(threads);
    } catch (e) {
      this.stopWorkers();
      this.startFailure = (e as Error).message;
      this.onStartFailure(this.startFailure);
    }
  }

  /**
   * Runs ops on `threads` threads from now on. With `wait`, resolves once every worker has checked
   * in and throws if one fails to start; without, resolves once they are spawned (see "Starting").
   */
  async resize(threads: number, wait = true): Promise<void> {
    this.startPending();
    if (threads !== this.threads) this.spawn(threads);
    if (!wait) return;
    for (;;) {
      if (this.checkedIn()) {
        // Fewer threads only when an op gave up on these workers meanwhile (see usable()).
        if (this.threads < threads) throw new RuntimeError(`a pool worker failed to start: ${this.startFailure}`);
        return;
      }
      const failure = this.startFailureOfRunningSet();
      if (failure !== '') throw new RuntimeError(`a pool worker failed to start: ${failure}`);
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  private spawn(threads: number): void {
    this.stopWorkers();
    const ctl = this.ctl;
    Atomics.store(ctl, Ctl.Ready, 0);
    Atomics.store(ctl, Ctl.Fault, 0);
    this.startFailure = '';
    const generation = this.generation;
    // Workers stopped on purpose exit after the generation moved on: only a current one is a loss.
    const onExit = (why: string) => {
      if (Atomics.load(ctl, Ctl.Generation) === generation && this.lost === '') this.lost = why;
    };
    const how = watchBy();
    if (how !== null && threads > 1) this.watchdog ??= spawnWatchdog(this.workerThreads());
    if (how === 'lock') this.id ||= randomId();
    const faults = workerFaults(this.faults);
    for (let tid = 1; tid < threads; tid++) {
      const init = { module: this.module, memory: this.memory, tid, generation, faults };
      const lock = how === 'lock' ? `wasmgrad-worker-${this.id}-${generation}-${tid}` : null;
      this.workers.push(spawnWorker(this.workerThreads(), init, this.watchdog, lock, onExit));
    }
    this.startDeadline = this.workers.length > 0 ? Date.now() + START_TIMEOUT_MS : null;
  }

  /** Whether every worker of the running set has checked in (and so takes part in ops). */
  private checkedIn(): boolean {
    if (this.startDeadline === null) return true;
    if (Atomics.load(this.ctl, Ctl.Ready) < this.workers.length) return false;
    this.startDeadline = null;
    return true;
  }

  /** Why the running set cannot finish starting: a worker failed, died or is too late; or ''. */
  private startFailureOfRunningSet(): string {
    if (this.lost !== '') return this.lost;
    const dead = this.deadWorker();
    if (dead !== 0) return `worker ${dead} died`;
    if (this.startDeadline !== null && Date.now() > this.startDeadline) {
      return `pool workers did not start within ${START_TIMEOUT_MS / 1000} s`;
    }
    return '';
  }

  /**
   * Whether ops may use the workers now. While they are starting, no: the caller runs ops alone.
   * A start that failed stops them for good (one thread, with the warning).
   */
  private usable(): boolean {
    if (this.checkedIn()) return true;
    const failure = this.startFailureOfRunningSet();
    if (failure !== '') {
      this.stopWorkers();
      this.startFailure = failure;
      this.onStartFailure(failure);
    }
    return false;
  }

  private stopWorkers(): void {
    this.lost = '';
    this.startDeadline = null;
    if (this.workers.length === 0) return;
    this.generation = Atomics.add(this.ctl, Ctl.Generation, 1) + 1;
    Atomics.add(this.ctl, Ctl.Seq, 1);
    Atomics.notify(this.ctl, Ctl.Seq);
    for (const w of this.workers) w.terminate();
    this.workers = [];
  }

  shutdown(): void {
    this.closed = true;
    this.stopWorkers();
    this.watchdog?.terminate();
    this.watchdog = null;
  }

  /** Whether the watchdog saw a worker of the running set die. */
  private anyDead(): boolean {
    return Atomics.load(this.ctl, Ctl.LostGeneration) === this.generation + 1;
  }

  /** The thread index of the first worker of the running set the watchdog saw die, or 0. */
  private deadWorker(): number {
    if (!this.anyDead()) return 0;
    for (let tid = 1; tid <= this.workers.length; tid++) if (this.isDead(tid)) return tid;
    return 0;
  }

  private isDead(tid: number): boolean {
    return Atomics.load(this.ctl, Ctl.Gone + tid) === this.generation + 1;
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

  /** What the faulting worker wrote of its exception (layout.ts, FAULT_TEXT_PTR). */
  private faultText(): string {
    const length = new Int32Array(this.memory.buffer, FAULT_TEXT_PTR, 1)[0];
    // Decoded from a copy: TextDecoder refuses views of shared memory.
    return new TextDecoder().decode(new Uint8Array(this.memory.buffer, FAULT_TEXT_PTR + 4, length).slice());
  }

  /** Runs task `index` over `nthreads` threads; its arguments are already at ARGS_PTR. */
  run(index: number, nthreads: number): void {
    this.startPending();
    if (!this.usable()) {
      this.tasks[index](ARGS_PTR, 0, 1);
      return;
    }
    if (this.lost !== '') throw this.broken(index, this.lost);
    if (this.anyDead()) throw this.broken(index, `worker ${this.deadWorker()} died`);
    const workers = this.workers.length;
    const n = Math.min(nthreads, workers + 1);
    if (n <= 1) {
      this.tasks[index](ARGS_PTR, 0, 1);
      return;
    }
    if (n > this.widestOp) this.widestOp = n;
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
    for (let spin = 0; done < workers && spin < SPIN; spin++) done = Atomics.load(ctl, Ctl.Done);
    const lostShare = done < workers ? this.awaitStragglers(n, runSlice) : '';
    if (lostShare !== '') throw this.broken(index, `${lostShare} during the op, so its share of the outputs is lost`);
    if (failure !== undefined) throw failure;
    const fault = Atomics.exchange(ctl, Ctl.Fault, 0);
    if (fault !== 0) {
      throw new RuntimeError(`thread ${fault - 1} failed in kernel ${this.taskNames[index]}: ${this.faultText()}`);
    }
  }

  /**
   * Waits, in slices, until no worker can still touch the op: each has finished, been closed out
   * (the caller ran its slice), or died. Returns which worker died holding its share, or ''.
   */
  private awaitStragglers(n: number, runSlice: (tid: number) => void): string {
    const ctl = this.ctl;
    const workers = this.workers.length;
    const deadline = Date.now() + TAKE_UP_TIMEOUT_MS;
    for (let spin = 0; ; spin++) {
      const done = Atomics.load(ctl, Ctl.Done);
      if (done === workers) return '';
      if (this.blocking) Atomics.wait(ctl, Ctl.Done, done, WAIT_SLICE_MS);
      else if ((spin & 1023) !== 0) continue;
      const late = Date.now() > deadline;
      if (!late && !this.anyDead()) continue;
      let lostShare = '';
      let pending = false;
      for (let tid = 1; tid <= workers; tid++) {
        const dead = this.isDead(tid);
        // Closing fails if the worker counted itself in first; then it holds its share.
        if ((late || dead) && Atomics.compareExchange(ctl, Ctl.TakeUp + tid, TAKE_UP_OPEN, TAKE_UP_CLOSED) === TAKE_UP_OPEN) {
          if (tid < n) runSlice(tid);
          continue;
        }
        const state = Atomics.load(ctl, Ctl.TakeUp + tid);
        if (state === TAKE_UP_TAKEN && dead) lostShare ||= `worker ${tid} died`;
        else if (state !== TAKE_UP_FINISHED && state !== TAKE_UP_CLOSED) pending = true;
      }
      if (!pending) return lostShare;
    }
  }
}

export function checkThreadCount(n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new ArgumentError(`setNumThreads: expected a whole number from 1 to ${MAX_THREADS}, got ${String(n)}`);
  }
  return n;
}
