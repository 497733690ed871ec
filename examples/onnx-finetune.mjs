// Fine-tune a model trained elsewhere, in Node (node examples/onnx-finetune.mjs after npm run build):
// the zoo convnet is trained on glyph classes 0-4 and exported to ONNX, standing in for a model
// exported from PyTorch; wasmgrad loads that file, fine-tunes it for one epoch on classes 5-9,
// saves it back as ONNX, and onnxruntime-web runs the saved file to the same predictions.
import * as wg from '../dist/bindings/index.js';
import * as onnx from '../dist/bindings/onnx/index.js';
import { glyphs } from '../dist/models/data/glyphs.js';
import { convNet, trainImageClassifier } from '../dist/models/convnet.js';
import { finetuneOnnx, imagesOfClasses } from '../dist/models/index.js';

await wg.ready();

// 1. Somewhere else: a classifier of glyphs 0-4, exported to ONNX.
const pretrain = imagesOfClasses(glyphs(1000, 1), [0, 1, 2, 3, 4]);
const source = convNet(1);
trainImageClassifier('pretrain', source, pretrain, imagesOfClasses(glyphs(300, 2), [0, 1, 2, 3, 4]), { epochs: 1, batch: 32, lr: 3e-3, seed: 1 }, {});
const onnxBytes = onnx.export(source.eval(), [wg.zeros([1, 1, 28, 28])], { dynamicBatch: true });
console.log(`exported the pretrained convnet: ${onnxBytes.length} bytes of ONNX`);

// 2. Here: load it, fine-tune on the user's own images of classes 5-9, save it.
const train = imagesOfClasses(glyphs(2000, 3), [5, 6, 7, 8, 9]);
const test = imagesOfClasses(glyphs(400, 4), [5, 6, 7, 8, 9]);
const { model, accuracyBefore, history, bytes } = await finetuneOnnx(onnxBytes, train, test, { epochs: 1, batch: 16, lr: 2e-3, seed: 2 });
console.log(`classes 5-9: test accuracy ${accuracyBefore.toFixed(3)} as loaded, ${history.at(-1).testAccuracy.toFixed(3)} after one epoch`);

// 3. The saved model in onnxruntime-web gives the same predictions.
const ort = await import('onnxruntime-web');
const session = await ort.InferenceSession.create(bytes);
const n = test.labels.length;
const { [session.outputNames[0]]: logits } = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', test.images, [n, 1, 28, 28]) });
const ours = wg.noGrad(() => wg.argmax(model.forward(wg.tensor(test.images, [n, 1, 28, 28])), 1).toArray());
let same = 0;
for (let i = 0; i < n; i++) {
  const row = logits.data.subarray(i * 10, i * 10 + 10);
  if (row.indexOf(Math.max(...row)) === ours[i]) same++;
}
console.log(`onnxruntime-web agrees with wasmgrad on ${same} of ${n} predictions`);
await wg.shutdown();
