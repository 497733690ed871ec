// Glyphs: ten classes of simple strokes drawn on 28x28 grey images, each shifted, scaled, turned
// and thickened at random, with pixel noise. The stand-in for Fashion-MNIST when that dataset is
// not installed: small, generated from a seed, and hard enough that a convnet must learn shapes.
import { SeededRandom } from '../../bindings/index.js';
import type { LabelledImages } from '../../bindings/data/loader.js';

export const GLYPH_CLASSES: readonly string[] = Object.freeze([
  'ring', 'vertical bar', 'horizontal bar', 'slash', 'backslash', 'plus', 'cross', 'square', 'triangle', 'L',
]);

const SIDE = 28;

type Segment = [number, number, number, number];

/** Strokes of each class in a unit box centred on 0 (y down); the ring is drawn apart. */
const STROKES: readonly (readonly Segment[])[] = [
  [],
  [[0, -1, 0, 1]],
  [[-1, 0, 1, 0]],
  [[-0.8, 1, 0.8, -1]],
  [[-0.8, -1, 0.8, 1]],
  [[0, -1, 0, 1], [-1, 0, 1, 0]],
  [[-0.8, -0.8, 0.8, 0.8], [-0.8, 0.8, 0.8, -0.8]],
  [[-0.8, -0.8, 0.8, -0.8], [0.8, -0.8, 0.8, 0.8], [0.8, 0.8, -0.8, 0.8], [-0.8, 0.8, -0.8, -0.8]],
  [[0, -0.9, 0.9, 0.8], [0.9, 0.8, -0.9, 0.8], [-0.9, 0.8, 0, -0.9]],
  [[-0.6, -1, -0.6, 0.9], [-0.6, 0.9, 0.7, 0.9]],
];

function segmentDistance(px: number, py: number, [x0, y0, x1, y1]: Segment): number {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const t = Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - x0 - t * dx, py - y0 - t * dy);
}

/** Draws one glyph of class `label` into `out` (28*28 values in [0, 1]). */
function drawGlyph(out: Float32Array, label: number, rng: SeededRandom): void {
  const cx = SIDE / 2 + (rng.uniform() * 2 - 1) * 4;
  const cy = SIDE / 2 + (rng.uniform() * 2 - 1) * 4;
  const scale = 6 + rng.uniform() * 3.5;
  const angle = (rng.uniform() * 2 - 1) * 0.25;
  const halfWidth = 0.9 + rng.uniform() * 0.8;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const ringRadius = 0.7 + rng.uniform() * 0.25;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      // The pixel in the glyph's own unit box: undo the shift, the turn and the scale.
      const ux = ((x + 0.5 - cx) * cos + (y + 0.5 - cy) * sin) / scale;
      const uy = (-(x + 0.5 - cx) * sin + (y + 0.5 - cy) * cos) / scale;
      const d = label === 0
        ? Math.abs(Math.hypot(ux, uy) - ringRadius)
        : Math.min(...STROKES[label].map((s) => segmentDistance(ux, uy, s)));
      // Anti-aliased: full ink inside the stroke, fading out over one pixel.
      const ink = Math.max(0, Math.min(1, halfWidth + 0.5 - d * scale));
      out[y * SIDE + x] = Math.max(0, Math.min(1, ink + 0.1 * rng.normal()));
    }
  }
}

/** `count` glyphs with labels cycling through the ten classes, as (count, 1, 28, 28). */
export function glyphs(count: number, seed: number): LabelledImages {
  const rng = new SeededRandom(seed);
  const images = new Float32Array(count * SIDE * SIDE);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % GLYPH_CLASSES.length;
    drawGlyph(images.subarray(i * SIDE * SIDE, (i + 1) * SIDE * SIDE), labels[i], rng);
  }
  return { images, labels, shape: [count, 1, SIDE, SIDE] };
}
