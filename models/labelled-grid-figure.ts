// Draws a report's rows of captioned tiles: each row is one PNG strip, shown three times larger and
// kept sharp, inside an SVG that carries the text, so the report stays one self-contained file.
import { imageGrid } from './index.js';
import { base64, grayscalePng } from './png.js';
import type { LabelledRow } from './zoo.js';

const SCALE = 3;
const NAME_WIDTH = 130;
const CAPTION_HEIGHT = 16;

const escapeXml = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

export function labelledGridSvg(rows: readonly LabelledRow[], side: number): string {
  const tile = (side + 1) * SCALE;
  const cols = Math.max(...rows.map((r) => r.tiles.length));
  const rowHeight = tile + CAPTION_HEIGHT + 6;
  const width = NAME_WIDTH + cols * tile + SCALE;
  const parts = rows.map((row, r) => {
    const top = r * rowHeight;
    const strip = imageGrid(row.name, [row.tiles], side);
    const png = base64(grayscalePng(strip.pixels, strip.width, strip.height));
    const captions = row.captions.map((text, c) => `<text x="${NAME_WIDTH + c * tile + tile / 2}" y="${top + strip.height * SCALE + CAPTION_HEIGHT - 3}" text-anchor="middle"${
      row.flagged?.[c] ? ' fill="#d62728"' : ''}>${escapeXml(text)}</text>`).join('');
    return `<text x="0" y="${top + (strip.height * SCALE) / 2}" dominant-baseline="middle">${escapeXml(row.name)}</text>` +
      `<image x="${NAME_WIDTH}" y="${top}" width="${strip.width * SCALE}" height="${strip.height * SCALE}" style="image-rendering:pixelated" href="data:image/png;base64,${png}"/>${captions}`;
  });
  const height = rows.length * rowHeight;
  // The viewBox lets the figure shrink to the report's column, as its <img> figures do.
  return `<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" style="max-width:100%;height:auto" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="10">${parts.join('')}</svg>`;
}
