import assert from 'node:assert/strict';
import { formatRow, mergeResults } from '../../dist/models/results-table.js';

const ZOO = ['mlp', 'convnet', 'gpt'];
const row = (model, measured, date) => ({
  model, measured, criterion: 'accuracy >= 0.97 | and more', met: true, seconds: 75.4, threads: 2, runtime: 'node v20.0.0',
  machine: 'Some CPU, 2 cores', load: 3.25, date: new Date(date),
});

describe('zoo: models/RESULTS.md', () => {
  it('marks every model not run as not yet measured, and no number appears for it', () => {
    const text = mergeResults('', [], ZOO);
    for (const m of ZOO) assert.match(text, new RegExp(`^\\| ${m} \\| not yet measured \\|[^0-9]*$`, 'm'));
  });

  it('writes a measured row with its wall time, threads, runtime, machine, load and date', () => {
    const line = formatRow(row('mlp', 'test accuracy 0.99', '2026-01-02T03:04:05Z'));
    assert.equal(line, '| mlp | test accuracy 0.99 | accuracy >= 0.97 \\| and more | met | 1 min 15 s | 2 | node v20.0.0 | Some CPU, 2 cores | 3.3 | 2026-01-02 03:04 UTC |');
  });

  it('gives a wall time in whole minutes and seconds from a minute up, and in tenths below', () => {
    const wall = (seconds) => formatRow({ ...row('mlp', 'm', '2026-01-02T03:04:05Z'), seconds }).split(' | ')[4];
    assert.equal(wall(299.9), '5 min 0 s');
    assert.equal(wall(59.7), '1 min 0 s');
    assert.equal(wall(59.4), '59.4 s');
    assert.equal(wall(3.25), '3.3 s');
  });

  it('updates only the rows it was given and keeps the others verbatim', () => {
    const first = mergeResults('', [row('mlp', 'first', '2026-01-01T00:00:00Z'), row('gpt', 'gpt run', '2026-01-01T00:00:00Z')], ZOO);
    const second = mergeResults(first, [row('mlp', 'second', '2026-02-01T00:00:00Z')], ZOO);
    const lines = second.split('\n').filter((l) => /^\| (mlp|convnet|gpt) \|/.test(l));
    assert.deepEqual(lines.map((l) => l.split(' | ')[1]), ['second', 'not yet measured', 'gpt run']);
    assert.match(lines[0], /2026-02-01 00:00 UTC/);
    assert.match(lines[2], /2026-01-01 00:00 UTC/);
    assert.equal(mergeResults(second, [], ZOO), second);
  });
});
