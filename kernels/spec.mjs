// The kernel boundary, declared once: every wasm task's argument block and the op-code enums both
// sides share. scripts/gen-kernels.mjs derives from it the AssemblyScript views the kernels read
// (assembly/generated/) and the typed TypeScript writers that fill them (bindings/runtime/generated/).
//
// A block is a list of 32-bit words, [name, kind, comment]: the comment gives a pointer's shape.
// Kinds:
//   ptr          a wasm address (0 where the comment says "or 0")
//   i32, f32     a number
//   bool         a flag, written 1 or 0
//   <Enum>       an op code of one of the enums below, passed by name from TypeScript
//   out          an i32 the kernel sets while it runs (written 0 before), returned by the writer
//   i32x3        three words, one per axis (depth, height, width)
//   operand      four words: a (B, H, rows, cols) operand's address and its element strides over
//                B, H and rows; cols are contiguous
//   i32[count]   a tail of `count` words; `count` is a word of the block, written from the length
//   Rec[count]   a tail of `count` records of the record type Rec (see records)
// Tails come last; the TypeScript writer checks that the whole block fits the argument area.

export const enums = {
  UnaryOp: {
    doc: 'The elementwise functions of the unary kernels: gelu is the erf form, gelu_tanh the tanh approximation.',
    // Per op: its cost in multiply-adds an element, so that threadsFor() wakes threads only when
    // they pay; and which tensor unary_backward_f32 reads as v, the forward input x or output y.
    tables: {
      UNARY_COST: { key: 'cost', type: 'number', doc: 'Rough cost per element in multiply-adds.' },
      BACKWARD_INPUT: { key: 'backward', type: "'x' | 'y'", doc: 'What unaryBackward\'s second tensor must be: the forward input x or its output y (relu works with either).' },
    },
    values: [
      { name: 'neg', cost: 1, backward: 'x' }, { name: 'abs', cost: 1, backward: 'x' },
      { name: 'exp', cost: 8, backward: 'y' }, { name: 'log', cost: 10, backward: 'x' },
      { name: 'sqrt', cost: 2, backward: 'y' }, { name: 'rsqrt', cost: 3, backward: 'y' },
      { name: 'square', cost: 1, backward: 'x' }, { name: 'reciprocal', cost: 2, backward: 'y' },
      { name: 'relu', cost: 1, backward: 'x' }, { name: 'leaky_relu', cost: 1, backward: 'x' },
      { name: 'sigmoid', cost: 10, backward: 'y' }, { name: 'tanh', cost: 12, backward: 'y' },
      { name: 'gelu_tanh', cost: 15, backward: 'x' }, { name: 'gelu', cost: 15, backward: 'x' },
      { name: 'sin', cost: 16, backward: 'x' }, { name: 'cos', cost: 16, backward: 'x' },
      { name: 'sign', cost: 1, backward: 'x' }, { name: 'affine', cost: 1, backward: 'x' },
      { name: 'clamp', cost: 1, backward: 'x' },
    ],
  },
  BinaryOp: {
    doc: 'The binary kernels\' ops; comparisons write float32 1 or 0 whatever the input dtype.',
    values: ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'],
  },
  ReduceOp: {
    doc: 'The reductions; argmax and argmin write int32 indices along the axis, the others float32.',
    values: ['sum', 'mean', 'sumsq', 'max', 'min', 'argmax', 'argmin'],
  },
};

export const records = {
  AdamTensor: {
    doc: 'One tensor of an Adam step: the parameter, its gradient and moment buffers, all (n).',
    words: [
      ['param', 'ptr', '(n)'],
      ['grad', 'ptr', '(n)'],
      ['expAvg', 'ptr', '(n)'],
      ['expAvgSq', 'ptr', '(n)'],
      ['n', 'i32'],
    ],
  },
};

export const blocks = [
  {
    name: 'Fill', file: 'fill.ts', tasks: ['fill_f32'],
    words: [['out', 'ptr', '(n)'], ['n', 'i32'], ['value', 'f32']],
  },
  {
    name: 'Random', file: 'random.ts', tasks: ['rand_uniform', 'rand_normal'],
    doc: 'Element i of out is a pure function of (seed, i).',
    words: [
      ['out', 'ptr', '(n)'], ['n', 'i32'],
      ['seedHigh', 'i32', 'the seed\'s upper 32 bits'], ['seedLow', 'i32', 'its lower 32 bits'],
      ['a', 'f32', 'uniform: the low end; normal: the mean'], ['b', 'f32', 'uniform: the high end; normal: the std'],
    ],
  },
  {
    name: 'Unary', file: 'elementwise.ts', tasks: ['unary_f32', 'unary_f32_reference'],
    words: [
      ['out', 'ptr', '(n)'], ['x', 'ptr', '(n)'], ['n', 'i32'], ['op', 'UnaryOp'],
      ['p0', 'f32', 'leaky_relu: slope; affine: scale; clamp: min'], ['p1', 'f32', 'affine: shift; clamp: max'],
    ],
  },
  {
    name: 'UnaryBackward', file: 'elementwise.ts', tasks: ['unary_backward_f32', 'unary_backward_f32_reference'],
    words: [
      ['dx', 'ptr', '(n)'], ['dy', 'ptr', '(n)'], ['v', 'ptr', '(n): the forward input x or output y, as the op needs'],
      ['n', 'i32'], ['op', 'UnaryOp'], ['p0', 'f32'], ['p1', 'f32'],
    ],
  },
  {
    name: 'Binary', file: 'binary.ts', tasks: ['binary_f32', 'binary_f32_reference', 'binary_i32', 'binary_i32_reference'],
    doc: 'out is (shape) contiguous; a and b are read through their element strides over the same shape.',
    words: [
      ['out', 'ptr', '(shape)'], ['a', 'ptr'], ['b', 'ptr'], ['op', 'BinaryOp'], ['ndim', 'i32'],
      ['shape', 'i32[ndim]'], ['aStrides', 'i32[ndim]'], ['bStrides', 'i32[ndim]'],
    ],
  },
  {
    name: 'Where', file: 'binary.ts', tasks: ['where'],
    doc: 'out is (shape) contiguous; cond, a and b are read through their element strides.',
    words: [
      ['out', 'ptr', '(shape)'], ['cond', 'ptr'], ['a', 'ptr'], ['b', 'ptr'],
      ['condIsInt', 'bool', 'cond holds int32 rather than float32'], ['ndim', 'i32'],
      ['shape', 'i32[ndim]'], ['condStrides', 'i32[ndim]'], ['aStrides', 'i32[ndim]'], ['bStrides', 'i32[ndim]'],
    ],
  },
  {
    name: 'StridedCopy', file: 'copy.ts', tasks: ['strided_copy'],
    doc: 'Element [i0, i1, ...] of x at its strides is written to out at its strides.',
    words: [
      ['out', 'ptr', '(shape) at outStrides'], ['x', 'ptr', '(shape) at xStrides'], ['ndim', 'i32'],
      ['shape', 'i32[ndim]'], ['xStrides', 'i32[ndim]'], ['outStrides', 'i32[ndim]'],
    ],
  },
  {
    name: 'Reduce', file: 'reduce.ts', tasks: ['reduce_f32', 'reduce_f32_reference'],
    words: [
      ['out', 'ptr', '(outer, inner)'], ['x', 'ptr', '(outer, len, inner)'],
      ['outer', 'i32'], ['len', 'i32'], ['inner', 'i32'], ['op', 'ReduceOp'],
    ],
  },
  {
    name: 'ReducePartial', file: 'reduce.ts', tasks: ['reduce_partial_f32'],
    words: [
      ['partials', 'ptr', '(rows, PARTS)'], ['x', 'ptr', '(rows, len)'], ['rows', 'i32'], ['len', 'i32'], ['op', 'ReduceOp'],
    ],
  },
  {
    name: 'ReduceCombine', file: 'reduce.ts', tasks: ['reduce_combine_f32'],
    words: [
      ['out', 'ptr', '(rows)'], ['partials', 'ptr', '(rows, PARTS)'], ['rows', 'i32'], ['len', 'i32'], ['op', 'ReduceOp'],
    ],
  },
  {
    name: 'Softmax', file: 'softmax.ts', tasks: ['softmax_f32', 'softmax_f32_reference'],
    words: [
      ['y', 'ptr', '(outer, len, inner)'], ['x', 'ptr', '(outer, len, inner)'],
      ['outer', 'i32'], ['len', 'i32'], ['inner', 'i32'], ['isLog', 'bool', 'log-softmax'],
    ],
  },
  {
    name: 'SoftmaxBackward', file: 'softmax.ts', tasks: ['softmax_backward_f32', 'softmax_backward_f32_reference'],
    words: [
      ['dx', 'ptr', '(outer, len, inner)'], ['y', 'ptr', '(outer, len, inner): the forward\'s output'],
      ['dy', 'ptr', '(outer, len, inner)'], ['outer', 'i32'], ['len', 'i32'], ['inner', 'i32'], ['isLog', 'bool'],
    ],
  },
  {
    name: 'CrossEntropy', file: 'cross_entropy.ts',
    tasks: ['cross_entropy_f32', 'cross_entropy_f32_reference', 'cross_entropy_backward_f32', 'cross_entropy_backward_f32_reference'],
    doc: 'The forward leaves dloss and weightSum unused.',
    words: [
      ['out', 'ptr', 'forward: loss (M); backward: dx (M, C)'], ['x', 'ptr', 'logits (M, C)'],
      ['target', 'ptr', '(M) int32'], ['classWeight', 'ptr', '(C), or 0 for all 1'], ['dloss', 'ptr', '(M)'],
      ['M', 'i32'], ['C', 'i32'], ['ignoreIndex', 'i32'], ['eps', 'f32', 'label smoothing'],
      ['scale', 'f32', 'multiplies every row\'s loss'], ['weightSum', 'f32', 'sum of the class weights (C without them)'],
    ],
  },
  {
    name: 'Gemm', file: 'gemm.ts', tasks: ['gemm', 'gemm_reference'],
    doc: 'C = alpha * op(A) op(B) + beta * C + bias, for each of `batch` products.',
    words: [
      ['a', 'ptr', '(batch) x (M, K), or (K, M) when transA; element strides lda, strideA'],
      ['b', 'ptr', '(batch) x (K, N), or (N, K) when transB; element strides ldb, strideB'],
      ['c', 'ptr', '(batch) x (M, N); element strides ldc, strideC'],
      ['M', 'i32'], ['N', 'i32'], ['K', 'i32'], ['lda', 'i32'], ['ldb', 'i32'], ['ldc', 'i32'],
      ['transA', 'bool'], ['transB', 'bool'], ['alpha', 'f32'], ['beta', 'f32'],
      ['bias', 'ptr', '(N), or 0 for none'], ['batch', 'i32'],
      ['strideA', 'i32', '0 broadcasts one A over the batch; likewise B'], ['strideB', 'i32'], ['strideC', 'i32'],
      ['workspace', 'ptr', 'nthreads x workspaceStride bytes'], ['workspaceStride', 'i32'],
      ['broadcastLoads', 'bool', 'the micro-kernel splats A by broadcast loads, not one load and shuffles (same bits)'],
    ],
  },
  {
    name: 'Im2col', file: 'im2col.ts', tasks: ['im2col', 'im2col_reference', 'col2im', 'col2im_reference'],
    words: [
      ['image', 'ptr', '(N, C, H, W)'], ['cols', 'ptr', 'N x C*KH*KW rows of OH*OW at the strides below'],
      ['N', 'i32'], ['C', 'i32'], ['H', 'i32'], ['W', 'i32'], ['KH', 'i32'], ['KW', 'i32'], ['OH', 'i32'], ['OW', 'i32'],
      ['sh', 'i32', 'stride'], ['sw', 'i32'], ['pt', 'i32', 'top and left padding'], ['pl', 'i32'],
      ['dh', 'i32', 'dilation'], ['dw', 'i32'],
      ['imageStride', 'i32', 'elements from image n\'s rows to image n+1\'s'],
      ['rowStride', 'i32', 'elements from row r of an image to row r+1'],
    ],
  },
  {
    name: 'Winograd', file: 'winograd.ts',
    tasks: [
      'winograd_f2k3_filter', 'winograd_f2k3_filter_adjoint', 'winograd_f2k3_input', 'winograd_f2k3_input_reference',
      'winograd_f2k3_output', 'winograd_f2k3_output_reference',
    ],
    doc: 'F(2x2, 3x3): the filter tasks read w and write u (the adjoint one reads w as (C, OC, 3, 3), the weight of the ' +
      'convolution whose input gradient this is), the input tasks read x and write v, the output tasks read m and bias and ' +
      'write y; T = N*tilesH*tilesW tiles.',
    words: [
      ['x', 'ptr', '(N, C, H, W)'], ['w', 'ptr', '(OC, C, 3, 3)'], ['u', 'ptr', '(16, OC, C)'],
      ['v', 'ptr', '(16, C, T)'], ['m', 'ptr', '(16, OC, T)'], ['y', 'ptr', '(N, OC, OH, OW)'],
      ['bias', 'ptr', '(OC), or 0 for none'], ['N', 'i32'], ['C', 'i32'], ['OC', 'i32'], ['H', 'i32'], ['W', 'i32'],
      ['OH', 'i32'], ['OW', 'i32'], ['pt', 'i32', 'top and left padding'], ['pl', 'i32'],
      ['tilesH', 'i32', 'ceil(OH / 2)'], ['tilesW', 'i32', 'ceil(OW / 2)'],
      ['scratch', 'ptr', 'nthreads x scratchStride bytes: the input task\'s stage of (2*tilesH + 2) x (2*tilesW + 10) floats'],
      ['scratchStride', 'i32'],
    ],
  },
  {
    name: 'WinogradWeightGrad', file: 'winograd_weight_grad.ts',
    tasks: ['winograd_f3k2_gradient', 'winograd_f3k2_gradient_reference', 'winograd_f3k2_weights'],
    doc: 'F(3x3, 2x2), the weight gradient of a 3x3 stride-1 convolution: the gradient tasks read dy and write u, the ' +
      'weights task reads m and writes dw; T = N*tilesH*tilesW tiles of 2x2 outputs.',
    words: [
      ['dy', 'ptr', '(N, OC, OH, OW)'], ['u', 'ptr', '(16, OC, T)'], ['m', 'ptr', '(16, OC, C)'], ['dw', 'ptr', '(OC, C, 3, 3)'],
      ['N', 'i32'], ['C', 'i32'], ['OC', 'i32'], ['OH', 'i32'], ['OW', 'i32'],
      ['tilesH', 'i32', 'ceil(OH / 2)'], ['tilesW', 'i32', 'ceil(OW / 2)'],
    ],
  },
  {
    name: 'ConvWeightGrad3x3', file: 'conv_weight_grad_3x3.ts',
    tasks: ['conv_weight_grad_3x3', 'conv_weight_grad_3x3_reference'],
    doc: 'The weight gradient of a 3x3 stride-1 convolution, directly: for few input channels.',
    words: [
      ['x', 'ptr', '(N, C, H, W)'], ['dy', 'ptr', '(N, OC, OH, OW)'], ['dw', 'ptr', '(OC, C, 3, 3)'],
      ['acc', 'ptr', '(OC, C, 9, 4): each tap\'s lane sums'],
      ['N', 'i32'], ['C', 'i32'], ['OC', 'i32'], ['H', 'i32'], ['W', 'i32'], ['OH', 'i32'], ['OW', 'i32'],
      ['pt', 'i32', 'top and left padding'], ['pl', 'i32'],
      ['scratch', 'ptr', 'nthreads x scratchStride bytes: a stage of (OH + 2) x (OW rounded up to 4, + 2) floats each'],
      ['scratchStride', 'i32'],
    ],
  },
  {
    name: 'ChannelBiasAdd', file: 'channels.ts', tasks: ['channel_bias_add'],
    words: [['y', 'ptr', '(N, C, S), updated in place'], ['bias', 'ptr', '(C)'], ['N', 'i32'], ['C', 'i32'], ['S', 'i32']],
  },
  {
    name: 'ChannelSum', file: 'channels.ts', tasks: ['channel_sum', 'channel_sum_reference'],
    words: [['out', 'ptr', '(C)'], ['x', 'ptr', '(N, C, S)'], ['N', 'i32'], ['C', 'i32'], ['S', 'i32']],
  },
  {
    name: 'Pool', file: 'pool.ts',
    tasks: [
      'max_pool', 'max_pool_reference', 'max_pool_backward', 'max_pool_backward_reference', 'max_pool_2x2s2',
      'avg_pool', 'avg_pool_reference', 'avg_pool_backward', 'avg_pool_backward_reference',
    ],
    doc: 'Per-axis words come in the order depth, height, width.',
    words: [
      ['x', 'ptr', 'x (or dx) is (P, D, H, W): P = N*C volumes'], ['y', 'ptr', 'y (or dy) is (P, OD, OH, OW)'],
      ['indices', 'ptr', '(P, OD, OH, OW) int32: (d*H + h)*W + w of each max in its volume, -1 for an empty window'],
      ['P', 'i32'], ['size', 'i32x3', 'D, H, W'], ['out', 'i32x3', 'OD, OH, OW'], ['kernel', 'i32x3'],
      ['stride', 'i32x3'], ['padBefore', 'i32x3', 'front, top, left'], ['padAfter', 'i32x3', 'back, bottom, right'],
      ['dilation', 'i32x3'],
      ['countIncludePad', 'bool', 'average pooling: divide by the taps inside the padded input, or the input itself'],
      ['badIndex', 'out', 'max pooling backward: 1 when an index is neither -1 nor inside its volume'],
    ],
  },
  {
    name: 'Upsample', file: 'upsample.ts',
    tasks: ['upsample_nearest', 'upsample_nearest_reference', 'upsample_nearest_backward', 'upsample_nearest_backward_reference'],
    words: [
      ['x', 'ptr', 'x (or dx) is (P, H, W): P = N*C planes'], ['y', 'ptr', 'y (or dy) is (P, H*SH, W*SW)'],
      ['P', 'i32'], ['H', 'i32'], ['W', 'i32'], ['SH', 'i32'], ['SW', 'i32'],
    ],
  },
  {
    name: 'BatchNorm', file: 'batchnorm.ts',
    tasks: ['batchnorm_train', 'batchnorm_train_reference', 'batchnorm_eval', 'batchnorm_eval_reference'],
    words: [
      ['x', 'ptr', '(N, C, S)'], ['y', 'ptr', '(N, C, S)'],
      ['gamma', 'ptr', '(C), or 0 for scale 1'], ['beta', 'ptr', '(C), or 0 for shift 0'],
      ['mean', 'ptr', 'training: the batch mean (C), written'], ['invstd', 'ptr', 'training: the inverse std (C), written'],
      ['runningMean', 'ptr', '(C): read in eval, updated in training, or 0'], ['runningVar', 'ptr', '(C), likewise'],
      ['N', 'i32'], ['C', 'i32'], ['S', 'i32'], ['eps', 'f32'], ['momentum', 'f32'],
    ],
  },
  {
    name: 'BatchNormBackward', file: 'batchnorm.ts', tasks: ['batchnorm_backward', 'batchnorm_backward_reference'],
    words: [
      ['dy', 'ptr', '(N, C, S)'], ['x', 'ptr', '(N, C, S)'],
      ['mean', 'ptr', '(C): what the training forward returned'], ['invstd', 'ptr', '(C)'],
      ['gamma', 'ptr', '(C), or 0'], ['dx', 'ptr', '(N, C, S), or 0 when only dgamma and dbeta are wanted'],
      ['dgamma', 'ptr', '(C), written'], ['dbeta', 'ptr', '(C), written'], ['N', 'i32'], ['C', 'i32'], ['S', 'i32'],
    ],
  },
  {
    name: 'LstmCellForward', file: 'lstm.ts', tasks: ['lstm_cell_forward', 'lstm_cell_forward_reference'],
    words: [
      ['gates', 'ptr', '(B, 4H): pre-activations in, activations i, f, g, o out'],
      ['cPrev', 'ptr', '(B, H)'], ['c', 'ptr', '(B, H), written'], ['h', 'ptr', '(B, H), written'],
      ['B', 'i32'], ['H', 'i32'],
    ],
  },
  {
    name: 'LstmCellBackward', file: 'lstm.ts', tasks: ['lstm_cell_backward', 'lstm_cell_backward_reference'],
    words: [
      ['acts', 'ptr', '(B, 4H): the activations the forward step saved'], ['cPrev', 'ptr', '(B, H)'],
      ['c', 'ptr', '(B, H): this step\'s cell state'],
      ['dy', 'ptr', '(B, H), or 0 for none: the loss\'s gradient on this step\'s output'],
      ['dhNext', 'ptr', '(B, H), or 0 for none: the gradient on h from the next step'],
      ['dc', 'ptr', '(B, H): in, dL/dc from the next step; out, dL/dc of the previous step'],
      ['dgates', 'ptr', '(B, 4H), written: dL/d(pre-activations)'], ['B', 'i32'], ['H', 'i32'],
    ],
  },
  {
    name: 'Attention', file: 'attention.ts',
    tasks: [
      'attention_forward', 'attention_forward_reference', 'attention_backward_reference',
      'attention_backward_probabilities', 'attention_backward_probabilities_reference', 'attention_backward_keys',
    ],
    doc: 'Heads are numbered n = b * H + h; the backward\'s block words cover heads head0 .. head0 + heads - 1.',
    words: [
      ['q', 'operand', '(B, H, T, D)'], ['k', 'operand', '(B, H, S, D); strides may be 0 (one K shared by all heads)'],
      ['v', 'operand', '(B, H, S, Dv)'], ['out', 'operand', '(B, H, T, Dv)'], ['dout', 'operand', '(B, H, T, Dv); backward only'],
      ['lse', 'ptr', '(B, H, T) contiguous'], ['mask', 'ptr', '(B, S) contiguous, or 0 for none'],
      ['maskFloat', 'bool', 'mask holds float32 rather than int32'],
      ['B', 'i32'], ['H', 'i32'], ['T', 'i32'], ['S', 'i32'], ['D', 'i32'], ['Dv', 'i32'],
      ['causal', 'bool'], ['scale', 'f32'],
      ['work', 'ptr', 'nthreads x workStride bytes of scratch'], ['workStride', 'i32'],
      ['dq', 'ptr', '(B, H, T, D) contiguous'], ['dk', 'ptr', '(B, H, S, D) contiguous'], ['dv', 'ptr', '(B, H, S, Dv) contiguous'],
      ['head0', 'i32'], ['heads', 'i32'], ['row0', 'i32', 'the first query row of the block'],
      ['rows', 'i32', 'query rows in the block'], ['cols', 'i32', 'keys the block\'s rows may see (min(S, row0 + rows) when causal)'],
      ['scores', 'ptr', '(heads, rows, cols) at strides blockHead, blockLd'], ['dscores', 'ptr', 'laid out as scores'],
      ['blockHead', 'i32'], ['blockLd', 'i32'],
      ['keys', 'ptr', '(B, H, S, D) contiguous: k with the hidden keys\' rows zeroed'],
      ['broadcastLoads', 'bool', 'the GEMM micro-kernel splats by broadcast loads (same bits), as Gemm\'s word'],
    ],
  },
  {
    name: 'GatherRows', file: 'gather.ts', tasks: ['gather_rows', 'scatter_add_rows'],
    doc: 'gather: out[i] = table[index[i]]; scatter: table[index[i]] += rows[i].',
    words: [
      ['table', 'ptr', '(rows of the table, width)'], ['rows', 'ptr', '(n, width)'], ['index', 'ptr', '(n) int32'],
      ['n', 'i32'], ['width', 'i32'],
    ],
  },
  {
    name: 'GatherElements', file: 'gather.ts', tasks: ['gather_elements', 'scatter_add_elements'],
    doc: 'gather: picks[o, j, i] = xs[o, index[o, j, i], i]; scatter: xs[o, index[o, j, i], i] += picks[o, j, i].',
    words: [
      ['xs', 'ptr', '(outer, nX, inner); zeroed by the caller for a scatter'], ['picks', 'ptr', '(outer, nIndex, inner)'],
      ['index', 'ptr', '(outer, nIndex, inner) int32 in [0, nX)'],
      ['outer', 'i32'], ['nX', 'i32'], ['nIndex', 'i32'], ['inner', 'i32'],
    ],
  },
  {
    name: 'Sgd', file: 'optim.ts', tasks: ['sgd', 'sgd_reference'],
    words: [
      ['param', 'ptr', '(n)'], ['grad', 'ptr', '(n)'], ['buffer', 'ptr', '(n): momentum buffer (any (n) when momentum is 0)'],
      ['n', 'i32'], ['lr', 'f32'], ['momentum', 'f32'], ['dampening', 'f32'], ['weightDecay', 'f32'],
      ['nesterov', 'bool'], ['firstStep', 'bool', 'the buffer starts as the gradient'],
    ],
  },
  {
    name: 'Adam', file: 'optim.ts', tasks: ['adam', 'adam_reference'],
    doc: 'stepSize = lr / (1 - beta1^t) and sqrtBiasCorrection2 = sqrt(1 - beta2^t), computed by the caller in f64.',
    words: [
      ['lr', 'f32'], ['beta1', 'f32'], ['beta2', 'f32'], ['eps', 'f32'], ['weightDecay', 'f32'],
      ['decoupled', 'bool', 'AdamW: decay the parameter, not the gradient'],
      ['stepSize', 'f32'], ['sqrtBiasCorrection2', 'f32'], ['count', 'i32'],
      ['tensors', 'AdamTensor[count]'],
    ],
  },
  {
    name: 'Adagrad', file: 'optim.ts', tasks: ['adagrad', 'adagrad_reference'],
    words: [
      ['param', 'ptr', '(n)'], ['grad', 'ptr', '(n)'], ['stateSum', 'ptr', '(n)'], ['n', 'i32'],
      ['clr', 'f32', 'lr / (1 + (step - 1) * lrDecay)'], ['weightDecay', 'f32'], ['eps', 'f32'],
    ],
  },
];
