// Timing with the `benchmark` package. Every figure is the best sample: on a shared machine the
// fastest run is the one least disturbed by other processes, so it is the most repeatable.
import Benchmark from 'benchmark';

const OPTIONS = { maxTime: 0.3, minSamples: 3, initCount: 1 };

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

/**
 * Best seconds per call of each contender, timed in turns over `rounds` rounds, so that bursts of
 * load from other processes hit all of them alike. A contender is `{ fn, async? }`.
 */
export async function bestOfRounds(contenders, { rounds = 5, ...options } = {}) {
  const best = Object.fromEntries(Object.keys(contenders).map((k) => [k, Infinity]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, { fn, async }] of Object.entries(contenders)) {
      const s = async ? await bestSecondsAsync(fn, options) : bestSeconds(fn, options);
      best[name] = Math.min(best[name], s);
    }
  }
  return best;
}

/**
 * Best seconds of `calls` single calls, for peers that take many seconds per call, where the
 * sampling of `benchmark` would run for minutes.
 */
export async function bestOfCalls(fn, calls = 2) {
  let best = Infinity;
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    await fn();
    best = Math.min(best, (performance.now() - start) / 1e3);
  }
  return best;
}

/** CPU seconds (user + system) of this process spent in `calls` calls of `fn`. */
function cpuSeconds(fn, calls) {
  const start = process.cpuUsage();
  for (let i = 0; i < calls; i++) fn();
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1e6;
}

/**
 * Best CPU seconds per call of each synchronous contender, sampled in turns over `rounds` rounds
 * of `samples` samples, each sample enough calls to last `sampleSeconds`. For one-thread figures
 * on a shared machine: time spent descheduled is not counted, so they hold under load better than
 * the wall clock's. Not for threaded code: every thread's time adds up.
 */
export function bestCpuOfRounds(contenders, { rounds = 5, samples = 3, sampleSeconds = 0.02 } = {}) {
  const entries = Object.entries(contenders);
  const calls = Object.fromEntries(entries.map(([name, { fn }]) => {
    const once = Math.max(cpuSeconds(fn, 1), 1e-6);
    return [name, Math.max(1, Math.ceil(sampleSeconds / once))];
  }));
  const best = Object.fromEntries(entries.map(([k]) => [k, Infinity]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, { fn }] of entries) {
      for (let s = 0; s < samples; s++) best[name] = Math.min(best[name], cpuSeconds(fn, calls[name]) / calls[name]);
    }
  }
  return best;
}
