// What the character language models (char-lstm, gpt) share: a fixed character vocabulary (so a
// checkpoint rebuilds without its data), the text sources, teacher-forced training on random
// windows, bits/char on held-out text and temperature sampling.
import * as wg from '../bindings/index.js';
import type { Module } from '../bindings/nn/module.js';
import type { Tensor } from '../bindings/tensor.js';
import { nodeBuiltin } from '../bindings/runtime/node-builtins.js';
import { echoEntropyRate, echoText, grammarEntropyRate, grammarText, LONGEST_ECHO_LINE } from './data/grammar-text.js';
import { fit, type Batch } from './fit.js';
import type { EpochRecord, SampleOptions, TrainOptions } from './zoo.js';

/** Newline, then printable ASCII 32..126; anything else reads as '?'. */
export const VOCAB = ['\n', ...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i))];
const INDEX = new Map(VOCAB.map((c, i) => [c, i]));
const UNKNOWN = INDEX.get('?')!;

export function encode(text: string): Int32Array {
  return Int32Array.from(text, (c) => INDEX.get(c) ?? UNKNOWN);
}

export function decode(ids: ArrayLike<number>): string {
  return Array.from(ids, (i) => VOCAB[i]).join('');
}

export interface TextSource {
  train: Int32Array;
  test: Int32Array;
  description: string;
  /** Bits/char of the source itself, when known. */
  entropy?: number;
}

/**
 * A text file, or every fortune file of a directory; fortune entries lose their `%` separators.
 * node:fs is imported on use so that the zoo still loads in a browser.
 */
async function readText(path: string): Promise<string> {
  const [{ readFile, readdir, stat }, { join }] = await Promise.all([nodeBuiltin('node:fs/promises'), nodeBuiltin('node:path')]);
  let files = [path];
  if ((await stat(path)).isDirectory()) {
    const names = (await readdir(path)).filter((f) => !/\.(dat|u8)$/.test(f)).sort().map((f) => join(path, f));
    files = [];
    for (const f of names) if ((await stat(f)).isFile()) files.push(f);
  }
  const texts = await Promise.all(files.map((f) => readFile(f, 'utf8')));
  return texts.map((t) => t.split('\n').filter((line) => line !== '%').join('\n')).join('\n');
}

/** Which generated text a model trains on when no --data is given. */
export type GrammarForm = 'running' | 'echo';

const GRAMMARS = {
  running: { text: grammarText, entropy: grammarEntropyRate, name: 'running text of a seeded probabilistic grammar' },
  echo: { text: echoText, entropy: echoEntropyRate, name: 'echo lines ("phrase, phrase.") of a seeded probabilistic grammar' },
};

/** The grammar in `form` (default, seeded; held-out text from another seed) or --data: its last tenth held out. */
export async function textSource(opts: TrainOptions, trainChars: number, form: GrammarForm): Promise<TextSource> {
  const seed = opts.seed ?? 1;
  if (opts.data === undefined) {
    const grammar = GRAMMARS[form];
    return {
      train: encode(grammar.text(trainChars, seed)), test: encode(grammar.text(20000, seed + 1000)),
      description: `${trainChars} characters of ${grammar.name} (seed ${seed})`,
      entropy: grammar.entropy(),
    };
  }
  const ids = encode(await readText(opts.data));
  const cut = Math.floor(ids.length * 0.9);
  return { train: ids.subarray(0, cut), test: ids.subarray(cut), description: `${opts.data} (${ids.length} characters)` };
}

/** Model input/target windows: x = ids[s, s+L), y = ids[s+1, s+L+1) for B seeded starts s. */
function* windows(ids: Int32Array, L: number, B: number, steps: number, rng: wg.SeededRandom): Generator<Batch> {
  for (let i = 0; i < steps; i++) {
    const x = new Int32Array(B * L);
    const y = new Int32Array(B * L);
    for (let b = 0; b < B; b++) {
      const s = rng.below(ids.length - L - 1);
      x.set(ids.subarray(s, s + L), b * L);
      y.set(ids.subarray(s + 1, s + L + 1), b * L);
    }
    yield { x: wg.tensor(x, [B, L]), y: wg.tensor(y, [B, L]) };
  }
}

/** Next-character cross-entropy in nats of a model mapping ids (B, L) to logits (B, L, V). */
function lmLoss(model: Module, x: Tensor, y: Tensor): Tensor {
  const logits = model.forward(x);
  return wg.crossEntropy(wg.reshape(logits, [y.size, VOCAB.length]), wg.reshape(y, [y.size]));
}

/**
 * Positions before this are not scored: a window's first characters have no context yet. From
 * here on every echo-line character sees its whole line, so the best possible score is the entropy rate.
 */
const WARMUP = LONGEST_ECHO_LINE;

/** Held-out text is scored in windows this long, whatever the training window. */
export const EVAL_WINDOW = 64;

/** Bits/char on consecutive held-out windows, scoring positions >= WARMUP. */
export function bitsPerChar(model: Module, ids: Int32Array, maxWindows = 200): number {
  const L = EVAL_WINDOW;
  const n = Math.min(maxWindows, Math.floor((ids.length - 1) / L));
  const x = new Int32Array(n * L);
  const y = new Int32Array(n * L);
  for (let w = 0; w < n; w++) {
    x.set(ids.subarray(w * L, (w + 1) * L), w * L);
    y.set(ids.subarray(w * L + 1, (w + 1) * L + 1), w * L);
    y.fill(-100, w * L, w * L + WARMUP);
  }
  const nats = wg.scope(() => wg.noGrad(() => lmLoss(model, wg.tensor(x, [n, L]), wg.tensor(y, [n, L])).item()));
  return nats / Math.LN2;
}

export interface LmSetup {
  window: number;
  batch: number;
  epochs: number;
  stepsPerEpoch: number;
  lr: number;
  seed: number;
  /** Held-out windows scored after each epoch. */
  evalWindows: number;
}

/** Teacher-forced training on random windows of source.train; each epoch reports held-out bits/char. */
export function trainLanguageModel(phase: string, model: Module, source: TextSource, s: LmSetup, opts: TrainOptions): EpochRecord[] {
  const optimizer = new wg.optim.Adam(model.parameters(), { lr: s.lr });
  const history = fit({
    phase, model, optimizer, epochs: s.epochs, stepsPerEpoch: s.stepsPerEpoch, samplesPerStep: s.batch * s.window,
    batches: (epoch) => windows(source.train, s.window, s.batch, s.stepsPerEpoch, new wg.SeededRandom(s.seed, epoch + 1)),
    loss: (x, y) => lmLoss(model, x, y), clipGradNorm: 1,
    evaluate: () => ({ testBitsPerChar: bitsPerChar(model, source.test, s.evalWindows) }),
    onProgress: opts.onProgress,
  });
  optimizer.dispose();
  return history;
}

/** Draws characters one at a time from softmax(logits / temperature), feeding back the last EVAL_WINDOW. */
export function sampleText(model: Module, opts: SampleOptions = {}): string {
  const temperature = opts.temperature ?? 1;
  if (!(temperature > 0)) throw new wg.ArgumentError(`sample: temperature must be > 0, got ${temperature}`);
  const rng = new wg.SeededRandom(opts.seed ?? 1, 7);
  const ids = Array.from(encode(opts.prompt ?? ' '));
  const start = ids.length;
  for (let i = 0; i < (opts.length ?? 200); i++) {
    const context = ids.slice(-EVAL_WINDOW);
    const logits = wg.scope(() => wg.noGrad(() => {
      const out = model.forward(wg.tensor(Int32Array.from(context), [1, context.length]));
      return wg.narrow(out, 1, context.length - 1, 1).toArray() as Float32Array;
    }));
    const top = Math.max(...logits);
    const weights = Array.from(logits, (v) => Math.exp((v - top) / temperature));
    let u = rng.uniform() * weights.reduce((a, b) => a + b, 0);
    let k = 0;
    while (k < weights.length - 1 && (u -= weights[k]) >= 0) k++;
    ids.push(k);
  }
  return decode(ids.slice(start));
}
