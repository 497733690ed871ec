import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CLI = new URL('../../dist/models/wasmgrad.js', import.meta.url).pathname;

describe('the wasmgrad command', () => {
  it('lists the zoo', async () => {
    const { stdout } = await run('node', [CLI, 'list']);
    assert.match(stdout, /^mlp\s+MLP on 3-arm spirals/m);
  });

  it('refuses an unknown model or flag with the usage and exit code 2', async () => {
    for (const args of [['train', 'nosuch'], ['train', 'mlp', '--bogus'], ['train', 'mlp', '--epochs', '-1'], ['frobnicate'], ['results', 'nosuch'], ['results', '--quick']]) {
      await assert.rejects(run('node', [CLI, ...args]), (e) => {
        assert.equal(e.code, 2);
        assert.match(e.stderr, /wasmgrad: .*\nusage:/);
        return true;
      });
    }
  });

  it('trains, writes a checkpoint, metrics and a report, and evaluates the checkpoint', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'wasmgrad-run-')), 'mlp');
    const { stdout } = await run('node', [CLI, 'train', 'mlp', '--quick', '--epochs', '30', '--threads', '1', '--out', out]);
    assert.match(stdout, /MET/);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    assert.equal(metrics.model, 'mlp');
    assert.equal(metrics.threads, 1);
    assert.ok(metrics.history.length === 30 && metrics.criterion.met);
    assert.match(readFileSync(join(out, 'report.html'), 'utf8'), /<svg/);
    assert.ok(existsSync(join(out, 'checkpoint.safetensors')));
    const evaluated = await run('node', [CLI, 'eval', 'mlp', '--checkpoint', join(out, 'checkpoint.safetensors')]);
    const { testAccuracy } = JSON.parse(evaluated.stdout.trim().split('\n').at(-1));
    assert.equal(testAccuracy, metrics.metrics.testAccuracy);
  });
});
