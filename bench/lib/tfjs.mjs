// TensorFlow.js as a user who trains loads it: the full `@tensorflow/tfjs` package (tfjs-core alone
// registers no gradients, and tfjs-layers' orthogonal initializer needs its chained tensor
// methods), with the wasm backend pointed at its own files.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The tf namespace with the cpu and wasm backends registered and initialised. */
export async function loadTfjs() {
  const tf = await import('@tensorflow/tfjs');
  const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
  setWasmPaths(`${dirname(fileURLToPath(import.meta.resolve('@tensorflow/tfjs-backend-wasm')))}/`);
  await tf.setBackend('wasm');
  await tf.setBackend('cpu');
  return tf;
}

/**
 * A contender whose state lives on one backend: `make()` builds it after switching to `backend`
 * (tensors live where they are made), and `run(state)` is timed. Contenders take turns, so each
 * call switches the backend back first.
 */
export function onBackend(tf, backend, make, run) {
  let state = null;
  const use = () => {
    if (tf.getBackend() !== backend) tf.setBackend(backend);
    state ??= make();
    return state;
  };
  return { fn: () => run(use()), use };
}

export function randomArray(n) {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.random() * 2 - 1;
  return x;
}
