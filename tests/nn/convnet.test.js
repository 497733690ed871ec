// A small "2 Conv + pooling + BN" network learns T-shirt vs Trouser from a few hundred
// Fashion-MNIST images. The dataset is a test requirement: without it this fails with the install
// hint (CI installs Debian's dataset-fashion-mnist).
import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';

const { nn } = wg;
const CLASSES = [0, 1]; // T-shirt/top, Trouser
const TRAIN_COUNT = 400;

/** The first `limit` images of the two classes, labels kept (they are 0 and 1 already). */
function subset(split, limit = Infinity) {
  const picked = [];
  for (let i = 0; i < split.count && picked.length < limit; i++) if (CLASSES.includes(split.labels[i])) picked.push(i);
  const size = 28 * 28;
  const images = new Float32Array(picked.length * size);
  picked.forEach((src, k) => images.set(split.images.subarray(src * size, (src + 1) * size), k * size));
  return { images, labels: Int32Array.from(picked, (i) => split.labels[i]), shape: [picked.length, 1, 28, 28] };
}

class SmallConvNet extends nn.Module {
  constructor() {
    super();
    this.body = this.addModule('body', new nn.Sequential(
      new nn.Conv2d(1, 8, 3, { padding: 1, seed: 1 }), new nn.BatchNorm2d(8), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(8, 16, 3, { padding: 1, seed: 2 }), new nn.BatchNorm2d(16), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Flatten(), new nn.Linear(16 * 7 * 7, 2, { seed: 3 }),
    ));
  }

  forward(x) {
    return this.body.forward(x);
  }
}

function accuracy(model, data) {
  model.eval();
  let correct = 0;
  const batch = 500;
  for (let start = 0; start < data.labels.length; start += batch) {
    const n = Math.min(batch, data.labels.length - start);
    correct += wg.noGrad(() => wg.scope(() => {
      const x = wg.tensor(data.images.subarray(start * 784, (start + n) * 784), [n, 1, 28, 28]);
      const predicted = wg.argmax(model.forward(x), 1).toArray();
      let ok = 0;
      for (let i = 0; i < n; i++) if (predicted[i] === data.labels[start + i]) ok++;
      return ok;
    }));
  }
  model.train();
  return correct / data.labels.length;
}

describe('convnet on Fashion-MNIST (T-shirt vs Trouser)', () => {
  it(`reaches >= 95% test accuracy from ${TRAIN_COUNT} training images, memory flat per step`, async () => {
    const data = await wg.loadFashionMnist();
    const train = subset(data.train, TRAIN_COUNT);
    const test = subset(data.test);
    assert.equal(train.labels.length, TRAIN_COUNT);
    const model = new SmallConvNet();
    const optimizer = new wg.optim.Adam(model.parameters(), { lr: 0.005 });
    const loader = new wg.DataLoader(train, { batchSize: 32, seed: 7 });
    const started = Date.now();
    let steps = 0;
    let lastLoss = Infinity;
    for (let epoch = 0; epoch < 3; epoch++) {
      for (const { x, y } of loader.epoch(epoch)) {
        const live = wg.memory().liveTensors;
        lastLoss = wg.scope(() => {
          optimizer.zeroGrad();
          const loss = wg.crossEntropy(model.forward(x), y);
          loss.backward();
          optimizer.step();
          return loss.item();
        });
        x.dispose();
        y.dispose();
        // Gradients and Adam's moments appear on the first step and persist; nothing else may leak.
        if (steps > 0) assert.equal(wg.memory().liveTensors, live - 2, `tensors leaked at step ${steps}`);
        steps++;
      }
    }
    const acc = accuracy(model, test);
    console.log(`      ${steps} steps in ${Date.now() - started} ms, last loss ${lastLoss.toFixed(4)}, ` +
      `test accuracy ${(100 * acc).toFixed(1)}% on ${test.labels.length} images`);
    assert.ok(acc >= 0.95, `test accuracy ${acc}`);
    model.dispose();
    optimizer.dispose();
  });
});
