// Every kernel that the pool can run is a wasm export named `<name>_task(args, tid, nthreads)`.
// The table is built from the module's exports in name order, so the main thread and every
// worker give the same task the same index without exchanging names per op.

export type Task = (args: number, tid: number, nthreads: number) => void;

export interface TaskTable {
  readonly names: readonly string[];
  readonly fns: readonly Task[];
  indexOf(name: string): number;
}

const SUFFIX = '_task';

export function taskTable(exports: WebAssembly.Exports): TaskTable {
  const names = Object.keys(exports).filter((n) => n.endsWith(SUFFIX)).sort();
  const fns = names.map((n) => exports[n] as unknown as Task);
  const index = new Map(names.map((n, i) => [n.slice(0, -SUFFIX.length), i]));
  return {
    names,
    fns,
    indexOf(name: string): number {
      const i = index.get(name);
      if (i === undefined) {
        throw new Error(name.endsWith('_reference')
          ? `the scalar reference kernel ${name} is in the tests' wasm only (build/test/, which ready({ wasm }) can load), not in the package's`
          : `wasm module has no task ${name}${SUFFIX}`);
      }
      return i;
    },
  };
}
