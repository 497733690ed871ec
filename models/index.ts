// The model zoo: each entry trains a classic system of deep learning to a measured criterion.
import { adversarial } from './adversarial.js';
import { autoencoder } from './autoencoder.js';
import { charLstm } from './char-lstm.js';
import { convnet } from './convnet.js';
import { gan } from './gan.js';
import { gpt } from './gpt.js';
import { lstmAdding } from './lstm-adding.js';
import { mlp } from './mlp.js';
import { nplm } from './nplm.js';
import { ssl } from './ssl.js';
import type { SampleOptions, TrainOptions, ZooModel } from './zoo.js';
import { defineOptions } from '../bindings/index.js';

// The statistics a zoo model's training recorded, which `wasmgrad train` charts: read through
// this entry, so the command and the zoo share one record.
export { layerStatsOf, type LayerStats, type ParameterSeries } from './layer-stats.js';
// Tiles grey images into one picture; the report's captioned rows are drawn from the same tiling.
export { imageGrid } from './image-grid.js';
// Fine-tuning ONNX image classifiers (`wasmgrad finetune`), and the images it trains on.
export { finetuneOnnx, imagesOfClasses, type FinetuneResult, type FinetuneSchedule } from './onnx-finetune.js';
export { loadImages, type ImageData } from './data/images.js';
export type { ZooModel, LabelledRow, TrainOptions, TrainResult, Progress, Criterion, Budget, ReportImage, SampleOptions } from './zoo.js';

/**
 * The model with its options checked against the zoo's declarations, under the name
 * models.<name>.train (or .evaluate, .sample): a misspelt option is refused, not ignored.
 */
function withCheckedOptions(name: string, model: ZooModel): ZooModel {
  const fields = {
    budget: "'full'|'quick'", epochs: 'number', batch: 'number', lr: 'number', seed: 'number', data: 'string',
    onProgress: 'function', log: 'function',
  } as const;
  const train = defineOptions<TrainOptions>(`models.${name}.train`, fields);
  const evaluate = defineOptions<TrainOptions>(`models.${name}.evaluate`, fields);
  const sample = defineOptions<SampleOptions>(`models.${name}.sample`, {
    temperature: 'number', length: 'number', prompt: 'string', seed: 'number',
  });
  const checked: ZooModel = {
    ...model,
    train: async (opts) => model.train(train.parse(opts)),
    evaluate: async (m, opts) => model.evaluate(m, evaluate.parse(opts)),
  };
  if (model.sample !== undefined) checked.sample = (m, opts) => model.sample!(m, sample.parse(opts));
  return checked;
}

const zoo: Record<string, ZooModel> = {
  mlp, convnet, 'lstm-adding': lstmAdding, 'char-lstm': charLstm, gpt, nplm, gan, adversarial, ssl, autoencoder,
};

export const models: Readonly<Record<string, ZooModel>> = Object.freeze(
  Object.fromEntries(Object.entries(zoo).map(([name, model]) => [name, withCheckedOptions(name, model)])),
);
