// The pool's watchdog: a thread that only listens, so that a worker's death is written into shared
// memory while the op's caller is blocked in Atomics.wait. The caller cannot see it itself: the
// 'exit' event is queued on the caller's own event loop, and a worker busy in a kernel cannot beat
// a heartbeat, so silence would not tell busy from dead. Each worker holds one end of a
// MessageChannel (its lifeline) and the watchdog the other; the runtime closes a thread's ports
// when the thread dies, however it died (terminate(), process.exit(), a fatal error), and the
// watchdog's end then gets 'close'. Node only: web MessagePorts have no 'close' event.
import { CONTROL_PTR, Ctl } from './layout.js';
import { nodeBuiltin } from './node-builtins.js';

/** What the pool posts once per worker it starts. */
export interface Watch {
  memory: WebAssembly.Memory;
  /** The watchdog's end of the worker's lifeline. */
  port: import('node:worker_threads').MessagePort;
  tid: number;
  generation: number;
}

const { parentPort } = await nodeBuiltin('node:worker_threads');
// Held here so a port is not collected (and closed) while its worker lives.
const watched = new Set<Watch['port']>();

parentPort!.on('message', ({ memory, port, tid, generation }: Watch) => {
  const ctl = new Int32Array(memory.buffer, CONTROL_PTR, Ctl.Words);
  watched.add(port);
  port.on('close', () => {
    watched.delete(port);
    // A worker the pool stopped on purpose dies after the generation moved on: not a loss.
    if (Atomics.load(ctl, Ctl.Generation) !== generation) return;
    Atomics.store(ctl, Ctl.Gone + tid, generation + 1);
    Atomics.store(ctl, Ctl.LostGeneration, generation + 1);
    // The caller waits on Done in bounded slices; this wakes it now.
    Atomics.notify(ctl, Ctl.Done);
  });
});
