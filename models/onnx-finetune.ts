// Fine-tuning an ONNX image classifier trained elsewhere: load it as a module, train it on the
// user's images with the zoo convnet's recipe (Adam, cosine schedule), and save it back as ONNX.
// The `wasmgrad finetune` command, the example and the tests drive it.
import * as wg from '../bindings/index.js';
import * as onnx from '../bindings/onnx/index.js';
import type { LabelledImages } from '../bindings/data/loader.js';
import type { OnnxModule } from '../bindings/onnx/module.js';
import { IMAGE_SHAPE, trainImageClassifier } from './convnet.js';
import { accuracy } from './fit.js';
import type { EpochRecord, TrainOptions } from './zoo.js';

export interface FinetuneSchedule {
  epochs: number;
  batch: number;
  lr: number;
  seed: number;
}

export interface FinetuneResult {
  model: OnnxModule;
  /** Test accuracy of the model as loaded, and after each epoch. */
  accuracyBefore: number;
  history: EpochRecord[];
  /** The fine-tuned model as ONNX (save), batch size free. */
  bytes: Uint8Array;
}

/** The images of the given classes only, copied. */
export function imagesOfClasses(set: LabelledImages, classes: readonly number[]): LabelledImages {
  const [, c, h, w] = set.shape;
  const size = c * h * w;
  const picked = [...set.labels.keys()].filter((i) => classes.includes(set.labels[i]));
  const images = new Float32Array(picked.length * size);
  picked.forEach((i, k) => images.set(set.images.subarray(i * size, (i + 1) * size), k * size));
  return { images, labels: Int32Array.from(picked, (i) => set.labels[i]), shape: [picked.length, c, h, w] };
}

/** Refuses a model whose first input is not (batch, 1, 28, 28) images. */
function checkImageInput(model: OnnxModule, summary: onnx.OnnxSummary): void {
  const shape = summary.inputs[0]?.type.shape;
  const fits = model.inputNames.length === 1 && shape?.length === 4 && shape.slice(1).every((d, i) => d === IMAGE_SHAPE[i]);
  if (!fits) {
    throw new wg.ArgumentError(
      `finetune: the model's inputs are ${summary.inputs.map((v) => `${v.name} [${v.type.shape?.join(', ') ?? '?'}]`).join(', ')}; ` +
        `it must take one batch of [N, ${IMAGE_SHAPE.join(', ')}] images`,
    );
  }
}

/** Loads `bytes`, trains it on `train`, measures on `test` before and after, and saves it. */
export async function finetuneOnnx(
  bytes: Uint8Array, train: LabelledImages, test: LabelledImages, s: FinetuneSchedule, opts: TrainOptions = {},
): Promise<FinetuneResult> {
  const model = await onnx.load(bytes);
  checkImageInput(model, onnx.inspect(bytes));
  const accuracyBefore = accuracy(model, test.images, test.labels, IMAGE_SHAPE);
  const history = trainImageClassifier('finetune', model, train, test, s, opts);
  const example = wg.tensor(test.images.subarray(0, test.images.length / test.shape[0]), [1, ...IMAGE_SHAPE]);
  const saved = onnx.save(model, [example], { dynamicBatch: true });
  example.dispose();
  return { model, accuracyBefore, history, bytes: saved };
}
