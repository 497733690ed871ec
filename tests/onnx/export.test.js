// onnx.export of the zoo models and onnx.save of loaded ones: each file loads back through
// our loader with the same outputs, and runs in onnxruntime-web (the reference ONNX runtime)
// within 1e-4.
import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import * as onnx from '../../dist/bindings/onnx/index.js';
import { models } from '../../dist/models/index.js';

const ort = await import('onnxruntime-web');
ort.env.wasm.numThreads = 1;

const ids = (B, T, vocab) => wg.tensor(Int32Array.from({ length: B * T }, (_, i) => (i * 7) % vocab), [B, T], 'int32');
const ZOO = {
  mlp: () => wg.randn([5, 2], { seed: 11 }),
  convnet: () => wg.rand([3, 1, 28, 28], { seed: 12 }),
  autoencoder: () => wg.rand([3, 784], { seed: 13 }),
  'char-lstm': () => ids(2, 9, 50),
  gpt: () => ids(2, 8, 11),
};

const maxDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const outputOf = (m, x) => wg.scope(() => wg.noGrad(() => m.forward(x).toArray()));

async function runOrt(bytes, x) {
  const session = await ort.InferenceSession.create(bytes);
  const feed = { [session.inputNames[0]]: new ort.Tensor(x.dtype, x.toArray(), [...x.shape]) };
  const result = await session.run(feed);
  return result[session.outputNames[0]].data;
}

describe('onnx.export', () => {
  for (const [name, sample] of Object.entries(ZOO)) {
    it(`${name}: loads back with the same outputs, and onnxruntime-web agrees within 1e-4`, async () => {
      const model = models[name].build(3).eval();
      const x = sample();
      const bytes = onnx.export(model, [x]);
      const back = await onnx.load(bytes);
      try {
        const expected = outputOf(model, x);
        // The parameters come back under their state-dict names, with their values.
        assert.deepEqual(Object.keys(back.stateDict()).sort(), Object.keys(model.stateDict()).sort());
        const ours = outputOf(back, x);
        // gpt's attention is exported as its primitives (matmul, softmax), which round differently
        // from the fused kernel; every other model gives the same bits.
        if (name === 'gpt') assert.ok(maxDiff(ours, expected) < 1e-5, `${name}: ${maxDiff(ours, expected)}`);
        else assert.deepEqual(ours, expected);
        const theirs = await runOrt(bytes, x);
        assert.equal(theirs.length, expected.length);
        assert.ok(maxDiff(theirs, expected) < 1e-4, `${name}: onnxruntime-web differs by ${maxDiff(theirs, expected)}`);
      } finally {
        back.dispose();
        model.dispose();
        x.dispose();
      }
    });
  }

  it('refuses a bad call: no example inputs, unknown options, and an op with no ONNX form, naming it', () => {
    const model = new wg.nn.Sequential(new wg.nn.Linear(2, 3, { seed: 1 }));
    assert.throws(() => onnx.export(model, []), (e) => e instanceof wg.ArgumentError && /example inputs/.test(e.message));
    assert.throws(() => onnx.export(model, [wg.zeros([1, 2])], { opset: 17 }), (e) => e instanceof wg.ArgumentError && /unknown option 'opset'/.test(e.message));
    class ArgmaxHead extends wg.nn.Module {
      forward(x) {
        return wg.argmax(x, 1);
      }
    }
    assert.throws(() => onnx.export(new ArgmaxHead(), [wg.zeros([2, 3])]), (e) => e instanceof wg.ArgumentError && /op argmax .* has no ONNX form/.test(e.message));
  });
});

describe('onnx.save', () => {
  it('load → train a step → save → load gives the trained outputs, with the graph\'s input and output names', async () => {
    const x = wg.rand([4, 1, 28, 28], { seed: 21 });
    const y = wg.tensor(new Int32Array([0, 1, 2, 3]), [4], 'int32');
    const source = models.convnet.build(5).eval();
    const loaded = await onnx.load(onnx.export(source, [x], { inputNames: ['image'], outputNames: ['logits'] }));
    try {
      assert.deepEqual([loaded.inputNames, loaded.outputNames], [['image'], ['logits']]);
      const before = outputOf(loaded, x);
      loaded.train();
      const opt = new wg.optim.SGD(loaded.parameters(), { lr: 0.1 });
      wg.scope(() => {
        wg.crossEntropy(loaded.forward(x), y).backward();
        opt.step();
      });
      loaded.eval();
      const trained = outputOf(loaded, x);
      assert.ok(maxDiff(trained, before) > 1e-3, 'one SGD step changes the outputs');
      const again = await onnx.load(onnx.save(loaded, [x]));
      assert.deepEqual([again.inputNames, again.outputNames], [['image'], ['logits']]);
      assert.deepEqual(outputOf(again, x), trained);
      // BatchNorm's running statistics moved in train mode and were saved too.
      for (const [k, t] of Object.entries(loaded.stateDict())) assert.deepEqual(again.stateDict()[k].toArray(), t.toArray(), k);
      again.dispose();
    } finally {
      loaded.dispose();
      source.dispose();
    }
  });
});
