// How a composite op runs its body. With no graph to record, every intermediate can go as soon as
// the result exists, so the body runs in a scope; with one, the graph holds the intermediates for
// backward and frees them there.
import { isGradEnabled } from '../autograd/grad-mode.js';
import { scope } from '../lifetime.js';
import type { Tensor } from '../tensor.js';

export function composed<T>(inputs: readonly (Tensor | null | undefined)[], body: () => T): T {
  const recorded = isGradEnabled() && inputs.some((t) => t?.requiresGrad === true);
  return recorded ? body() : scope(body);
}
