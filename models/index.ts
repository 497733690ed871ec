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
import type { ZooModel } from './zoo.js';

// The statistics a zoo model's training recorded, which `wasmgrad train` charts: read through
// this entry, so the command and the zoo share one record.
export { layerStatsOf, type LayerStats, type ParameterSeries } from './layer-stats.js';
// Tiles grey images into one picture; the report's captioned rows are drawn from the same tiling.
export { imageGrid } from './image-grid.js';
// Fine-tuning ONNX image classifiers (`wasmgrad finetune`), and the images it trains on.
export { finetuneOnnx, imagesOfClasses, type FinetuneResult, type FinetuneSchedule } from './onnx-finetune.js';
export { loadImages, type ImageData } from './data/images.js';
export type { ZooModel, LabelledRow, TrainOptions, TrainResult, Progress, Criterion, Budget, ReportImage, SampleOptions } from './zoo.js';

export const models: Readonly<Record<string, ZooModel>> = Object.freeze({
  mlp, convnet, 'lstm-adding': lstmAdding, 'char-lstm': charLstm, gpt, nplm, gan, adversarial, ssl, autoencoder,
});
