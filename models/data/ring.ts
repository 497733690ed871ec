// The ring of Gaussians of the mode-collapse literature (Metz et al. 2016, Srivastava et al. 2017):
// equal-weight isotropic Gaussians with their means evenly spaced on a circle.
import { SeededRandom } from '../../bindings/index.js';

export interface Ring {
  modes: number;
  radius: number;
  sigma: number;
}

/** The centre of mode k, as [x, y]. */
export function modeCentre(ring: Ring, k: number): [number, number] {
  const angle = (2 * Math.PI * k) / ring.modes;
  return [ring.radius * Math.cos(angle), ring.radius * Math.sin(angle)];
}

/** `count` points as row-major (count, 2), each from a uniformly chosen mode. */
export function ringSamples(ring: Ring, count: number, rng: SeededRandom): Float32Array {
  const points = new Float32Array(count * 2);
  for (let i = 0; i < count; i++) {
    const [x, y] = modeCentre(ring, rng.below(ring.modes));
    points[2 * i] = x + ring.sigma * rng.normal();
    points[2 * i + 1] = y + ring.sigma * rng.normal();
  }
  return points;
}

export interface ModeCoverage {
  /** Samples within 3 sigma of their nearest mode, per mode. */
  perMode: number[];
  /** Modes holding at least `minShare` of the samples within 3 sigma. */
  covered: number;
  /** Fraction of samples within 3 sigma of some mode. */
  highQuality: number;
}

/** How well `points` (n, 2) cover the ring; a mode counts as covered with >= minShare of the samples. */
export function modeCoverage(ring: Ring, points: Float32Array, minShare = 0.02): ModeCoverage {
  const n = points.length / 2;
  const perMode = new Array<number>(ring.modes).fill(0);
  const centres = Array.from({ length: ring.modes }, (_, k) => modeCentre(ring, k));
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < ring.modes; k++) {
      const dx = points[2 * i] - centres[k][0];
      const dy = points[2 * i + 1] - centres[k][1];
      // Modes are far more than 6 sigma apart, so a point is near at most one.
      if (dx * dx + dy * dy <= (3 * ring.sigma) ** 2) {
        perMode[k]++;
        break;
      }
    }
  }
  const near = perMode.reduce((a, b) => a + b, 0);
  return { perMode, covered: perMode.filter((c) => c >= minShare * n).length, highQuality: near / Math.max(n, 1) };
}
