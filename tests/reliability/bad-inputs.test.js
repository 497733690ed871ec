// The bad-input catalogue: every kind of mistake a user can make with the public API must raise one
// of our error classes, naming the op and what it expected, and leave the engine working with no
// tensor or byte leaked. Never a wasm trap, a bare TypeError/RangeError, a hang or a silent result.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as wg from '../../dist/bindings/index.js';

const OUR_ERRORS = [wg.ShapeError, wg.DTypeError, wg.ArgumentError, wg.DisposedError, wg.OutOfMemoryError, wg.FormatError, wg.RuntimeError];

/** A safetensors file from a header object and a data section. */
function safetensorsFile(header, data = new Uint8Array(0), headerLength) {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f = (shape, seed = 1) => wg.randn(shape, { seed });
const i32 = (values, shape = [values.length]) => wg.tensor(new Int32Array(values), shape, 'int32');
function disposed(shape = [2, 2]) {
  const t = f(shape);
  t.dispose();
  return t;
}
function gradOf(fn) {
  const x = f([2, 3]).requiresGrad_();
  try {
    return fn(x);
  } finally {
    x.grad?.dispose(); // kept out of scopes like any leaf's gradient
  }
}

// Tensors shared by the cases that need a live model or optimizer; made once, outside the checks.
const fixture = {};

// [name, fn, error class, message pattern: names the op and what it expected]
const CASES = [
  // Shapes at creation: negative, fractional, non-finite, huge, not an array, not filled.
  ['tensor: negative dim', () => wg.tensor([1, 2], [-2]), wg.ShapeError, /tensor: shape \[-2\].*whole numbers >= 0/],
  ['tensor: fractional dim', () => wg.tensor([1, 2], [1.5]), wg.ShapeError, /tensor: .*1\.5.*whole numbers/],
  ['tensor: values do not fill the shape', () => wg.tensor([1, 2, 3], [2, 2]), wg.ShapeError, /tensor: 3 values do not fill shape \[2, 2\]/],
  ['empty: negative dim', () => wg.empty([3, -1]), wg.ShapeError, /empty: shape \[3, -1\].*whole numbers >= 0/],
  ['empty: fractional dim', () => wg.empty([2.5]), wg.ShapeError, /empty: .*2\.5.*whole numbers/],
  ['empty: more than 2^29 elements', () => wg.empty([2 ** 20, 2 ** 10]), wg.ShapeError, /empty: .*at most 536870912/],
  ['zeros: more than 2^29 elements', () => wg.zeros([2 ** 15, 2 ** 15]), wg.ShapeError, /zeros: .*at most 536870912/],
  ['ones: shape is not an array', () => wg.ones(5), wg.ShapeError, /ones: expected a shape array/],
  ['rand: NaN dim', () => wg.rand([NaN]), wg.ShapeError, /rand: .*NaN/],
  ['randn: infinite dim', () => wg.randn([Infinity]), wg.ShapeError, /randn: .*Infinity/],
  // Dtypes and values at creation.
  ['tensor: a string', () => wg.tensor('abc'), wg.ArgumentError, /tensor: expected a number, an array or a typed array, got abc/],
  ['tensor: a string among the numbers', () => wg.tensor([[1, 2], [3, 'x']]), wg.ArgumentError, /tensor: expected numbers, got x \(string\) at index 3/],
  ['tensor: fraction in int32 data', () => wg.tensor([1.5], [1], 'int32'), wg.DTypeError, /tensor: value 1\.5 .*not an int32/],
  ['zeros: unknown dtype', () => wg.zeros([2], 'float64'), wg.DTypeError, /zeros: unknown dtype float64/],
  ['full: fill value is a string', () => wg.full([2], '1'), wg.ArgumentError, /full: expected a number/],
  ['randn: NaN seed', () => wg.randn([2], { seed: NaN }), wg.ArgumentError, /randn: seed must be a whole number/],
  ['rand: negative seed', () => wg.rand([2], { seed: -1 }), wg.ArgumentError, /rand: seed must be a whole number/],
  ['manualSeed: fractional seed', () => wg.manualSeed(1.5), wg.ArgumentError, /manualSeed: expected a whole number/],
  ['rand: NaN bound', () => wg.rand([2], { low: NaN }), wg.ArgumentError, /rand: low and high must be finite/],
  ['rand: low above high', () => wg.rand([2], { low: 2, high: 1 }), wg.ArgumentError, /rand: .*low <= high/],
  ['randn: negative std', () => wg.randn([2], { std: -1 }), wg.ArgumentError, /randn: std must be a finite number >= 0/],
  // Elementwise: broadcasting, dtypes, operands that are not tensors.
  ['add: shapes do not broadcast', () => wg.add(f([2, 3]), f([4])), wg.ShapeError, /add: .*\[2, 3\].*\[4\]/],
  ['mul: shapes do not broadcast', () => wg.mul(f([2, 3]), f([3, 2])), wg.ShapeError, /mul: .*\[2, 3\].*\[3, 2\]/],
  ['add: a string operand', () => wg.add(f([2]), 'x'), wg.ArgumentError, /add: .*Tensor.*got x/],
  ['sub: an undefined operand', () => wg.sub(undefined, f([2])), wg.ArgumentError, /sub: .*Tensor.*got undefined/],
  ['exp: int32 input', () => wg.exp(i32([1, 2])), wg.DTypeError, /exp: expected float32 tensors, got int32 of shape \[2\]/],
  ['div: int32 inputs', () => wg.div(i32([1, 2]), i32([1, 2])), wg.DTypeError, /div: .*int32/],
  ['add: int32 with float32', () => wg.add(i32([1, 2]), f([2])), wg.DTypeError, /add: expected float32 tensors, got int32/],
  ['where: shapes do not broadcast', () => wg.where(wg.gt(f([2, 3]), 0), f([2, 3]), f([4])), wg.ShapeError, /where: shapes \[2, 3\] and \[2, 3\] and \[4\] cannot be broadcast together/],
  ['eq: int32 with float32', () => wg.eq(i32([1]), f([1])), wg.DTypeError, /eq: operands are int32 \[1\] and float32 \[1\]; expected the same dtype/],
  ['clamp: NaN bound', () => wg.clamp(f([2]), NaN, 1), wg.ArgumentError, /clamp: parameter lo must be a number, got NaN/],
  ['leakyRelu: NaN slope', () => wg.leakyRelu(f([2]), NaN), wg.ArgumentError, /leaky_relu: parameter slope must be a number/],
  // Matrix products.
  ['matmul: inner dims differ', () => wg.matmul(f([2, 3]), f([4, 5])), wg.ShapeError, /matmul: a \[2, 3\] and b \[4, 5\] do not chain/],
  ['matmul: int32 input', () => wg.matmul(i32([1, 2, 3, 4], [2, 2]), f([2, 2])), wg.DTypeError, /matmul: expected float32 tensors, got int32 of shape \[2, 2\]/],
  ['matmul: scalar input', () => wg.matmul(wg.tensor(2), f([2])), wg.ShapeError, /matmul: a must have at least 1 dim/],
  ['matmul: batch dims do not broadcast', () => wg.matmul(f([2, 2, 3]), f([3, 3, 4])), wg.ShapeError, /matmul: batch dims .*do not broadcast/],
  ['linear: weight does not fit the input', () => wg.linear(f([4, 3]), f([5, 2])), wg.ShapeError, /linear: input \[4, 3\], weight \[5, 2\]; expected input \(\.\.\., in\), weight \(out, in\)/],
  // Views: reshape targets, axes, permutations.
  ['reshape: wrong element count', () => wg.reshape(f([2, 3]), [4, 2]), wg.ShapeError, /reshape: cannot reshape \[2, 3\] \(6 elements\) to \[4, 2\]/],
  ['reshape: two -1 dims', () => wg.reshape(f([2, 3]), [-1, -1]), wg.ShapeError, /reshape: bad target shape .*at most one -1/],
  ['reshape: fractional target', () => wg.reshape(f([2, 3]), [1.5, 4]), wg.ShapeError, /reshape: bad target shape \[1\.5, 4\]/],
  ['reshape: -1 beside a zero dim', () => wg.reshape(f([0, 3]), [0, -1]), wg.ShapeError, /reshape: cannot reshape \[0, 3\]/],
  ['permute: not a permutation', () => wg.permute(f([2, 3]), [0, 0]), wg.ArgumentError, /permute: \[0, 0\] is not a permutation/],
  ['transpose: axis out of range', () => wg.transpose(f([2, 3]), 0, 2), wg.ArgumentError, /transpose: dim 2 is out of range for a tensor with 2 dims/],
  ['squeeze: axis out of range', () => wg.squeeze(f([2, 1]), -3), wg.ArgumentError, /squeeze: dim -3 is out of range/],
  ['narrow: window past the end', () => wg.narrow(f([4]), 0, 3, 2), wg.ArgumentError, /narrow: start 3 and length 2 do not fit dim 0 of size 4/],
  ['expand: size that cannot broadcast', () => wg.expand(f([2, 3]), [4, 3]), wg.ShapeError, /expand: cannot expand \[2, 3\] to \[4, 3\]/],
  ['unsqueeze: axis out of range', () => wg.unsqueeze(f([2]), 3), wg.ArgumentError, /unsqueeze: dim 3 is out of range for a tensor with 2 dims/],
  ['split: size 0', () => wg.split(f([4]), 0), wg.ArgumentError, /split: size must be a whole number >= 1, got 0/],
  ['flatten: startDim after endDim', () => wg.flatten(f([2, 3, 4]), 2, 1), wg.ArgumentError, /flatten: startDim 2 comes after endDim 1/],
  // Reductions and softmax.
  ['sum: axis out of range', () => wg.sum(f([2, 3]), 5), wg.ArgumentError, /sum: dim 5 is out of range/],
  ['mean: fractional axis', () => wg.mean(f([2, 3]), 0.5), wg.ArgumentError, /mean: dim 0\.5 is out of range/],
  ['max: over an empty dim', () => wg.max(wg.zeros([0, 3]), 0), wg.ShapeError, /max: cannot reduce an empty axis of shape \[0, 3\]; expected size >= 1/],
  ['argmax: over an empty dim', () => wg.argmax(wg.zeros([3, 0]), 1), wg.ShapeError, /argmax: cannot reduce an empty axis of shape \[3, 0\]; expected size >= 1/],
  ['softmax: axis out of range', () => wg.softmax(f([2, 3]), 2), wg.ArgumentError, /softmax: dim 2 is out of range/],
  // Joins.
  ['cat: empty list', () => wg.cat([]), wg.ArgumentError, /cat: expected a non-empty list/],
  ['cat: shapes differ off the cat dim', () => wg.cat([f([2, 3]), f([2, 4])], 0), wg.ShapeError, /cat: shapes \[2, 3\], \[2, 4\] differ outside dim 0/],
  ['cat: dtypes differ', () => wg.cat([f([2]), i32([1, 2])]), wg.DTypeError, /cat: tensors mix float32 and int32/],
  ['split: sizes do not add up', () => wg.split(f([5]), [2, 2]), wg.ShapeError, /split: sizes \[2, 2\] do not add up/],
  ['stack: shapes differ', () => wg.stack([f([2]), f([3])]), wg.ShapeError, /stack: shapes \[2\], \[3\] differ; expected one shape/],
  // 3-D vision ops.
  ['maxPool3d: 4-D input', () => wg.maxPool3d(f([1, 2, 4, 4]), 2), wg.ShapeError, /maxPool3d: x must be 5-D \(N, C, D, H, W\), got shape \[1, 2, 4, 4\]/],
  ['avgPool3d: window deeper than the input', () => wg.avgPool3d(f([1, 1, 2, 4, 4]), [3, 2, 2]), wg.ShapeError, /avgPool3d: output size would be 0x2x2 for input \[1, 1, 2, 4, 4\]/],
  ['convTranspose3d: weight in_channels', () => wg.convTranspose3d(f([1, 2, 2, 2, 2]), f([3, 1, 2, 2, 2])), wg.ShapeError, /convTranspose3d: weight \[3, 1, 2, 2, 2\] must have in_channels = 2/],
  // Indices and labels.
  ['indexSelect: index past the end', () => wg.indexSelect(f([3, 2]), 0, i32([0, 3])), wg.ShapeError, /indexSelect: index 3 at position 1 is out of range for a dim of size 3/],
  ['indexSelect: negative index', () => wg.indexSelect(f([3, 2]), 1, i32([-1])), wg.ShapeError, /indexSelect: index -1 .*out of range/],
  ['indexSelect: float indices', () => wg.indexSelect(f([3, 2]), 0, f([2])), wg.DTypeError, /indexSelect: indices must be int32, got float32/],
  ['indexSelect: dim out of range', () => wg.indexSelect(f([3, 2]), 2, i32([0])), wg.ArgumentError, /indexSelect: dim 2 is out of range/],
  ['gather: index past the end', () => wg.gather(f([2, 3]), 1, i32([0, 3, 1, 1], [2, 2])), wg.ShapeError, /gather: index 3 .*size 3/],
  ['gather: negative index', () => wg.gather(f([2, 3]), 1, i32([0, -1, 1, 1], [2, 2])), wg.ShapeError, /gather: index -1 at position 1 is out of range for a dim of size 3/],
  ['Embedding: token id past the table', () => fixture.embedding.forward(i32([5])), wg.ShapeError, /indexSelect: index 5 at position 0 is out of range for a dim of size 3/],
  ['gather: index of another rank', () => wg.gather(f([2, 3]), 1, i32([0, 1])), wg.ShapeError, /gather: index \[2\] must match input \[2, 3\]/],
  ['crossEntropy: label past the classes', () => wg.crossEntropy(f([2, 3]), i32([0, 3])), wg.ShapeError, /crossEntropy: target 3 at position 1 is out of range for 3 classes/],
  ['crossEntropy: negative label', () => wg.crossEntropy(f([2, 3]), i32([-2, 0])), wg.ShapeError, /crossEntropy: target -2 .*out of range/],
  ['crossEntropy: float labels', () => wg.crossEntropy(f([2, 3]), f([2])), wg.DTypeError, /crossEntropy: class targets must be int32, got float32/],
  ['crossEntropy: labels of the wrong shape', () => wg.crossEntropy(f([2, 3]), i32([0, 1, 2])), wg.ShapeError, /crossEntropy: target \[3\] does not match input \[2, 3\]/],
  ['crossEntropy: label smoothing above 1', () => wg.crossEntropy(f([2, 3]), i32([0, 1]), { labelSmoothing: 2 }), wg.ArgumentError, /crossEntropy: labelSmoothing must be in \[0, 1\]/],
  ['nllLoss: unknown reduction', () => wg.nllLoss(f([2, 3]), i32([0, 1]), { reduction: 'avg' }), wg.ArgumentError, /nllLoss: reduction must be/],
  ['crossEntropy: 1-D scores', () => wg.crossEntropy(f([2]), i32([0, 1])), wg.ShapeError, /crossEntropy: expected input \(N, C\) or \(N, C, d1, \.\.\.\), got \[2\]/],
  ['bceWithLogits: shapes differ', () => wg.bceWithLogits(f([2]), f([3])), wg.ShapeError, /bceWithLogits: input \[2\] and target \[3\] must have the same shape/],
  ['layerNorm: shape that is not the tail', () => wg.layerNorm(f([2, 3]), [4]), wg.ShapeError, /layerNorm: input \[2, 3\] does not end in normalizedShape \[4\]/],
  ['layerNorm: negative eps', () => wg.layerNorm(f([2, 3]), [3], undefined, undefined, -1), wg.ArgumentError, /layerNorm: eps must be a finite number >= 0, got -1/],
  ['dropout: p above 1', () => wg.nn.functional.dropout(f([2]), 1.5), wg.ArgumentError, /dropout: p must be in \[0, 1\), got 1\.5/],
  ['mseLoss: shapes differ', () => wg.mseLoss(f([2, 3]), f([3, 2])), wg.ShapeError, /mseLoss: input \[2, 3\] and target \[3, 2\]/],
  // Autograd.
  ['backward: non-scalar output', () => gradOf((x) => wg.mul(x, 2).backward()), wg.ShapeError, /backward: implicit gradients need a one-element output, got shape \[2, 3\]/],
  ['backward: output needs no grad', () => wg.sum(f([2])).backward(), wg.ArgumentError, /backward: .*does not require grad/],
  ['backward: twice through one graph', () => gradOf((x) => {
    const y = wg.mul(x, x);
    wg.sum(y).backward();
    wg.sum(y).backward();
  }), wg.ArgumentError, /backward: the graph through mul was already used/],
  ['backward: gradient of the wrong shape', () => gradOf((x) => wg.mul(x, 2).backward(f([3, 2]))), wg.ShapeError, /backward: gradient of shape \[3, 2\] does not match output \[2, 3\]/],
  ['backward: an input disposed before backward', () => {
    const x = f([2]).requiresGrad_();
    const y = wg.sum(wg.mul(x, x));
    x.dispose();
    y.backward();
  }, wg.DisposedError, /mul: tensor of shape \[2\] \(float32\) was disposed/],
  ['noGrad: not a function', () => wg.noGrad(5), wg.ArgumentError, /noGrad: expected a function to run, got 5/],
  ['scope: not a function', () => wg.scope(null), wg.ArgumentError, /scope: expected a function to run, got null/],
  ['gradcheck: no input requires grad', () => wg.gradcheck((x) => wg.sum(x), [f([2])]), wg.ArgumentError, /gradcheck: no input has requiresGrad = true/],
  ['requiresGrad_: int32 tensor', () => i32([1]).requiresGrad_(), wg.DTypeError, /requiresGrad_: only float32/],
  // Use after dispose.
  ['add: disposed input', () => wg.add(disposed(), f([2, 2])), wg.DisposedError, /add: tensor of shape \[2, 2\] \(float32\) was disposed/],
  ['matmul: disposed input', () => wg.matmul(f([2, 2]), disposed()), wg.DisposedError, /matmul: .*was disposed/],
  ['reshape: disposed input', () => wg.reshape(disposed(), [4]), wg.DisposedError, /reshape: .*was disposed/],
  ['toArray: disposed tensor', () => disposed().toArray(), wg.DisposedError, /toArray: .*was disposed/],
  ['item: disposed tensor', () => disposed([1]).item(), wg.DisposedError, /item: tensor of shape \[1\] \(float32\) was disposed/],
  ['saveSafetensors: disposed tensor', () => wg.saveSafetensors({ t: disposed() }), wg.DisposedError, /saveSafetensors \("t"\): .*was disposed/],
  ['item: tensor of many elements', () => f([2]).item(), wg.ShapeError, /item: expected a tensor with one element, got shape \[2\]/],
  // Optimizers.
  ['SGD: NaN learning rate', () => new wg.optim.SGD([fixture.param], { lr: NaN }), wg.ArgumentError, /SGD: lr must be a number in \[0, Infinity\], got NaN/],
  ['Adam: beta above 1', () => new wg.optim.Adam([fixture.param], { betas: [1.5, 0.9] }), wg.ArgumentError, /Adam: betas\[0\] must be a number in/],
  ['AdamW: negative eps', () => new wg.optim.AdamW([fixture.param], { eps: -1 }), wg.ArgumentError, /AdamW: eps must be/],
  ['SGD: empty parameter list', () => new wg.optim.SGD([], { lr: 0.1 }), wg.ArgumentError, /SGD: got an empty parameter list/],
  ['SGD: int32 parameter', () => new wg.optim.SGD([i32([1])], { lr: 0.1 }), wg.DTypeError, /SGD: parameters must be contiguous float32/],
  ['Adam: lr set to NaN before a step', () => {
    const opt = new wg.optim.Adam([fixture.param]);
    try {
      opt.lr = NaN;
      fixture.param.grad = wg.keep(wg.zeros(fixture.param.shape));
      opt.step();
    } finally {
      opt.dispose();
      fixture.param.grad?.dispose();
      fixture.param.grad = null;
    }
  }, wg.ArgumentError, /adamStep: lr must be a number/],
  ['SGD: negative momentum', () => new wg.optim.SGD([fixture.param], { lr: 0.1, momentum: -1 }), wg.ArgumentError, /SGD: momentum must be a number in \[0, Infinity\], got -1/],
  ['adamStep: negative step', () => wg.adamStep(f([2]), f([2]), f([2]), f([2]), { lr: 0.1, step: -1 }), wg.ArgumentError, /adamStep: step must be a whole number >= 0, got -1/],
  ['StepLR: stepSize 0', () => new wg.optim.StepLR(new wg.optim.SGD([fixture.param], { lr: 0.1 }), { stepSize: 0 }), wg.ArgumentError, /StepLR: stepSize must be a whole number >= 1, got 0/],
  ['sgdStep: grad of another shape', () => wg.sgdStep(f([3]), f([4]), null, { lr: 0.1 }), wg.ShapeError, /sgdStep: grad has shape \[4\], param has \[3\]/],
  ['clipGradNorm: maxNorm 0', () => wg.optim.clipGradNorm([fixture.param], 0), wg.ArgumentError, /clipGradNorm: maxNorm must be > 0/],
  // Modules and state dicts.
  ['Linear: zero features', () => new wg.nn.Linear(0, 3), wg.ArgumentError, /Linear: inFeatures must be a whole number >= 1, got 0/],
  ['Linear: fractional features', () => new wg.nn.Linear(2, 2.5), wg.ArgumentError, /Linear: outFeatures must be a whole number >= 1, got 2\.5/],
  ['Linear: input with the wrong feature count', () => fixture.model.forward(f([4, 5])), wg.ShapeError, /linear: input \[4, 5\], weight \[3, 2\], bias \[3\]; expected/],
  ['loadStateDict: missing key', () => fixture.model.loadStateDict({ weight: f([3, 2]) }), wg.ArgumentError, /loadStateDict: keys do not match Linear; missing: bias/],
  ['loadStateDict: unexpected key', () => fixture.model.loadStateDict({ weight: f([3, 2]), bias: f([3]), extra: f([1]) }), wg.ArgumentError, /loadStateDict: .*unexpected: extra/],
  ['loadStateDict: wrong shape', () => fixture.model.loadStateDict({ weight: f([2, 3]), bias: f([3]) }), wg.ShapeError, /loadStateDict: weight has shape \[2, 3\] in the state, \[3, 2\] in the module/],
  ['loadStateDict: wrong dtype', () => fixture.model.loadStateDict({ weight: f([3, 2]), bias: i32([1, 2, 3]) }), wg.DTypeError, /loadStateDict: bias is int32 in the state, float32 in the module/],
  // Weight files.
  ['loadSafetensors: not bytes', () => wg.loadSafetensors('weights'), wg.ArgumentError, /loadSafetensors: expected a Uint8Array/],
  ['loadSafetensors: truncated length word', () => wg.loadSafetensors(new Uint8Array(4)), wg.FormatError, /loadSafetensors: truncated file: 4 bytes/],
  ['loadSafetensors: header length past the end', () => wg.loadSafetensors(safetensorsFile({}, undefined, 1000)), wg.FormatError, /loadSafetensors: header length 1000 runs past the end/],
  ['loadSafetensors: header is not JSON', () => wg.loadSafetensors(safetensorsFile('{"w": ')), wg.FormatError, /loadSafetensors: header is not valid JSON/],
  ['loadSafetensors: unknown dtype', () => wg.loadSafetensors(safetensorsFile({ w: { dtype: 'Q7', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4))), wg.FormatError, /loadSafetensors: unknown or unsupported dtype "Q7"/],
  ['loadSafetensors: negative dim', () => wg.loadSafetensors(safetensorsFile({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4))), wg.FormatError, /loadSafetensors: tensor "w" has shape \[-1\]/],
  ['loadSafetensors: huge shape', () => wg.loadSafetensors(safetensorsFile({ w: { dtype: 'F32', shape: [2 ** 30], data_offsets: [0, 2 ** 32] } })), wg.FormatError, /loadSafetensors: tensor "w" has shape \[1073741824\], over 536870912 elements/],
  ['loadSafetensors: overlapping tensors', () => wg.loadSafetensors(safetensorsFile({
    a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
  }, new Uint8Array(12))), wg.FormatError, /loadSafetensors: tensor "b" data_offsets \[4, 12\] overlap/],
  ['loadSafetensors: offsets past the data', () => wg.loadSafetensors(safetensorsFile({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, new Uint8Array(4))), wg.FormatError, /loadSafetensors: .*out of bounds/],
  ['loadSafetensors: I64 value outside int32', () => {
    const data = new Uint8Array(8);
    new DataView(data.buffer).setBigInt64(0, 2n ** 40n, true);
    return wg.loadSafetensors(safetensorsFile({ w: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, data));
  }, wg.DTypeError, /loadSafetensors: tensor "w" \(I64\) holds 1099511627776 .*outside the int32 range/],
  ['saveSafetensors: a value that is not a tensor', () => wg.saveSafetensors({ w: [1, 2] }), wg.ArgumentError, /saveSafetensors: "w" is not a Tensor/],
  ['parseIdx: truncated header', () => wg.parseIdx(new Uint8Array([0, 0, 8, 9])), wg.FormatError, /parseIdx: .*truncated header: 9 dimensions need 40 bytes, the file has 4/],
  ['DataLoader: batch size 0', () => new wg.DataLoader({ images: new Float32Array(4), labels: new Int32Array(1), shape: [1, 1, 2, 2] }, { batchSize: 0 }), wg.ArgumentError, /DataLoader: batchSize must be a whole number >= 1, got 0/],
  // Threads.
  ['setNumThreads: 0', () => wg.setNumThreads(0), wg.ArgumentError, /setNumThreads: expected a whole number from 1 to 64, got 0/],
  ['setNumThreads: 1000', () => wg.setNumThreads(1000), wg.ArgumentError, /setNumThreads: expected a whole number from 1 to 64, got 1000/],
  ['setNumThreads: 1.5', () => wg.setNumThreads(1.5), wg.ArgumentError, /setNumThreads: expected a whole number from 1 to 64, got 1\.5/],
  // Memory: more than the maximum is an OutOfMemoryError before any byte is committed.
  ['empty: more bytes than the memory may hold', () => wg.empty([2 ** 29]), wg.OutOfMemoryError, /empty: out of wasm memory: asked for 2147483648 bytes/],
  ['zeros: more bytes than the memory may hold', () => wg.zeros([2 ** 28, 2]), wg.OutOfMemoryError, /zeros: out of wasm memory/],
];

/** The engine still computes: a small matmul on the calling thread and a big one over the pool. */
function assertEngineWorks() {
  wg.scope(() => {
    const small = wg.matmul(wg.tensor([[1, 2], [3, 4]]), wg.tensor([[5, 6], [7, 8]]));
    assert.deepEqual([...small.toArray()], [19, 22, 43, 50]);
    const n = 96;
    const big = wg.matmul(wg.ones([n, n]), wg.full([n, n], 0.5));
    assert.ok(big.toArray().every((v) => v === n / 2), 'a threaded matmul gives a wrong result');
  });
}

function checkError(name, error, expectedClass, pattern) {
  assert.ok(!(error instanceof WebAssembly.RuntimeError), `${name}: a wasm trap escaped: ${error?.message}`);
  assert.ok(OUR_ERRORS.some((c) => error instanceof c), `${name}: threw ${error?.constructor?.name} (${error?.message}), not one of ours`);
  assert.ok(error instanceof expectedClass, `${name}: threw ${error.name} (${error.message}), expected ${expectedClass.name}`);
  assert.match(error.message, pattern, `${name}: message "${error.message}" does not say what was expected`);
}

describe('bad inputs: each raises one of our errors, names the op, leaks nothing, and the engine works after', () => {
  before(() => {
    fixture.model = new wg.nn.Linear(2, 3, { seed: 1 });
    fixture.param = fixture.model.weight;
    fixture.embedding = new wg.nn.Embedding(3, 2);
    assertEngineWorks(); // allocates the GEMM workspace once, before any case's baseline
    console.log(`      ${CASES.length} kinds of bad input`);
  });
  after(() => {
    for (const m of [fixture.model, fixture.embedding]) for (const t of Object.values(m.stateDict())) t.dispose();
  });

  it('covers at least 40 kinds', () => assert.ok(CASES.length >= 40));

  for (const [name, fn, expectedClass, pattern] of CASES) {
    it(name, async () => {
      const before = wg.memory();
      let error;
      try {
        // Async APIs (setNumThreads) reject instead of throwing.
        const result = wg.scope(() => {
          const r = fn();
          return r instanceof Promise ? { pending: r } : null;
        });
        if (result?.pending) await result.pending;
      } catch (e) {
        error = e;
      }
      assert.ok(error !== undefined, `${name}: no error was raised`);
      checkError(name, error, expectedClass, pattern);
      const after = wg.memory();
      assert.equal(after.liveTensors, before.liveTensors, `${name}: tensors leaked`);
      assert.equal(after.liveBytes, before.liveBytes, `${name}: wasm bytes leaked`);
      assertEngineWorks();
    });
  }
});

describe('out of memory', () => {
  it('a full engine refuses with OutOfMemoryError, and after frees the same memory serves again', async () => {
    const script = fileURLToPath(new URL('./fixtures/out-of-memory.js', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [script]);
    const report = JSON.parse(stdout);
    // 64 MiB holds 15 blocks of 4 MiB beside the reserved first 64 KiB and the pool's scratch.
    assert.ok(report.first.count >= 14, `only ${report.first.count} blocks fit`);
    assert.equal(report.first.error.name, 'OutOfMemoryError');
    assert.ok(report.first.error.ours);
    assert.match(report.first.error.message, /^zeros: out of wasm memory: asked for 4194304 bytes .* the maximum is 67108864 bytes/);
    assert.equal(report.liveBytesAfterFree, 0);
    assert.equal(report.second.count, report.first.count, 'freed memory was not reused');
    assert.equal(report.second.error.name, 'OutOfMemoryError');
    assert.deepEqual(report.product, [19, 22, 43, 50]);
  });
});
