// Gives Tensor a method for every op the registry flags with `method: true`: x.add(y) is
// add(x, y). tensor.ts cannot import the ops (they import it), so the methods are added to its
// prototype here, once every op has registered. Their types are generated from the same flags
// into tensor-method-types.ts (scripts/method-types.mjs, run by npm run build:ts).
import { methodNames } from './autograd/registry.js';
import * as ops from './ops/index.js';
import { Tensor } from './tensor.js';

/** The method form of an op function: its first parameter becomes `this`. */
export type MethodOf<F extends (self: Tensor, ...args: any[]) => unknown> = F extends (self: Tensor, ...args: infer A) => infer R
  ? (...args: A) => R
  : never;

const table: Record<string, unknown> = ops;

for (const name of methodNames()) {
  const fn = table[name];
  if (typeof fn !== 'function') throw new Error(`op ${name} is flagged as a Tensor method but ops/index.ts exports no function ${name}`);
  if (name in Tensor.prototype) throw new Error(`op ${name} is flagged as a Tensor method but Tensor already has a member ${name}`);
  Object.defineProperty(Tensor.prototype, name, {
    value: {
      [name](this: Tensor, ...args: unknown[]) {
        return fn(this, ...args);
      },
    }[name],
    writable: true,
    configurable: true,
  });
}
