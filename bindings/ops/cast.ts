// Changing a tensor's dtype: cast (float32 <-> int32) and the torch.Tensor.to/float/int forms.
// The conversion is the typed-array copy of the engine's memory views (float to int truncates
// toward zero, int to float rounds to nearest), one pass on the calling thread, so the bits do not
// depend on the thread count. Like PyTorch, the int32 side carries no gradient.
import { checkDType, type DType } from '../dtype.js';
import { DTypeError, formatShape } from '../errors.js';
import { empty } from '../creation.js';
import { engine } from '../runtime/engine.js';
import { markNonDifferentiable, registerComposite, registerKernel, runOp } from '../autograd/registry.js';
import { withContiguous } from '../kernels/operands.js';
import { Tensor } from '../tensor.js';
import { defineOptions, noOptions } from '../options.js';

// A dtype is a string here: checkDType names the dtypes, with a DTypeError, as every op does.
const CAST = defineOptions<{ dtype?: DType }>('cast', { dtype: 'string' }, ['dtype']);
const TO = defineOptions<{ dtype?: DType }>('to', { dtype: 'string' }, ['dtype']);
const FLOAT = noOptions('float');
const INT = noOptions('int');

/** The float32 values that truncate to an int32: NaN, infinities and anything past +-2^31 do not. */
function checkInt32Range(values: Float32Array, shape: readonly number[]): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v > -2147483649 && v < 2147483648)) {
      throw new DTypeError(`cast: value ${v} at index ${i} of float32 ${formatShape(shape)} does not fit int32 (NaN, infinite or beyond +-2^31)`);
    }
  }
}

registerKernel<{ dtype: DType }>({
  name: 'cast',
  simd: false,
  threaded: false,
  options: CAST,
  forward: ([x], { dtype }) =>
    withContiguous([x], ([src]) => {
      const heap = engine().heap;
      const start = src.ptr('cast') >> 2;
      if (src.dtype === 'float32' && dtype === 'int32') checkInt32Range(heap.f32.subarray(start, start + src.size), src.shape);
      const out = empty(src.shape, dtype);
      // empty() may have grown the memory, which replaces the views: they are read after it.
      const source = (src.dtype === 'int32' ? heap.i32 : heap.f32).subarray(start, start + src.size);
      (dtype === 'int32' ? heap.i32 : heap.f32).set(source, out.ptr('cast') >> 2);
      return out;
    }),
});
markNonDifferentiable('cast');

/** x in `dtype`: x itself when it has that dtype already (as torch.Tensor.to), else a converted copy. */
export function cast(x: Tensor, ...args: [dtype: DType] | [{ dtype: DType }]): Tensor {
  const dt = checkDType('cast', CAST.fromArguments(args).dtype);
  if (!(x instanceof Tensor) || x.dtype !== dt) return runOp('cast', [x], { dtype: dt });
  x.assertAlive('cast');
  return x;
}

/** torch.Tensor.to(dtype). */
export function to(x: Tensor, ...args: [dtype: DType] | [{ dtype: DType }]): Tensor {
  return cast(x, TO.fromArguments(args).dtype!);
}
/** torch.Tensor.float(): x as float32. */
export function float(x: Tensor, ...none: []): Tensor {
  FLOAT.fromArguments(none);
  return cast(x, 'float32');
}
/** torch.Tensor.int(): x as int32, truncated toward zero. */
export function int(x: Tensor, ...none: []): Tensor {
  INT.fromArguments(none);
  return cast(x, 'int32');
}

for (const [name, options] of [['to', TO], ['float', FLOAT], ['int', INT]] as const) {
  registerComposite({ name, builtFrom: ['cast'], method: true, options });
}
