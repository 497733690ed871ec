// Tiles small grey images into one picture for a report: rows of equal-sized tiles on a mid-grey
// background, one pixel apart.
import type { ReportImage } from './zoo.js';

/** `rows[r][c]` is a (side, side) image with values in [0, 1]. */
export function imageGrid(title: string, rows: Float32Array[][], side: number, caption?: string): Extract<ReportImage, { pixels: Float32Array }> {
  const cols = Math.max(...rows.map((r) => r.length));
  const width = cols * (side + 1) + 1;
  const height = rows.length * (side + 1) + 1;
  const pixels = new Float32Array(width * height).fill(0.5);
  rows.forEach((row, r) => row.forEach((tile, c) => {
    for (let y = 0; y < side; y++) {
      pixels.set(tile.subarray(y * side, (y + 1) * side), (r * (side + 1) + 1 + y) * width + c * (side + 1) + 1);
    }
  }));
  return { title, caption, width, height, pixels };
}
