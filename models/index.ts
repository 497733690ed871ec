// The model zoo: each entry trains a classic system of deep learning to a measured criterion.
import { gan } from './gan.js';
import { mlp } from './mlp.js';
import { ssl } from './ssl.js';
import type { ZooModel } from './zoo.js';

export type { ZooModel, TrainOptions, TrainResult, Progress, Criterion, Budget } from './zoo.js';

export const models: Readonly<Record<string, ZooModel>> = Object.freeze({ mlp, gan, ssl });
