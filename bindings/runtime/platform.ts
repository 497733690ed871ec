// What the host runtime is and what it allows. Kept in one place so the loader and the pool
// take the same view of Node, Deno and browsers.
import { nodeBuiltin } from './node-builtins.js';

export type RuntimeName = 'node' | 'deno' | 'bun' | 'browser' | 'worker';

const g = globalThis as any;

// Deno and Bun before Node: both define process.versions.node.
export const runtimeName: RuntimeName =
  g.Deno !== undefined ? 'deno'
  : g.Bun !== undefined ? 'bun'
  : g.process?.versions?.node !== undefined ? 'node'
  : typeof g.document !== 'undefined' ? 'browser'
  : 'worker';

/** Node, or Bun, which implements Node's APIs (process.env, node:os, node:zlib) as Node does. */
export const nodeLike: boolean = runtimeName === 'node' || runtimeName === 'bun';

/**
 * Whether pool workers are node:worker_threads rather than web Workers. Deno and Bun have both, but
 * Deno's web Workers keep the process alive with no way to unref them, so a finished Deno program
 * with a sleeping pool would never exit; node:worker_threads can be unref'd as in Node.
 */
export const nodeWorkers: boolean = nodeLike || runtimeName === 'deno';

/**
 * Cores available to us. Node 20 has no navigator; Node 21+, Bun, Deno and browsers do, and asking
 * it spares Bun loading node:os, ~0.5 ms of its cold start.
 */
export async function hardwareConcurrency(): Promise<number> {
  if (g.navigator?.hardwareConcurrency === undefined && nodeLike) {
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

/**
 * Calls `fn` in a task of its own, once the current task and its microtasks are done: by a timer
 * everywhere. Not by a MessageChannel: Deno delivers a port's message as an op promise resolves, a
 * few microtasks later, so a pool start put there ran before the code awaiting ready() resumed,
 * and its ~150 ms of worker spawning landed inside the cold start. In Deno by a timeout signal's
 * timer: Deno's first setTimeout call takes 4-8 ms (2.9), a cold start's third; the signal's 0.5.
 * Deno's first timer comes ~20 ms late, which only delays when the workers start, not the caller.
 */
export function inLaterTask(fn: () => void): void {
  if (runtimeName === 'deno') AbortSignal.timeout(0).addEventListener('abort', fn, { once: true });
  else setTimeout(fn, 0);
}

/**
 * A browser page's main thread may not block in Atomics.wait; everywhere else may, bar some
 * worklets, which only trying tells. A page is not tried: the refusal is an exception, ~1 ms of
 * Chromium's cold start.
 */
export function canBlock(): boolean {
  if (runtimeName === 'browser') return false;
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * What is at `url`: a file: URL's bytes, read from disk in Node and Deno; otherwise the fetched
 * response, unread, so that wasm served as such can compile while it downloads. Bun fetches file:
 * URLs too, in 0.5 ms where loading its node:fs takes 2.5 ms of a cold start.
 */
export async function load(url: URL): Promise<ArrayBuffer | Response> {
  if (url.protocol === 'file:' && runtimeName === 'node') {
    const { readFile } = await nodeBuiltin('node:fs/promises');
    const data = await readFile(url);
    return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  }
  // Deno's own call: its first node:fs import costs a cold start tens of milliseconds.
  if (url.protocol === 'file:' && runtimeName === 'deno') {
    const data: Uint8Array = await g.Deno.readFile(url);
    return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`fetching ${url.href} failed: HTTP ${response.status}`);
  return response;
}
