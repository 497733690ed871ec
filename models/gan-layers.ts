// Layers that let a GAN's discriminator judge a batch's diversity, not only each sample: a
// generator that collapses onto a few modes then loses the game even when each of its samples
// looks real.
import * as wg from '../bindings/index.js';
import type { Tensor } from '../bindings/tensor.js';

/**
 * PacGAN packing (Lin et al. 2018): (n, d) samples become n/pack rows of `pack` samples side by side,
 * so the discriminator sees several samples of the same source (all real or all generated) at once.
 */
export class Pack extends wg.nn.Module {
  constructor(readonly pack: number) {
    super();
    if (!Number.isInteger(pack) || pack < 1) throw new wg.ArgumentError(`Pack: pack must be a whole number >= 1, got ${pack}`);
  }

  forward(x: Tensor): Tensor {
    const [n, d] = x.shape;
    if (x.ndim !== 2 || n % this.pack !== 0) {
      throw new wg.ShapeError(`Pack: expected (n, d) with n a multiple of ${this.pack}, got (${x.shape.join(', ')})`);
    }
    return wg.reshape(x, [n / this.pack, d * this.pack]);
  }
}

/**
 * The minibatch standard-deviation feature (Karras et al. 2018): appends to every row of (n, c) the
 * mean over features of their standard deviation across the batch, a low value betraying a
 * generator whose samples are all alike.
 */
export class MinibatchStd extends wg.nn.Module {
  forward(x: Tensor): Tensor {
    if (x.ndim !== 2) throw new wg.ShapeError(`MinibatchStd: expected (n, c), got (${x.shape.join(', ')})`);
    const centred = wg.sub(x, wg.mean(x, 0, true));
    // The epsilon keeps sqrt's gradient finite when every row is the same.
    const std = wg.sqrt(wg.add(wg.mean(wg.square(centred), 0, true), wg.full([1, 1], 1e-8)));
    return wg.cat([x, wg.expand(wg.reshape(wg.mean(std), [1, 1]), [x.shape[0], 1])], 1);
  }
}
