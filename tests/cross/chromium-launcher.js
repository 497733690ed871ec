// Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by playwright-core,
// kept off the network and away from any profile (see /work/shared/notes/platform-facts.md).
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from './server.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync',
];

/**
 * Launches Chromium on a fresh profile, for a mocha `before` hook (`suite` is its `this`).
 * Without Chromium, CI fails with the install hint and a developer's run skips the suite, saying so.
 * @returns {Promise<{ browser: import('playwright-core').BrowserContext, close: () => Promise<void> }>}
 */
export async function launchChromium(suite) {
  if (!existsSync(CHROMIUM)) {
    const why = `${CHROMIUM} is missing: install the packages in tests/cross/APT-PACKAGES`;
    if (process.env.CI) throw new Error(why);
    console.log(`    SKIPPED the Chromium tests: ${why}`);
    suite.skip();
  }
  const profile = await mkdtemp(join(tmpdir(), 'wasmgrad-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS });
  return {
    browser,
    close: async () => {
      await browser.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * For a mocha describe: launches Chromium and a cross-origin-isolated server over the repository
 * before its tests and closes both after; returns the object they are held in, filled by then.
 * @returns {{ chromium?: Awaited<ReturnType<typeof launchChromium>>, server?: Awaited<ReturnType<typeof startServer>> }}
 */
export function isolatedChromium() {
  const held = {};
  before(async function () {
    held.chromium = await launchChromium(this);
    held.server = await startServer({ isolated: true });
  });
  after(async () => {
    await held.chromium?.close();
    await held.server?.close();
  });
  return held;
}
