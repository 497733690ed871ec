// Some settings can only be chosen once per process (the wasm flavour of wasmgrad, the thread
// count of onnxruntime-web), so a suite runs its parts in child processes and merges their output.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PART_FLAG = '--part=';

/** The part this process should run, or null in the parent. */
export function currentPart() {
  const arg = process.argv.find((a) => a.startsWith(PART_FLAG));
  return arg === undefined ? null : arg.slice(PART_FLAG.length);
}

/** Runs `script` with `--part=<part>`; resolves to the JSON value the child printed on its last line. */
export function runPart(script, part, { nodeFlags = [], args = [] } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, fileURLToPath(script), `${PART_FLAG}${part}`, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = out.trim().split('\n');
      if (code !== 0) return reject(new Error(`part ${part} exited with ${code}:\n${out}`));
      for (const l of lines.slice(0, -1)) process.stderr.write(`  [${part}] ${l}\n`);
      resolve(JSON.parse(lines[lines.length - 1]));
    });
  });
}

/** In a child: prints the part's result as the last line of output. */
export function finishPart(value) {
  console.log(JSON.stringify(value));
}
