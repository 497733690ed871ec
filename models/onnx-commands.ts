// `wasmgrad import model.onnx` (what the file holds and whether wasmgrad runs it) and
// `wasmgrad finetune model.onnx --data ...` (fine-tune an image classifier, save it as ONNX).
import { readFile } from 'node:fs/promises';
import * as wg from '../bindings/index.js';
import * as onnx from '../bindings/onnx/index.js';
import { finetuneOnnx, imagesOfClasses, loadImages } from './index.js';
import { progressPrinter } from './progress.js';

const describeValue = (v: { name: string; type: { dtype?: string; shape?: (number | string | null)[] | null } }): string =>
  `${v.name}: ${v.type.dtype ?? '?'} [${v.type.shape?.map((d) => d ?? '?').join(', ') ?? '?'}]`;

/** Prints the summary; exit code 1 when wasmgrad cannot load the model. */
export async function importCommand(path: string): Promise<number> {
  const s = onnx.inspect(await readFile(path));
  console.log(`${path}: ONNX opset ${s.opset ?? '?'}${s.producerName ? `, made by ${s.producerName}` : ''}`);
  console.log(`inputs:\n${s.inputs.map((v) => `  ${describeValue(v)}`).join('\n')}`);
  console.log(`outputs:\n${s.outputs.map((v) => `  ${describeValue(v)}`).join('\n')}`);
  console.log(`parameters and buffers (float initializers): ${s.parameters.length} tensors, ${s.parameterCount} numbers`);
  for (const p of s.parameters) console.log(`  ${p.name} [${p.dims.join(', ')}]`);
  console.log(`ops: ${Object.entries(s.ops).map(([op, n]) => `${op} x${n}`).join(', ')}`);
  if (s.problems.length === 0) {
    console.log('unsupported: none; wasmgrad loads and trains this model');
    return 0;
  }
  console.log(`unsupported (${s.problems.length}):\n${s.problems.map((p) => `  ${p}`).join('\n')}`);
  return 1;
}

/** "5-9" or "5,6,7" as class indices. */
function parseClasses(text: string): number[] {
  const range = /^(\d+)-(\d+)$/.exec(text);
  const classes = range ? Array.from({ length: Number(range[2]) - Number(range[1]) + 1 }, (_, i) => Number(range[1]) + i) : text.split(',').map(Number);
  if (classes.length === 0 || classes.some((c) => !Number.isInteger(c) || c < 0)) {
    throw new wg.ArgumentError(`--classes expects a range such as 5-9 or a list such as 5,6,7, got '${text}'`);
  }
  return classes;
}

/** Fine-tunes, prints the accuracy before and after, writes the ONNX file. */
export async function finetuneCommand(path: string, flags: Record<string, string | number | boolean>): Promise<number> {
  const info = await wg.ready(flags.threads === undefined ? {} : { threads: flags.threads as number });
  console.log(`wasmgrad finetune ${path}: ${info.runtime}, ${info.threads} thread${info.threads === 1 ? '' : 's'}`);
  const seed = (flags.seed as number | undefined) ?? 1;
  const [trainCount, testCount] = flags.quick ? [2000, 400] : [60000, 10000];
  const data = await loadImages({ data: flags.data as string | undefined, seed }, trainCount, testCount);
  if (data.note) console.log(data.note);
  const classes = typeof flags.classes === 'string' ? parseClasses(flags.classes) : null;
  const pick = (set: typeof data.train) => (classes === null ? set : imagesOfClasses(set, classes));
  const [train, test] = [pick(data.train), pick(data.test)];
  console.log(`${data.name}${classes ? `, classes ${classes.join(',')}: ${train.labels.length} training and ${test.labels.length} test images` : ''}`);
  const schedule = { epochs: (flags.epochs as number | undefined) ?? 1, batch: (flags.batch as number | undefined) ?? 16, lr: (flags.lr as number | undefined) ?? 2e-3, seed };
  const result = await finetuneOnnx(await readFile(path), train, test, schedule, { onProgress: progressPrinter(process.stderr), log: (line) => console.log(line) });
  const after = result.history[result.history.length - 1].testAccuracy;
  console.log(`test accuracy: ${result.accuracyBefore.toFixed(4)} as loaded, ${after.toFixed(4)} fine-tuned`);
  const out = (flags.out as string | undefined) ?? path.replace(/\.onnx$/, '') + '-finetuned.onnx';
  await wg.writeFileAtomic(out, result.bytes);
  console.log(`wrote ${out}`);
  result.model.dispose();
  return 0;
}
