// The training part of the cross-runtime suite: small models trained STEPS steps from fixed seeds,
// each case giving its final weights. A training run chains every kernel it uses through 50
// updates, so any difference in any one of them, however small, shows in the weights.

const STEPS = 50;

/** Deterministic labels or targets, the same in every runtime (no Math.random). */
function lcg(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function classLabels(wg, n, classes, seed) {
  const next = lcg(seed);
  return wg.tensor(Int32Array.from({ length: n }, () => Math.floor(next() * classes)), [n], 'int32');
}

/**
 * Trains `model` with `optimizer` for STEPS steps of `lossOf()`, then frees both and returns the
 * final state (parameters and buffers such as batch norm's running statistics) as detached views
 * that outlive the model.
 */
function trained(wg, model, optimizer, lossOf, { clip } = {}) {
  const params = model.parameters();
  for (let step = 0; step < STEPS; step++) {
    wg.scope(() => {
      optimizer.zeroGrad();
      const loss = lossOf();
      loss.backward();
      if (clip !== undefined) wg.optim.clipGradNorm(params, clip);
      optimizer.step();
    });
  }
  const state = Object.values(model.stateDict()).map((t) => t.detach());
  optimizer.zeroGrad();
  optimizer.dispose();
  model.dispose();
  return state;
}

export const TRAINING_CASES = [
  ['train-mlp', (wg) => {
    const { nn } = wg;
    const model = new nn.Sequential(
      new nn.Linear(12, 32, { seed: 101 }), new nn.GELU(), new nn.Linear(32, 32, { seed: 102 }), new nn.Tanh(),
      new nn.Linear(32, 5, { seed: 103 }),
    );
    const x = wg.randn([48, 12], { seed: 104 });
    const y = classLabels(wg, 48, 5, 105);
    const optimizer = new wg.optim.Adam(model.parameters(), { lr: 1e-2 });
    return trained(wg, model, optimizer, () => wg.crossEntropy(model.forward(x), y));
  }],
  ['train-convnet', (wg) => {
    const { nn } = wg;
    const model = new nn.Sequential(
      new nn.Conv2d(1, 4, 3, { padding: 1, seed: 111 }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(4, 8, 3, { padding: 1, seed: 112 }), new nn.BatchNorm2d(8), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Flatten(), new nn.Linear(8 * 3 * 3, 3, { seed: 113 }),
    );
    const x = wg.randn([8, 1, 12, 12], { seed: 114 });
    const y = classLabels(wg, 8, 3, 115);
    const optimizer = new wg.optim.Adam(model.parameters(), { lr: 5e-3 });
    return trained(wg, model, optimizer, () => wg.crossEntropy(model.forward(x), y));
  }],
  ['train-lstm', (wg) => {
    const { nn } = wg;
    class Regressor extends nn.Module {
      constructor() {
        super();
        this.lstm = this.addModule('lstm', new nn.LSTM(3, 12, { batchFirst: true, seed: 121 }));
        this.head = this.addModule('head', new nn.Linear(12, 2, { seed: 122 }));
      }

      forward(x) {
        return this.head.forward(this.lstm.forward(x).output);
      }
    }
    const model = new Regressor();
    const x = wg.randn([4, 7, 3], { seed: 123 });
    const target = wg.randn([4, 7, 2], { seed: 124 });
    const optimizer = new wg.optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    return trained(wg, model, optimizer, () => wg.mseLoss(model.forward(x), target), { clip: 1 });
  }],
  ['train-gpt', (wg) => {
    const model = new wg.nn.GPT({ vocabSize: 11, blockSize: 8, embedDim: 16, numHeads: 2, numLayers: 1, seed: 131 });
    const next = lcg(132);
    const tokens = Array.from({ length: 4 * 9 }, () => Math.floor(next() * 11));
    const rows = [0, 1, 2, 3].map((b) => tokens.slice(b * 9, b * 9 + 9));
    const ids = wg.tensor(Int32Array.from(rows.flatMap((r) => r.slice(0, 8))), [4, 8], 'int32');
    const targets = wg.tensor(Int32Array.from(rows.flatMap((r) => r.slice(1))), [32], 'int32');
    const optimizer = new wg.optim.AdamW(model.parameters(), { lr: 1e-2, weightDecay: 0.1 });
    return trained(wg, model, optimizer, () => wg.crossEntropy(wg.reshape(model.forward(ids), [32, 11]), targets));
  }],
];
