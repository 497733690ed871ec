// Interleaved spirals, the classic small test of whether a network can bend its decision
// boundaries: arm k of `classes` turns 4 radians outward from the centre, with Gaussian jitter.
import { SeededRandom } from '../../bindings/index.js';

export interface PointSet {
  /** (n, 2) row-major coordinates. */
  points: Float32Array;
  labels: Int32Array;
  count: number;
}

export function spirals(perClass: number, seed: number, classes = 3, noise = 0.2): PointSet {
  const rng = new SeededRandom(seed);
  const count = perClass * classes;
  const points = new Float32Array(count * 2);
  const labels = new Int32Array(count);
  for (let k = 0; k < classes; k++) {
    for (let i = 0; i < perClass; i++) {
      const j = k * perClass + i;
      const r = i / perClass;
      const theta = (2 * Math.PI * k) / classes + 4 * r + noise * rng.normal();
      points[2 * j] = r * Math.cos(theta);
      points[2 * j + 1] = r * Math.sin(theta);
      labels[j] = k;
    }
  }
  return { points, labels, count };
}
