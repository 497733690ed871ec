// SVG figures for run reports: a scatter of 2-D samples against target circles, and a grid of
// grayscale images.
import { base64, grayscalePng } from './png.js';

export interface Circle {
  x: number;
  y: number;
  r: number;
}

/** Points (n, 2) as dots, with `circles` (e.g. the 3-sigma disc of each mode) drawn over them. */
export function scatterSvg(points: Float32Array, circles: Circle[], extent: number, size = 360): string {
  const scale = size / (2 * extent);
  const px = (v: number) => ((v + extent) * scale).toFixed(1);
  const py = (v: number) => ((extent - v) * scale).toFixed(1);
  const dots: string[] = [];
  for (let i = 0; i < points.length; i += 2) {
    if (Math.abs(points[i]) <= extent && Math.abs(points[i + 1]) <= extent) dots.push(`<circle cx="${px(points[i])}" cy="${py(points[i + 1])}" r="1.5"/>`);
  }
  const rings = circles.map((c) => `<circle cx="${px(c.x)}" cy="${py(c.y)}" r="${(c.r * scale).toFixed(1)}"/>`).join('');
  return `<svg width="${size}" height="${size}" xmlns="http://www.w3.org/2000/svg"><rect width="${size}" height="${size}" fill="#fff" stroke="#ccc"/>` +
    `<g fill="#1f77b4" fill-opacity="0.5">${dots.join('')}</g><g fill="none" stroke="#d62728" stroke-width="1.5">${rings}</g></svg>`;
}

/** `count` images (count, side, side) with values in [0, 1], tiled `columns` wide, as one PNG in an SVG. */
export function imageGridSvg(images: Float32Array, count: number, side: number, columns: number, zoom = 2): string {
  const rows = Math.ceil(count / columns);
  const width = columns * (side + 1) + 1;
  const height = rows * (side + 1) + 1;
  const grid = new Float32Array(width * height).fill(1);
  for (let n = 0; n < count; n++) {
    const top = 1 + Math.floor(n / columns) * (side + 1);
    const left = 1 + (n % columns) * (side + 1);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) grid[(top + y) * width + left + x] = images[n * side * side + y * side + x];
    }
  }
  const png = base64(grayscalePng(grid, width, height));
  return `<svg width="${width * zoom}" height="${height * zoom}" xmlns="http://www.w3.org/2000/svg">` +
    `<image width="${width * zoom}" height="${height * zoom}" style="image-rendering:pixelated" href="data:image/png;base64,${png}"/></svg>`;
}
