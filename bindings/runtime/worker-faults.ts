// Fault injection for the worker-fault tests: deaths nothing else can stage at a chosen point (the
// caller is blocked or spinning in the op, so it cannot terminate a worker then). Each field names
// the thread index of the worker that exits (or throws) there; the pool posts them in every worker's start
// message, so they apply to the workers started after they are set. Two ways to set them:
// - Node and Bun: the environment variables below, read when the pool starts workers (a test process or a
//   child process sets them before setNumThreads());
// - any runtime: `engine().pool.faults = { exitAfterTakeUp: 1 }` (Deno and browsers have no
//   environment to share), before setNumThreads().
import { nodeLike } from './platform.js';

export interface WorkerFaults {
  /** Exits before it checks in: a start that fails after ready(). */
  exitBeforeCheckIn?: number;
  /** Exits when it wakes for an op, before it counts itself in: the caller must run its share. */
  exitBeforeTakeUp?: number;
  /** Exits right after it counts itself in on an op it has a share of: that share is lost. */
  exitAfterTakeUp?: number;
  /** Throws from every share it has, as a kernel that traps: the op must throw with the reason. */
  throwInTask?: number;
}

const VARIABLES: Record<keyof WorkerFaults, string> = {
  exitBeforeCheckIn: 'WASMGRAD_FAULT_EXIT_BEFORE_CHECK_IN',
  exitBeforeTakeUp: 'WASMGRAD_FAULT_EXIT_BEFORE_TAKE_UP',
  exitAfterTakeUp: 'WASMGRAD_FAULT_EXIT_AFTER_TAKE_UP',
  throwInTask: 'WASMGRAD_FAULT_THROW_IN_TASK',
};

/** The faults `set` asks for, with those of Node's environment variables added. */
export function workerFaults(set: WorkerFaults): WorkerFaults {
  if (!nodeLike) return set;
  const faults = { ...set };
  for (const [field, variable] of Object.entries(VARIABLES) as [keyof WorkerFaults, string][]) {
    const tid = globalThis.process.env[variable];
    if (tid !== undefined) faults[field] ??= Number(tid);
  }
  return faults;
}
