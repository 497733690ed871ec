// npm run bench -- <suite> [--json]: runs bench/<suite>.mjs.
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const suites = readdirSync(here).filter((f) => f.endsWith('.mjs') && f !== 'run.mjs').map((f) => f.slice(0, -4));
const [suite, ...args] = process.argv.slice(2);
if (suite === undefined || !suites.includes(suite)) {
  console.error(`usage: npm run bench -- <suite> [--json]\nsuites: ${suites.join(', ')}`);
  process.exit(2);
}
const { main } = await import(`./${suite}.mjs`);
await main({ json: args.includes('--json'), args });
process.exit(0);
