// The cross-runtime suite in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core): a cross-origin-isolated page runs threaded and gives Node's bits, on the page's
// main thread and inside a module Worker; a page without the isolation headers runs on one thread,
// gives the same bits, and says why in the console and on the page. And how a page loads wasmgrad:
// the entry in one request (each level of imports would cost a round trip of the cold start), then
// the wasm (bindings/runtime/engine.ts, compileAt): served as application/wasm, it compiles while it
// downloads (WebAssembly.compileStreaming); served as any other type, which compileStreaming would
// refuse, its bytes are read and compiled; a URL with no wasm behind it is refused by name.
import assert from 'node:assert/strict';
import { THREAD_COUNTS } from './suite.js';
import { assertSameAsNode } from './node-hashes.js';
import { launchChromium } from './chromium-launcher.js';
import { startServer } from './server.js';

const PAGE = 'tests/cross/browser.html';
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

describe('Chromium', function () {
  let chromium;
  let browser;
  const servers = {};

  before(async function () {
    chromium = await launchChromium(this);
    browser = chromium.browser;
    servers.isolated = await startServer({ isolated: true });
    servers.plain = await startServer({ isolated: false });
  });

  after(async () => {
    await chromium?.close();
    for (const s of Object.values(servers)) await s.close();
  });

  /** Opens the suite page and waits for its report; collects the console as it goes. */
  async function openSuite(server, query = '') {
    const page = await browser.newPage();
    const console = [];
    const responses = [];
    page.on('console', (m) => console.push({ type: m.type(), text: m.text() }));
    page.on('response', (r) => responses.push({ path: new URL(r.url()).pathname, status: r.status(), type: r.headers()['content-type'] }));
    page.on('pageerror', (e) => console.push({ type: 'pageerror', text: String(e) }));
    await page.goto(`${server.url}${PAGE}${query}`);
    await page.waitForFunction(() => window.wasmgradReport !== undefined, null, { timeout: 30000 });
    const report = await page.evaluate(() => window.wasmgradReport);
    assert.equal(report.error, undefined, `the page failed: ${report.error}\nconsole: ${JSON.stringify(console)}`);
    return { page, report, console, responses };
  }

  describe('cross-origin isolated page, main thread', () => {
    let run;
    before(async () => (run = await openSuite(servers.isolated)));
    after(() => run?.page.close());

    it('runs the threaded flavour on 2 threads, on a main thread that may not block', async () => {
      assert.equal(await run.page.evaluate(() => crossOriginIsolated), true);
      const mayBlock = await run.page.evaluate(() => {
        try {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
          return true;
        } catch {
          return false;
        }
      });
      assert.equal(mayBlock, false);
      assert.deepEqual(run.report.info, { runtime: 'browser', flavour: 'simd-threads', threads: 2, sharedMemory: true });
      assert.deepEqual(run.console.filter((m) => m.type === 'warning' || m.type === 'error'), []);
    });

    it('finds the wasm from dist/bindings/runtime/ by new URL(\'../../../build/...\', import.meta.url)', () => {
      const wasm = run.responses.filter((r) => r.path.endsWith('.wasm'));
      assert.deepEqual(wasm, [{ path: '/build/wasmgrad-simd-threads.wasm', status: 200, type: 'application/wasm' }]);
    });

    for (const threads of THREAD_COUNTS) {
      it(`gives Node's hashes on ${threads} thread(s)`, () => assertSameAsNode('Chromium', run.report.hashes, threads));
    }
  });

  describe('cross-origin isolated page, wasmgrad inside a module Worker', () => {
    let run;
    before(async () => (run = await openSuite(servers.isolated, '?worker')));
    after(() => run?.page.close());

    it('runs the threaded flavour on 2 threads', () => {
      assert.deepEqual(run.report.info, { runtime: 'worker', flavour: 'simd-threads', threads: 2, sharedMemory: true });
    });

    for (const threads of THREAD_COUNTS) {
      it(`gives Node's hashes on ${threads} thread(s)`, () => assertSameAsNode('a Chromium Worker', run.report.hashes, threads));
    }
  });

  describe('page without the isolation headers', () => {
    let run;
    before(async () => (run = await openSuite(servers.plain)));
    after(() => run?.page.close());

    it('runs on one thread with the unthreaded flavour', () => {
      assert.equal(run.report.info.threads, 1);
      assert.equal(run.report.info.flavour, 'simd');
      assert.equal(run.report.info.sharedMemory, false);
    });

    it('warns once in the console, naming both headers', () => {
      const warnings = run.console.filter((m) => m.type === 'warning' && m.text.includes('[wasmgrad]'));
      assert.equal(warnings.length, 1, JSON.stringify(run.console));
      assert.match(warnings[0].text, /THREADS ARE OFF/);
      assert.match(warnings[0].text, /Cross-Origin-Opener-Policy: same-origin/);
      assert.match(warnings[0].text, /Cross-Origin-Embedder-Policy: require-corp/);
    });

    it('shows the reason on the page, from runtimeInfo().singleThreadReason', async () => {
      assert.match(run.report.info.singleThreadReason, /not cross-origin isolated/);
      const warning = run.page.locator('#warning');
      assert.equal(await warning.isVisible(), true);
      const text = await warning.textContent();
      assert.match(text, /Cross-Origin-Opener-Policy/);
      assert.match(text, /Cross-Origin-Embedder-Policy/);
    });

    for (const threads of THREAD_COUNTS) {
      it(`still gives Node's hashes when asked for ${threads} thread(s)`, () =>
        assertSameAsNode('a non-isolated Chromium page', run.report.hashes, threads));
    }
  });

  describe('loading wasmgrad and its wasm, each case in a fresh page (a fresh engine)', () => {
    /**
     * In a fresh page: imports the package, runs ready() and one op; the compiles it made. With
     * `wasm`, ready() loads that URL; with `wasmAs`, the wasm's bytes served as that type.
     */
    async function startIn(options) {
      const page = await browser.newPage();
      try {
        await page.addInitScript(countCompiles);
        await page.goto(`${servers.isolated.url}${BLANK}`);
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
});
