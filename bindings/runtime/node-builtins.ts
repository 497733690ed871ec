// Node's built-in modules, loaded only when running in Node or Deno. The specifier is not a
// literal, so browser bundlers (esbuild, webpack, Vite) leave these imports alone instead of
// failing to resolve `node:*` for the web; the comments stop webpack and Vite warning about it.

interface NodeBuiltins {
  'node:fs/promises': typeof import('node:fs/promises');
  'node:os': typeof import('node:os');
  'node:path': typeof import('node:path');
  'node:worker_threads': typeof import('node:worker_threads');
  'node:zlib': typeof import('node:zlib');
}

export function nodeBuiltin<K extends keyof NodeBuiltins>(name: K): Promise<NodeBuiltins[K]> {
  const specifier: string = name;
  return import(/* webpackIgnore: true */ /* @vite-ignore */ specifier);
}

const getBuiltinModule = (globalThis as any).process?.getBuiltinModule;

/** Whether built-ins load synchronously here (process.getBuiltinModule: Node 20.16+, Deno, Bun). */
export const builtinsLoadNow: boolean = typeof getBuiltinModule === 'function';

/** The built-in, loaded at once; only where builtinsLoadNow. */
export function nodeBuiltinNow<K extends keyof NodeBuiltins>(name: K): NodeBuiltins[K] {
  return getBuiltinModule(name);
}
