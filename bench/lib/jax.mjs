// jax-js (npm @jax-js/jax) as a peer, on its wasm device. Node 20 has no `navigator`, so the device
// must be named to init(). jax-js arrays follow move semantics: an array passed to an op is
// consumed, and `.ref` keeps it for another use. Its ops are lazy, so every timed call waits until
// its result is ready.
import { randomArray } from './tfjs.mjs';

/** The jax namespace with the wasm device initialised and made the default. */
export async function loadJax() {
  const jax = await import('@jax-js/jax');
  const devices = await jax.init('wasm');
  if (!devices.includes('wasm')) throw new Error(`jax-js: the wasm device did not start (got ${devices.join(', ')})`);
  jax.defaultDevice('wasm');
  return jax;
}

/** C = A B for (M, K) and (K, N) float32 operands, jit-compiled as a user would. */
export function jaxMatmul(jax, { M, K, N }) {
  const { numpy: np } = jax;
  const a = np.array(randomArray(M * K), { shape: [M, K] });
  const b = np.array(randomArray(K * N), { shape: [K, N] });
  const product = jax.jit((x, y) => np.matmul(x, y));
  return {
    fn: async () => (await product(a.ref, b.ref).blockUntilReady()).dispose(),
    async: true,
    done: () => (a.dispose(), b.dispose(), product.dispose()),
  };
}

const B1 = 0.9;
const B2 = 0.999;
const EPS = 1e-8;

/**
 * One training step of a ReLU MLP of the given layer widths (softmax cross-entropy against one-hot
 * `labels`, PyTorch's Adam at `lr`), forward, gradients and update jit-compiled into one function.
 * Returns the step as an async function resolving to the loss, which the caller can check falls.
 */
export function jaxMlpStep(jax, { sizes, batch, labels, lr }) {
  const { numpy: np, nn } = jax;
  let params = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const bound = 1 / Math.sqrt(sizes[i]);
    params.push(np.array(randomArray(sizes[i] * sizes[i + 1]).map((u) => u * bound), { shape: [sizes[i], sizes[i + 1]] }));
    params.push(np.zeros([sizes[i + 1]]));
  }
  let moments = params.map((p) => np.zerosLike(p.ref));
  let squares = params.map((p) => np.zerosLike(p.ref));
  const classes = sizes[sizes.length - 1];
  const oneHot = new Float32Array(batch * classes);
  labels.forEach((label, row) => (oneHot[row * classes + label] = 1));
  const x = np.array(randomArray(batch * sizes[0]), { shape: [batch, sizes[0]] });
  const y = np.array(oneHot, { shape: [batch, classes] });

  const loss = (ps, xs, ys) => {
    let h = xs;
    for (let i = 0; i < ps.length; i += 2) {
      h = np.add(np.matmul(h, ps[i]), ps[i + 1]);
      if (i + 2 < ps.length) h = nn.relu(h);
    }
    return np.negative(np.mean(np.sum(np.multiply(nn.logSoftmax(h, -1), ys), -1)));
  };
  // The bias-corrected rate comes in as an array, so one compiled step serves every step count.
  const update = jax.jit((ps, ms, vs, xs, ys, rate) => {
    const [value, grads] = jax.valueAndGrad(loss)(ps.map((p) => p.ref), xs, ys);
    const m = ms.map((mi, i) => np.add(np.multiply(mi, B1), np.multiply(grads[i].ref, 1 - B1)));
    const v = vs.map((vi, i) => np.add(np.multiply(vi, B2), np.multiply(np.square(grads[i]), 1 - B2)));
    const next = ps.map((p, i) => np.subtract(p, np.multiply(rate.ref, np.divide(m[i].ref, np.add(np.sqrt(v[i].ref), EPS)))));
    rate.dispose();
    return [value, next, m, v];
  });
  let t = 0;
  return async () => {
    t++;
    const rate = (lr * Math.sqrt(1 - B2 ** t)) / (1 - B1 ** t);
    const [value, next, m, v] = update(params, moments, squares, x.ref, y.ref, np.array(rate));
    params = next;
    moments = m;
    squares = v;
    return (await value.data())[0];
  };
}
