// The README's JavaScript snippets run as they stand, saved as ES modules (.mjs): what a newcomer
// copying them gets. Each imports the package's entries and must exit 0 by itself.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
// The package's entries (package.json "exports") as file URLs: a snippet saved outside the
// repository cannot resolve the package by name.
const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const entries = Object.fromEntries(Object.entries(manifest.exports).filter(([, target]) => target.default)
  .map(([path, target]) => [manifest.name + path.slice(1), new URL(`../../${target.default}`, import.meta.url).href]));
const snippets = [...readme.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((m) => m[1]).filter((code) => code.includes("from 'wasmgrad'"));

describe('README snippets', () => {
  it('there are snippets that import wasmgrad, each calling wg.ready() first', () => {
    assert.ok(snippets.length >= 2, `found ${snippets.length}`);
    for (const code of snippets) assert.match(code, /^import \* as wg from 'wasmgrad';\n(import .*\n)*\nawait wg\.ready\(/, code);
  });

  snippets.forEach((code, i) => {
    const first = code.split('\n').find((l) => l.startsWith('const')).replace(/\s*\/\/.*$/, '');
    it(`snippet ${i + 1} (${first}) runs as an .mjs file`, async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'wasmgrad-readme-')), 'snippet.mjs');
      writeFileSync(file, code.replace(/from '(wasmgrad[^']*)'/g, (_, name) => `from '${entries[name]}'`));
      const { stdout } = await promisify(execFile)('node', [file], { timeout: 60000 });
      assert.notEqual(stdout.trim(), '', 'the snippet prints what it computed');
    });
  });
});
