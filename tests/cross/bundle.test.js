// An app importing wasmgrad by name, bundled for the browser exactly as the README's "Bundlers"
// section says, with no wasm path and no bundler configuration, runs in Chromium threaded, on the
// page and inside a module Worker, and gives Node's bits:
// - esbuild, which copies no assets, with `wasmgrad/embedded` (the wasm and the pool's worker
//   inside the JavaScript);
// - Vite, with plain `wasmgrad` (it emits the wasm and the pool's worker itself).
// Where threads cannot start, the page still runs, on one thread, with the warning.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, copyFile, mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { assertSameAsNode } from './node-hashes.js';
import { launchChromium } from './chromium-launcher.js';
import { startServer } from './server.js';

const repository = fileURLToPath(new URL('../../', import.meta.url));
const here = fileURLToPath(new URL('./', import.meta.url));
const bin = (name) => join(repository, 'node_modules/.bin', name);
const run = promisify(execFile);

/** The README's commands, each run in its app's directory. */
const ESBUILD = ['app.js', 'app-worker.js', '--bundle', '--format=esm', '--outdir=out'];
const VITE = ['build'];

describe('bundled apps in Chromium, no wasm-path configuration', function () {
  let app;
  let chromium;
  const servers = {};
  const output = {};

  before(async function () {
    chromium = await launchChromium(this);
    app = await mkdtemp(join(tmpdir(), 'wasmgrad-bundle-'));
    await mkdir(join(app, 'node_modules'));
    await symlink(repository, join(app, 'node_modules/wasmgrad'), 'dir');
    await cp(join(here, 'bundle-app'), app, { recursive: true });
    for (const f of ['suite.js', 'training-cases.js']) await copyFile(join(here, f), join(app, f));
    output.esbuild = await run(bin('esbuild'), ESBUILD, { cwd: join(app, 'esbuild') });
    await copyFile(join(app, 'esbuild/index.html'), join(app, 'esbuild/out/index.html'));
    output.vite = await run(bin('vite'), VITE, { cwd: join(app, 'vite'), env: { ...process.env, NO_COLOR: '1' } });
    servers.esbuild = await startServer({ isolated: true, root: join(app, 'esbuild/out') });
    servers.esbuildPlain = await startServer({ isolated: false, root: join(app, 'esbuild/out') });
    // Vite's pages refer to /assets/...: served from the root of its output.
    servers.vite = await startServer({ isolated: true, root: join(app, 'vite/dist') });
  });

  after(async () => {
    await chromium?.close();
    for (const s of Object.values(servers)) await s.close();
    if (app) await rm(app, { recursive: true, force: true });
  });

  /** Opens a page of a server; returns the app's result and the page's console warnings. */
  async function open(server, query) {
    const page = await chromium.browser.newPage();
    const warnings = [];
    page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
    try {
      await page.goto(`${server.url}index.html${query}`);
      await page.waitForFunction(() => window.result !== undefined, null, { timeout: 120000 });
      return { result: await page.evaluate(() => window.result), warnings };
    } finally {
      await page.close();
    }
  }

  describe('esbuild, wasmgrad/embedded', () => {
    it('bundles without warnings into the two entry files and nothing else', async () => {
      assert.equal(output.esbuild.stderr.includes('warning'), false, output.esbuild.stderr);
      assert.deepEqual((await readdir(join(app, 'esbuild/out'))).sort(), ['app-worker.js', 'app.js', 'index.html']);
    });

    for (const [where, query] of [['on the page', '?page'], ['inside a module Worker', '?worker']]) {
      it(`runs threaded ${where} and gives Node's hashes`, async () => {
        const { result, warnings } = await open(servers.esbuild, query);
        assert.equal(result.error, undefined, result.error);
        assert.equal(result.info.flavour, 'simd-threads');
        assert.equal(result.info.threads, 2);
        assert.equal(result.info.singleThreadReason, undefined);
        assert.deepEqual(warnings.filter((w) => w.includes('[wasmgrad]')), []);
        await assertSameAsNode(`the esbuild bundle ${where}`, { 2: result.hashes }, 2);
      });
    }

    it('without cross-origin isolation: one thread, the same bits, and the warning in the console', async () => {
      const { result, warnings } = await open(servers.esbuildPlain, '?page');
      assert.equal(result.error, undefined, result.error);
      assert.equal(result.info.flavour, 'simd');
      assert.equal(result.info.threads, 1);
      assert.match(result.info.singleThreadReason, /not cross-origin isolated/);
      assert.ok(warnings.some((w) => /THREADS ARE OFF/.test(w)), `no warning among ${JSON.stringify(warnings)}`);
      await assertSameAsNode('the esbuild bundle without isolation', { 2: result.hashes }, 2);
    });
  });

  describe('Vite, plain wasmgrad', () => {
    it('builds, emitting the wasm and the pool worker as assets', async () => {
      const assets = await readdir(join(app, 'vite/dist/assets'));
      assert.ok(assets.some((f) => /^wasmgrad-simd-threads-.*\.wasm$/.test(f)), `no simd-threads wasm in ${assets}`);
      assert.ok(assets.some((f) => /^worker-.*\.js$/.test(f)), `no pool worker in ${assets}`);
      assert.doesNotMatch(output.vite.stdout + output.vite.stderr, /warn|error/i);
    });

    for (const [where, query] of [['on the page', '?page'], ['inside a module Worker', '?worker']]) {
      it(`runs threaded ${where} and gives Node's hashes`, async () => {
        const { result } = await open(servers.vite, query);
        assert.equal(result.error, undefined, result.error);
        assert.equal(result.info.flavour, 'simd-threads');
        assert.equal(result.info.threads, 2);
        assert.equal(result.info.singleThreadReason, undefined);
        await assertSameAsNode(`the Vite build ${where}`, { 2: result.hashes }, 2);
      });
    }
  });
});
