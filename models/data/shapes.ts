// Seeded 28x28 images of simple shapes at random positions, sizes, rotations, stroke widths and
// brightness, over faint noise: a labelled set whose classes only the outline tells apart, so a
// classifier must learn shape rather than where or how bright the ink is.
import { SeededRandom } from '../../bindings/index.js';

export const SHAPE_SIDE = 28;
export const SHAPE_CLASSES: readonly string[] = Object.freeze(['disc', 'square', 'triangle', 'cross', 'ring', 'bar']);

export interface ShapeSet {
  /** Row-major (count, 1, 28, 28), ink in [0, 1]. */
  images: Float32Array;
  labels: Int32Array;
  count: number;
}

/** Whether the point (u, v), in the shape's own frame scaled so its size is 1, is inked. */
function inked(kind: number, u: number, v: number, stroke: number): boolean {
  switch (kind) {
    case 0: return u * u + v * v <= 1;
    case 1: return Math.abs(u) <= 0.8 && Math.abs(v) <= 0.8;
    case 2: return v <= 0.7 && v >= -0.9 + 1.9 * Math.abs(u) * 1.15;
    case 3: return (Math.abs(u) <= stroke && Math.abs(v) <= 1) || (Math.abs(v) <= stroke && Math.abs(u) <= 1);
    case 4: {
      const r = Math.sqrt(u * u + v * v);
      return r <= 1 && r >= 1 - 1.6 * stroke;
    }
    default: return Math.abs(u) <= 1 && Math.abs(v) <= stroke;
  }
}

/** `perClass` images of each shape class, in a seeded shuffled order. */
export function shapes(perClass: number, seed: number): ShapeSet {
  const rng = new SeededRandom(seed);
  const count = perClass * SHAPE_CLASSES.length;
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) labels[i] = i % SHAPE_CLASSES.length;
  rng.shuffle(labels);
  const side = SHAPE_SIDE;
  const images = new Float32Array(count * side * side);
  for (let n = 0; n < count; n++) {
    const size = 4.5 + 5 * rng.uniform();
    const cx = size + (side - 1 - 2 * size) * rng.uniform();
    const cy = size + (side - 1 - 2 * size) * rng.uniform();
    const angle = 2 * Math.PI * rng.uniform();
    const stroke = 0.22 + 0.15 * rng.uniform();
    const ink = 0.6 + 0.4 * rng.uniform();
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    const image = images.subarray(n * side * side, (n + 1) * side * side);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        // Four samples a pixel soften the edges, as a rasteriser's antialiasing would.
        let covered = 0;
        for (const [dx, dy] of [[-0.25, -0.25], [0.25, -0.25], [-0.25, 0.25], [0.25, 0.25]]) {
          const px = x + dx - cx;
          const py = y + dy - cy;
          if (inked(labels[n], (cos * px + sin * py) / size, (-sin * px + cos * py) / size, stroke)) covered++;
        }
        image[y * side + x] = Math.min(1, Math.max(0, (ink * covered) / 4 + 0.08 * rng.normal()));
      }
    }
  }
  return { images, labels, count };
}
