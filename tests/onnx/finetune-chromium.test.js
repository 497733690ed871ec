// Fine-tuning end to end in Chromium: the same ONNX file as the Node test (pretrained.js) is
// loaded and fine-tuned inside a cross-origin-isolated page (threaded), saved there, and the saved
// bytes run in onnxruntime-web (in Node) to the page's predictions. Measured: 0.895 on 2 threads,
// the same as in Node.
import assert from 'node:assert/strict';
import { isolatedChromium } from '../cross/chromium-launcher.js';
import { fineTuneData, ortPredictions, pretrainedOnnx, SCHEDULE, TARGET } from './pretrained.js';

describe('fine-tuning an ONNX model in Chromium', () => {
  const held = isolatedChromium();

  it(`loads, fine-tunes one epoch on glyphs 5-9 to ${TARGET} and saves in the page; onnxruntime-web predicts the same`, async () => {
    const page = await held.chromium.browser.newPage();
    try {
      await page.goto(`${held.server.url}tests/onnx/page.html`);
      const result = await page.evaluate(async ({ onnx, schedule }) => {
        const wg = await import('/dist/bindings/index.js');
        const { glyphs } = await import('/dist/models/data/glyphs.js');
        const { finetuneOnnx, imagesOfClasses } = await import('/dist/models/index.js');
        const info = await wg.ready();
        const bytes = Uint8Array.from(atob(onnx), (c) => c.charCodeAt(0));
        const classes = [5, 6, 7, 8, 9];
        const train = imagesOfClasses(glyphs(2000, 3), classes);
        const test = imagesOfClasses(glyphs(400, 4), classes);
        const tuned = await finetuneOnnx(bytes, train, test, schedule);
        const n = test.labels.length;
        const predicted = wg.noGrad(() => wg.argmax(tuned.model.forward(wg.tensor(test.images, [n, 1, 28, 28])), 1).toArray());
        let saved = '';
        for (const b of tuned.bytes) saved += String.fromCharCode(b);
        return { threads: info.threads, after: tuned.history.at(-1).testAccuracy, predicted: Array.from(predicted), saved: btoa(saved) };
      }, { onnx: Buffer.from(pretrainedOnnx()).toString('base64'), schedule: SCHEDULE });
      console.log(`      Chromium, ${result.threads} threads: test accuracy ${result.after.toFixed(3)} on classes 5-9 after one epoch`);
      assert.ok(result.after >= TARGET, `fine-tuned accuracy ${result.after} < ${TARGET}`);
      const { test } = fineTuneData();
      assert.deepEqual(await ortPredictions(Buffer.from(result.saved, 'base64'), test.images), result.predicted);
    } finally {
      await page.close();
    }
  });
});
