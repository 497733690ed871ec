// ONNX op_type → wasmgrad, for the conformance runner (runner.js).
//
// Each entry says which wg functions it calls (`wg`), what each input position accepts (`inputs`),
// why some attribute values cannot be expressed (`unsupported(attrs) → reason | null`), and how to
// compute the outputs (`run(wg, inputs, attrs, {outputCount}) → Tensor | Tensor[]`). An op whose wg
// functions do not all exist yet is reported "not implemented"; a case the mapping refuses is
// reported "unsupported: <reason>". Inputs reach `run` as wg tensors (float32, or int32 for ONNX
// integer types whose values fit), JS number arrays (kind 'ints'), JS numbers ('scalar') or the
// reader's tensor ('raw', for indices the mapping rewrites).
//
// The wg functions the mappings expect (PyTorch names and semantics, numpy broadcasting; an axis
// may be negative; every function returns a new Tensor unless it says "in place"):
//   wg.tensor(data, shape, dtype)                      exists today
//   wg.matmul(a, b)                                    numpy matmul: 1-D operands promoted, batch dims broadcast
//   wg.permute(x, dims)                                torch.permute
//   wg.reshape(x, shape)                               shape may hold one -1; 0 means a zero-size dim
//   wg.cat(tensors, axis)                              torch.cat
//   wg.add(a, b)  wg.sub  wg.mul  wg.div  wg.pow       float32, broadcasting (0-D tensors included)
//   wg.neg(x)  wg.abs  wg.exp  wg.log  wg.sqrt  wg.relu  wg.sigmoid  wg.tanh
//   wg.leakyRelu(x, negativeSlope)  wg.elu(x, alpha)  wg.gelu(x, approximate)   approximate: 'none' | 'tanh'
//   wg.sum(x, axes, keepdim)  wg.mean  wg.max  wg.min  axes: number[] (never empty here); max/min return values only
//   wg.softmax(x, axis)  wg.logSoftmax(x, axis)
//   wg.layerNorm(x, normalizedShape, weight, bias, eps)                     F.layer_norm
//   wg.indexSelect(x, axis, index)                     torch.index_select; index: 1-D int32, no negatives
//   wg.gather(x, axis, index)                          torch.gather; index: int32, same rank as x, no negatives
//   wg.nllLoss(input, target, {weight, ignoreIndex, reduction})        F.nll_loss: input (N,C,d1..), target int32 (N,d1..)
//   wg.crossEntropy(input, target, {weight, ignoreIndex, reduction})   F.cross_entropy, same shapes
//        weight: Tensor (C) or undefined; ignoreIndex: number or undefined; reduction: 'none' | 'mean' | 'sum'
//   wg.adamStep(param, grad, expAvg, expAvgSq, {lr, beta1, beta2, eps, weightDecay, step})       in place
//        torch.optim.Adam's update for one tensor: grad += weightDecay*param; moments updated;
//        param -= lr/(1-beta1^step) * expAvg / (sqrt(expAvgSq)/sqrt(1-beta2^step) + eps);
//        step 0 means no bias correction (both factors 1).
//   wg.adagradStep(param, grad, stateSum, {lr, lrDecay, weightDecay, eps, step})  in place
//        torch.optim.Adagrad: clr = lr / (1 + (step-1)*lrDecay); param -= clr * g / (sqrt(stateSum) + eps)
//   wg.sgdStep(param, grad, momentumBuffer, {lr, momentum, dampening, weightDecay, nesterov})    in place
//        torch.optim.SGD with an existing buffer: buf = momentum*buf + (1-dampening)*g
//   wg.conv2d(x, weight, bias, {stride, padding, dilation, groups})        F.conv2d; bias may be undefined;
//        stride/dilation: [h, w]; padding: [h, w] or, when asymmetric, [top, left, bottom, right]
//   wg.convTranspose2d(x, weight, bias, {stride, padding, outputPadding, dilation, groups})   F.conv_transpose2d
//   wg.convTranspose3d(x, weight, bias, {...the same, triples})               F.conv_transpose3d
//   wg.maxPool2d(x, kernelSize, {stride, padding, dilation, ceilMode, returnIndices})   F.max_pool2d
//   wg.avgPool2d(x, kernelSize, {stride, padding, dilation, ceilMode, countIncludePad})   F.avg_pool2d + dilation
//   wg.maxPool3d, wg.avgPool3d                                             the same on (N,C,D,H,W), triples
//   wg.conv1d, wg.maxPool1d, wg.avgPool1d                                  the same on (N,C,L): numbers, padding p or [left, right]
//   wg.conv3d(x, weight, bias, {stride, padding, dilation, groups})        F.conv3d; triples, padding also [front, top, left, back, bottom, right]
//   wg.batchNorm(x, runningMean, runningVar, {weight, bias, eps, training})  F.batch_norm; training: batch statistics
//   wg.adaptiveAvgPool2d(x, 1)  wg.globalMaxPool2d(x)                       global pools of (N,C,H,W) to (N,C,1,1)
const F32 = { kind: 'tensor', dtypes: ['float32'] };
const INDEX = { kind: 'tensor', dtypes: ['int64', 'int32'] };
const RAW_INDEX = { kind: 'raw', dtypes: ['int64', 'int32'] };
const INTS = { kind: 'ints', dtypes: ['int64', 'int32'] };
const AS_F32 = { kind: 'float', dtypes: ['float32', 'int32', 'int64', 'uint32', 'uint64'] };
const SCALAR_F32 = { kind: 'scalar', dtypes: ['float32'] };
// Ops that only pick among their inputs (max pooling) give the same values for small integers
// widened to float32: every uint8 and int8 is exact there.
const PICKED_F32 = { kind: 'float', dtypes: ['float32', 'uint8', 'int8'] };
const SCALAR_INT = { kind: 'scalar', dtypes: ['int64', 'int32'] };

const attr = (attrs, name, fallback) => (attrs[name] === undefined ? fallback : attrs[name]);
const range = (from, to) => Array.from({ length: to - from }, (_, i) => from + i);
const normalizeAxis = (axis, rank) => (axis < 0 ? axis + rank : axis);

function unary(fn) {
  return { wg: [fn], inputs: [F32], run: (wg, [x]) => wg[fn](x) };
}

function binary(fn, second = F32) {
  return { wg: [fn], inputs: [F32, second], run: (wg, [a, b]) => wg[fn](a, b) };
}

// Opset 18 moved `axes` from an attribute to an optional input; both forms are read.
function reduction(fn, { square = false, emptyAxisUnsupported = false } = {}) {
  return {
    wg: square ? [fn, 'mul'] : [fn],
    inputs: [F32, INTS],
    unsupported: (attrs, c) => {
      if (!emptyAxisUnsupported || !c.inputs[0].shape?.includes(0)) return null;
      return `${fn} over a zero-size axis has no value to return (wg.${fn} refuses empty reductions, as torch.amax does)`;
    },
    run: (wg, [x, axesInput], attrs) => {
      const axes = axesInput ?? attr(attrs, 'axes', []);
      if (axes.length === 0 && attr(attrs, 'noop_with_empty_axes', 0) === 1) return x;
      const all = axes.length === 0 ? range(0, x.shape.length) : axes;
      return wg[fn](square ? wg.mul(x, x) : x, all, attr(attrs, 'keepdims', 1) === 1);
    },
  };
}

// Softmax and LogSoftmax before opset 13 flattened the input to 2-D around `axis`.
function softmaxLike(fn) {
  return {
    wg: [fn],
    inputs: [F32],
    unsupported: (attrs, c) => (c.opset < 13 ? `opset ${c.opset} semantics (coerced to 2-D) are not mapped` : null),
    run: (wg, [x], attrs) => wg[fn](x, attr(attrs, 'axis', -1)),
  };
}

function lossOptions(attrs, weight) {
  return { weight, ignoreIndex: attrs.ignore_index, reduction: attr(attrs, 'reduction', 'mean') };
}

/** ONNX training ops take (R, T, X1..Xn, G1..Gn, then `groups` more per-tensor states). */
function splitOptimizerInputs(inputs, groups) {
  const [lr, t, ...rest] = inputs;
  const n = rest.length / (2 + groups);
  const slice = (k) => rest.slice(k * n, (k + 1) * n);
  return { lr, t, n, x: slice(0), g: slice(1), states: range(0, groups).map((k) => slice(2 + k)) };
}

/**
 * ONNX spatial attributes of a 2-D or 3-D op → `{stride, dilation, padding}` for wg, or `{reason}`
 * when there is none. ONNX's pads [x1_begin, x2_begin, ..., x1_end, x2_end, ...] are wg's
 * [top, left, bottom, right] (3-D: [front, top, left, back, bottom, right]); auto_pad SAME_* pads
 * so that out = ceil(in / stride), the extra pixel at the end (UPPER) or the start (LOWER).
 * `ranks` are the spatial ranks the wg function takes.
 */
function spatialAttrs(attrs, inputShape, kernel, ranks) {
  const rank = inputShape.length - 2;
  if (!ranks.includes(rank)) return { reason: `${rank}-D input: this wasmgrad op takes ${ranks.join('-D or ')}-D input (1-D runs as height 1)` };
  const stride = attr(attrs, 'strides', Array(rank).fill(1));
  const dilation = attr(attrs, 'dilations', Array(rank).fill(1));
  const autoPad = attr(attrs, 'auto_pad', 'NOTSET');
  let pads = attr(attrs, 'pads', Array(2 * rank).fill(0));
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    pads = Array(2 * rank).fill(0);
    for (let d = 0; d < rank; d++) {
      const size = inputShape[2 + d];
      const total = Math.max(0, (Math.ceil(size / stride[d]) - 1) * stride[d] + (kernel[d] - 1) * dilation[d] + 1 - size);
      const small = Math.floor(total / 2);
      [pads[d], pads[d + rank]] = autoPad === 'SAME_UPPER' ? [small, total - small] : [total - small, small];
    }
  } else if (autoPad !== 'NOTSET' && autoPad !== 'VALID') {
    return { reason: `auto_pad ${autoPad} is not mapped` };
  }
  const symmetric = range(0, rank).every((d) => pads[d] === pads[d + rank]);
  return { rank, stride, dilation, kernel, padding: symmetric ? pads.slice(0, rank) : pads };
}

/** A 1-D op's attributes as those of the 2-D op on images of height 1. */
function liftAttrs1d(attrs) {
  const lifted = { ...attrs };
  for (const [name, one] of [['kernel_shape', 1], ['strides', 1], ['dilations', 1], ['output_padding', 0], ['output_shape', 1]]) {
    if (attrs[name] !== undefined) lifted[name] = [one, ...attrs[name]];
  }
  if (attrs.pads !== undefined) lifted.pads = [0, attrs.pads[0], 0, attrs.pads[1]];
  return lifted;
}

/** (N, C, L) inputs and (O, C, k) weights gain a height of 1 before dim 2. */
const liftShape1d = (shape) => (shape?.length === 3 ? [shape[0], shape[1], 1, shape[2]] : shape);

/** The width half of a lifted 1-D op's 2-D geometry: the 1-D op's own stride, dilation, padding and kernel. */
function lower1d({ stride, dilation, padding, kernel }) {
  return { stride: stride[1], dilation: dilation[1], padding: padding.length === 2 ? padding[1] : [padding[1], padding[3]], kernel: kernel[1] };
}

/**
 * An entry for a spatial op of the given spatial `ranks` (default 2-D), which also runs the 1-D
 * form: through `call1d` (the wg 1-D op, given the 1-D geometry) when there is one, else as 2-D on
 * height-1 images.
 * `kernelOf(attrs, inputShapes)` gives the window; `prepare(attrs, inputShapes)` may rewrite the
 * attributes first (or return `{reason}`); `extraReason(attrs, c, geometry)` refuses attributes
 * beyond the geometry; `call` gets the resolved geometry.
 */
function spatialEntry({ wg, inputs, kernelOf, ranks = [2], prepare = (attrs) => attrs, extraReason = () => null, call, call1d }) {
  const resolve = (attrs, shapes) => {
    const oneD = shapes[0].length === 3;
    const liftedShapes = oneD ? shapes.map(liftShape1d) : shapes;
    const prepared = prepare(oneD ? liftAttrs1d(attrs) : attrs, liftedShapes);
    if (prepared.reason !== undefined) return { geometry: prepared, attrs: prepared };
    return { geometry: spatialAttrs(prepared, liftedShapes[0], kernelOf(prepared, liftedShapes), ranks), attrs: prepared, oneD };
  };
  return {
    wg: [...wg, 'reshape'],
    inputs,
    unsupported: (attrs, c) => {
      const { geometry, attrs: prepared } = resolve(attrs, c.inputs.map((v) => v.shape));
      return geometry.reason ?? extraReason(prepared, c, geometry) ?? null;
    },
    run: (wgApi, xs, attrs, ctx) => {
      const { geometry, attrs: prepared, oneD } = resolve(attrs, xs.map((x) => x?.shape));
      if (!oneD) return call(wgApi, xs, prepared, geometry, ctx);
      if (call1d) return call1d(wgApi, xs, prepared, lower1d(geometry), ctx);
      const lifted = xs.map((x) => (x?.shape.length === 3 ? wgApi.reshape(x, liftShape1d(x.shape)) : x));
      const flatten = (y) => wgApi.reshape(y, [y.shape[0], y.shape[1], y.shape[3]]);
      const ys = call(wgApi, lifted, prepared, geometry, ctx);
      return Array.isArray(ys) ? ys.map(flatten) : flatten(ys);
    },
  };
}

const kernelAttr = (attrs) => attrs.kernel_shape;
const kernelFromWeight = (attrs, shapes) => attr(attrs, 'kernel_shape', shapes[1].slice(2));
/**
 * ConvTranspose's output_shape (and auto_pad SAME_*, which asks for in * stride) as the pads and
 * output_padding torch derives the output size from: the total padding is what the default
 * output size has beyond the requested one, split as the ONNX operator spec says; an output
 * larger than the default grows by output_padding at the bottom/right instead.
 */
function transposedOutputShape(attrs, shapes) {
  const autoPad = attr(attrs, 'auto_pad', 'NOTSET');
  if (attrs.output_shape === undefined && autoPad !== 'SAME_UPPER' && autoPad !== 'SAME_LOWER') return attrs;
  const sizes = shapes[0].slice(2);
  const rank = sizes.length;
  const stride = attr(attrs, 'strides', Array(rank).fill(1));
  const dilation = attr(attrs, 'dilations', Array(rank).fill(1));
  const kernel = kernelFromWeight(attrs, shapes);
  const requested = attrs.output_shape ?? sizes.map((s, d) => s * stride[d]);
  const outputPadding = [...attr(attrs, 'output_padding', Array(rank).fill(0))];
  const pads = Array(2 * rank).fill(0);
  for (let d = 0; d < rank; d++) {
    const total = stride[d] * (sizes[d] - 1) + outputPadding[d] + (kernel[d] - 1) * dilation[d] + 1 - requested[d];
    if (total < 0) {
      outputPadding[d] -= total;
      continue;
    }
    const half = Math.floor(total / 2);
    [pads[d], pads[d + rank]] = autoPad === 'SAME_UPPER' ? [half, total - half] : [total - half, half];
  }
  if (outputPadding.some((p, d) => p >= Math.max(stride[d], dilation[d]))) {
    return { reason: `output_shape [${requested}] needs output_padding [${outputPadding}], which torch allows only below the stride or dilation` };
  }
  const { output_shape: _, ...rest } = attrs;
  return { ...rest, auto_pad: 'NOTSET', pads, output_padding: outputPadding };
}

/**
 * MaxPool's Indices output from wg's (positions within each (n, c) plane or volume): flattened
 * over the whole tensor, a plane's positions column-major (h + w*H) when storage_order is 1.
 */
function onnxIndices(wg, indices, inputShape, columnMajor) {
  const [, , H, W] = inputShape;
  const volume = inputShape.slice(2).reduce((a, b) => a * b, 1);
  const perVolume = indices.shape.slice(2).reduce((a, b) => a * b, 1);
  const flat = Int32Array.from(indices.toArray(), (i, o) => {
    const within = columnMajor ? (i % W) * H + Math.floor(i / W) : i;
    return Math.floor(o / perVolume) * volume + within;
  });
  return wg.tensor(flat, indices.shape, 'int32');
}

export const OPS = {
  Add: binary('add'),
  Sub: binary('sub'),
  Mul: binary('mul'),
  Div: binary('div'),
  // The exponent's dtype does not change the result's (the base's): ints are widened exactly.
  Pow: binary('pow', AS_F32),
  Neg: unary('neg'),
  Abs: unary('abs'),
  Exp: unary('exp'),
  Log: unary('log'),
  Sqrt: unary('sqrt'),
  Relu: unary('relu'),
  Sigmoid: unary('sigmoid'),
  Tanh: unary('tanh'),
  LeakyRelu: { wg: ['leakyRelu'], inputs: [F32], run: (wg, [x], attrs) => wg.leakyRelu(x, attr(attrs, 'alpha', 0.01)) },
  Elu: { wg: ['elu'], inputs: [F32], run: (wg, [x], attrs) => wg.elu(x, attr(attrs, 'alpha', 1)) },
  Gelu: { wg: ['gelu'], inputs: [F32], run: (wg, [x], attrs) => wg.gelu(x, attr(attrs, 'approximate', 'none')) },

  MatMul: { wg: ['matmul'], inputs: [F32, F32], run: (wg, [a, b]) => wg.matmul(a, b) },
  // Y = alpha * A' B' + beta * C, built from matmul so the defaults exercise matmul (+ add) alone.
  Gemm: {
    wg: ['matmul', 'permute', 'mul', 'add'],
    inputs: [F32, F32, F32],
    run: (wg, [a, b, c], attrs) => {
      const alpha = attr(attrs, 'alpha', 1);
      const beta = attr(attrs, 'beta', 1);
      const lhs = attr(attrs, 'transA', 0) ? wg.permute(a, [1, 0]) : a;
      const rhs = attr(attrs, 'transB', 0) ? wg.permute(b, [1, 0]) : b;
      let y = wg.matmul(lhs, rhs);
      if (alpha !== 1) y = wg.mul(y, wg.tensor(alpha));
      if (c === undefined) return y;
      return wg.add(y, beta === 1 ? c : wg.mul(c, wg.tensor(beta)));
    },
  },

  ReduceSum: reduction('sum'),
  ReduceMean: reduction('mean'),
  ReduceMax: reduction('max', { emptyAxisUnsupported: true }),
  ReduceMin: reduction('min', { emptyAxisUnsupported: true }),
  ReduceSumSquare: reduction('sum', { square: true }),

  Softmax: softmaxLike('softmax'),
  LogSoftmax: softmaxLike('logSoftmax'),

  // Outputs Y, and optionally Mean and InvStdDev over the normalized axes (kept as size-1 dims),
  // which F.layer_norm does not return: they are recomputed with wg's reductions.
  LayerNormalization: {
    wg: ['layerNorm', 'mean', 'sub', 'mul', 'add', 'sqrt', 'div'],
    inputs: [F32, F32, F32],
    unsupported: (attrs) => (attr(attrs, 'stash_type', 1) !== 1 ? `stash_type ${attrs.stash_type} (compute in another type)` : null),
    run: (wg, [x, scale, bias], attrs, { outputCount }) => {
      const axis = normalizeAxis(attr(attrs, 'axis', -1), x.shape.length);
      const eps = attr(attrs, 'epsilon', 1e-5);
      const y = wg.layerNorm(x, x.shape.slice(axis), scale, bias, eps);
      if (outputCount === 1) return y;
      const axes = range(axis, x.shape.length);
      const mean = wg.mean(x, axes, true);
      const centred = wg.sub(x, mean);
      const variance = wg.mean(wg.mul(centred, centred), axes, true);
      const invStdDev = wg.div(wg.tensor(1), wg.sqrt(wg.add(variance, wg.tensor(eps))));
      return [y, mean, invStdDev].slice(0, outputCount);
    },
  },

  Transpose: {
    wg: ['permute'],
    inputs: [F32],
    run: (wg, [x], attrs) => wg.permute(x, attr(attrs, 'perm', range(0, x.shape.length).reverse())),
  },
  // ONNX's 0 copies the input's dim unless allowzero is set; torch has no such rule, so it is resolved here.
  Reshape: {
    wg: ['reshape'],
    inputs: [F32, INTS],
    run: (wg, [x, shape], attrs) => {
      const resolved = attr(attrs, 'allowzero', 0) ? shape : shape.map((d, i) => (d === 0 ? x.shape[i] : d));
      return wg.reshape(x, resolved);
    },
  },
  Concat: { wg: ['cat'], inputs: [F32], variadic: true, run: (wg, xs, attrs) => wg.cat(xs, attrs.axis) },
  // Output shape: x.shape[:axis] + indices.shape + x.shape[axis+1:]; negative indices count from the end.
  Gather: {
    wg: ['indexSelect', 'reshape'],
    inputs: [F32, RAW_INDEX],
    run: (wg, [x, indices], attrs) => {
      const axis = normalizeAxis(attr(attrs, 'axis', 0), x.shape.length);
      const index = wg.tensor(wrapIndices(indices, x.shape[axis]), [indices.data.length], 'int32');
      const y = wg.indexSelect(x, axis, index);
      if (indices.dims.length === 1) return y;
      return wg.reshape(y, [...x.shape.slice(0, axis), ...indices.dims, ...x.shape.slice(axis + 1)]);
    },
  },
  GatherElements: {
    wg: ['gather'],
    inputs: [F32, RAW_INDEX],
    run: (wg, [x, indices], attrs) => {
      const axis = normalizeAxis(attr(attrs, 'axis', 0), x.shape.length);
      return wg.gather(x, axis, wg.tensor(wrapIndices(indices, x.shape[axis]), indices.dims, 'int32'));
    },
  },

  NegativeLogLikelihoodLoss: {
    wg: ['nllLoss'],
    inputs: [F32, INDEX, F32],
    run: (wg, [input, target, weight], attrs) => wg.nllLoss(input, target, lossOptions(attrs, weight)),
  },
  // The optional second output is the log-probabilities, LogSoftmax over the class axis.
  SoftmaxCrossEntropyLoss: {
    wg: ['crossEntropy', 'logSoftmax'],
    inputs: [F32, INDEX, F32],
    run: (wg, [scores, target, weight], attrs, { outputCount }) => {
      const loss = wg.crossEntropy(scores, target, lossOptions(attrs, weight));
      return outputCount === 1 ? loss : [loss, wg.logSoftmax(scores, 1)];
    },
  },

  Conv: spatialEntry({
    wg: ['conv1d', 'conv2d', 'conv3d'],
    inputs: [F32, F32, F32],
    kernelOf: kernelFromWeight,
    ranks: [2, 3],
    call: (wg, [x, w, b], attrs, { rank, stride, padding, dilation }) =>
      wg[rank === 3 ? 'conv3d' : 'conv2d'](x, w, b, { stride, padding, dilation, groups: attr(attrs, 'group', 1) }),
    call1d: (wg, [x, w, b], attrs, { stride, padding, dilation }) =>
      wg.conv1d(x, w, b, { stride, padding, dilation, groups: attr(attrs, 'group', 1) }),
  }),
  // ONNX can ask for an output size (output_shape, auto_pad): transposedOutputShape turns it into
  // the pads and output_padding torch derives the size from.
  ConvTranspose: spatialEntry({
    wg: ['convTranspose2d', 'convTranspose3d'],
    inputs: [F32, F32, F32],
    kernelOf: kernelFromWeight,
    ranks: [2, 3],
    prepare: transposedOutputShape,
    call: (wg, [x, w, b], attrs, { rank, stride, padding, dilation }) =>
      wg[rank === 3 ? 'convTranspose3d' : 'convTranspose2d'](x, w, b, {
        stride,
        padding,
        dilation,
        outputPadding: attr(attrs, 'output_padding', Array(rank).fill(0)),
        groups: attr(attrs, 'group', 1),
      }),
  }),
  // The optional second output, Indices, comes from returnIndices.
  MaxPool: spatialEntry({
    wg: ['maxPool1d', 'maxPool2d', 'maxPool3d', 'tensor'],
    inputs: [PICKED_F32],
    kernelOf: kernelAttr,
    ranks: [2, 3],
    extraReason: (attrs, c, { rank }) =>
      c.outputs.length > 1 && rank === 3 && attr(attrs, 'storage_order', 0) === 1 ? 'storage_order 1 for 3-D indices is not mapped' : null,
    call: (wg, [x], attrs, { rank, stride, padding, dilation }, { outputCount }) => {
      const returnIndices = outputCount > 1;
      const opts = { stride, padding, dilation, ceilMode: attr(attrs, 'ceil_mode', 0) === 1, returnIndices };
      const result = wg[rank === 3 ? 'maxPool3d' : 'maxPool2d'](x, attrs.kernel_shape, opts);
      if (!returnIndices) return result;
      const [y, indices] = result;
      return [y, onnxIndices(wg, indices, x.shape, attr(attrs, 'storage_order', 0) === 1)];
    },
    call1d: (wg, [x], attrs, { kernel, stride, padding, dilation }, { outputCount }) => {
      const returnIndices = outputCount > 1;
      const result = wg.maxPool1d(x, kernel, { stride, padding, dilation, ceilMode: attr(attrs, 'ceil_mode', 0) === 1, returnIndices });
      if (!returnIndices) return result;
      const [y, indices] = result;
      return [y, onnxIndices(wg, indices, x.shape, false)];
    },
  }),
  AveragePool: spatialEntry({
    wg: ['avgPool1d', 'avgPool2d', 'avgPool3d'],
    inputs: [F32],
    kernelOf: kernelAttr,
    ranks: [2, 3],
    call: (wg, [x], attrs, { rank, stride, padding, dilation }) =>
      wg[rank === 3 ? 'avgPool3d' : 'avgPool2d'](x, attrs.kernel_shape, {
        stride,
        padding,
        dilation,
        ceilMode: attr(attrs, 'ceil_mode', 0) === 1,
        countIncludePad: attr(attrs, 'count_include_pad', 0) === 1,
      }),
    call1d: (wg, [x], attrs, { kernel, stride, padding, dilation }) =>
      wg.avgPool1d(x, kernel, {
        stride,
        padding,
        dilation,
        ceilMode: attr(attrs, 'ceil_mode', 0) === 1,
        countIncludePad: attr(attrs, 'count_include_pad', 0) === 1,
      }),
  }),
  GlobalAveragePool: {
    wg: ['adaptiveAvgPool2d'],
    inputs: [F32],
    unsupported: (attrs, c) => (c.inputs[0].shape.length !== 4 ? 'only (N,C,H,W) input is mapped (2-D pooling)' : null),
    run: (wg, [x]) => wg.adaptiveAvgPool2d(x, 1),
  },
  GlobalMaxPool: {
    wg: ['globalMaxPool2d'],
    inputs: [F32],
    unsupported: (attrs, c) => (c.inputs[0].shape.length !== 4 ? 'only (N,C,H,W) input is mapped (2-D pooling)' : null),
    run: (wg, [x]) => wg.globalMaxPool2d(x),
  },
  // Training mode also returns updated running statistics. ONNX blends them with the population
  // variance and momentum on the old value (torch: the unbiased variance, momentum on the new), so
  // Y comes from wg.batchNorm with batch statistics and the running ones are recomputed here.
  BatchNormalization: {
    wg: ['batchNorm', 'mean', 'sub', 'mul', 'add'],
    inputs: [F32, F32, F32, F32, F32],
    run: (wg, [x, scale, bias, mean, variance], attrs, { outputCount }) => {
      const eps = attr(attrs, 'epsilon', 1e-5);
      if (attr(attrs, 'training_mode', 0) !== 1) return wg.batchNorm(x, mean, variance, { weight: scale, bias, eps });
      const y = wg.batchNorm(x, null, null, { weight: scale, bias, eps, training: true });
      if (outputCount === 1) return y;
      const axes = [0, ...range(2, x.shape.length)];
      const batchMean = wg.mean(x, axes);
      const centred = wg.sub(x, wg.mean(x, axes, true));
      const batchVar = wg.mean(wg.mul(centred, centred), axes);
      const momentum = attr(attrs, 'momentum', 0.9);
      const blend = (running, batch) =>
        wg.add(wg.mul(running, wg.tensor(momentum)), wg.mul(batch, wg.tensor(1 - momentum)));
      return [y, blend(mean, batchMean), blend(variance, batchVar)].slice(0, outputCount);
    },
  },

  // ONNX Adam adds epsilon to sqrt(H) before bias correction; torch adds it after, so the same
  // update needs eps / sqrt(1 - beta2^t). T = 0 means "no bias correction" (adamStep's step 0).
  Adam: {
    wg: ['adamStep'],
    inputs: [SCALAR_F32, SCALAR_INT, F32],
    variadic: true,
    unsupported: (attrs) =>
      attr(attrs, 'norm_coefficient_post', 0) !== 0 ? 'norm_coefficient_post scales the param after the update; torch decays it before' : null,
    run: (wg, inputs, attrs) => {
      const { lr, t, n, x, g, states: [v, h] } = splitOptimizerInputs(inputs, 2);
      const beta2 = attr(attrs, 'beta', 0.999);
      const eps = attr(attrs, 'epsilon', 1e-6);
      const options = {
        lr,
        beta1: attr(attrs, 'alpha', 0.9),
        beta2,
        eps: t > 0 ? eps / Math.sqrt(1 - beta2 ** t) : eps,
        weightDecay: attr(attrs, 'norm_coefficient', 0),
        step: t,
      };
      for (let i = 0; i < n; i++) wg.adamStep(x[i], g[i], v[i], h[i], options);
      return [...x, ...v, ...h];
    },
  },
  // ONNX's T counts steps already taken; torch's step counts this one too.
  Adagrad: {
    wg: ['adagradStep'],
    inputs: [SCALAR_F32, SCALAR_INT, F32],
    variadic: true,
    run: (wg, inputs, attrs) => {
      const { lr, t, n, x, g, states: [h] } = splitOptimizerInputs(inputs, 1);
      const options = {
        lr,
        lrDecay: attr(attrs, 'decay_factor', 0),
        weightDecay: attr(attrs, 'norm_coefficient', 0),
        eps: attr(attrs, 'epsilon', 0),
        step: t + 1,
      };
      for (let i = 0; i < n; i++) wg.adagradStep(x[i], g[i], h[i], options);
      return [...x, ...h];
    },
  },
  // V = alpha*V + beta*G (beta is 1 on the first step, T = 0); torch's dampening is 1 - beta.
  Momentum: {
    wg: ['sgdStep'],
    inputs: [SCALAR_F32, SCALAR_INT, F32],
    variadic: true,
    run: (wg, inputs, attrs) => {
      const { lr, t, n, x, g, states: [v] } = splitOptimizerInputs(inputs, 1);
      const options = {
        lr,
        momentum: attrs.alpha,
        dampening: t > 0 ? 1 - attrs.beta : 0,
        weightDecay: attrs.norm_coefficient,
        nesterov: attrs.mode === 'nesterov',
      };
      for (let i = 0; i < n; i++) wg.sgdStep(x[i], g[i], v[i], options);
      return [...x, ...v];
    },
  },
};

/** ONNX indices may be negative (from the end); torch's index ops want them in [0, size). */
function wrapIndices(indices, size) {
  return Int32Array.from(indices.data, (raw) => {
    const i = Number(raw);
    if (i < -size || i >= size) throw new RangeError(`index ${i} is out of range for a dim of size ${size}`);
    return i < 0 ? i + size : i;
  });
}
