// char-lstm: a character-level language model (Karpathy's char-rnn), trained with teacher forcing
// on random windows. On the default grammar text the source's entropy rate is known exactly, so
// the held-out bits/char says how much of the structure the LSTM has learned; samples at several
// temperatures show the trade between fidelity and variety.
import * as wg from '../bindings/index.js';
import type { Tensor } from '../bindings/tensor.js';
import { bitsPerChar, sampleText, textSource, trainLanguageModel, VOCAB, type LmSetup } from './char-text.js';
import type { TrainOptions, TrainResult, ZooModel } from './zoo.js';

/** ids (B, T) -> embedding -> LSTM -> logits (B, T, V). */
export class CharLSTM extends wg.nn.Module {
  readonly embed: wg.nn.Embedding;
  readonly lstm: wg.nn.LSTM;
  readonly head: wg.nn.Linear;

  constructor(seed: number, readonly embedDim = 32, readonly hidden = 64) {
    super();
    this.embed = this.addModule('embed', new wg.nn.Embedding(VOCAB.length, embedDim, { seed }));
    this.lstm = this.addModule('lstm', new wg.nn.LSTM(embedDim, hidden, { batchFirst: true, seed: seed + 1 }));
    this.head = this.addModule('head', new wg.nn.Linear(hidden, VOCAB.length, { seed: seed + 10 }));
  }

  forward(ids: Tensor): Tensor {
    return this.head.forward(this.lstm.forward(this.embed.forward(ids)).output);
  }
}

/** Window, batch and steps: gpt trains on the same so its loss compares at equal steps. */
export function charSetup(opts: TrainOptions): LmSetup {
  const full = opts.budget !== 'quick';
  return {
    window: full ? 64 : 32, batch: opts.batch ?? (full ? 32 : 8), epochs: opts.epochs ?? (full ? 4 : 2), stepsPerEpoch: full ? 100 : 25,
    lr: opts.lr ?? 1e-2, seed: opts.seed ?? 1, evalWindows: full ? 300 : 50,
  };
}

export const SAMPLE_TEMPERATURES = [0.5, 0.8, 1.0];

async function train(opts: TrainOptions): Promise<TrainResult> {
  const full = opts.budget !== 'quick';
  const s = charSetup(opts);
  const source = await textSource(opts, 200000, 'running');
  const model = new CharLSTM(s.seed);
  const history = trainLanguageModel('char-lstm', model, source, s, opts);
  const bits = history[history.length - 1].testBitsPerChar;
  for (const temperature of SAMPLE_TEMPERATURES) {
    opts.log?.(`sample at temperature ${temperature}: ${JSON.stringify(sampleText(model, { temperature, length: 120, seed: s.seed }))}`);
  }
  const margin = full ? 0.15 : 0.5;
  const metrics: Record<string, number> = { testBitsPerChar: bits };
  if (source.entropy === undefined) {
    // No known entropy for arbitrary text: judge against the unigram model's bits/char.
    const unigram = unigramBits(source.train, source.test);
    metrics.unigramBitsPerChar = unigram;
    return {
      model, history, dataset: source.description, metrics,
      criterion: {
        description: 'held-out bits/char below a unigram model\'s', measured: `${bits.toFixed(3)} bits/char vs unigram ${unigram.toFixed(3)}`,
        met: bits < unigram,
      },
    };
  }
  metrics.sourceEntropy = source.entropy;
  return {
    model, history, dataset: source.description, metrics,
    criterion: {
      description: `held-out bits/char within ${margin} of the grammar's entropy rate`,
      measured: `${bits.toFixed(3)} bits/char vs entropy rate ${source.entropy.toFixed(3)} (gap ${(bits - source.entropy).toFixed(3)})`,
      met: bits - source.entropy <= margin,
    },
  };
}

/** Bits/char of `test` under add-one-smoothed character frequencies of `train`. */
function unigramBits(train: Int32Array, test: Int32Array): number {
  const counts = new Float64Array(VOCAB.length).fill(1);
  for (const c of train) counts[c]++;
  const total = train.length + VOCAB.length;
  let bits = 0;
  for (const c of test) bits -= Math.log2(counts[c] / total);
  return bits / test.length;
}

export const charLstm: ZooModel = {
  name: 'char-lstm',
  summary: 'character-level LSTM language model; samples at several temperatures',
  train,
  build: (seed = 1) => new CharLSTM(seed),
  async evaluate(model, opts = {}) {
    return { testBitsPerChar: bitsPerChar(model, (await textSource(opts, 1000, 'running')).test) };
  },
  sample: (model, opts) => sampleText(model, opts),
};
