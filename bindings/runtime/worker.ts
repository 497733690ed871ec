// A pool worker: instantiates the engine's compiled module over the shared memory, then sleeps
// on the control block and runs its slice of each op. It never allocates and never posts per op.
// The same file runs the pool's watchdog (watchdog.ts) when its first message says so: bundlers
// (Vite, webpack, the embedded entry) then have one worker file to carry, not two.
import { ARGS_PTR, CONTROL_PTR, Ctl, FAULT_TEXT_BYTES, FAULT_TEXT_PTR, TAKE_UP_FINISHED, TAKE_UP_OPEN, TAKE_UP_TAKEN } from './layout.js';
import { nodeWorkers } from './platform.js';
import { taskTable } from './tasks.js';
import { nodeBuiltin } from './node-builtins.js';
import { LOCK_HELD, watch, type Watch } from './watchdog.js';
import type { WorkerFaults } from './worker-faults.js';

interface Init {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  tid: number;
  generation: number;
  /** This worker's end of the channel the watchdog listens on (see watchdog.ts), if it watches. */
  lifeline?: any;
  /** The Web Lock to hold for this worker's lifetime, where the watchdog watches by lock. */
  lock?: string | null;
  faults: WorkerFaults;
}

interface Port {
  post(message: unknown): void;
  onMessage(handler: (message: any) => void): void;
}

async function parentPort(): Promise<Port> {
  const g = globalThis as any;
  if (nodeWorkers) {
    const { parentPort } = await nodeBuiltin('node:worker_threads');
    return {
      post: (m) => parentPort!.postMessage(m),
      onMessage: (h) => parentPort!.on('message', h),
    };
  }
  return {
    post: (m) => g.postMessage(m),
    onMessage: (h) => {
      g.onmessage = (e: MessageEvent) => h(e.data);
    },
  };
}

// The lifeline, held for the worker's lifetime: the runtime must close it only when this thread dies.
const held: unknown[] = [];

/** Ends this thread for the fault tests (worker-faults.ts); the caller returns at once after. */
function die(code: number): void {
  if (nodeWorkers) globalThis.process.exit(code);
  // A web worker cannot end itself mid-task: close() ends it once this task, which returns now, is over.
  else (globalThis as any).close();
}

/** Resolves once this thread holds `lock`, which it then keeps until it dies. */
function holdForLife(lock: string): Promise<void> {
  return new Promise((held) => {
    void (globalThis as any).navigator.locks.request(lock, () => {
      held();
      return new Promise(() => {});
    });
  });
}

// How long a worker polls for the next op before it sleeps. In a training loop the threaded ops
// come tens to hundreds of microseconds apart, with the caller's single-thread ops and JavaScript
// between them, and a wake-up from Atomics.wait costs 100 us or more where an idle core halts (a
// VM's vCPU, measured here: a 131072-element relu on 2 threads took 40 us while the worker
// polled, 167 us once it slept). Polling costs only the idle core; a millisecond of it covers
// the gaps of a loop and ends soon after the loop does.
const SPIN_MS = 1;
// Polls between readings of the clock, which costs tens of polls.
const POLLS_PER_CLOCK = 256;

/**
 * Counts this worker in on the current op. False when the caller already ran this share itself
 * (the worker was too slow) or this worker took the op up before: then it leaves the op alone.
 */
function takeUp(ctl: Int32Array, tid: number): boolean {
  return Atomics.compareExchange(ctl, Ctl.TakeUp + tid, TAKE_UP_OPEN, TAKE_UP_TAKEN) === TAKE_UP_OPEN;
}

/** The sequence number of the next op after `seen`: polled for SPIN_MS, then slept for. */
function nextOp(ctl: Int32Array, seen: number): number {
  let seq = Atomics.load(ctl, Ctl.Seq);
  if (seq !== seen) return seq;
  const until = performance.now() + SPIN_MS;
  for (let i = 1; seq === seen; i++) {
    seq = Atomics.load(ctl, Ctl.Seq);
    if (i % POLLS_PER_CLOCK === 0 && performance.now() > until) break;
  }
  while (seq === seen) {
    Atomics.wait(ctl, Ctl.Seq, seen);
    seq = Atomics.load(ctl, Ctl.Seq);
  }
  return seq;
}

function writeFaultText(memory: WebAssembly.Memory, message: string): void {
  const { written } = new TextEncoder().encodeInto(message, new Uint8Array(memory.buffer, FAULT_TEXT_PTR + 4, FAULT_TEXT_BYTES - 4));
  new Int32Array(memory.buffer, FAULT_TEXT_PTR, 1)[0] = written;
}

function serve({ module, memory, tid, generation, lifeline: line, faults }: Init, port: Port): void {
  held.push(line);
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const tasks = taskTable(instance.exports).fns;
  const ctl = new Int32Array(memory.buffer, CONTROL_PTR, Ctl.Words);
  let seen = Atomics.load(ctl, Ctl.Seq);
  if (Atomics.load(ctl, Ctl.Generation) !== generation) return;
  if (tid === faults.exitBeforeCheckIn) return die(71);
  Atomics.add(ctl, Ctl.Ready, 1);
  Atomics.notify(ctl, Ctl.Ready);
  port.post({ ready: tid });
  for (;;) {
    seen = nextOp(ctl, seen);
    if (Atomics.load(ctl, Ctl.Generation) !== generation) return;
    if (tid === faults.exitBeforeTakeUp) return die(72);
    if (!takeUp(ctl, tid)) continue;
    const n = Atomics.load(ctl, Ctl.Threads);
    if (tid === faults.exitAfterTakeUp && tid < n) return die(70);
    if (tid < n) {
      try {
        if (tid === faults.throwInTask) throw new Error(`injected fault in worker ${tid}`);
        tasks[Atomics.load(ctl, Ctl.Task)](ARGS_PTR, tid, n);
      } catch (e) {
        if (Atomics.compareExchange(ctl, Ctl.Fault, 0, tid + 1) === 0) writeFaultText(memory, String((e as Error)?.message ?? e));
      }
    }
    Atomics.add(ctl, Ctl.Done, 1);
    // After Done, so a caller that sees FINISHED knows this worker's count has landed. A
    // compare-exchange: if the caller has already opened the next op, this must not close it.
    Atomics.compareExchange(ctl, Ctl.TakeUp + tid, TAKE_UP_TAKEN, TAKE_UP_FINISHED);
    Atomics.notify(ctl, Ctl.Done);
  }
}

/** Says on the lifeline that this thread holds its lock; resolves once the watchdog answers. */
function watchedBy(lifeline: MessagePort): Promise<void> {
  return new Promise((watched) => {
    lifeline.onmessage = () => watched();
    lifeline.postMessage(LOCK_HELD);
  });
}

async function start(init: Init, port: Port): Promise<void> {
  if (init.lock) {
    // Before checking in, so the watchdog can tell this worker's death from the first op on.
    await holdForLife(init.lock);
    await watchedBy(init.lifeline);
  }
  serve(init, port);
}

// No top-level await: Vite bundles a worker entry as a classic script unless told otherwise.
void parentPort().then((port) =>
  port.onMessage((m: Init | { watch: Watch }) => ('watch' in m ? watch(m.watch) : void start(m, port))),
);
