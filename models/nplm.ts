// nplm: Bengio et al.'s neural probabilistic language model (2003). Each of the previous n words is
// looked up in a shared table of learned feature vectors; a tanh layer over their concatenation
// predicts the next word. Because similar words get similar vectors, probability mass generalises
// to word sequences never seen in training — where a count-based trigram must fall back on its
// smoothing. Measured on template sentences whose word classes are known: perplexity against an
// add-one trigram, and whether each word's nearest embedding belongs to its own class.
import * as wg from '../bindings/index.js';
import type { Module } from '../bindings/nn/module.js';
import type { Tensor } from '../bindings/tensor.js';
import { BOS, EOS, templateSentences, WORD_CLASSES, WORDS } from './data/template-sentences.js';
import { fit, type Batch } from './fit.js';
import type { TrainOptions, TrainResult, ZooModel } from './zoo.js';

const CONTEXT = 3;
const INDEX = new Map(WORDS.map((w, i) => [w, i]));

class NPLM extends wg.nn.Module {
  readonly embed: wg.nn.Embedding;
  readonly hidden: wg.nn.Linear;
  readonly out: wg.nn.Linear;

  constructor(seed: number, readonly dim = 16, hiddenSize = 64) {
    super();
    this.embed = this.addModule('embed', new wg.nn.Embedding(WORDS.length, dim, { seed }));
    // Small initial features: the random part a word never gets gradient against would otherwise
    // dominate its learned part and hide the class structure.
    const small = wg.randn([WORDS.length, dim], { seed, std: 0.1 });
    this.embed.loadStateDict({ weight: small });
    small.dispose();
    this.hidden = this.addModule('hidden', new wg.nn.Linear(CONTEXT * dim, hiddenSize, { seed: seed + 1 }));
    this.out = this.addModule('out', new wg.nn.Linear(hiddenSize, WORDS.length, { seed: seed + 2 }));
  }

  /** context is int32 (B, CONTEXT) word ids; returns next-word logits (B, V). */
  forward(context: Tensor): Tensor {
    const features = wg.reshape(this.embed.forward(context), [context.shape[0], CONTEXT * this.dim]);
    return this.out.forward(wg.tanh(this.hidden.forward(features)));
  }
}

interface Examples {
  contexts: Int32Array;
  next: Int32Array;
}

/** One example per predicted word (and the end marker), its context padded with BOS. */
function examples(sentences: string[][]): Examples {
  const contexts: number[] = [];
  const next: number[] = [];
  for (const sentence of sentences) {
    const ids = [...Array(CONTEXT).fill(BOS), ...sentence, EOS].map((w) => INDEX.get(w)!);
    for (let i = CONTEXT; i < ids.length; i++) {
      contexts.push(...ids.slice(i - CONTEXT, i));
      next.push(ids[i]);
    }
  }
  return { contexts: Int32Array.from(contexts), next: Int32Array.from(next) };
}

/** Shuffled batches of int32 contexts (B, CONTEXT) and next words (B). */
function* exampleBatches(data: Examples, batch: number, rng: wg.SeededRandom): Generator<Batch> {
  const order = rng.shuffle(Int32Array.from(data.next.keys()));
  for (let start = 0; start + batch <= order.length; start += batch) {
    const contexts = new Int32Array(batch * CONTEXT);
    const next = new Int32Array(batch);
    for (let b = 0; b < batch; b++) {
      const row = order[start + b];
      contexts.set(data.contexts.subarray(row * CONTEXT, (row + 1) * CONTEXT), b * CONTEXT);
      next[b] = data.next[row];
    }
    yield { x: wg.tensor(contexts, [batch, CONTEXT]), y: wg.tensor(next, [batch]) };
  }
}

function perplexity(model: Module, data: Examples): number {
  const n = data.next.length;
  const nats = wg.scope(() => wg.noGrad(() =>
    wg.crossEntropy(model.forward(wg.tensor(data.contexts, [n, CONTEXT])), wg.tensor(data.next, [n])).item()));
  return Math.exp(nats);
}

/** Perplexity of an add-one-smoothed trigram, P(w | u, v) = (c(u v w) + 1) / (c(u v) + V). */
export function trigramPerplexity(train: Examples, test: Examples): number {
  const V = WORDS.length;
  const key = (c: Int32Array, i: number) => c[i * CONTEXT + CONTEXT - 2] * V + c[i * CONTEXT + CONTEXT - 1];
  const pairs = new Map<number, number>();
  const triples = new Map<number, number>();
  for (let i = 0; i < train.next.length; i++) {
    const k = key(train.contexts, i);
    pairs.set(k, (pairs.get(k) ?? 0) + 1);
    triples.set(k * V + train.next[i], (triples.get(k * V + train.next[i]) ?? 0) + 1);
  }
  let nats = 0;
  for (let i = 0; i < test.next.length; i++) {
    const k = key(test.contexts, i);
    nats -= Math.log(((triples.get(k * V + test.next[i]) ?? 0) + 1) / ((pairs.get(k) ?? 0) + V));
  }
  return Math.exp(nats / test.next.length);
}

/** Fraction of class words whose nearest other word by cosine of embeddings is in the same class. */
export function neighbourPurity(weight: Float32Array, dim: number): number {
  const classOf = new Map<number, string>();
  for (const [name, words] of Object.entries(WORD_CLASSES)) for (const w of words) classOf.set(INDEX.get(w)!, name);
  const ids = [...classOf.keys()];
  const norm = (i: number) => Math.hypot(...weight.subarray(i * dim, (i + 1) * dim));
  let pure = 0;
  for (const i of ids) {
    let best = -1;
    let bestCos = -Infinity;
    for (const j of ids) {
      if (j === i) continue;
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += weight[i * dim + d] * weight[j * dim + d];
      const cos = dot / (norm(i) * norm(j) + 1e-12);
      if (cos > bestCos) [best, bestCos] = [j, cos];
    }
    if (classOf.get(best) === classOf.get(i)) pure++;
  }
  return pure / ids.length;
}

const TEST_SENTENCES = 1000;

async function train(opts: TrainOptions): Promise<TrainResult> {
  const full = opts.budget !== 'quick';
  const seed = opts.seed ?? 1;
  const trainCount = full ? 2000 : 800;
  const trainSet = examples(templateSentences(trainCount, seed));
  const testSet = examples(templateSentences(TEST_SENTENCES, seed + 1000));
  const model = new NPLM(seed);
  const optimizer = new wg.optim.Adam(model.parameters(), { lr: opts.lr ?? 3e-3 });
  const batch = opts.batch ?? 64;
  const history = fit({
    phase: 'nplm', model, optimizer, epochs: opts.epochs ?? (full ? 20 : 6),
    stepsPerEpoch: Math.floor(trainSet.next.length / batch), samplesPerStep: batch,
    batches: (epoch) => exampleBatches(trainSet, batch, new wg.SeededRandom(seed, epoch)),
    loss: (x, y) => wg.crossEntropy(model.forward(x), y),
    evaluate: () => ({ testPerplexity: perplexity(model, testSet) }),
    onProgress: opts.onProgress,
  });
  optimizer.dispose();
  const nplmPerplexity = history[history.length - 1].testPerplexity;
  const trigram = trigramPerplexity(trainSet, testSet);
  const purity = neighbourPurity(model.embed.weight.toArray() as Float32Array, model.dim);
  const [gainTarget, purityTarget] = full ? [0.1, 0.8] : [0.05, 0.6];
  const gain = 1 - nplmPerplexity / trigram;
  return {
    model, history, dataset: `${trainCount} template sentences (seed ${seed}), ${TEST_SENTENCES} held out, ${WORDS.length} words`,
    metrics: { testPerplexity: nplmPerplexity, trigramPerplexity: trigram, neighbourPurity: purity },
    criterion: {
      description: `held-out perplexity >= ${gainTarget * 100}% below an add-one trigram's, and nearest-neighbour class purity of the embeddings >= ${purityTarget}`,
      measured: `perplexity ${nplmPerplexity.toFixed(3)} vs trigram ${trigram.toFixed(3)} (${(gain * 100).toFixed(1)}% lower); purity ${purity.toFixed(3)}`,
      met: gain >= gainTarget && purity >= purityTarget,
    },
  };
}

export const nplm: ZooModel = {
  name: 'nplm',
  summary: 'Bengio 2003 neural probabilistic language model vs an add-one trigram; word-class embeddings',
  train,
  build: (seed = 1) => new NPLM(seed),
  async evaluate(model, opts = {}) {
    const testSet = examples(templateSentences(TEST_SENTENCES, (opts.seed ?? 1) + 1000));
    return { testPerplexity: perplexity(model, testSet) };
  },
};
