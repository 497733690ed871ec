// package-lock.json must be what `npm install` writes, or every install rewrites it and leaves
// the clone dirty. npm records each optional dependency (deno's binaries for other platforms)
// whether or not it installs it; a lock written without them gains them on the next install.
// .ci/run also checks that `npm install` left the lock untouched.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8'));

/** The lock's entry npm resolves `name` to from the package at `path`: the nearest node_modules up the tree. */
function resolvedFrom(path, name) {
  const nesting = path.split('node_modules/').filter((part) => part !== '');
  for (let depth = nesting.length; depth >= 0; depth--) {
    const candidate = [...nesting.slice(0, depth), name].map((part) => `node_modules/${part.replace(/\/$/, '')}`).join('/');
    if (candidate in lock.packages) return candidate;
  }
  return undefined;
}

describe('package-lock.json', () => {
  it('lists every optional dependency of every package, as npm install would', () => {
    const unlisted = Object.entries(lock.packages).flatMap(([path, entry]) =>
      Object.keys(entry.optionalDependencies ?? {}).filter((name) => resolvedFrom(path, name) === undefined).map((name) => `${path} -> ${name}`));
    assert.deepEqual(unlisted, [], 'regenerate the lock with npm install and commit it');
  });

  it('locks the versions package.json asks for', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    assert.deepEqual(lock.packages[''].devDependencies, manifest.devDependencies);
  });
});
