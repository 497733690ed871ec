// The adversarial game of Goodfellow et al. (2014), shared by the GANs of the zoo: each step the
// discriminator learns to tell a real batch from a generated one, then the generator learns to
// fool it with the non-saturating loss -log D(G(z)), whose gradient stays strong while D wins.
import * as wg from '../bindings/index.js';
import type { Module } from '../bindings/nn/module.js';
import type { Tensor } from '../bindings/tensor.js';
import { LayerStatsRecorder } from './layer-stats.js';
import type { EpochRecord, Progress } from './zoo.js';

export interface AdversarialConfig {
  phase: string;
  generator: Module;
  discriminator: Module;
  /** Steps are grouped into `epochs` equal rounds, each closed by `evaluate`. */
  epochs: number;
  stepsPerEpoch: number;
  batch: number;
  lr: number;
  /**
   * The fraction of the steps after which both learning rates decay linearly to zero; 1 (the default)
   * keeps them constant. The falling step size lets the generator settle its samples onto the modes
   * instead of jittering around them as the two players keep moving.
   */
  decayAfter?: number;
  /** Generator input for `step`; called twice a step (purpose 0 for D's update, 1 for G's). */
  noise(step: number, purpose: 0 | 1): Tensor;
  /** A batch of real data for `step`. */
  real(step: number): Tensor;
  evaluate?(epoch: number): Record<string, number>;
  onProgress?: (p: Progress) => void;
  /** The module whose report shows both players' parameter statistics; the generator by default. */
  owner?: Module;
}

/** A player's trained parameters, named as in the pair that holds them. */
function playerParameters(player: string, m: Module): (readonly [string, Tensor])[] {
  return [...m.namedParameters()].filter(([, p]) => p.requiresGrad).map(([k, p]) => [`${player}.${k}`, p] as const);
}

/** Runs the game; history `loss` is the discriminator's, `generatorLoss` the generator's. */
export function adversarialTraining(cfg: AdversarialConfig): EpochRecord[] {
  const { generator: G, discriminator: D } = cfg;
  // beta1 = 0.5 (Radford et al. 2015): a long momentum lags behind a moving opponent.
  const optG = new wg.optim.Adam(G.parameters(), { lr: cfg.lr, betas: [0.5, 0.999] });
  const optD = new wg.optim.Adam(D.parameters(), { lr: cfg.lr, betas: [0.5, 0.999] });
  const history: EpochRecord[] = [];
  const stats = new LayerStatsRecorder(cfg.owner ?? G, cfg.epochs * cfg.stepsPerEpoch);
  const dParameters = playerParameters('discriminator', D);
  const gParameters = playerParameters('generator', G);
  const totalSteps = cfg.epochs * cfg.stepsPerEpoch;
  const decayStart = Math.floor((cfg.decayAfter ?? 1) * totalSteps);
  const started = performance.now();
  let step = 0;
  for (let epoch = 0; epoch < cfg.epochs; epoch++) {
    G.train();
    D.train();
    let dTotal = 0;
    let gTotal = 0;
    for (let s = 0; s < cfg.stepsPerEpoch; s++, step++) {
      const lr = step < decayStart ? cfg.lr : cfg.lr * (totalSteps - step) / (totalSteps - decayStart);
      optD.lr = lr;
      optG.lr = lr;
      const [dLoss, gLoss] = wg.scope(() => {
        const real = cfg.real(step);
        optD.zeroGrad();
        const fake = wg.noGrad(() => G.forward(cfg.noise(step, 0)));
        // A discriminator that packs samples (PacGAN) gives fewer verdicts than the batch has rows.
        const dReal = D.forward(real);
        const ones = wg.ones(dReal.shape);
        const dl = wg.add(wg.bceWithLogits(dReal, ones), wg.bceWithLogits(D.forward(fake), wg.zeros(dReal.shape)));
        dl.backward();
        if (stats.due(step)) stats.record(step, dParameters, () => optD.step());
        else optD.step();
        optG.zeroGrad();
        const gl = wg.bceWithLogits(D.forward(G.forward(cfg.noise(step, 1))), ones);
        gl.backward();
        if (stats.due(step)) stats.record(step, gParameters, () => optG.step());
        else optG.step();
        return [dl.item(), gl.item()];
      });
      dTotal += dLoss;
      gTotal += gLoss;
      const seconds = (performance.now() - started) / 1000;
      cfg.onProgress?.({
        phase: cfg.phase, epoch, epochs: cfg.epochs, step: s + 1, steps: cfg.stepsPerEpoch, loss: dLoss,
        samplesPerSecond: ((step + 1) * cfg.batch) / Math.max(seconds, 1e-9),
      });
    }
    G.eval();
    D.eval();
    history.push({
      epoch, loss: dTotal / cfg.stepsPerEpoch, generatorLoss: gTotal / cfg.stepsPerEpoch, ...(cfg.evaluate?.(epoch) ?? {}),
    });
  }
  optG.dispose();
  optD.dispose();
  D.zeroGrad();
  G.zeroGrad();
  return history;
}
