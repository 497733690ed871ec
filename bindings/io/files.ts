// Files on disk in Node, Deno and Bun (all through node:fs, which Deno and Bun implement). Browsers have no
// file system: there, save and load the bytes with saveSafetensors / loadSafetensors.
import { ArgumentError, RuntimeError } from '../errors.js';
import { runtimeName } from '../runtime/platform.js';
import type { Tensor } from '../tensor.js';
import { loadSafetensors, saveSafetensors, type SafetensorsContents } from './safetensors.js';
import { nodeBuiltin } from '../runtime/node-builtins.js';
import { defineOptions, noOptions } from '../options.js';

const SAVE_WEIGHTS = defineOptions<{ metadata?: Record<string, string> }>('saveWeights', { metadata: 'object' });
const LOAD_WEIGHTS = noOptions('loadWeights');

type FileSystem = typeof import('node:fs/promises');

async function fileSystem(op: string): Promise<{ fs: FileSystem; path: typeof import('node:path') }> {
  if (runtimeName === 'browser' || runtimeName === 'worker') {
    throw new RuntimeError(
      `${op}: there is no file system in a browser; use saveSafetensors / loadSafetensors on bytes ` +
        '(e.g. download a Blob, or fetch the file and pass new Uint8Array(await response.arrayBuffer()))',
    );
  }
  const [fs, path] = await Promise.all([nodeBuiltin('node:fs/promises'), nodeBuiltin('node:path')]);
  return { fs, path };
}

function checkPath(op: string, path: unknown): string {
  if (typeof path !== 'string' || path === '') throw new ArgumentError(`${op}: expected a file path, got ${JSON.stringify(path)}`);
  return path;
}

function temporaryName(target: string, path: typeof import('node:path')): string {
  const tag = Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, '0')).join('');
  return path.join(path.dirname(target), `.${path.basename(target)}.${tag}.tmp`);
}

/**
 * Replaces the file at `path` with `bytes` so that, whenever the process dies, the file is either
 * the old one or the new one, complete. The bytes go to a temporary file in the same directory
 * (rename is atomic only within one file system), are flushed to disk, and the temporary file is
 * renamed over the target; then the directory is flushed so the rename itself survives a power
 * loss. A crash can leave a `.<name>.<random>.tmp` file behind, never a torn target.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const target = checkPath('writeFileAtomic', path);
  if (!(bytes instanceof Uint8Array)) throw new ArgumentError(`writeFileAtomic: expected a Uint8Array, got ${String(bytes)}`);
  const { fs, path: paths } = await fileSystem('writeFileAtomic');
  const temporary = temporaryName(target, paths);
  try {
    const handle = await fs.open(temporary, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temporary, target);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw new ArgumentError(`writeFileAtomic: cannot write "${target}" (${(error as Error).message})`);
  }
  try {
    const directory = await fs.open(paths.dirname(target), 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  } catch {
    // Some systems (Windows) cannot open or flush a directory; the rename is still atomic there.
  }
}

/** The whole file at `path`. `missing` is added to the message when the file does not exist. */
export async function readFileBytes(op: string, path: string, missing = ''): Promise<Uint8Array> {
  const file = checkPath(op, path);
  const { fs } = await fileSystem(op);
  try {
    const data = await fs.readFile(file);
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') throw new ArgumentError(`${op}: no file at "${file}"${missing}`);
    throw new ArgumentError(`${op}: cannot read "${file}" (${(error as Error).message})`);
  }
}

/** Saves tensors and string metadata to a safetensors file, crash-safely (see writeFileAtomic). */
export async function saveWeights(
  path: string, tensors: Record<string, Tensor>, ...args: [metadata?: Record<string, string>] | [{ metadata?: Record<string, string> }]
): Promise<void> {
  await writeFileAtomic(path, saveSafetensors(tensors, SAVE_WEIGHTS.fromArguments(args).metadata ?? {}));
}

/** Loads a safetensors file; the caller owns (and disposes) the tensors. */
export async function loadWeights(path: string, ...none: []): Promise<SafetensorsContents> {
  LOAD_WEIGHTS.fromArguments(none);
  return loadSafetensors(await readFileBytes('loadWeights', path));
}
