// The browser demo end to end (demo/index.html, served as `npm run demo:browser` does): pick 2
// threads, press Start, and the spiral MLP trains in its Worker while the page keeps painting
// frames; the loss falls; Stop stops it. A screenshot is left in a temp directory to look at.
// Then where it cannot have what it needs: opened from file:// and served without isolation, the
// page says so itself.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from './chromium-launcher.js';
import { startServer } from './server.js';

const MIN_STEPS = 200;

/** Registers the suite's hooks: Chromium, and the repository served with or without isolation. */
function chromiumAndServer({ isolated }) {
  const context = { chromium: null, server: null };
  before(async function () {
    context.chromium = await launchChromium(this);
    context.server = await startServer({ isolated });
  });
  after(async () => {
    await context.chromium?.close();
    await context.server?.close();
  });
  return context;
}

describe('browser demo (spirals MLP in a Worker)', function () {
  const context = chromiumAndServer({ isolated: true });
  let page;

  before(async () => {
    page = await context.chromium.browser.newPage({ viewport: { width: 1000, height: 720 } });
    await page.goto(`${context.server.url}demo/index.html`);
  });

  const demo = () => page.evaluate(() => ({ ...window.demo, frames: window.demoFrames }));

  it(`trains on 2 threads with the page still painting; the loss falls within ${MIN_STEPS} steps`, async () => {
    await page.selectOption('#threads', '2');
    await page.click('#start');
    await page.waitForFunction(() => window.demo.steps >= 20 || window.demo.error !== null, null, { timeout: 30000 });
    const early = await demo();
    await page.waitForFunction((n) => window.demo.steps >= n || window.demo.error !== null, MIN_STEPS, { timeout: 60000 });
    const later = await demo();
    assert.equal(later.error, null, later.error);
    assert.deepEqual(
      { flavour: later.info.flavour, threads: later.info.threads }, { flavour: 'simd-threads', threads: 2 });
    assert.ok(later.frames > early.frames, `frames painted while training: ${early.frames} then ${later.frames}`);
    assert.ok(later.boundaries >= 2, `decision boundaries drawn: ${later.boundaries}`);
    const first = later.losses[0];
    const last = later.losses.at(-1);
    assert.ok(last < first / 2, `loss fell from ${first} to ${last}`);
    assert.match(await page.textContent('#status'), /on 2 thread\(s\), simd-threads/);
  });

  it('Stop stops training; a screenshot shows the boundary and the loss curve', async () => {
    await page.click('#stop');
    await page.waitForFunction(() => !window.demo.running, null, { timeout: 10000 });
    const stopped = (await demo()).steps;
    await page.waitForTimeout(300);
    assert.equal((await demo()).steps, stopped);
    assert.equal(await page.isEnabled('#start'), true);
    const path = join(await mkdtemp(join(tmpdir(), 'wasmgrad-demo-')), 'demo.png');
    await page.screenshot({ path });
    console.log(`      screenshot: ${path}`);
  });
});

describe('browser demo where it cannot have threads or a Worker', function () {
  const context = chromiumAndServer({ isolated: false });
  let page;

  before(async () => {
    page = await context.chromium.browser.newPage();
  });

  it('opened from file://, says on the page why it cannot start and how to serve it, with Start disabled', async () => {
    await page.goto(new URL('../../demo/index.html', import.meta.url).href);
    const warning = await page.textContent('#warning');
    assert.match(warning, /opened from a file \(file:\/\/\), so the browser will not let it start the Web Worker/);
    assert.match(warning, /run "npm run demo:browser" and open the address it prints/);
    assert.equal(await page.isVisible('#warning'), true);
    assert.equal(await page.isDisabled('#start'), true);
    assert.equal(await page.textContent('#status'), 'cannot start: see the note above');
    // What the note claims: this browser refuses a file:// page its Worker.
    const refused = await page.evaluate(() => {
      try {
        new Worker(new URL('./train-worker.js', location.href), { type: 'module' }).terminate();
        return null;
      } catch (e) {
        return e.name;
      }
    });
    assert.equal(refused, 'SecurityError');
  });

  it('served without COOP/COEP, says before Start that it will train on one thread, and trains', async () => {
    await page.goto(`${context.server.url}demo/index.html`);
    assert.match(await page.textContent('#warning'), /not cross-origin isolated .* one thread\. "npm run demo:browser" serves it/);
    await page.click('#start');
    await page.waitForFunction(() => window.demo.steps >= 20 || window.demo.error !== null, null, { timeout: 30000 });
    assert.equal(await page.evaluate(() => window.demo.error), null);
    assert.match(await page.textContent('#warning'), /^wasmgrad runs on one thread: /);
    await page.click('#stop');
    await page.waitForFunction(() => !window.demo.running, null, { timeout: 10000 });
  });
});
