// Two registries, as in tfjs: kernels (how an op computes its output) and gradients (how its
// backward computes input gradients from the output gradient). Each op file registers both side
// by side; `runOp` joins them and records the graph. docs/ops.md is generated from these tables.
import { ArgumentError, DTypeError, formatShape } from '../errors.js';
import { Tensor } from '../tensor.js';
import { isGradEnabled } from './grad-mode.js';
import { checkFinite, isAnomalyEnabled } from './anomaly.js';
import type { OptionsDeclaration } from '../options.js';

export type Attrs = Record<string, any>;

export interface KernelSpec<A extends Attrs = Attrs> {
  name: string;
  /** The forward runs a v128 kernel (false: scalar or pure view/metadata). */
  simd: boolean;
  /** The forward splits its work over the thread pool. */
  threaded: boolean;
  /** ONNX op types that the conformance suite maps onto this op. */
  onnx?: string[];
  /** The public function of this name, whose first argument is a tensor, is also a Tensor method (tensor-methods.ts). */
  method?: boolean;
  /**
   * What the op's public function accepts besides its tensors (noOptions when nothing): every call
   * is checked against it, and tests/nn/options.test.js walks the registry to prove it.
   */
  options?: OptionsDeclaration<object>;
  forward(inputs: readonly Tensor[], attrs: A): Tensor;
}

export interface GradientContext<A extends Attrs = Attrs> {
  inputs: readonly Tensor[];
  output: Tensor;
  attrs: A;
}

export interface GradientSpec<A extends Attrs = Attrs> {
  name: string;
  /** Gradients for each input, from the gradient of the output; null where none is needed. */
  backward(dy: Tensor, ctx: GradientContext<A>): readonly (Tensor | null)[];
}

/** An op built from other ops: no kernel or gradient of its own, listed for the docs. */
export interface CompositeSpec {
  name: string;
  builtFrom: string[];
  onnx?: string[];
  /** As KernelSpec.method: the public function of this name is also a Tensor method. */
  method?: boolean;
  /** As KernelSpec.options. */
  options?: OptionsDeclaration<object>;
}

const kernels = new Map<string, KernelSpec>();
const composites = new Map<string, CompositeSpec>();
const gradients = new Map<string, GradientSpec>();
/** Ops whose outputs carry no gradient by nature (argmax, comparisons): no gradient is owed. */
const nonDifferentiable = new Set<string>();

export function registerKernel<A extends Attrs>(spec: KernelSpec<A>): void {
  if (kernels.has(spec.name)) throw new Error(`kernel ${spec.name} registered twice`);
  kernels.set(spec.name, spec as KernelSpec);
}

export function registerGradient<A extends Attrs>(spec: GradientSpec<A>): void {
  if (gradients.has(spec.name)) throw new Error(`gradient ${spec.name} registered twice`);
  gradients.set(spec.name, spec as GradientSpec);
}

export function registerComposite(spec: CompositeSpec): void {
  if (composites.has(spec.name)) throw new Error(`composite ${spec.name} registered twice`);
  composites.set(spec.name, spec);
}

export function compositeRegistry(): ReadonlyMap<string, CompositeSpec> {
  return composites;
}

export function markNonDifferentiable(name: string): void {
  nonDifferentiable.add(name);
}

export function kernelRegistry(): ReadonlyMap<string, KernelSpec> {
  return kernels;
}

export function gradientRegistry(): ReadonlyMap<string, GradientSpec> {
  return gradients;
}

/** Names of the ops whose public function is also a Tensor method, sorted. */
export function methodNames(): string[] {
  return [...kernels.values(), ...composites.values()].filter((spec) => spec.method).map((spec) => spec.name).sort();
}

export function isNonDifferentiable(name: string): boolean {
  return nonDifferentiable.has(name);
}

/**
 * Sees every op a caller runs, with its inputs, attributes and output: how onnx.export traces
 * a module. Ops a kernel runs inside its own forward are part of that op, and not seen.
 */
export type OpObserver = (name: string, inputs: readonly Tensor[], attrs: Attrs, output: Tensor) => void;
let observer: OpObserver | null = null;
let kernelDepth = 0;

/** Installs the op observer (null removes it); returns the one it replaces. */
export function setOpObserver(next: OpObserver | null): OpObserver | null {
  const previous = observer;
  observer = next;
  return previous;
}

/** Runs a registered op and, when a gradient is wanted, records it for backward. */
export function runOp<A extends Attrs>(name: string, inputs: readonly Tensor[], attrs: A = {} as A): Tensor {
  const kernel = kernels.get(name);
  if (kernel === undefined) throw new ArgumentError(`no kernel registered for op ${name}`);
  for (const t of inputs) {
    if (!(t instanceof Tensor)) throw new ArgumentError(`${name}: expected Tensor inputs, got ${String(t)}`);
    t.assertAlive(name);
  }
  kernelDepth++;
  let output: Tensor;
  try {
    output = kernel.forward(inputs, attrs);
  } finally {
    kernelDepth--;
  }
  if (isAnomalyEnabled()) {
    try {
      checkFinite(name, [output], inputs);
    } catch (e) {
      output.dispose();
      throw e;
    }
  }
  if (kernelDepth === 0) observer?.(name, inputs, attrs, output);
  if (!isGradEnabled() || nonDifferentiable.has(name) || !inputs.some((t) => t.requiresGrad)) return output;
  const gradient = gradients.get(name);
  const ctx: GradientContext<A> = { inputs, output, attrs };
  output.requiresGrad = true;
  output.gradFn = {
    op: name,
    inputs,
    backward:
      gradient === undefined
        ? () => {
            throw new ArgumentError(`${name} has no gradient: it cannot be part of a graph you call backward() on`);
          }
        : (dy) => gradient.backward(dy, ctx as GradientContext),
  };
  return output;
}

/** Refuses int32 tensors where an op needs float32, naming the op and the offending input. */
export function expectFloat(op: string, ...tensors: Tensor[]): void {
  for (const t of tensors) {
    if (t.dtype !== 'float32') {
      throw new DTypeError(`${op}: expected float32 tensors, got ${t.dtype} of shape ${formatShape(t.shape)}`);
    }
  }
}
