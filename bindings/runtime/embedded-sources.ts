// What the `wasmgrad/embedded` entry carries inside its JavaScript: the wasm a browser loads and
// the pool's worker as one self-contained script. The loader and the pool ask here first, so a
// bundle needs no asset beside it. Empty under the plain `wasmgrad` entry.
//
// Kept in a global slot, not in a variable of this module: the package's entry (bundle.js) and the
// embedded entry each carry their own copy of this module, and the engine in the one must read
// what the other registered. A module file of its own, shared by both, would do it too, but would
// cost `import 'wasmgrad'` a second request before it can run: a round trip of every cold start.
import type { Flavour } from './flavour.js';

export interface EmbeddedSources {
  /** build/wasmgrad-simd-threads.wasm, gzipped, in base64. */
  threadsWasmGzipBase64: string;
  /**
   * Where simd-threads differs from simd: the flags byte of its memory import (shared or not).
   * The build checks that the two files differ in that byte alone, so one copy carries both.
   */
  sharedFlagOffset: number;
  /** The pool worker (worker.ts and its imports) bundled into one ES module. */
  workerScript: string;
}

const SHARED_LIMITS = 0x03;
const UNSHARED_LIMITS = 0x01;

const SLOT = Symbol.for('wasmgrad.embedded-sources');
const slots = globalThis as { [SLOT]?: EmbeddedSources };
let workerUrl: string | null = null;

export function embed(s: EmbeddedSources): void {
  slots[SLOT] = s;
}

async function gunzip(base64: string): Promise<Uint8Array<ArrayBuffer>> {
  const text = atob(base64);
  const gzipped = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) gzipped[i] = text.charCodeAt(i);
  const stream = new Blob([gzipped]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The flavour's wasm bytes, when embedded (simd and simd-threads); null otherwise. */
export async function embeddedWasm(flavour: Flavour): Promise<Uint8Array<ArrayBuffer> | null> {
  const sources = slots[SLOT];
  if (sources === undefined || (flavour !== 'simd' && flavour !== 'simd-threads')) return null;
  const bytes = await gunzip(sources.threadsWasmGzipBase64);
  if (bytes[sources.sharedFlagOffset] !== SHARED_LIMITS) throw new Error('embedded wasm: memory import flags not found');
  if (flavour === 'simd') bytes[sources.sharedFlagOffset] = UNSHARED_LIMITS;
  return bytes;
}

/**
 * A blob: URL of the embedded worker script, made once, when embedded. A blob worker inherits
 * the page's cross-origin isolation, so it shares the page's memory.
 */
export function embeddedWorkerUrl(): string | null {
  const sources = slots[SLOT];
  if (sources === undefined) return null;
  workerUrl ??= URL.createObjectURL(new Blob([sources.workerScript], { type: 'text/javascript' }));
  return workerUrl;
}
