// `wasmgrad import` and `wasmgrad finetune` on an exported convnet and on a model wasmgrad cannot run.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as wg from '../../dist/bindings/index.js';
import * as onnx from '../../dist/bindings/onnx/index.js';
import { models } from '../../dist/models/index.js';

const run = promisify(execFile);
const CLI = new URL('../../dist/models/wasmgrad.js', import.meta.url).pathname;
const UINT8_ADD = new URL('../fixtures/onnx-node/test_add_uint8/model.onnx', import.meta.url).pathname;

describe('wasmgrad import and finetune', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasmgrad-onnx-'));
  const file = join(dir, 'convnet.onnx');
  before(() => {
    const model = models.convnet.build(1).eval();
    writeFileSync(file, onnx.export(model, [wg.zeros([1, 1, 28, 28])], { dynamicBatch: true }));
    model.dispose();
  });

  it('import prints inputs, outputs, parameters and ops, and says the model loads', async () => {
    const { stdout } = await run('node', [CLI, 'import', file]);
    assert.match(stdout, /ONNX opset 20, made by wasmgrad/);
    assert.match(stdout, /inputs:\n {2}input_0: float32 \[batch, 1, 28, 28\]/);
    assert.match(stdout, /outputs:\n {2}output_0: float32 \[batch, 10\]/);
    assert.match(stdout, /14 tensors, 421930 numbers/);
    assert.match(stdout, /ops: Conv x2, BatchNormalization x2, Relu x3, MaxPool x2, Reshape x1, Gemm x2/);
    assert.match(stdout, /unsupported: none/);
  });

  it('import lists the unsupported nodes and exits 1; a file that is not ONNX fails with the reason', async () => {
    await assert.rejects(run('node', [CLI, 'import', UINT8_ADD]), (e) => e.code === 1 && /unsupported \(2\):\n {2}graph input 'x' is uint8/.test(e.stdout));
    const junk = join(dir, 'junk.onnx');
    writeFileSync(junk, 'not a model at all');
    await assert.rejects(run('node', [CLI, 'import', junk]), (e) => e.code > 0 && /the bytes are not a valid ONNX model/.test(e.stderr));
  });

  it('finetune trains on the chosen classes and writes a model that loads', async () => {
    const out = join(dir, 'tuned.onnx');
    const { stdout } = await run('node', [CLI, 'finetune', file, '--data', 'glyphs', '--classes', '5-9', '--quick', '--threads', '1', '--out', out]);
    const [, before, after] = /test accuracy: ([\d.]+) as loaded, ([\d.]+) fine-tuned/.exec(stdout).map(Number);
    assert.ok(after > before + 0.3, stdout);
    assert.ok(existsSync(out));
    const tuned = await onnx.load(readFileSync(out));
    assert.deepEqual(tuned.outputNames, ['output_0']);
    tuned.dispose();
  });
});
