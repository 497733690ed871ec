// A static file server over the repository root for the browser tests, on 127.0.0.1 and a free
// port. With `isolated` it sends the two headers that make a page cross-origin isolated, which is
// what gives it SharedArrayBuffer and so wasmgrad its threads; without, the page runs on one thread.
// Nothing is cached unless `cached` (a returning visitor's page load, for the runtimes benchmark):
// the tests must see the files as they are now.
//   node tests/cross/server.js [--not-isolated]   serves until killed, for looking at by hand
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repository = fileURLToPath(new URL('../../', import.meta.url));

// WebAssembly.compileStreaming and module scripts refuse other types for these.
const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
};

export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Starts serving `root` (the repository by default); resolves to the base URL (ending in '/') and a close(). */
export async function startServer({ isolated, root = repository, cached = false }) {
  root = resolve(root) + '/';
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = resolve(root, '.' + path);
    const headers = { 'Cache-Control': cached ? 'max-age=3600' : 'no-store', ...(isolated ? ISOLATION_HEADERS : {}) };
    if (!file.startsWith(root)) {
      res.writeHead(403, headers).end('outside the repository');
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, headers).end(`not found: ${path}`);
    }
  });
  await new Promise((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const isolated = !process.argv.includes('--not-isolated');
  const { url } = await startServer({ isolated });
  console.log(`serving ${repository} at ${url} (${isolated ? '' : 'not '}cross-origin isolated)`);
  console.log(`open ${url}tests/cross/browser.html or ${url}tests/cross/browser.html?worker`);
}
