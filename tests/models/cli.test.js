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
    const refused = [
      ['train', 'nosuch'], ['train', 'mlp', '--bogus'], ['train', 'mlp', '--epochs', '-1'], ['frobnicate'], ['results', 'nosuch'], ['results', '--quick'],
      [], ['list', '--epochs', '3'], ['train', 'mlp', '--checkpoint', 'x'], ['eval', 'mlp'], ['train', 'toString'], ['toString'], ['list', '--constructor'],
      ['train', 'mlp', 'convnet'], ['--epochs', '3'],
    ];
    for (const args of refused) {
      await assert.rejects(run('node', [CLI, ...args]), (e) => {
        assert.equal(e.code, 2, args.join(' '));
        assert.match(e.stderr, /wasmgrad: .*\nusage:/);
        return true;
      });
    }
  });

  it('--help (or -h) prints the usage, and <command> --help the command\'s flags, with exit code 0', async () => {
    for (const args of [['--help'], ['-h']]) {
      const { stdout, stderr } = await run('node', [CLI, ...args]);
      assert.equal(stderr, '');
      assert.match(stdout, /^usage:\n/);
      for (const command of ['list', 'train', 'eval', 'sample', 'results']) assert.match(stdout, new RegExp(`^  wasmgrad ${command}\\b`, 'm'));
    }
    const train = await run('node', [CLI, 'train', '--help']);
    assert.match(train.stdout, /^usage: wasmgrad train <model> \[--epochs N\]/);
    assert.match(train.stdout, /^models: mlp, convnet/m);
    for (const flag of ['epochs N', 'batch N', 'lr X', 'threads N', 'seed N', 'data PATH', 'out DIR', 'quick']) {
      assert.match(train.stdout, new RegExp(`^  --${flag} +\\w`, 'm'), flag);
    }
    const evaluate = await run('node', [CLI, 'eval', 'mlp', '-h']);
    assert.match(evaluate.stdout, /^usage: wasmgrad eval <model> --checkpoint FILE \[--json\]/);
    assert.match(evaluate.stdout, /^  --json +print the raw metrics/m);
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
    const checkpoint = join(out, 'checkpoint.safetensors');
    const evaluated = await run('node', [CLI, 'eval', 'mlp', '--checkpoint', checkpoint, '--json']);
    const { testAccuracy } = JSON.parse(evaluated.stdout);
    assert.equal(testAccuracy, metrics.metrics.testAccuracy);

    const summary = (await run('node', [CLI, 'eval', 'mlp', '--checkpoint', checkpoint])).stdout;
    assert.match(summary, new RegExp(`^mlp, checkpoint ${checkpoint}$`, 'm'));
    assert.match(summary, new RegExp(`^  test accuracy  ${testAccuracy.toFixed(4)}$`, 'm'));
    assert.match(summary, /^criterion of its training run \(quick budget\): test accuracy >= 0\.9/m);
    assert.match(summary, new RegExp(`^measured then: test accuracy ${metrics.metrics.testAccuracy.toFixed(4)};`, 'm'));
    assert.match(summary, /^MET when trained$/m);

    // A checkpoint of another model: one line naming both models and the tensors that differ.
    await assert.rejects(run('node', [CLI, 'eval', 'convnet', '--quick', '--checkpoint', checkpoint]), (e) => {
      assert.equal(e.code, 1);
      const lines = e.stderr.trim().split('\n');
      assert.equal(lines.length, 1, e.stderr);
      assert.match(lines[0], new RegExp(`^wasmgrad: ${checkpoint} does not fit convnet \\(it was trained as mlp\\): ` +
        'missing .*\\d+ more; unexpected 0\\.bias float32 \\[64\\], .*; 0\\.weight is float32 \\[64, 2\\], expected float32 \\[32, 1, 3, 3\\]'));
      return true;
    });
  });
});
