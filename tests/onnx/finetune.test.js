// Fine-tuning end to end in Node: the convnet trained on glyph classes 0-4 (pretrained.js) is
// loaded from its ONNX file, fine-tuned for one epoch on classes 5-9, saved, and the saved file
// gives the same predictions in onnxruntime-web as in wasmgrad.
import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { finetuneOnnx } from '../../dist/models/index.js';
import { fineTuneData, ortPredictions, pretrainedOnnx, SCHEDULE, TARGET } from './pretrained.js';

describe('fine-tuning an ONNX model in Node', () => {
  it(`convnet on glyphs 0-4 → ONNX → load → one epoch on 5-9 reaches ${TARGET} → save → onnxruntime-web predicts the same`, async () => {
    const { train, test } = fineTuneData();
    const { model, accuracyBefore, history, bytes } = await finetuneOnnx(pretrainedOnnx(), train, test, SCHEDULE);
    try {
      const after = history[history.length - 1].testAccuracy;
      console.log(`      classes 5-9: test accuracy ${accuracyBefore.toFixed(3)} as loaded, ${after.toFixed(3)} after one epoch of ${train.labels.length} images`);
      assert.ok(accuracyBefore < 0.3, `as loaded, classes 5-9 are not yet learned (${accuracyBefore})`);
      assert.ok(after >= TARGET, `fine-tuned accuracy ${after} < ${TARGET}`);
      const n = test.labels.length;
      const ours = wg.scope(() => wg.noGrad(() => wg.argmax(model.forward(wg.tensor(test.images, [n, 1, 28, 28])), 1).toArray()));
      assert.deepEqual(await ortPredictions(bytes, test.images), Array.from(ours));
    } finally {
      model.dispose();
    }
  });
});
