import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { models } from '../../dist/models/index.js';
import { grammarEntropyRate, grammarText } from '../../dist/models/data/grammar-text.js';

const run = promisify(execFile);
const CLI = new URL('../../dist/models/wasmgrad.js', import.meta.url).pathname;
const GRAMMAR_CHARS = new Set('abdeikmnorstu .\n');

describe('zoo: char-lstm (quick budget)', () => {
  let result;
  before(async function () {
    result = await models['char-lstm'].train({ budget: 'quick' });
  });
  after(() => result?.model.dispose());

  it('has a grammar whose entropy rate matches the empirical entropy of its text given the state', () => {
    // Empirical plug-in estimate: the state is fixed by the characters since the last space, so
    // H(next | word so far) over a long text converges to the exact rate.
    const text = grammarText(200000, 9);
    const counts = new Map();
    let prefix = '';
    for (const c of text) {
      const key = `${prefix}|${c}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      prefix = c === ' ' || c === '\n' ? '' : prefix + c;
    }
    const totals = new Map();
    for (const [key, n] of counts) totals.set(key.split('|')[0], (totals.get(key.split('|')[0]) ?? 0) + n);
    let bits = 0;
    for (const [key, n] of counts) bits -= n * Math.log2(n / totals.get(key.split('|')[0]));
    assert.ok(Math.abs(bits / text.length - grammarEntropyRate()) < 0.01, `${bits / text.length} vs ${grammarEntropyRate()}`);
  });

  it('meets the scaled-down criterion: held-out bits/char within 0.5 of the entropy rate', () => {
    console.log(`      ${result.criterion.measured}`);
    assert.ok(result.criterion.met, result.criterion.measured);
    assert.ok(result.metrics.testBitsPerChar - result.metrics.sourceEntropy <= 0.5);
  });

  it('samples mostly grammar characters at low temperature, the same text for the same seed', () => {
    const model = models['char-lstm'];
    const text = model.sample(result.model, { temperature: 0.5, length: 60, seed: 2 });
    assert.equal(text.length, 60);
    const inGrammar = [...text].filter((c) => GRAMMAR_CHARS.has(c)).length;
    assert.ok(inGrammar >= 54, JSON.stringify(text));
    assert.equal(model.sample(result.model, { temperature: 0.5, length: 60, seed: 2 }), text);
    assert.throws(() => model.sample(result.model, { temperature: 0 }), /temperature must be > 0/);
  });

  it('gives the same loss for the same seed', async () => {
    const again = await models['char-lstm'].train({ budget: 'quick', epochs: 1 });
    assert.equal(again.history.at(-1).loss, result.history[0].loss);
    again.model.dispose();
  });

  it('samples from a checkpoint with `wasmgrad sample`', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'wasmgrad-run-')), 'char-lstm');
    await assert.rejects(run('node', [CLI, 'train', 'char-lstm', '--quick', '--epochs', '1', '--out', out]), (e) => e.code === 1);
    const checkpoint = join(out, 'checkpoint.safetensors');
    const { stdout } = await run('node', [CLI, 'sample', 'char-lstm', '--checkpoint', checkpoint, '--length', '30']);
    const blocks = stdout.split(/^--- temperature /m).slice(1);
    assert.deepEqual(blocks.map((b) => b.split('\n')[0]), ['0.5', '0.8', '1']);
    await assert.rejects(run('node', [CLI, 'sample', 'mlp', '--checkpoint', checkpoint]), (e) => /does not generate/.test(e.stderr));
  });
});
