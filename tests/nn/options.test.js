// Options are checked against one declaration per op, layer, optimizer and loader: an unknown or
// misspelt key, a value of the wrong type, or an argument too many is an ArgumentError naming the
// op, the key and the accepted keys (with a did-you-mean), never a silently different result.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as wg from '../../dist/bindings/index.js';
import { compositeRegistry, kernelRegistry } from '../../dist/bindings/autograd/registry.js';
import { closest } from '../../dist/bindings/options.js';
import { models } from '../../dist/models/index.js';

const f = (shape, seed = 1) => wg.randn(shape, { seed });
const i32 = (values, shape = [values.length]) => wg.tensor(new Int32Array(values), shape, 'int32');

/** Asserts fn throws an ArgumentError whose message matches every pattern. */
function refuses(fn, ...patterns) {
  let error;
  try {
    wg.scope(() => {
      fn();
    });
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof wg.ArgumentError, `expected an ArgumentError, got ${error?.name}: ${error?.message}`);
  for (const p of patterns) assert.match(error.message, p);
  return error;
}

async function refusesAsync(promise, ...patterns) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof wg.ArgumentError, `expected an ArgumentError, got ${e?.name}: ${e?.message}`);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

// One call per registry entry, ending in `extra`: the options object where the op takes one,
// else one argument past the last it takes. Each would succeed with extra left out.
const CALLS = {
  neg: (o) => wg.neg(f([2]), o), abs: (o) => wg.abs(f([2]), o), exp: (o) => wg.exp(f([2]), o), log: (o) => wg.log(f([2]), o),
  sqrt: (o) => wg.sqrt(f([2]), o), rsqrt: (o) => wg.rsqrt(f([2]), o), square: (o) => wg.square(f([2]), o),
  reciprocal: (o) => wg.reciprocal(f([2]), o), relu: (o) => wg.relu(f([2]), o), sigmoid: (o) => wg.sigmoid(f([2]), o),
  tanh: (o) => wg.tanh(f([2]), o), sin: (o) => wg.sin(f([2]), o), cos: (o) => wg.cos(f([2]), o), sign: (o) => wg.sign(f([2]), o),
  leakyRelu: (o) => wg.leakyRelu(f([2]), o), gelu: (o) => wg.gelu(f([2]), o), clamp: (o) => wg.clamp(f([2]), o),
  elu: (o) => wg.elu(f([2]), o),
  log1p: (o) => wg.log1p(f([2]), o), softplus: (o) => wg.softplus(f([2]), o), silu: (o) => wg.silu(f([2]), o),
  mish: (o) => wg.mish(f([2]), o), hardswish: (o) => wg.hardswish(f([2]), o), selu: (o) => wg.selu(f([2]), o),
  prelu: (o) => wg.prelu(f([2, 3]), f([3]), o), pad: (o) => wg.pad(f([1, 4]), [1, 1], o),
  conv1d: (o) => wg.conv1d(f([1, 1, 5]), f([1, 1, 3]), null, o),
  conv3d: (o) => wg.conv3d(f([1, 1, 3, 3, 3]), f([1, 1, 2, 2, 2]), null, o),
  maxPool1d: (o) => wg.maxPool1d(f([1, 1, 4]), 2, o), avgPool1d: (o) => wg.avgPool1d(f([1, 1, 4]), 2, o),
  embedding: (o) => wg.nn.functional.embedding(i32([0, 2]), f([3, 2]), o),
  rnnCell: (o) => wg.nn.functional.rnnCell(f([1, 3]), f([1, 2]), f([2, 3]), f([2, 2]), null, null, o),
  add: (o) => wg.add(f([2]), f([2]), o), sub: (o) => wg.sub(f([2]), f([2]), o), mul: (o) => wg.mul(f([2]), f([2]), o),
  div: (o) => wg.div(f([2]), f([2]), o), maximum: (o) => wg.maximum(f([2]), f([2]), o), minimum: (o) => wg.minimum(f([2]), f([2]), o),
  pow: (o) => wg.pow(f([2]), f([2]), o), powScalar: (o) => wg.pow(f([2]), 2, o), affine: (o) => wg.affine(f([2]), o),
  sum: (o) => wg.sum(f([2, 3]), o), mean: (o) => wg.mean(f([2, 3]), o), max: (o) => wg.max(f([2, 3]), o), min: (o) => wg.min(f([2, 3]), o),
  argmax: (o) => wg.argmax(f([2, 3]), o), argmin: (o) => wg.argmin(f([2, 3]), o),
  softmax: (o) => wg.softmax(f([2, 3]), o), logSoftmax: (o) => wg.logSoftmax(f([2, 3]), o),
  matmul: (o) => wg.matmul(f([2, 3]), f([3, 2]), o), linear: (o) => wg.linear(f([2, 3]), f([4, 3]), o),
  reshape: (o) => wg.reshape(f([2, 3]), [6], o), permute: (o) => wg.permute(f([2, 3]), [1, 0], o),
  narrow: (o) => wg.narrow(f([4]), 0, 1, 2, o), expand: (o) => wg.expand(f([1, 3]), [2, 3], o),
  contiguous: (o) => wg.contiguous(f([2]), o), clone: (o) => wg.clone(f([2]), o),
  view: (o) => wg.view(f([2, 3]), [6], o), flatten: (o) => wg.flatten(f([2, 3]), o), unsqueeze: (o) => wg.unsqueeze(f([2]), 0, o),
  squeeze: (o) => wg.squeeze(f([2, 1]), o), transpose: (o) => wg.transpose(f([2, 3]), o), t: (o) => wg.t(f([2, 3]), o),
  cast: (o) => wg.cast(f([2]), 'int32', o), to: (o) => f([2]).to('int32', o), float: (o) => f([2]).float(o), int: (o) => f([2]).int(o),
  indexSelect: (o) => wg.indexSelect(f([2, 3]), 1, i32([0, 2]), o),
  cat: (o) => wg.cat([f([2]), f([2])], o), stack: (o) => wg.stack([f([2]), f([2])], o), split: (o) => wg.split(f([4]), 2, 0, o),
  eq: (o) => wg.eq(f([2]), f([2]), o), ne: (o) => wg.ne(f([2]), f([2]), o), lt: (o) => wg.lt(f([2]), f([2]), o),
  le: (o) => wg.le(f([2]), f([2]), o), gt: (o) => wg.gt(f([2]), f([2]), o), ge: (o) => wg.ge(f([2]), f([2]), o),
  where: (o) => wg.where(wg.gt(f([2]), 0), f([2]), f([2]), o),
  gatherRows: (o) => wg.indexSelect(f([3, 2]), 0, i32([0, 2]), o), gather: (o) => wg.gather(f([2, 3]), 1, i32([0, 1, 2, 0, 1, 2], [2, 3]), o),
  layerNorm: (o) => wg.layerNorm(f([2, 4]), [4], o),
  conv2d: (o) => wg.conv2d(f([1, 1, 4, 4]), f([1, 1, 3, 3]), null, o),
  convTranspose2d: (o) => wg.convTranspose2d(f([1, 1, 3, 3]), f([1, 1, 2, 2]), null, o),
  convTranspose3d: (o) => wg.convTranspose3d(f([1, 1, 2, 2, 2]), f([1, 1, 2, 2, 2]), null, o),
  maxPool2d: (o) => wg.maxPool2d(f([1, 1, 4, 4]), 2, o), avgPool2d: (o) => wg.avgPool2d(f([1, 1, 4, 4]), 2, o),
  maxPool3d: (o) => wg.maxPool3d(f([1, 1, 2, 2, 2]), 2, o), avgPool3d: (o) => wg.avgPool3d(f([1, 1, 2, 2, 2]), 2, o),
  globalMaxPool2d: (o) => wg.globalMaxPool2d(f([1, 1, 2, 2]), o), globalAvgPool2d: (o) => wg.globalAvgPool2d(f([1, 1, 2, 2]), o),
  adaptiveAvgPool2d: (o) => wg.adaptiveAvgPool2d(f([1, 1, 4, 4]), 2, o),
  batchNorm: (o) => wg.batchNorm(f([2, 3]), null, null, { training: true, ...o }),
  upsampleNearest: (o) => wg.upsampleNearest(f([1, 1, 2, 2]), 2, o),
  crossEntropy: (o) => wg.crossEntropy(f([2, 3]), i32([0, 2]), o), nllLoss: (o) => wg.nllLoss(f([2, 3]), i32([0, 2]), o),
  mseLoss: (o) => wg.mseLoss(f([2]), f([2]), o), l1Loss: (o) => wg.l1Loss(f([2]), f([2]), o),
  bceWithLogits: (o) => wg.bceWithLogits(f([2]), f([2]), o),
  lstm: (o) => wg.nn.functional.lstm(f([2, 1, 3]), null, null, f([8, 3]), f([8, 2]), null, null, o),
  lstmCell: (o) => wg.nn.functional.lstmCell(f([1, 3]), f([1, 2]), f([1, 2]), f([8, 3]), f([8, 2]), null, null, o),
  gruCell: (o) => wg.nn.functional.gruCell(f([1, 3]), f([1, 2]), f([6, 3]), f([6, 2]), null, null, o),
  attention: (o) => wg.nn.functional.scaledDotProductAttention(f([1, 2, 3]), f([1, 2, 3]), f([1, 2, 3]), o),
  'scaledDotProductAttention (attnMask)': (o) =>
    wg.nn.functional.scaledDotProductAttention(f([1, 2, 3]), f([1, 2, 3]), f([1, 2, 3]), { attnMask: f([2, 2]), ...o }),
};

describe('options: every registered op declares its options and refuses an unknown key', () => {
  const entries = [...kernelRegistry(), ...compositeRegistry()];

  it('every kernel and composite carries a declaration and a call here', () => {
    for (const [name, spec] of entries) {
      assert.ok(spec.options !== undefined, `${name} declares no options (bindings/options.ts: defineOptions or noOptions)`);
      assert.ok(name in CALLS, `${name} has no call in tests/nn/options.test.js`);
    }
  });

  for (const [name, spec] of [...kernelRegistry(), ...compositeRegistry()]) {
    it(`${name} (${spec.options?.owner}): runs without the extra, and refuses { bogusOption: 1 } naming the op, the key and the accepted keys`, () => {
      wg.scope(() => {
        const out = CALLS[name](undefined);
        assert.ok(out !== undefined);
      });
      const owner = spec.options.owner;
      const accepted = spec.options.keys.length === 0 ? /takes no options/ : new RegExp(`accepted: ${spec.options.keys.join(', ')}`);
      refuses(() => CALLS[name]({ bogusOption: 1 }), new RegExp(`^${owner.replace(/[()]/g, '\\$&')}: `), /'bogusOption'/, accepted);
    });
  }
});

describe('options: the typos of issue 16', () => {
  it("scaledDotProductAttention({ is_causal }) is refused, suggesting isCausal", () => {
    const e = refuses(() => wg.nn.functional.scaledDotProductAttention(f([1, 2, 3]), f([1, 2, 3]), f([1, 2, 3]), { is_causal: true }));
    assert.equal(e.message,
      "scaledDotProductAttention: unknown option 'is_causal'; did you mean 'isCausal'? accepted: isCausal, keyPaddingMask, attnMask, scale");
  });

  it("conv2d({ strides: 2 }) is refused, suggesting stride", () => {
    const e = refuses(() => wg.conv2d(f([1, 1, 4, 4]), f([1, 1, 3, 3]), null, { strides: 2 }));
    assert.equal(e.message, "conv2d: unknown option 'strides'; did you mean 'stride'? accepted: stride, padding, dilation, groups");
  });

  it('crossEntropy({ ignore_index }) and batchNorm({ epsilon }) are refused', () => {
    refuses(() => wg.crossEntropy(f([2, 3]), i32([0, 2]), { ignore_index: 0 }), /crossEntropy: unknown option 'ignore_index'; did you mean 'ignoreIndex'\?/);
    refuses(() => wg.batchNorm(f([2, 3]), null, null, { training: true, epsilon: 1e-3 }), /batchNorm: unknown option 'epsilon'; accepted: weight, bias, training, momentum, eps/);
  });

  it('nn.LSTM refuses numlayers (suggesting numLayers) and bidirectonal (suggesting bidirectional, which it implements)', () => {
    refuses(() => new wg.nn.LSTM(4, 6, { numlayers: 2 }), /^LSTM: unknown option 'numlayers'; did you mean 'numLayers'\?/);
    refuses(() => new wg.nn.LSTM(4, 6, { bidirectonal: true }),
      /^LSTM: unknown option 'bidirectonal'; did you mean 'bidirectional'\? accepted: numLayers, bias, batchFirst, dropout, bidirectional, seed$/);
    refuses(() => new wg.nn.GRU(4, 6, { bidirectional: 1 }), /^GRU: bidirectional must be a boolean, got 1$/);
    assert.equal(new wg.nn.LSTM(4, 6, { numLayers: 2, seed: 1 }).numLayers, 2);
    assert.equal(new wg.nn.LSTM(4, 6, { bidirectional: true, seed: 1 }).numDirections, 2);
  });

  it("nn.RNN and RNNCell declare nonlinearity beside the stack's and the cell's options", () => {
    refuses(() => new wg.nn.RNN(2, 3, { nonlinearity: 'Relu' }), /^RNN: nonlinearity must be 'tanh' or 'relu', got 'Relu'; did you mean 'relu'\?$/);
    refuses(() => new wg.nn.RNN(2, 3, { nonlinerity: 'relu' }),
      /^RNN: unknown option 'nonlinerity'; did you mean 'nonlinearity'\? accepted: numLayers, bias, batchFirst, dropout, bidirectional, seed, nonlinearity$/);
    refuses(() => new wg.nn.RNNCell(2, 3, { numLayers: 2 }), /^RNNCell: unknown option 'numLayers'; accepted: bias, seed, nonlinearity$/);
    assert.equal(new wg.nn.RNN(2, 3, { nonlinearity: 'relu', seed: 1 }).nonlinearity, 'relu');
  });

  it('rnnCell, softplus and pad take their trailing arguments by position or as one options object', () => {
    const [x, h, wIh, wHh] = [f([1, 3]), f([1, 2], 2), f([2, 3], 3), f([2, 2], 4)];
    const F = wg.nn.functional;
    assert.deepEqual([...F.rnnCell(x, h, wIh, wHh, null, null, 'relu').toArray()],
      [...F.rnnCell(x, h, wIh, wHh, null, null, { nonlinearity: 'relu' }).toArray()]);
    refuses(() => F.rnnCell(x, h, wIh, wHh, null, null, 'sigmoid'), /^rnnCell: nonlinearity must be 'tanh' or 'relu', got 'sigmoid'$/);
    const y = f([5]);
    assert.deepEqual([...wg.softplus(y, 2, 1).toArray()], [...wg.softplus(y, { beta: 2, threshold: 1 }).toArray()]);
    refuses(() => wg.softplus(y, 2, 1, 3), /^softplus: too many arguments: 3 after \(beta, threshold\); accepted: beta, threshold$/);
    const z = f([1, 4]);
    assert.deepEqual([...wg.pad(z, [1, 2], 'constant', 7).toArray()], [...wg.pad(z, [1, 2], { value: 7 }).toArray()]);
    refuses(() => wg.pad(z, [1, 1], { mode: 'reflect' }, 1), /^pad: mode must be 'constant' or 'reflect' or 'replicate' or 'circular', got \{"mode":"reflect"\}/);
  });

  it("gelu(x, 'Tanh') is refused, suggesting 'tanh'; gelu(x, 'tanh') and { approximate: 'tanh' } agree", () => {
    refuses(() => wg.gelu(f([3]), 'Tanh'), /^gelu: approximate must be 'none' or 'tanh', got 'Tanh'; did you mean 'tanh'\?$/);
    const x = f([5]);
    assert.deepEqual([...wg.gelu(x, 'tanh').toArray()], [...wg.gelu(x, { approximate: 'tanh' }).toArray()]);
    assert.notDeepEqual([...wg.gelu(x, 'tanh').toArray()], [...wg.gelu(x).toArray()]);
  });

  it('elu(x, { alpha: 0.5 }) works as elu(x, 0.5); a string alpha is refused by elu', () => {
    const x = wg.tensor([-1, -2, 3]);
    assert.deepEqual([...wg.elu(x, { alpha: 0.5 }).toArray()], [...wg.elu(x, 0.5).toArray()]);
    assert.ok(Math.abs(wg.elu(x, { alpha: 0.5 }).toArray()[0] - 0.5 * (Math.exp(-1) - 1)) < 1e-6);
    refuses(() => wg.elu(x, '0.5'), /^elu: alpha must be a number, got '0.5'$/);
  });

  it('layerNorm(x, [4], { eps }) and sum(x, { dim: 0 }) work as their positional forms', () => {
    const x = f([3, 4]);
    assert.deepEqual([...wg.layerNorm(x, [4], { eps: 0.5 }).toArray()], [...wg.layerNorm(x, [4], undefined, undefined, 0.5).toArray()]);
    assert.notDeepEqual([...wg.layerNorm(x, [4], { eps: 0.5 }).toArray()], [...wg.layerNorm(x, [4]).toArray()]);
    assert.deepEqual(wg.sum(x, { dim: 0 }).shape, [4]);
    assert.deepEqual([...wg.sum(x, { dim: 0 }).toArray()], [...wg.sum(x, 0).toArray()]);
    assert.deepEqual(wg.mean(x, { dim: 1, keepdim: true }).shape, [3, 1]);
    refuses(() => wg.sum(x, { dims: 0 }), /^sum: unknown option 'dims'; did you mean 'dim'\? accepted: dim, keepdim$/);
    refuses(() => wg.layerNorm(x, [4], { epsilon: 0.5 }), /^layerNorm: unknown option 'epsilon'; accepted: weight, bias, eps$/);
  });

  it("dropout(x, 0.5, 'no') is refused; dropout(x, 0.5, false) is the identity", () => {
    refuses(() => wg.nn.functional.dropout(f([4]), 0.5, 'no'), /^dropout: training must be a boolean, got 'no'$/);
    const x = f([4]);
    assert.equal(wg.nn.functional.dropout(x, 0.5, false), x);
  });
});

describe('options: layers, optimizers, schedulers, loaders, ready, gradcheck, the zoo and the CLI', () => {
  it('layer constructors refuse unknown keys and wrong types', () => {
    refuses(() => new wg.nn.Linear(2, 3, { baias: false }), /^Linear: unknown option 'baias'; did you mean 'bias'\? accepted: bias, seed$/);
    refuses(() => new wg.nn.Conv2d(1, 2, 3, { strides: 2 }), /^Conv2d: unknown option 'strides'; did you mean 'stride'\?/);
    refuses(() => new wg.nn.ConvTranspose2d(1, 2, 3, { output_padding: 1 }), /^ConvTranspose2d: unknown option 'output_padding'; did you mean 'outputPadding'\?/);
    refuses(() => new wg.nn.MaxPool2d(2, { ceil_mode: true }), /^MaxPool2d: unknown option 'ceil_mode'; did you mean 'ceilMode'\?/);
    refuses(() => new wg.nn.MaxPool2d(2, { returnIndices: true }), /^MaxPool2d: unknown option 'returnIndices'/);
    refuses(() => new wg.nn.GRU(2, 3, { batch_first: true }), /^GRU: unknown option 'batch_first'; did you mean 'batchFirst'\?/);
    refuses(() => new wg.nn.LSTMCell(2, 3, { numLayers: 2 }), /^LSTMCell: unknown option 'numLayers'; accepted: bias, seed$/);
    refuses(() => new wg.nn.MultiheadAttention(4, 2, { batchfirst: true }), /^MultiheadAttention: unknown option 'batchfirst'; did you mean 'batchFirst'\?/);
    refuses(() => new wg.nn.TransformerBlock(4, 2, { mlp_ratio: 2 }), /^TransformerBlock: unknown option 'mlp_ratio'; did you mean 'mlpRatio'\?/);
    refuses(() => new wg.nn.GPT({ vocabSize: 5, blockSize: 4, embedDim: 4, numHeads: 2, numLayers: 1, tie: false }), /^GPT: unknown option 'tie'; did you mean 'tied'\?/);
    refuses(() => new wg.nn.GPT({ vocabSize: 5, blockSize: 4, embedDim: 4, numHeads: 2 }), /^GPT: numLayers is required/);
    refuses(() => new wg.nn.Embedding(5, 2, { sed: 1 }), /^Embedding: unknown option 'sed'; did you mean 'seed'\?/);
    refuses(() => new wg.nn.Dropout('0.5'), /^Dropout: p must be a number, got '0.5'$/);
    refuses(() => new wg.nn.GELU('Tanh'), /^GELU: approximate must be 'none' or 'tanh', got 'Tanh'; did you mean 'tanh'\?$/);
    refuses(() => new wg.nn.LeakyReLU(0.1, 2), /^LeakyReLU: too many arguments: 2 after \(negativeSlope\)/);
    refuses(() => new wg.nn.Conv1d(1, 2, 3, { strides: 1 }), /^Conv1d: unknown option 'strides'; did you mean 'stride'\? accepted: stride, padding, dilation, groups, bias, seed$/);
    refuses(() => new wg.nn.Conv3d(1, 2, 3, { dilations: 1 }), /^Conv3d: unknown option 'dilations'; did you mean 'dilation'\?/);
    refuses(() => new wg.nn.MaxPool1d(2, { returnIndices: true }), /^MaxPool1d: unknown option 'returnIndices'; accepted: stride, padding, dilation, ceilMode$/);
    refuses(() => new wg.nn.AvgPool1d(2, { count_include_pad: false }), /^AvgPool1d: unknown option 'count_include_pad'; did you mean 'countIncludePad'\?/);
    refuses(() => new wg.nn.Embedding(5, 2, { padding_idx: 0 }), /^Embedding: unknown option 'padding_idx'; did you mean 'paddingIdx'\? accepted: paddingIdx, seed$/);
    refuses(() => new wg.nn.Softplus(1, 20, 3), /^Softplus: too many arguments: 3 after \(beta, threshold\)/);
    refuses(() => new wg.nn.Softplus({ betta: 2 }), /^Softplus: unknown option 'betta'; did you mean 'beta'\?/);
    refuses(() => new wg.nn.PReLU(1, '0.25'), /^PReLU: init must be a number, got '0.25'$/);
    refuses(() => new wg.nn.SiLU(1), /^SiLU: too many arguments: 1 after the inputs; SiLU takes no options$/);
    refuses(() => new wg.nn.ZeroPad2d(1, 0), /^ZeroPad2d: too many arguments: 0 after \(padding\); accepted: padding$/);
    refuses(() => new wg.nn.ConstantPad1d(1), /^ConstantPad1d: value is required; accepted: padding, value$/);
    refuses(() => new wg.nn.ReflectionPad1d('1'), /^ReflectionPad1d: padding must be a number or a list of numbers, got '1'$/);
    refuses(() => new wg.nn.LayerNorm(4, { epsilon: 1e-3 }), /^LayerNorm: unknown option 'epsilon'; accepted: eps, elementwiseAffine$/);
    refuses(() => new wg.nn.BatchNorm2d(3, { momentun: 0.2 }), /^BatchNorm2d: unknown option 'momentun'; did you mean 'momentum'\?/);
    refuses(() => new wg.nn.Upsample({ scale_factor: 2 }), /^Upsample: unknown option 'scale_factor'; did you mean 'scaleFactor'\?/);
    refuses(() => new wg.nn.PositionalEncoding(4, { max_len: 10 }), /^PositionalEncoding: unknown option 'max_len'; did you mean 'maxLen'\?/);
    assert.equal(new wg.nn.LayerNorm(4, { elementwiseAffine: false }).weight, null);
    assert.equal(new wg.nn.BatchNorm1d(3, { eps: 1e-3 }).eps, 1e-3);
  });

  it('optimizers, schedulers and clipGradNorm refuse unknown keys', () => {
    const p = [wg.keep(f([2]))];
    refuses(() => new wg.optim.SGD(p, { lr: 0.1, momentun: 0.9 }), /^SGD: unknown option 'momentun'; did you mean 'momentum'\? accepted: lr, momentum, dampening, weightDecay, nesterov$/);
    refuses(() => new wg.optim.SGD(p, { momentum: 0.9 }), /^SGD: lr is required/);
    refuses(() => new wg.optim.Adam(p, { weight_decay: 0.1 }), /^Adam: unknown option 'weight_decay'; did you mean 'weightDecay'\?/);
    refuses(() => new wg.optim.AdamW(p, { betas: 0.9 }), /^AdamW: betas must be a list of 2 numbers, got 0\.9$/);
    refuses(() => new wg.optim.Adagrad(p, { lr_decay: 0.1 }), /^Adagrad: unknown option 'lr_decay'; did you mean 'lrDecay'\?/);
    const opt = new wg.optim.SGD(p, { lr: 0.1 });
    refuses(() => new wg.optim.StepLR(opt, { step_size: 2 }), /^StepLR: unknown option 'step_size'; did you mean 'stepSize'\?/);
    refuses(() => new wg.optim.CosineAnnealingLR(opt, { Tmax: 5 }), /^CosineAnnealingLR: unknown option 'Tmax'; did you mean 'tMax'\?/);
    refuses(() => new wg.optim.LinearWarmupLR(opt, { warmupSteps: 2, then: {} }), /^LinearWarmupLR: then must be a LRScheduler, got \{\}$/);
    refuses(() => wg.optim.clipGradNorm(p, { max_norm: 1 }), /^clipGradNorm: unknown option 'max_norm'; did you mean 'maxNorm'\?/);
    p[0].dispose();
  });

  it('loaders, ready and gradcheck refuse unknown keys', async () => {
    const data = { images: new Float32Array(4), labels: new Int32Array(1), shape: [1, 1, 2, 2] };
    refuses(() => new wg.DataLoader(data, { batchSize: 1, shufle: false }), /^DataLoader: unknown option 'shufle'; did you mean 'shuffle'\?/);
    refuses(() => new wg.DataLoader(data, { batchSize: 1, augment: { flip: { prob: 0.5 } } }), /^DataLoader augment\.flip: unknown option 'prob'; accepted: p$/);
    refuses(() => new wg.DataLoader(data, { batchSize: 1, augment: { noise: { sd: 1 } } }), /^DataLoader augment\.noise: unknown option 'sd'/);
    await refusesAsync(wg.loadFashionMnist({ directory: '/nonexistent' }), /^loadFashionMnist: unknown option 'directory'; accepted: dir, bytes$/);
    await refusesAsync(wg.loadWeights('/nonexistent', { strict: true }), /^loadWeights: unknown option 'strict'; loadWeights takes no options$/);
    await refusesAsync(wg.ready({ thread: 2 }), /^ready: unknown option 'thread'; did you mean 'threads'\?/);
    refuses(() => wg.gradcheck((x) => wg.square(x), [f([2]).requiresGrad_()], { verbos: false }), /^gradcheck: unknown option 'verbos'; did you mean 'verbose'\?/);
  });

  it("the zoo's train, evaluate and sample refuse unknown keys", async () => {
    await refusesAsync(models.mlp.train({ epoch: 1 }), /^models\.mlp\.train: unknown option 'epoch'; did you mean 'epochs'\? accepted: budget, epochs, batch, lr, seed, data, onProgress, log$/);
    await refusesAsync(models.mlp.train({ budget: 'fast' }), /^models\.mlp\.train: budget must be 'full' or 'quick', got 'fast'$/);
    await refusesAsync(models.mlp.evaluate(null, { dat: 'x' }), /^models\.mlp\.evaluate: unknown option 'dat'; did you mean 'data'\?/);
    assert.throws(() => models.gpt.sample(null, { temprature: 1 }), /^ArgumentError: models\.gpt\.sample: unknown option 'temprature'; did you mean 'temperature'\?/);
  });

  it('the CLI refuses an unknown flag with a did-you-mean', async () => {
    const cli = new URL('../../dist/models/wasmgrad.js', import.meta.url).pathname;
    await assert.rejects(promisify(execFile)('node', [cli, 'train', 'mlp', '--epoch', '2']), (e) => {
      assert.equal(e.code, 2);
      assert.match(e.stderr, /unknown flag --epoch; did you mean --epochs\?/);
      return true;
    });
  });

  it('did-you-mean matches across case and underscores, or within two edits, and stays quiet otherwise', () => {
    assert.equal(closest('is_causal', ['isCausal', 'scale']), 'isCausal');
    assert.equal(closest('IGNORE_INDEX', ['ignoreIndex', 'weight']), 'ignoreIndex');
    assert.equal(closest('strides', ['stride', 'padding']), 'stride');
    assert.equal(closest('bogusOption', ['stride', 'padding']), undefined);
  });
});
