// Builds IDX files byte by byte from the format description, for the data tests.
const TYPE_CODES = { uint8: 0x08, int8: 0x09, int16: 0x0b, int32: 0x0c, float32: 0x0d, float64: 0x0e };
const WIDTHS = { uint8: 1, int8: 1, int16: 2, int32: 4, float32: 4, float64: 8 };

export function idxBytes(dtype, shape, values) {
  const width = WIDTHS[dtype];
  const bytes = new Uint8Array(4 + 4 * shape.length + values.length * width);
  const view = new DataView(bytes.buffer);
  bytes[2] = TYPE_CODES[dtype];
  bytes[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const start = 4 + 4 * shape.length;
  values.forEach((v, i) => {
    const at = start + i * width;
    if (dtype === 'uint8') view.setUint8(at, v);
    if (dtype === 'int8') view.setInt8(at, v);
    if (dtype === 'int16') view.setInt16(at, v, false);
    if (dtype === 'int32') view.setInt32(at, v, false);
    if (dtype === 'float32') view.setFloat32(at, v, false);
    if (dtype === 'float64') view.setFloat64(at, v, false);
  });
  return bytes;
}

/** A small Fashion-MNIST lookalike: pixel p of image n is (n * 31 + p) mod 256, label n mod 10. */
export function syntheticSplit(count) {
  const pixels = Array.from({ length: count * 28 * 28 }, (_, i) => (Math.floor(i / 784) * 31 + (i % 784)) % 256);
  const labels = Array.from({ length: count }, (_, n) => n % 10);
  return { images: idxBytes('uint8', [count, 28, 28], pixels), labels: idxBytes('uint8', [count], labels), pixels, labelValues: labels };
}
