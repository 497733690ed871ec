import assert from 'node:assert/strict';
import { minutesAndSeconds } from '../../dist/models/duration.js';

describe('zoo: durations in minutes and seconds', () => {
  it('rounds to a whole second before splitting, so no remainder reads 60', () => {
    const cases = [[0.4, 0, 0], [59.4, 0, 59], [59.6, 1, 0], [75.4, 1, 15], [119.5, 2, 0], [299.9, 5, 0], [300.4, 5, 0], [3599.7, 60, 0]];
    for (const [s, minutes, seconds] of cases) {
      assert.deepEqual(minutesAndSeconds(s), { minutes, seconds }, `${s} s`);
    }
  });
});
