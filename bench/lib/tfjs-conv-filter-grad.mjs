// tfjs-backend-wasm 4.22 registers Conv2D and its input gradient but not Conv2DBackpropFilter, so
// a conv net cannot train on it (tfjs issue #8474). This registers that kernel the way a user
// would, from the backend's own PadV2, Transpose and Conv2D: for stride 1 and no padding,
// dW[kh, kw, ci, co] = sum over n, oh, ow of x[n, oh + kh, ow + kw, ci] dy[n, oh, ow, co], which is
// a convolution of x with channels and batch swapped by dy with its batch as input channels.
// 'same' padding is the same sum over x padded as the forward padded it.
const KERNEL = 'Conv2DBackpropFilter';

/** Registers the kernel on the wasm backend; returns false if it was there already. */
export function patchWasmConvFilterGradient(tf) {
  if (tf.getKernel(KERNEL, 'wasm') !== undefined) return false;
  const transpose = tf.getKernel('Transpose', 'wasm').kernelFunc;
  const conv2d = tf.getKernel('Conv2D', 'wasm').kernelFunc;
  const padV2 = tf.getKernel('PadV2', 'wasm').kernelFunc;
  // Stride 1 'same': k - 1 zeros per axis, the smaller half before, as tfjs's forward places them.
  const sameSides = (k) => [Math.floor((k - 1) / 2), k - 1 - Math.floor((k - 1) / 2)];
  tf.registerKernel({
    kernelName: KERNEL,
    backendName: 'wasm',
    kernelFunc: ({ inputs: { x, dy }, backend, attrs }) => {
      const { strides, pad, dataFormat, filterShape } = attrs;
      const unit = (s) => [s].flat().every((v) => v === 1);
      if (!unit(strides) || !(pad === 'valid' || pad === 0 || pad === 'same') || (dataFormat ?? 'NHWC') !== 'NHWC') {
        throw new Error(`${KERNEL} (bench patch): only stride 1, pad 'valid' or 'same', NHWC; got strides ${strides}, pad ${pad}, ${dataFormat}`);
      }
      const padded = pad === 'same'
        ? padV2({ inputs: { x }, backend, attrs: { paddings: [[0, 0], sameSides(filterShape[0]), sameSides(filterShape[1]), [0, 0]], constantValue: 0 } })
        : x;
      const xT = transpose({ inputs: { x: padded }, backend, attrs: { perm: [3, 1, 2, 0] } }); // (Ci, H, W, N)
      if (padded !== x) backend.disposeData(padded.dataId);
      const dyT = transpose({ inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } }); // (OH, OW, N, Co)
      const dwT = conv2d({
        inputs: { x: xT, filter: dyT }, backend,
        attrs: { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: 1, dimRoundingMode: undefined },
      }); // (Ci, kh, kw, Co)
      const dw = transpose({ inputs: { x: dwT }, backend, attrs: { perm: [1, 2, 0, 3] } });
      for (const t of [xT, dyT, dwT]) backend.disposeData(t.dataId);
      if (dw.shape.some((d, i) => d !== filterShape[i])) throw new Error(`${KERNEL} (bench patch): got ${dw.shape}, expected ${filterShape}`);
      return dw;
    },
  });
  return true;
}
