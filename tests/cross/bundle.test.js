// An app importing `wasmgrad` by name, bundled for the browser with esbuild exactly as the README's
// "Bundlers" section says, runs in Chromium with no wasm path in its code, threaded, on the page
// and inside a module Worker, and gives Node's bits. A bundle missing the wasm fails with an
// error saying what to do.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { assertSameAsNode } from './node-hashes.js';
import { launchChromium } from './chromium-launcher.js';
import { startServer } from './server.js';

const repository = fileURLToPath(new URL('../../', import.meta.url));
const here = fileURLToPath(new URL('./', import.meta.url));
const esbuild = join(repository, 'node_modules/.bin/esbuild');

/** The README's command, run in the app's directory (the pool's worker is a second entry point). */
const DOCUMENTED_BUILD = [
  'app.js', 'app-worker.js', 'node_modules/wasmgrad/dist/bindings/runtime/worker.js',
  '--bundle', '--format=esm', '--entry-names=[name]', '--outdir=out',
];
/** ...and the wasm beside the bundle: the files of the two flavours a browser may load. */
const WASM = ['wasmgrad-simd.wasm', 'wasmgrad-simd-threads.wasm'];

describe('esbuild bundle in Chromium', function () {
  let app;
  let chromium;
  let server;
  let esbuildOutput;

  before(async function () {
    chromium = await launchChromium(this);
    app = await mkdtemp(join(tmpdir(), 'wasmgrad-bundle-'));
    await mkdir(join(app, 'node_modules'));
    await symlink(repository, join(app, 'node_modules/wasmgrad'), 'dir');
    for (const f of ['bundle-app/app.js', 'bundle-app/app-worker.js', 'bundle-app/index.html', 'suite.js', 'training-cases.js']) {
      await copyFile(join(here, f), join(app, f.replace('bundle-app/', '')));
    }
    const run = promisify(execFile);
    esbuildOutput = await run(esbuild, DOCUMENTED_BUILD, { cwd: app });
    await copyFile(join(app, 'index.html'), join(app, 'out/index.html'));
    for (const w of WASM) await copyFile(join(app, 'node_modules/wasmgrad/build', w), join(app, 'out', w));
    // The same app without the wasm beside it, for the error.
    await run(esbuild, ['app.js', '--bundle', '--format=esm', '--outdir=bare'], { cwd: app });
    await copyFile(join(app, 'index.html'), join(app, 'bare/index.html'));
    server = await startServer({ isolated: true, root: app });
  });

  after(async () => {
    await chromium?.close();
    await server?.close();
    if (app) await rm(app, { recursive: true, force: true });
  });

  async function open(path) {
    const page = await chromium.browser.newPage();
    try {
      await page.goto(`${server.url}${path}`);
      await page.waitForFunction(() => window.result !== undefined, null, { timeout: 60000 });
      return await page.evaluate(() => window.result);
    } finally {
      await page.close();
    }
  }

  it('bundles the package for the browser without warnings (node: built-ins left alone)', async () => {
    assert.equal(esbuildOutput.stderr.includes('warning'), false, esbuildOutput.stderr);
    assert.deepEqual((await readdir(join(app, 'out'))).sort(), ['app-worker.js', 'app.js', 'index.html', ...WASM, 'worker.js'].sort());
  });

  for (const [where, query] of [['on the page', '?page'], ['inside a module Worker', '?worker']]) {
    it(`runs threaded ${where} and gives Node's hashes`, async () => {
      const result = await open(`out/index.html${query}`);
      assert.equal(result.error, undefined, result.error);
      assert.equal(result.info.flavour, 'simd-threads');
      assert.equal(result.info.threads, 2);
      await assertSameAsNode(`the bundled app ${where}`, { 2: result.hashes }, 2);
    });
  }

  it('without the wasm beside the bundle, ready() says where it looked and what to do', async () => {
    const result = await open('bare/index.html?page');
    assert.match(result.error, /cannot load wasmgrad-simd-threads\.wasm/);
    assert.match(result.error, /bare\/wasmgrad-simd-threads\.wasm: fetching .* failed: HTTP 404/);
    assert.match(result.error, /beside your bundle, or pass ready\(\{ wasm \}\)/);
  });
});
