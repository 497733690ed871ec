// Loads the wasm, owns the memory, starts the pool. Everything else reaches the kernels through
// the `Engine` that `ready()` resolves to.
import { ArgumentError, RuntimeError } from '../errors.js';
import { ARGS_PTR, PAGE_BYTES } from './layout.js';
import { Heap } from './memory.js';
import { hardwareConcurrency, load, runtimeName, sharedMemoryAvailable, type RuntimeName } from './platform.js';
import { checkThreadCount, Pool, workerThreads } from './pool.js';
import { embeddedWasm } from './embedded-sources.js';
import type { Flavour } from './flavour.js';
import { taskTable, type TaskTable } from './tasks.js';
import { defineOptions } from '../options.js';

export type WasmSource = BufferSource | URL | string;

export interface ReadyOptions {
  /** Threads to run ops on, the caller included. Default: the number of cores. */
  threads?: number;
  /**
   * Use relaxed-SIMD fused multiply-add. Faster, but results then differ between machines with
   * and without FMA hardware, so it is off unless asked for.
   */
  relaxedSimd?: boolean;
  /** The most wasm memory the engine may use, in MiB. Default 2048, also the largest allowed. */
  maxMemoryMB?: number;
  /** The wasm to load instead of the built-in files: bytes or a URL, one for all flavours or one per flavour. */
  wasm?: WasmSource | Partial<Record<Flavour, WasmSource>>;
}

export interface RuntimeInfo {
  runtime: RuntimeName;
  flavour: Flavour;
  threads: number;
  sharedMemory: boolean;
  /**
   * Why threads are off, when they are: e.g. a browser page served without the COOP/COEP headers.
   * The same text goes once to `console.warn`; a page can show it to its user from here.
   */
  singleThreadReason?: string;
}

const MAX_MEMORY_MB = 2048;

export class Engine {
  readonly tasks: TaskTable;

  constructor(
    readonly heap: Heap,
    readonly exports: WebAssembly.Exports,
    readonly pool: Pool | null,
    readonly flavour: Flavour,
    private readonly noSharedMemoryReason: string | undefined,
  ) {
    this.tasks = taskTable(exports);
  }

  get singleThreadReason(): string | undefined {
    const failure = this.pool?.startFailure;
    return failure ? `workers could not start (${failure})` : this.noSharedMemoryReason;
  }

  get threads(): number {
    return this.pool?.threads ?? 1;
  }

  get info(): RuntimeInfo {
    return {
      runtime: runtimeName,
      flavour: this.flavour,
      threads: this.threads,
      sharedMemory: this.pool !== null,
      ...(this.singleThreadReason === undefined ? {} : { singleThreadReason: this.singleThreadReason }),
    };
  }

  /** Runs a task, its argument block already written (runtime/dispatch.ts), over up to `nthreads` threads. */
  run(task: number, nthreads: number): void {
    if (this.pool === null || nthreads <= 1) {
      this.tasks.fns[task](ARGS_PTR, 0, 1);
    } else {
      this.pool.run(task, nthreads);
    }
  }
}

let current: Engine | null = null;
let starting: Promise<Engine> | null = null;
let warned = false;

/** Where this engine runs and how: useful in bug reports and benchmark output. */
export function runtimeInfo(): RuntimeInfo {
  return engine().info;
}

/** The ready engine; throws if `ready()` has not finished. */
export function engine(): Engine {
  if (current === null) {
    throw new RuntimeError('wasmgrad is not ready: call `await wg.ready()` before using tensors');
  }
  return current;
}

export function isReady(): boolean {
  return current !== null;
}

/**
 * Where the wasm of a flavour may be, in order: in the package's build/ beside dist/ (one literal
 * URL per flavour, the pattern webpack, Vite and Parcel recognise and emit as an asset); then
 * beside this module's own URL, which is where an esbuild bundle that inlined this file expects
 * it, esbuild copying nothing (see README "Bundlers").
 */
function defaultUrls(flavour: Flavour): URL[] {
  const inPackage: Record<Flavour, () => URL> = {
    'simd': () => new URL('../../../build/wasmgrad-simd.wasm', import.meta.url),
    'simd-threads': () => new URL('../../../build/wasmgrad-simd-threads.wasm', import.meta.url),
    'relaxed': () => new URL('../../../build/wasmgrad-relaxed.wasm', import.meta.url),
    'relaxed-threads': () => new URL('../../../build/wasmgrad-relaxed-threads.wasm', import.meta.url),
  };
  return [inPackage[flavour](), new URL(`./wasmgrad-${flavour}.wasm`, import.meta.url)];
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** Whether a response may go to compileStreaming, which refuses any type but application/wasm. */
function streamable(response: Response): boolean {
  const type = response.headers.get('content-type')?.split(';')[0].trim().toLowerCase();
  return type === 'application/wasm' && typeof WebAssembly.compileStreaming === 'function';
}

/**
 * The module compiled from the wasm at `url`; a reason when there is none (a missing file, an HTML
 * page). Wasm served as application/wasm compiles while it downloads; anything else is read whole
 * and compiled if its bytes are wasm, so a server with the wrong type costs only the overlap.
 */
async function compileAt(url: URL): Promise<WebAssembly.Module | string> {
  let bytes: ArrayBuffer;
  try {
    const found = await load(url);
    if (found instanceof ArrayBuffer) bytes = found;
    else if (streamable(found)) return await WebAssembly.compileStreaming(found);
    else bytes = await found.arrayBuffer();
  } catch (e) {
    if (e instanceof WebAssembly.CompileError) throw e;
    return (e as Error).message;
  }
  const head = new Uint8Array(bytes, 0, Math.min(4, bytes.byteLength));
  return WASM_MAGIC.every((b, i) => head[i] === b) ? WebAssembly.compile(bytes) : 'not a wasm file';
}

async function compile(source: WasmSource | undefined, flavour: Flavour): Promise<WebAssembly.Module> {
  const embedded = source === undefined ? await embeddedWasm(flavour) : null;
  if (embedded !== null) return WebAssembly.compile(embedded);
  if (source !== undefined && typeof source !== 'string' && !(source instanceof URL)) return WebAssembly.compile(source);
  const urls = source === undefined ? defaultUrls(flavour) : [new URL(source, import.meta.url)];
  const failures: string[] = [];
  for (const url of urls) {
    const found = await compileAt(url);
    if (typeof found !== 'string') return found;
    failures.push(`${url.href}: ${found}`);
  }
  throw new RuntimeError(
    `ready: cannot load wasmgrad-${flavour}.wasm (${failures.join('; ')}). Put the package's build/*.wasm ` +
      'beside your bundle, or pass ready({ wasm }) the bytes or URL of each flavour',
  );
}

function pickSource(wasm: ReadyOptions['wasm'], flavour: Flavour): WasmSource | undefined {
  if (wasm === undefined || typeof wasm === 'string' || wasm instanceof URL || ArrayBuffer.isView(wasm) ||
      wasm instanceof ArrayBuffer) {
    return wasm as WasmSource | undefined;
  }
  return (wasm as Partial<Record<Flavour, WasmSource>>)[flavour];
}

function warnSingleThread(reason: string): void {
  if (warned) return;
  warned = true;
  console.warn(
    `[wasmgrad] THREADS ARE OFF: running on one thread because ${reason}. ` +
      'Results are the same; only speed is lost.',
  );
}

async function start(opts: ReadyOptions): Promise<Engine> {
  const maxMB = opts.maxMemoryMB ?? MAX_MEMORY_MB;
  if (!Number.isInteger(maxMB) || maxMB < 8 || maxMB > MAX_MEMORY_MB) {
    throw new ArgumentError(`ready: maxMemoryMB must be a whole number from 8 to ${MAX_MEMORY_MB}, got ${maxMB}`);
  }
  if (opts.threads !== undefined) checkThreadCount(opts.threads);
  const relaxed = opts.relaxedSimd === true;
  const shared = sharedMemoryAvailable();
  const singleThreadReason = shared.ok ? undefined : shared.why;
  const flavour: Flavour = (relaxed ? 'relaxed' : 'simd') + (shared.ok ? '-threads' : '') as Flavour;
  // Together: counting the cores, or importing node:worker_threads where it cannot be loaded later
  // (pool.ts, workerThreads), first would keep the wasm from compiling meanwhile.
  const [wanted, module, threads] = await Promise.all([
    opts.threads ?? hardwareConcurrency(),
    compile(pickSource(opts.wasm, flavour), flavour),
    shared.ok ? workerThreads() : null,
  ]);
  const heap = new Heap({ shared: shared.ok, maxPages: (maxMB * 1024 * 1024) / PAGE_BYTES });
  const instance = await WebAssembly.instantiate(module, { env: { memory: heap.memory } });
  let pool: Pool | null = null;
  if (threads !== null) {
    const tasks = taskTable(instance.exports);
    const onStartFailure = (why: string) => wanted > 1 && warnSingleThread(`workers could not start (${why})`);
    pool = new Pool(module, heap.memory, tasks.fns, tasks.names, threads, onStartFailure);
    // Not waiting for the workers: ops run on this thread until they check in (pool.ts, "Starting").
    if (wanted > 1) pool.startLater(wanted);
  }
  if (singleThreadReason !== undefined && wanted > 1) warnSingleThread(singleThreadReason);
  return new Engine(heap, instance.exports, pool, flavour, singleThreadReason);
}

/**
 * Loads the wasm and starts the thread pool. Safe to call more than once: later calls return the
 * engine the first one started.
 */
const READY = defineOptions<ReadyOptions>('ready', {
  threads: 'number', relaxedSimd: 'boolean', maxMemoryMB: 'number', wasm: 'string|url|bytes|object',
});

export async function ready(options?: ReadyOptions, ...none: []): Promise<RuntimeInfo> {
  const opts = READY.parseLast(options, none);
  if (starting === null) {
    starting = start(opts).then(
      (e) => (current = e),
      (err) => {
        starting = null;
        throw err;
      },
    );
  }
  return (await starting).info;
}

/** Sets how many threads ops use, the caller included. Resolves when the workers are running. */
export async function setNumThreads(n: number): Promise<void> {
  checkThreadCount(n);
  const e = engine();
  if (e.pool === null) {
    if (n > 1) warnSingleThread(e.singleThreadReason ?? 'shared memory is unavailable');
    return;
  }
  await e.pool.resize(n);
}

export function getNumThreads(): number {
  return current?.threads ?? 1;
}

/** Stops the workers. The engine must be started again with `ready()` before further use. */
export function shutdown(): void {
  current?.pool?.shutdown();
  current = null;
  starting = null;
}
