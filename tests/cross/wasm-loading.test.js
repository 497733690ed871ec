// How a browser page loads wasmgrad: the entry in one request (each level of imports would cost a
// round trip of the cold start), then the wasm (bindings/runtime/engine.ts, compileAt): served as
// application/wasm, it compiles while it downloads (WebAssembly.compileStreaming); served as any
// other type, which compileStreaming would refuse, its bytes are read and compiled; a URL with no
// wasm behind it is refused by name. Each case is a fresh page, so a fresh engine.
import assert from 'node:assert/strict';
import { launchChromium } from './chromium-launcher.js';
import { startServer } from './server.js';

const BLANK = 'tests/cross/blank.html';
const ENTRY = '/dist/bindings/runtime/bundle.js';

/** Counts the page's compiles of each kind in window.compiles, before any of its scripts run. */
function countCompiles() {
  const counts = { streaming: 0, bytes: 0 };
  window.compiles = counts;
  const { compile, compileStreaming } = WebAssembly;
  WebAssembly.compile = (...args) => (counts.bytes++, compile(...args));
  WebAssembly.compileStreaming = (...args) => (counts.streaming++, compileStreaming(...args));
}

describe('Chromium: loading wasmgrad and its wasm', function () {
  let chromium;
  let server;

  before(async function () {
    chromium = await launchChromium(this);
    server = await startServer({ isolated: true });
  });

  after(async () => {
    await chromium?.close();
    await server?.close();
  });

  /**
   * In a fresh page: imports the package, runs ready() and one op; the compiles it made. With
   * `wasm`, ready() loads that URL; with `wasmAs`, the wasm's bytes served as that type.
   */
  async function startIn(options) {
    const page = await chromium.browser.newPage();
    try {
      await page.addInitScript(countCompiles);
      await page.goto(`${server.url}${BLANK}`);
      return await page.evaluate(async ({ entry, options }) => {
        const wg = await import(entry);
        const scripts = performance.getEntriesByType('resource').map((r) => new URL(r.name).pathname).filter((p) => p.endsWith('.js'));
        try {
          const wasm = options.wasmAs === undefined ? options.wasm : await (async () => {
            const bytes = await (await fetch('/build/wasmgrad-simd-threads.wasm')).arrayBuffer();
            return URL.createObjectURL(new Blob([bytes], { type: options.wasmAs }));
          })();
          const info = await wg.ready(wasm === undefined ? {} : { wasm });
          return { info, sum: Array.from(wg.tensor([1, 2, 3]).add(1).toArray()), compiles: window.compiles, scripts };
        } catch (e) {
          return { error: { name: e.name, message: e.message }, compiles: window.compiles };
        }
      }, { entry: ENTRY, options });
    } finally {
      await page.close();
    }
  }

  it('compiles the wasm while it downloads when it is served as application/wasm', async () => {
    const r = await startIn({});
    assert.equal(r.error, undefined, JSON.stringify(r.error));
    assert.deepEqual(r.compiles, { streaming: 1, bytes: 0 });
    assert.equal(r.info.flavour, 'simd-threads');
    assert.deepEqual(r.sum, [2, 3, 4]);
  });

  it('imports the package in one request: its entry file imports no other module', async () => {
    const r = await startIn({});
    assert.deepEqual(r.scripts, [ENTRY]);
  });

  it('compiles the bytes when the wasm is served with another type, which compileStreaming refuses', async () => {
    const r = await startIn({ wasmAs: 'application/octet-stream' });
    assert.equal(r.error, undefined, JSON.stringify(r.error));
    assert.deepEqual(r.compiles, { streaming: 0, bytes: 1 });
    assert.deepEqual(r.sum, [2, 3, 4]);
  });

  it('refuses a URL that serves something other than wasm (an HTML page), saying so', async () => {
    const r = await startIn({ wasm: `/${BLANK}` });
    assert.deepEqual(r.compiles, { streaming: 0, bytes: 0 });
    assert.equal(r.error?.name, 'RuntimeError');
    assert.match(r.error.message, /^ready: cannot load wasmgrad-simd-threads\.wasm \(http:.*blank\.html: not a wasm file\)/);
  });
});
