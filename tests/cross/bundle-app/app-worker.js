// The same app inside a module Web Worker (bundled on its own): posts its result to the page.
import { run } from './app.js';

try {
  postMessage({ result: await run() });
} catch (e) {
  postMessage({ error: String(e?.stack ?? e) });
}
