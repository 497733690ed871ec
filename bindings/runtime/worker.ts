// A pool worker: instantiates the engine's compiled module over the shared memory, then sleeps
// on the control block and runs its slice of each op. It never allocates and never posts per op.
import { ARGS_PTR, CONTROL_PTR, Ctl, TAKE_UP_FINISHED, TAKE_UP_OPEN, TAKE_UP_TAKEN } from './layout.js';
import { nodeWorkers, runtimeName } from './platform.js';
import { taskTable } from './tasks.js';
import { nodeBuiltin } from './node-builtins.js';

interface Init {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  tid: number;
  generation: number;
  /** This worker's end of the channel the watchdog listens on (Node only; see watchdog.ts). */
  lifeline?: unknown;
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

/**
 * Fault injection for the worker-fault tests: the worker whose thread index this names exits
 * right after counting itself in on an op, the one death nothing else can stage at a chosen point
 * (the caller is blocked in the op, so it cannot terminate a worker then). Read from the
 * environment the worker started with, so the test sets it before setNumThreads().
 */
const exitAfterTakeUp = runtimeName === 'node' ? Number(globalThis.process.env.WASMGRAD_FAULT_EXIT_AFTER_TAKE_UP ?? 0) : 0;
/** Likewise: the worker this names exits before it checks in, a start that fails after ready(). */
const exitBeforeCheckIn = runtimeName === 'node' ? Number(globalThis.process.env.WASMGRAD_FAULT_EXIT_BEFORE_CHECK_IN ?? 0) : 0;

// Workers spin this many polls before sleeping: ops often come back to back, and a wake-up from
// Atomics.wait costs tens of microseconds.
const SPIN = 20000;

/**
 * Counts this worker in on the current op. False when the caller already ran this share itself
 * (the worker was too slow) or this worker took the op up before: then it leaves the op alone.
 */
function takeUp(ctl: Int32Array, tid: number): boolean {
  return Atomics.compareExchange(ctl, Ctl.TakeUp + tid, TAKE_UP_OPEN, TAKE_UP_TAKEN) === TAKE_UP_OPEN;
}

function serve({ module, memory, tid, generation, lifeline: line }: Init, port: Port): void {
  held.push(line);
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const tasks = taskTable(instance.exports).fns;
  const ctl = new Int32Array(memory.buffer, CONTROL_PTR, Ctl.Words);
  let seen = Atomics.load(ctl, Ctl.Seq);
  if (Atomics.load(ctl, Ctl.Generation) !== generation) return;
  if (tid === exitBeforeCheckIn) globalThis.process.exit(71);
  Atomics.add(ctl, Ctl.Ready, 1);
  Atomics.notify(ctl, Ctl.Ready);
  port.post({ ready: tid });
  for (;;) {
    let seq = Atomics.load(ctl, Ctl.Seq);
    for (let i = 0; seq === seen && i < SPIN; i++) seq = Atomics.load(ctl, Ctl.Seq);
    while (seq === seen) {
      Atomics.wait(ctl, Ctl.Seq, seen);
      seq = Atomics.load(ctl, Ctl.Seq);
    }
    seen = seq;
    if (Atomics.load(ctl, Ctl.Generation) !== generation) return;
    if (!takeUp(ctl, tid)) continue;
    const n = Atomics.load(ctl, Ctl.Threads);
    if (tid === exitAfterTakeUp && tid < n) globalThis.process.exit(70);
    if (tid < n) {
      try {
        tasks[Atomics.load(ctl, Ctl.Task)](ARGS_PTR, tid, n);
      } catch (e) {
        Atomics.compareExchange(ctl, Ctl.Fault, 0, tid + 1);
        port.post({ fault: tid, message: String((e as Error)?.message ?? e) });
      }
    }
    Atomics.add(ctl, Ctl.Done, 1);
    // After Done, so a caller that sees FINISHED knows this worker's count has landed. A
    // compare-exchange: if the caller has already opened the next op, this must not close it.
    Atomics.compareExchange(ctl, Ctl.TakeUp + tid, TAKE_UP_TAKEN, TAKE_UP_FINISHED);
    Atomics.notify(ctl, Ctl.Done);
  }
}

// No top-level await: Vite bundles a worker entry as a classic script unless told otherwise.
void parentPort().then((port) => port.onMessage((init: Init) => serve(init, port)));
