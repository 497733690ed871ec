// A tensor's values as text, laid out as PyTorch's repr (torch/_tensor_str.py) lays them out:
// one format for every element (integers as "1.", fixed 4 decimals, or scientific when the
// magnitudes span too much), rows wrapped at 80 columns, and past 1000 elements only the first
// and last 3 entries of each dim with "..." between.

/** The elements to print: element [i, j, ...] is values[base + i * strides[0] + j * strides[1] + ...]. */
export interface Printable {
  shape: readonly number[];
  strides: readonly number[];
  base: number;
  values: Float32Array | Int32Array;
  isFloat: boolean;
}

const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 80;
const PRECISION = 4;

/** One number in one of Python's formats: "{:.0f}", "{:.4f}" or "{:.4e}"; non-finite as nan, inf, -inf. */
function pythonFormat(v: number, style: 'int' | 'fixed' | 'sci'): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  const a = Math.abs(v);
  if (style === 'sci') {
    const [mantissa, exponent] = a.toExponential(PRECISION).split('e');
    const e = Number(exponent);
    return `${sign}${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  const digits = style === 'int' ? 0 : PRECISION;
  // A float32 times 10^4 is exact in a double (24 + 14 bits), so the tie Python breaks to even is seen exactly.
  const scaled = a * 10 ** digits;
  const floor = Math.floor(scaled);
  const n = scaled - floor > 0.5 || (scaled - floor === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
  if (digits === 0) return `${sign}${n}`;
  const whole = Math.floor(n / 10 ** digits);
  return `${sign}${whole}.${String(n - whole * 10 ** digits).padStart(digits, '0')}`;
}

interface Formatter {
  width: number;
  format(v: number): string;
}

/** PyTorch's _Formatter: one style and width for every element shown. */
function formatterFor(shown: readonly number[], isFloat: boolean): Formatter {
  if (!isFloat) {
    const width = Math.max(1, ...shown.map((v) => String(v).length));
    return { width, format: (v) => String(v).padStart(width) };
  }
  const finite = shown.filter((v) => Number.isFinite(v) && v !== 0);
  let style: 'int' | 'fixed' | 'sci' = 'int';
  let width = 1;
  if (finite.length > 0) {
    const magnitudes = finite.map(Math.abs);
    const lo = Math.min(...magnitudes);
    const hi = Math.max(...magnitudes);
    const integral = finite.every((v) => Number.isInteger(v));
    const wide = hi / lo > 1000 || hi > 1e8;
    style = wide || (!integral && lo < 1e-4) ? 'sci' : integral ? 'int' : 'fixed';
    // In int style every element gets a "." to say the dtype is floating; the width counts it.
    width = Math.max(...finite.map((v) => pythonFormat(v, style).length + (style === 'int' ? 1 : 0)));
  }
  const format = (v: number): string => {
    const text = pythonFormat(v, style) + (style === 'int' && Number.isFinite(v) ? '.' : '');
    return text.padStart(width);
  };
  return { width, format };
}

/** Indices along a dim of `size` that are printed: all, or the edges when summarising. */
function shownIndices(size: number, summarize: boolean): (number | null)[] {
  if (!summarize || size <= 2 * EDGE_ITEMS) return Array.from({ length: size }, (_, i) => i);
  const tail = Array.from({ length: EDGE_ITEMS }, (_, i) => size - EDGE_ITEMS + i);
  return [...Array.from({ length: EDGE_ITEMS }, (_, i) => i), null, ...tail];
}

/** The nested-bracket body of the repr, `indent` columns in (after "tensor("). */
export function formatValues(t: Printable, indent: number): string {
  const summarize = t.shape.reduce((n, d) => n * d, 1) > THRESHOLD;
  const shown: number[] = [];
  const collect = (dim: number, at: number): void => {
    if (dim === t.shape.length) {
      shown.push(t.values[at]);
      return;
    }
    for (const i of shownIndices(t.shape[dim], summarize)) if (i !== null) collect(dim + 1, at + i * t.strides[dim]);
  };
  collect(0, t.base);
  const formatter = formatterFor(shown, t.isFloat);
  if (t.shape.length === 0) return formatter.format(t.values[t.base]);

  const render = (dim: number, at: number, pad: number): string => {
    const indices = shownIndices(t.shape[dim], summarize);
    if (dim === t.shape.length - 1) {
      const items = indices.map((i) => (i === null ? ' ...' : formatter.format(t.values[at + i * t.strides[dim]])));
      const perLine = Math.max(1, Math.floor((LINE_WIDTH - pad) / (formatter.width + 2)));
      const lines: string[] = [];
      for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
      return `[${lines.join(`,\n${' '.repeat(pad + 1)}`)}]`;
    }
    const slices = indices.map((i) => (i === null ? '...' : render(dim + 1, at + i * t.strides[dim], pad + 1)));
    const rest = t.shape.length - dim - 1;
    return `[${slices.join(`,${'\n'.repeat(rest)}${' '.repeat(pad + 1)}`)}]`;
  };
  return render(0, t.base, indent);
}

/** PyTorch's _add_suffixes: ", suffix" on the same line while it fits in 80 columns, else on a new line. */
export function withSuffixes(body: string, suffixes: readonly string[], indent: number): string {
  let text = body;
  let lastLine = body.length - body.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLine + suffix.length + 2 > LINE_WIDTH) {
      text += `,\n${' '.repeat(indent)}${suffix}`;
      lastLine = indent + suffix.length;
    } else {
      text += `, ${suffix}`;
      lastLine += suffix.length + 2;
    }
  }
  return `${text})`;
}
