// Timing with the `benchmark` package. Every figure is the best sample: on a shared machine the
// fastest run is the one least disturbed by other processes, so it is the most repeatable.
import Benchmark from 'benchmark';

const OPTIONS = { maxTime: 1, minSamples: 5, initCount: 1 };

/** Best seconds per call of a synchronous `fn`. */
export function bestSeconds(fn, options = {}) {
  const bench = new Benchmark({ ...OPTIONS, ...options, fn });
  bench.run();
  if (bench.error) throw bench.error;
  return Math.min(...bench.stats.sample);
}

/** Best seconds per call of `fn` returning a promise. */
export function bestSecondsAsync(fn, options = {}) {
  return new Promise((resolve, reject) => {
    const bench = new Benchmark({
      ...OPTIONS,
      ...options,
      defer: true,
      fn: (deferred) => fn().then(() => deferred.resolve(), reject),
      onComplete: () => (bench.error ? reject(bench.error) : resolve(Math.min(...bench.stats.sample))),
    });
    bench.run({ async: true });
  });
}
