// White-box attacks within an L-infinity ball of radius eps around an image, pixels kept in [0, 1].
// FGSM (Goodfellow et al. 2015) takes one step of eps along the sign of the loss's input gradient:
// the best first-order move. PGD (Madry et al. 2018) starts at a random point of the ball and takes
// several smaller signed steps, projecting back into the ball after each: it finds what the curved
// loss hides from one linear step. With one step of 1.25 eps from a random start it is the cheap
// attack that adversarial training uses (Wong et al. 2020, "fast is better than free").
import * as wg from '../bindings/index.js';
import type { LabelledImages } from '../bindings/data/loader.js';
import type { Module } from '../bindings/nn/module.js';
import type { Tensor } from '../bindings/tensor.js';

/** An attack: adversarial versions of the images `x` (N, C, H, W) with labels `y` (N). */
export type Attack = (model: Module, x: Tensor, y: Tensor) => Tensor;

/**
 * sign(d loss / d x) at `x`. Runs backward through the model, so it drops the parameters'
 * gradients afterwards: the caller's next step must not see them.
 */
function lossGradientSign(model: Module, x: Tensor, y: Tensor): Tensor {
  return wg.scope(() => {
    const input = x.detach().requiresGrad_();
    wg.crossEntropy(model.forward(input), y).backward();
    const direction = wg.sign(input.grad!);
    model.zeroGrad();
    return direction;
  });
}

/** x + eps * sign(d loss / d x), clipped to the pixel range [0, 1]. */
export function fgsm(model: Module, x: Tensor, y: Tensor, eps: number): Tensor {
  return wg.scope(() => {
    const direction = lossGradientSign(model, x, y);
    return wg.noGrad(() => wg.clamp(wg.add(x, wg.mul(direction, eps)), 0, 1));
  });
}

export interface PgdOptions {
  eps: number;
  steps: number;
  /** Each signed step's size; Madry et al.'s 2.5 eps / steps by default, so the walk can cross the ball. */
  stepSize?: number;
  /** Seeds the random start, so an attack is repeatable. */
  seed: number;
}

/** Projected gradient descent on the loss (ascent, for the attacker) from a uniform random start in the ball. */
export function pgd(model: Module, x: Tensor, y: Tensor, { eps, steps, stepSize = (2.5 * eps) / steps, seed }: PgdOptions): Tensor {
  return wg.scope(() => {
    const lo = wg.noGrad(() => wg.clamp(wg.sub(x, eps), 0, 1));
    const hi = wg.noGrad(() => wg.clamp(wg.add(x, eps), 0, 1));
    const project = (v: Tensor) => wg.minimum(wg.maximum(v, lo), hi);
    let adversarial = wg.noGrad(() => project(wg.add(x, wg.rand(x.shape, { seed, low: -eps, high: eps }))));
    for (let step = 0; step < steps; step++) {
      const next = wg.scope(() => {
        const direction = lossGradientSign(model, adversarial, y);
        return wg.noGrad(() => project(wg.add(adversarial, wg.mul(direction, stepSize))));
      });
      adversarial.dispose();
      adversarial = next;
    }
    return adversarial;
  });
}

/** Accuracy on images that `attack` made against `model` itself, in chunks; the model's mode is left as it is. */
export function accuracyUnderAttack(model: Module, set: LabelledImages, attack: Attack, chunk = 500): number {
  const [n, ...imageShape] = set.shape;
  const size = imageShape.reduce((a, b) => a * b, 1);
  let correct = 0;
  for (let start = 0; start < n; start += chunk) {
    const count = Math.min(chunk, n - start);
    const predicted = wg.scope(() => {
      const x = wg.tensor(set.images.subarray(start * size, (start + count) * size), [count, ...imageShape]);
      const y = wg.tensor(set.labels.subarray(start, start + count), [count]);
      const adversarial = attack(model, x, y);
      return wg.noGrad(() => wg.argmax(model.forward(adversarial), 1).toArray());
    });
    for (let i = 0; i < count; i++) if (predicted[i] === set.labels[start + i]) correct++;
  }
  return correct / n;
}
