// What the host runtime is and what it allows. Kept in one place so the loader and the pool
// take the same view of Node, Deno and browsers.
import { nodeBuiltin } from './node-builtins.js';

export type RuntimeName = 'node' | 'deno' | 'browser' | 'worker';

const g = globalThis as any;

export const runtimeName: RuntimeName =
  g.Deno !== undefined ? 'deno'
  : g.process?.versions?.node !== undefined ? 'node'
  : typeof g.document !== 'undefined' ? 'browser'
  : 'worker';

/**
 * Whether pool workers are node:worker_threads rather than web Workers. Deno has both, but its web
 * Workers keep the process alive with no way to unref them, so a finished Deno program with a
 * sleeping pool would never exit; its node:worker_threads can be unref'd as in Node.
 */
export const nodeWorkers: boolean = runtimeName === 'node' || runtimeName === 'deno';

/** Cores available to us. Node 20 has no navigator; Deno and browsers do. */
export async function hardwareConcurrency(): Promise<number> {
  if (runtimeName === 'node') {
    const os = await nodeBuiltin('node:os');
    return os.availableParallelism();
  }
  return Math.max(1, Number(g.navigator?.hardwareConcurrency ?? 1));
}

/** Shared memory needs SharedArrayBuffer, which a browser gives only to cross-origin-isolated pages. */
export function sharedMemoryAvailable(): { ok: true } | { ok: false; why: string } {
  // Checked before SharedArrayBuffer: browsers hide it from pages that are not isolated, and the
  // headers are the fix the user needs to read about.
  if ((runtimeName === 'browser' || runtimeName === 'worker') && g.crossOriginIsolated !== true) {
    return {
      ok: false,
      why:
        'the page is not cross-origin isolated; serve it with the headers ' +
        '"Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp"',
    };
  }
  if (typeof SharedArrayBuffer === 'undefined') {
    return { ok: false, why: 'SharedArrayBuffer is not defined' };
  }
  return { ok: true };
}

/** A browser page's main thread may not block in Atomics.wait; everywhere else may. */
export function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** Reads a file: URL from disk in Node and Deno, fetches anything else. */
export async function readBytes(url: URL): Promise<ArrayBuffer> {
  if (url.protocol === 'file:' && runtimeName === 'node') {
    const { readFile } = await nodeBuiltin('node:fs/promises');
    const data = await readFile(url);
    return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  }
  if (url.protocol === 'file:' && runtimeName === 'deno') {
    const data: Uint8Array = await g.Deno.readFile(url);
    return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`fetching ${url.href} failed: HTTP ${response.status}`);
  return response.arrayBuffer();
}
