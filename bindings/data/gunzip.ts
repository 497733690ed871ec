// Gzip decompression in every runtime: Node's zlib where it exists (fast, synchronous), the
// standard DecompressionStream in Deno and browsers.
import { FormatError } from '../errors.js';
import { nodeLike } from '../runtime/platform.js';
import { nodeBuiltin } from '../runtime/node-builtins.js';

/** True when `bytes` start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decompresses with the web-standard stream API (Deno, browsers, and Node 18+). */
export async function gunzipWithStreams(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  // Streams refuse views of shared memory; a copy into a plain buffer goes in instead.
  const input = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
  const decompressor = new DecompressionStream('gzip');
  const writer = decompressor.writable.getWriter();
  try {
    const [, , output] = await Promise.all([writer.write(input), writer.close(), new Response(decompressor.readable).arrayBuffer()]);
    return new Uint8Array(output);
  } catch (error) {
    throw new FormatError(`gunzip: ${name} is not valid gzip data (${(error as Error).message})`);
  }
}

/** Decompresses gzip data; `name` (a file name) goes into the error of a corrupt stream. */
export async function gunzip(bytes: Uint8Array, name = 'the input'): Promise<Uint8Array> {
  if (!nodeLike) return gunzipWithStreams(bytes, name);
  const zlib = await nodeBuiltin('node:zlib');
  try {
    const out = zlib.gunzipSync(bytes);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (error) {
    throw new FormatError(`gunzip: ${name} is not valid gzip data (${(error as Error).message})`);
  }
}
