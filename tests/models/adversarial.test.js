import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { models } from '../../dist/models/index.js';
import { fgsm, pgd } from '../../dist/models/attacks.js';
import { convNet } from '../../dist/models/convnet.js';
import { labelledGridSvg } from '../../dist/models/labelled-grid-figure.js';

describe('zoo: adversarial (quick budget)', () => {
  let result;
  before(async function () {
    this.timeout(600_000);
    result = await models.adversarial.train({ budget: 'quick' });
  });
  after(() => result?.model.dispose());

  it('meets the scaled-down criterion: FGSM cuts accuracy by over a third, PGD further, adversarial fine-tuning wins back >= 0.1 under both', () => {
    console.log(`      ${result.criterion.measured}`);
    assert.ok(result.criterion.met, result.criterion.measured);
    const m = result.metrics;
    assert.ok(m.fgsmAccuracy <= 0.65 * m.cleanAccuracy);
    assert.ok(m.pgdAccuracy <= m.fgsmAccuracy);
    assert.ok(m.robustFgsmAccuracy >= m.fgsmAccuracy + 0.1);
    assert.ok(m.robustPgdAccuracy >= m.pgdAccuracy + 0.1);
  });

  it('gives the same final loss for the same seed', async function () {
    this.timeout(600_000);
    const again = await models.adversarial.train({ budget: 'quick' });
    assert.equal(again.history.at(-1).loss, result.history.at(-1).loss);
    assert.deepEqual(again.metrics, result.metrics);
    again.model.dispose();
  });

  it('puts the attacked examples into the report: six rows of ten tiles, the image rows captioned with classes, wrong ones flagged', () => {
    const [image] = result.images;
    assert.deepEqual(image.rows.map((r) => r.name), ['true class', 'clean', 'FGSM perturbation', 'FGSM', 'PGD-10 perturbation', 'PGD-10']);
    for (const row of image.rows) assert.equal(row.tiles.length, 10);
    const [truth, clean, , fgsmRow, , pgdRow] = image.rows;
    for (const row of [truth, clean, fgsmRow, pgdRow]) assert.equal(row.captions.length, 10);
    for (const row of [clean, fgsmRow, pgdRow]) row.flagged.forEach((wrong, i) => assert.equal(wrong, row.captions[i] !== truth.captions[i]));
    assert.ok(pgdRow.flagged.filter(Boolean).length >= clean.flagged.filter(Boolean).length, 'the attack leaves no more right than the clean images');
    const svg = labelledGridSvg(image.rows, image.side);
    assert.equal(svg.match(/<image /g).length, 6);
    assert.equal(svg.match(/<text /g).length, 4 * 10 + 6);
  });
});

describe('fgsm', () => {
  it('moves every pixel by eps along the sign of the input gradient, within [0, 1], and leaves no parameter gradients', () => {
    const model = convNet(3);
    model.eval();
    const x = wg.rand([4, 1, 28, 28], { seed: 9 });
    const y = wg.tensor(new Int32Array([0, 1, 2, 3]), [4]);
    const input = x.detach().requiresGrad_();
    wg.crossEntropy(model.forward(input), y).backward();
    const g = input.grad.toArray();
    model.zeroGrad();
    const adversarial = fgsm(model, x, y, 0.1).toArray();
    const clean = x.toArray();
    for (let i = 0; i < clean.length; i++) {
      const expected = Math.min(1, Math.max(0, clean[i] + 0.1 * Math.sign(g[i])));
      assert.ok(Math.abs(adversarial[i] - expected) < 1e-6, `pixel ${i}: ${adversarial[i]} vs ${expected}`);
    }
    assert.ok(model.parameters().every((p) => p.grad === null));
    assert.equal(x.grad, null);
    const before = wg.crossEntropy(model.forward(x), y).item();
    const after = wg.crossEntropy(model.forward(wg.tensor(adversarial, x.shape)), y).item();
    assert.ok(after > before, `loss ${before} -> ${after}`);
    model.dispose();
  });
});

describe('pgd', () => {
  it('stays in the eps-ball and the pixel range, raises the loss at least as far as FGSM, repeats with its seed, and leaves no gradients', () => {
    const model = convNet(3);
    model.eval();
    const x = wg.rand([8, 1, 28, 28], { seed: 11 });
    const y = wg.tensor(new Int32Array([0, 1, 2, 3, 4, 5, 6, 7]), [8]);
    const attacked = pgd(model, x, y, { eps: 0.1, steps: 10, seed: 4 });
    const a = attacked.toArray();
    const clean = x.toArray();
    for (let i = 0; i < clean.length; i++) {
      assert.ok(Math.abs(a[i] - clean[i]) <= 0.1 + 1e-6 && a[i] >= 0 && a[i] <= 1, `pixel ${i}: ${clean[i]} -> ${a[i]}`);
    }
    assert.deepEqual(pgd(model, x, y, { eps: 0.1, steps: 10, seed: 4 }).toArray(), a);
    assert.notDeepEqual(pgd(model, x, y, { eps: 0.1, steps: 10, seed: 5 }).toArray(), a);
    const loss = (t) => wg.crossEntropy(model.forward(t), y).item();
    const [before, afterFgsm, afterPgd] = [loss(x), loss(fgsm(model, x, y, 0.1)), loss(attacked)];
    assert.ok(afterPgd > before && afterPgd >= afterFgsm, `loss: clean ${before}, FGSM ${afterFgsm}, PGD ${afterPgd}`);
    assert.ok(model.parameters().every((p) => p.grad === null));
    model.dispose();
  });
});
