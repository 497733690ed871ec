// The model zoo: each entry trains a classic system of deep learning to a measured criterion.
import { adversarial } from './adversarial.js';
import { autoencoder } from './autoencoder.js';
import { convnet } from './convnet.js';
import { mlp } from './mlp.js';
import type { ZooModel } from './zoo.js';

export type { ZooModel, TrainOptions, TrainResult, Progress, Criterion, Budget, ReportImage } from './zoo.js';

export const models: Readonly<Record<string, ZooModel>> = Object.freeze({ mlp, convnet, adversarial, autoencoder });
