// SVG figures for run reports: a scatter of 2-D samples against target circles.

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
