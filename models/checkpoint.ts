// A zoo model's checkpoint: the state dict, plus metadata naming the model and the verdict of the
// run that wrote it. Loading checks the file against the model first, so a checkpoint of another
// model is refused in one line listing the tensors that differ, not deep in loadStateDict.
import * as wg from '../bindings/index.js';
import type { Module } from '../bindings/nn/module.js';
import type { Tensor } from '../bindings/tensor.js';
import type { Budget, Criterion, ZooModel } from './zoo.js';

/** The run's verdict as `wasmgrad train` judged it, for `wasmgrad eval` to show. */
export interface RecordedVerdict {
  budget: Budget;
  criterion: Criterion;
}

/** The metadata strings `writeRun` stores beside the weights. */
export function checkpointMetadata(model: string, verdict: RecordedVerdict): Record<string, string> {
  return { model, budget: verdict.budget, criterion: JSON.stringify(verdict.criterion) };
}

/** The verdict a checkpoint records, or undefined for one written by other means (wg.saveWeights). */
export function recordedVerdict(metadata: Record<string, string>): RecordedVerdict | undefined {
  if (metadata.criterion === undefined || (metadata.budget !== 'full' && metadata.budget !== 'quick')) return undefined;
  return { budget: metadata.budget, criterion: JSON.parse(metadata.criterion) as Criterion };
}

/** At most this many tensors are named per kind of difference, to keep the error on one line. */
const NAMED = 4;

const listed = (entries: string[]) => entries.slice(0, NAMED).join(', ') + (entries.length > NAMED ? ` and ${entries.length - NAMED} more` : '');
const described = (t: Tensor) => `${t.dtype} [${t.shape.join(', ')}]`;

/** What differs between the tensors a model has and those a file holds, as one line; '' when they fit. */
function stateDictMismatch(expected: Record<string, Tensor>, found: Record<string, Tensor>): string {
  const missing = Object.keys(expected).filter((k) => !(k in found)).map((k) => `${k} ${described(expected[k])}`);
  const unexpected = Object.keys(found).filter((k) => !(k in expected)).map((k) => `${k} ${described(found[k])}`);
  const differing = Object.keys(expected).filter((k) => k in found && described(expected[k]) !== described(found[k]))
    .map((k) => `${k} is ${described(found[k])}, expected ${described(expected[k])}`);
  return [
    missing.length > 0 ? `missing ${listed(missing)}` : '',
    unexpected.length > 0 ? `unexpected ${listed(unexpected)}` : '',
    differing.length > 0 ? listed(differing) : '',
  ].filter((part) => part !== '').join('; ');
}

/** Builds `model` and loads the checkpoint at `path` into it, in eval mode; refuses a checkpoint that does not fit. */
export async function loadCheckpoint(model: ZooModel, path: string, seed?: number): Promise<{ net: Module; metadata: Record<string, string> }> {
  const { tensors, metadata } = await wg.loadWeights(path);
  const net = model.build(seed);
  const mismatch = stateDictMismatch(net.stateDict(), tensors);
  if (mismatch !== '') {
    net.dispose();
    for (const t of Object.values(tensors)) t.dispose();
    const holds = metadata.model === undefined ? ''
      : metadata.model === model.name ? ` (it was trained as ${model.name} with other options, e.g. --data)` : ` (it was trained as ${metadata.model})`;
    throw new wg.ArgumentError(`${path} does not fit ${model.name}${holds}: ${mismatch}`);
  }
  net.loadStateDict(tensors);
  for (const t of Object.values(tensors)) t.dispose();
  net.eval();
  return { net, metadata };
}
