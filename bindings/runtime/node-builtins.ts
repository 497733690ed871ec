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

/**
 * Whether built-ins load synchronously here (process.getBuiltinModule: Node 20.16+, Deno 2.1+,
 * Bun). Asked on use, never at import: Deno's first touch of `process` sets up its Node
 * compatibility, 20-40 ms that would land in every cold start.
 */
export function builtinsLoadNow(): boolean {
  return typeof (globalThis as any).process?.getBuiltinModule === 'function';
}

/** The built-in, loaded at once; only where builtinsLoadNow(). */
export function nodeBuiltinNow<K extends keyof NodeBuiltins>(name: K): NodeBuiltins[K] {
  return (globalThis as any).process.getBuiltinModule(name);
}

/**
 * The built-in, loaded at once where the runtime can: an import() of it goes through Node's ESM
 * loader, ~1 ms of a cold start each for node:os and node:fs/promises in ready().
 */
export async function nodeBuiltin<K extends keyof NodeBuiltins>(name: K): Promise<NodeBuiltins[K]> {
  if (builtinsLoadNow()) return nodeBuiltinNow(name);
  const specifier: string = name;
  return import(/* webpackIgnore: true */ /* @vite-ignore */ specifier);
}
