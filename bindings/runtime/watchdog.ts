// The pool's watchdog: a thread that only listens, so that a worker's death is written into shared
// memory while the op's caller is blocked in Atomics.wait (or, on a browser page's main thread,
// spinning): either way it cannot run the event that tells of the death. A worker busy in a
// kernel cannot beat a heartbeat, so silence would not tell busy from dead: the watchdog waits for
// an event that only a death (terminate(), process.exit(), a crash) fires. Each worker holds one
// end of a MessageChannel (its lifeline) and the watchdog the other, and then:
// - Node: the runtime closes a thread's ports when it dies, and the watchdog's end gets 'close'.
// - Deno and browsers: their ports give no 'close' for a worker that exits by itself (measured in
//   Deno 2.9: only terminate() fires it; web MessagePorts have no such event), but the Web Locks
//   API releases a dead context's locks. The worker takes a lock named for it for its lifetime,
//   says so on its lifeline, and the watchdog then asks for the same lock: it is granted when, and
//   only when, the worker has died. The watchdog answers once it has asked, and only then does the
//   worker check in: a browser starts a new watchdog only while the thread that spawned it runs
//   its event loop, and an op's caller does not, so a worker that checked in first could die in
//   an op that no watchdog watched, which then never ended (a fault test, 1 run in 8 in Chromium).
// The watchdog runs in worker.js (see there), the one worker file bundlers already know.
import { CONTROL_PTR, Ctl } from './layout.js';

/** What the pool posts to the watchdog once per worker it starts. */
export interface Watch {
  memory: WebAssembly.Memory;
  /** The watchdog's end of the worker's lifeline (a node:worker_threads or a web MessagePort). */
  port: any;
  tid: number;
  generation: number;
  /** The Web Lock the worker holds for its lifetime, or null where the lifeline's 'close' tells. */
  lock: string | null;
}

/** What a worker posts on its lifeline once it holds its lock. */
export const LOCK_HELD = 'lock-held';

/** The watchdog's answer to LOCK_HELD, once it has asked for the lock. */
export const WATCHING = 'watching';

// Held here so a port is not collected (and closed) while its worker lives.
const watched = new Set<unknown>();

function reportDeath(ctl: Int32Array, tid: number, generation: number): void {
  // A worker the pool stopped on purpose dies after the generation moved on: not a loss.
  if (Atomics.load(ctl, Ctl.Generation) !== generation) return;
  Atomics.store(ctl, Ctl.Gone + tid, generation + 1);
  Atomics.store(ctl, Ctl.LostGeneration, generation + 1);
  // The caller waits on Done in bounded slices; this wakes it now.
  Atomics.notify(ctl, Ctl.Done);
}

export function watch({ memory, port, tid, generation, lock }: Watch): void {
  const ctl = new Int32Array(memory.buffer, CONTROL_PTR, Ctl.Words);
  watched.add(port);
  if (lock === null) {
    port.on('close', () => {
      watched.delete(port);
      reportDeath(ctl, tid, generation);
    });
    return;
  }
  // Asked for only once the worker holds it, or the watchdog could be granted it first.
  port.onmessage = () => {
    watched.delete(port);
    void (globalThis as any).navigator.locks.request(lock, () => reportDeath(ctl, tid, generation));
    port.postMessage(WATCHING);
  };
}
