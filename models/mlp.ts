// mlp: backpropagation through stacked nonlinear layers. On 3-arm spirals an MLP must bend its
// decision boundary around three interleaved arms; a 10-layer comparison shows why ReLU trains
// deep nets where the sigmoid's vanishing gradients stall. With --data fashion-mnist it trains a
// 784-256-128-10 MLP on the real images instead.
import * as wg from '../bindings/index.js';
import type { Module } from '../bindings/nn/module.js';
import { spirals } from './data/spirals.js';
import { accuracy, fit, rowBatches } from './fit.js';
import type { TrainOptions, TrainResult, ZooModel } from './zoo.js';

const { Linear, ReLU, Sigmoid, Sequential } = wg.nn;

function spiralNet(seed: number): Module {
  return new Sequential(new Linear(2, 64, { seed }), new ReLU(), new Linear(64, 64, { seed: seed + 2 }), new ReLU(),
    new Linear(64, 3, { seed: seed + 4 }));
}

/** Ten layers, each initialised as its nonlinearity is meant to be (He for ReLU, Glorot for sigmoid). */
function deepNet(activation: 'relu' | 'sigmoid', seed: number): Module {
  const layers: Module[] = [];
  for (let i = 0; i < 10; i++) {
    const layer = new Linear(i === 0 ? 2 : 32, i === 9 ? 3 : 32, { seed: seed + 2 * i });
    const shape = layer.weight.shape;
    const weight = activation === 'relu'
      ? wg.nn.init.kaimingNormal(shape, { nonlinearity: 'relu', seed: seed + 2 * i })
      : wg.nn.init.xavierNormal(shape, { seed: seed + 2 * i });
    const bias = wg.zeros([shape[0]]);
    layer.loadStateDict({ weight, bias });
    weight.dispose();
    bias.dispose();
    layers.push(layer);
    if (i < 9) layers.push(activation === 'relu' ? new ReLU() : new Sigmoid());
  }
  return new Sequential(...layers);
}

function fashionNet(seed: number): Module {
  return new Sequential(new Linear(784, 256, { seed }), new ReLU(), new Linear(256, 128, { seed: seed + 2 }), new ReLU(),
    new Linear(128, 10, { seed: seed + 4 }));
}

/** Trains `model` on (features, labels) and returns the per-epoch history with test accuracy. */
function trainClassifier(
  phase: string, model: Module, train: { features: Float32Array; labels: Int32Array }, test: { features: Float32Array; labels: Int32Array },
  width: number, o: { epochs: number; batch: number; lr: number; seed: number; optimizer: 'adam' | 'sgd' }, opts: TrainOptions,
) {
  const optimizer = o.optimizer === 'adam'
    ? new wg.optim.Adam(model.parameters(), { lr: o.lr })
    : new wg.optim.SGD(model.parameters(), { lr: o.lr, momentum: 0.9 });
  const history = fit({
    phase, model, optimizer, epochs: o.epochs,
    stepsPerEpoch: Math.floor(train.labels.length / o.batch), samplesPerStep: o.batch,
    batches: (epoch) => rowBatches(train.features, train.labels, width, o.batch, o.seed, epoch),
    loss: (x, y) => wg.crossEntropy(model.forward(x), y),
    evaluate: () => ({ testAccuracy: accuracy(model, test.features, test.labels, [width]) }),
    onProgress: opts.onProgress,
  });
  optimizer.dispose();
  return history;
}

/** The test points every budget and `evaluate` measure on, so their numbers compare. */
const spiralTestSet = (seed: number) => spirals(500, seed + 1000);

async function trainSpirals(opts: TrainOptions): Promise<TrainResult> {
  const full = opts.budget !== 'quick';
  const seed = opts.seed ?? 1;
  const perClass = full ? 500 : 300;
  const toSet = (s: ReturnType<typeof spirals>) => ({ features: s.points, labels: s.labels });
  const train = toSet(spirals(perClass, seed));
  const test = toSet(spiralTestSet(seed));
  const model = spiralNet(seed);
  const history = trainClassifier('spirals', model, train, test, 2, {
    epochs: opts.epochs ?? (full ? 100 : 40), batch: opts.batch ?? 64, lr: opts.lr ?? 0.01, seed, optimizer: 'adam',
  }, opts);
  const testAccuracy = history[history.length - 1].testAccuracy;

  // Ten layers deep, equal steps, equal optimizer: only the nonlinearity differs.
  const deep: Record<string, number> = {};
  for (const activation of ['relu', 'sigmoid'] as const) {
    const net = deepNet(activation, seed + 100);
    const h = trainClassifier(`10-layer ${activation}`, net, train, test, 2, {
      epochs: full ? 40 : 15, batch: 64, lr: 0.02, seed, optimizer: 'sgd',
    }, opts);
    deep[activation] = h[h.length - 1].testAccuracy;
    opts.log?.(`10-layer ${activation}: test accuracy ${deep[activation].toFixed(3)}`);
    net.dispose();
  }
  const target = full ? 0.97 : 0.9;
  const met = testAccuracy >= target && deep.relu > deep.sigmoid;
  return {
    model, history, dataset: `3-arm spirals, ${3 * perClass} training and ${test.labels.length} test points (seed ${seed})`,
    metrics: { testAccuracy, deepReluAccuracy: deep.relu, deepSigmoidAccuracy: deep.sigmoid },
    criterion: {
      description: `test accuracy >= ${target}, and a 10-layer ReLU net beats the same net with sigmoid at equal steps`,
      measured: `test accuracy ${testAccuracy.toFixed(4)}; 10-layer ReLU ${deep.relu.toFixed(3)} vs sigmoid ${deep.sigmoid.toFixed(3)}`,
      met,
    },
  };
}

async function trainFashion(opts: TrainOptions): Promise<TrainResult> {
  const full = opts.budget !== 'quick';
  const seed = opts.seed ?? 1;
  const data = await wg.loadFashionMnist(opts.data && opts.data !== 'fashion-mnist' ? { dir: opts.data } : {});
  const take = (set: { images: Float32Array; labels: Int32Array }, n: number) => ({
    features: set.images.subarray(0, n * 784), labels: set.labels.subarray(0, n),
  });
  const train = take(data.train, full ? data.train.count : 6000);
  const test = take(data.test, full ? data.test.count : 2000);
  const model = fashionNet(seed);
  const history = trainClassifier('fashion-mnist', model, train, test, 784, {
    epochs: opts.epochs ?? (full ? 10 : 3), batch: opts.batch ?? 128, lr: opts.lr ?? 1e-3, seed, optimizer: 'adam',
  }, opts);
  const testAccuracy = history[history.length - 1].testAccuracy;
  const target = full ? 0.88 : 0.8;
  return {
    model, history, dataset: `Fashion-MNIST, ${train.labels.length} training and ${test.labels.length} test images`,
    metrics: { testAccuracy },
    criterion: { description: `test accuracy >= ${target}`, measured: `test accuracy ${testAccuracy.toFixed(4)}`, met: testAccuracy >= target },
  };
}

export const mlp: ZooModel = {
  name: 'mlp',
  summary: 'MLP on 3-arm spirals (or --data fashion-mnist); 10-layer ReLU vs sigmoid',
  train: (opts = {}) => (opts.data ? trainFashion(opts) : trainSpirals(opts)),
  fullRuns: [{ row: 'mlp', options: {} }, { row: 'mlp --data fashion-mnist', options: { data: 'fashion-mnist' } }],
  build: (seed = 1) => spiralNet(seed),
  async evaluate(model, opts = {}) {
    const test = spiralTestSet(opts.seed ?? 1);
    return { testAccuracy: accuracy(model, test.points, test.labels, [2]) };
  },
};
