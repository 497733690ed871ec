// Line charts for the run report, as inline SVG with labelled axes and ticks at round values: a
// reader must be able to tell when (which epoch or step) something happened and at what scale.

export interface LineChartOptions {
  width: number;
  height: number;
  /** What x counts, e.g. 'epoch' or 'optimizer step'; x values are whole numbers. */
  xLabel: string;
  yLabel: string;
  /** A log-scale y axis, for quantities whose order of magnitude is what matters; values <= 0 are left out. */
  logY?: boolean;
}

const MARGIN = { left: 58, right: 10, top: 8, bottom: 34 };
/** Below this many points each one gets a dot, so a short run (or a single epoch) still shows its values. */
const MARKED_POINTS = 16;

/** The round spacing (1, 2 or 5 times a power of ten) that splits [lo, hi] into about `count` steps. */
function niceStep(lo: number, hi: number, count: number): number {
  const raw = (hi - lo) / Math.max(count, 1);
  if (!(raw > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const mantissa = raw / power;
  return (mantissa <= 1 ? 1 : mantissa <= 2 ? 2 : mantissa <= 5 ? 5 : 10) * power;
}

/** The multiples of `step` within [lo, hi], both ends included up to rounding. */
function multiplesWithin(lo: number, hi: number, step: number): number[] {
  const ticks: number[] = [];
  const slack = step * 1e-9;
  for (let k = Math.ceil((lo - slack) / step); k * step <= hi + slack; k++) ticks.push(k * step);
  return ticks;
}

/** A tick value with as many digits as its spacing needs: 0.25 beside 0.5, 1e-4 rather than 0.0001. */
export function formatTick(value: number, step: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e5) return value.toFixed(Math.max(0, Math.min(8, -Math.floor(Math.log10(step) + 1e-9))));
  const digits = Math.max(0, Math.floor(Math.log10(magnitude) + 1e-9) - Math.floor(Math.log10(step) + 1e-9));
  return value.toExponential(Math.min(digits, 6)).replace('e+', 'e');
}

interface Axis {
  /** The drawn range, in the axis's own units (log10 of the value on a log axis). */
  lo: number;
  hi: number;
  ticks: { at: number; label: string }[];
}

/** About `count` round ticks within [lo, hi] (lo < hi), and never fewer than two unless `minStep` forbids it. */
function roundTicks(lo: number, hi: number, count: number, minStep = 0): { step: number; ticks: number[] } {
  let step = Math.max(minStep, niceStep(lo, hi, count));
  let ticks = multiplesWithin(lo, hi, step);
  while (ticks.length < 2) {
    // The next round spacing down: 5 -> 2 -> 1 -> 0.5.
    const smaller = step * (Math.round(step / 10 ** Math.floor(Math.log10(step) + 1e-9)) === 5 ? 0.4 : 0.5);
    if (smaller < minStep) break;
    step = smaller;
    ticks = multiplesWithin(lo, hi, step);
  }
  return { step, ticks };
}

/** Every `stride`-th tick, so that at most `count` remain. */
function thinned<T>(ticks: T[], count: number): T[] {
  const stride = Math.ceil(ticks.length / Math.max(count, 1));
  return ticks.filter((_, i) => i % stride === 0);
}

function countAxis(xs: readonly number[], length: number): Axis {
  let lo = Math.min(...xs);
  let hi = Math.max(...xs);
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  const { step, ticks } = roundTicks(lo, hi, Math.max(2, Math.floor(length / 60)), 1);
  return { lo, hi, ticks: ticks.map((t) => ({ at: t, label: formatTick(t, step) })) };
}

/** A linear axis widened to the round ticks just outside the data, so both ends are labelled. */
function linearAxis(values: readonly number[], length: number): Axis {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi === lo) {
    const pad = Math.abs(lo) * 0.1 || 1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep(lo, hi, Math.max(2, Math.floor(length / 32)));
  lo = Math.floor(lo / step + 1e-9) * step;
  hi = Math.ceil(hi / step - 1e-9) * step;
  return { lo, hi, ticks: multiplesWithin(lo, hi, step).map((t) => ({ at: t, label: formatTick(t, step) })) };
}

/**
 * Ticks at powers of ten, or at 1, 2 and 5 times them, or at every digit times them: the sparsest
 * set that puts two ticks on the data's range. A range narrower than that (a weight RMS that moves
 * a few per cent) gets round values in between, still placed on the log scale.
 */
function logAxis(values: readonly number[], length: number): Axis {
  let lo = Math.log10(Math.min(...values));
  let hi = Math.log10(Math.max(...values));
  const pad = Math.max((hi - lo) * 0.05, 0.02);
  lo -= pad;
  hi += pad;
  const count = Math.max(2, Math.floor(length / 24));
  const powers = multiplesWithin(Math.floor(lo), Math.ceil(hi), 1);
  for (const mantissas of [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    const ticks = powers.flatMap((p) => mantissas.map((m) => ({ at: Math.log10(m) + p, label: formatTick(m * 10 ** p, 10 ** p) })))
      .filter((t) => t.at >= lo && t.at <= hi);
    if (ticks.length >= 2) return { lo, hi, ticks: thinned(ticks, count) };
  }
  const { step, ticks } = roundTicks(10 ** lo, 10 ** hi, count);
  return { lo, hi, ticks: ticks.map((t) => ({ at: Math.log10(t), label: formatTick(t, step) })) };
}

/** One series, y against x, with both axes labelled and ticked. Empty when no value can be drawn. */
export function lineChartSvg(xs: readonly number[], ys: readonly number[], options: LineChartOptions): string {
  const points = xs.map((x, i) => [x, ys[i]] as const).filter(([, y]) => Number.isFinite(y) && (!options.logY || y > 0));
  if (points.length === 0) return '';
  const { width, height } = options;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const xAxis = countAxis(points.map(([x]) => x), plotWidth);
  const yValues = points.map(([, y]) => (options.logY ? Math.log10(y) : y));
  const yAxis = options.logY ? logAxis(points.map(([, y]) => y), plotHeight) : linearAxis(yValues, plotHeight);
  const px = (x: number) => (MARGIN.left + (plotWidth * (x - xAxis.lo)) / (xAxis.hi - xAxis.lo)).toFixed(1);
  const py = (y: number) => (MARGIN.top + plotHeight - (plotHeight * (y - yAxis.lo)) / (yAxis.hi - yAxis.lo)).toFixed(1);
  const bottom = MARGIN.top + plotHeight;
  const yTicks = yAxis.ticks.map((t) => `<path d="M${MARGIN.left} ${py(t.at)}h${plotWidth}" stroke="#e4e4e4"/>` +
    `<text x="${MARGIN.left - 4}" y="${py(t.at)}" dy="0.35em" text-anchor="end">${t.label}</text>`).join('');
  const xTicks = xAxis.ticks.map((t) => `<path d="M${px(t.at)} ${bottom}v4" stroke="#888"/>` +
    `<text x="${px(t.at)}" y="${bottom + 15}" text-anchor="middle">${t.label}</text>`).join('');
  const line = points.map(([x], i) => `${px(x)},${py(yValues[i])}`).join(' ');
  const dots = points.length < MARKED_POINTS ? points.map(([x], i) => `<circle cx="${px(x)}" cy="${py(yValues[i])}" r="2.5"/>`).join('') : '';
  return `<svg width="${width}" height="${height}" font-family="sans-serif" font-size="11" xmlns="http://www.w3.org/2000/svg">` +
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="#fff" stroke="#bbb"/>${yTicks}${xTicks}` +
    `<text x="${MARGIN.left + plotWidth / 2}" y="${height - 3}" text-anchor="middle">${options.xLabel}</text>` +
    `<text transform="translate(11 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${options.yLabel}</text>` +
    `<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" points="${line}"/><g fill="#1f77b4">${dots}</g></svg>`;
}
