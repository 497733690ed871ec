// npm run demo:browser: serves the repository with the cross-origin isolation headers (threads
// need them) and prints the demo's address. Runs until killed.
import { startServer } from '../tests/cross/server.js';

const { url } = await startServer({ isolated: true });
console.log(`wasmgrad browser demo: open ${url}demo/index.html   (Ctrl-C stops the server)`);
