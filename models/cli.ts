#!/usr/bin/env node
// The `wasmgrad` command: list the zoo, train a model with progress and a verdict, evaluate a
// checkpoint.
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as wg from '../bindings/index.js';
import { models } from './index.js';
import { progressPrinter } from './progress.js';
import { mergeResults, type ResultRow } from './results-table.js';
import { writeRun } from './run-dir.js';
import { fullRunsOf, type TrainOptions, type TrainResult, type ZooModel } from './zoo.js';

const USAGE = `usage:
  wasmgrad list
  wasmgrad train <model> [--epochs N] [--batch N] [--lr X] [--threads N] [--seed N] [--data PATH] [--out DIR] [--quick]
  wasmgrad eval <model> --checkpoint FILE [--threads N] [--seed N]
  wasmgrad sample <model> --checkpoint FILE [--temperature X] [--length N] [--prompt TEXT] [--seed N]
  wasmgrad results [--full] [models...] [--threads N] [--file PATH]   (full runs into models/RESULTS.md; default: all models)`;

const FLAGS: Record<string, 'int' | 'number' | 'string' | 'bool'> = {
  epochs: 'int', batch: 'int', lr: 'number', threads: 'int', seed: 'int', data: 'string', out: 'string',
  checkpoint: 'string', quick: 'bool', full: 'bool', temperature: 'number', length: 'int', prompt: 'string', file: 'string',
};

/** The repository's results table, next to this file's source. */
const RESULTS_FILE = fileURLToPath(new URL('../../models/RESULTS.md', import.meta.url));

class UsageError extends Error {}

function parse(argv: string[]): { positional: string[]; flags: Record<string, string | number | boolean> } {
  const positional: string[] = [];
  const flags: Record<string, string | number | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const name = arg.slice(2);
    const kind = FLAGS[name];
    if (kind === undefined) throw new UsageError(`unknown flag ${arg}`);
    if (kind === 'bool') {
      flags[name] = true;
      continue;
    }
    const value = argv[++i];
    if (value === undefined) throw new UsageError(`${arg} needs a value`);
    if (kind === 'string') flags[name] = value;
    else {
      const n = Number(value);
      if (!Number.isFinite(n) || (kind === 'int' && !Number.isInteger(n)) || n < 0) {
        throw new UsageError(`${arg} expects a ${kind === 'int' ? 'whole number' : 'number'} >= 0, got ${value}`);
      }
      flags[name] = n;
    }
  }
  return { positional, flags };
}

function modelNamed(name: string | undefined) {
  if (name === undefined) throw new UsageError('name a model (wasmgrad list shows them)');
  const model = models[name];
  if (model === undefined) throw new UsageError(`unknown model ${name}; the zoo has: ${Object.keys(models).join(', ')}`);
  return model;
}

interface RunInfo {
  threads: number;
  runtime: string;
}

/** Trains with a progress bar, writes the run directory and prints the verdict. */
async function trainAndReport(model: ZooModel, options: TrainOptions, info: RunInfo, out: string | undefined): Promise<{ result: TrainResult; seconds: number }> {
  const started = performance.now();
  const result = await model.train({ ...options, onProgress: progressPrinter(process.stderr), log: (l) => console.error(`\n${l}`) });
  const seconds = (performance.now() - started) / 1000;
  const dir = out ?? join('runs', `${model.name}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  await writeRun(dir, model.name, result, seconds, { threads: info.threads, runtime: info.runtime, budget: options.budget });
  console.log(`\n${model.name} on ${result.dataset}, ${seconds.toFixed(1)} s`);
  console.log(`criterion: ${result.criterion.description}`);
  console.log(`measured:  ${result.criterion.measured}`);
  console.log(result.criterion.met ? 'MET' : 'NOT MET');
  console.log(`wrote ${dir}/checkpoint.safetensors, metrics.json, report.html`);
  return { result, seconds };
}

/** Full runs of the named models (all by default), each row written to the results file as it lands. */
async function results(names: string[], flags: Record<string, string | number | boolean>): Promise<number> {
  if (flags.quick) throw new UsageError('results records full runs only; drop --quick');
  const chosen = names.length === 0 ? Object.values(models) : names.map(modelNamed);
  const info = await wg.ready(flags.threads === undefined ? {} : { threads: flags.threads as number });
  const file = (flags.file as string | undefined) ?? RESULTS_FILE;
  const cpu = cpus();
  const machine = `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores`;
  const rows = Object.values(models).flatMap((m) => fullRunsOf(m).map((r) => r.row));
  let failed = 0;
  for (const model of chosen) {
    for (const run of fullRunsOf(model)) {
      console.log(`wasmgrad results ${run.row}: ${info.runtime}, ${info.threads} thread${info.threads === 1 ? '' : 's'}, ${info.flavour}`);
      const { result, seconds } = await trainAndReport(model, { ...run.options, budget: 'full', seed: flags.seed as number | undefined }, info, undefined);
      // The next model trains in the memory this one held.
      result.model.dispose();
      const row: ResultRow = {
        model: run.row, measured: result.criterion.measured, criterion: result.criterion.description, met: result.criterion.met,
        seconds, threads: info.threads, runtime: `${info.runtime} ${process.version}`, machine, load: loadavg()[0], date: new Date(),
      };
      const existing = await readFile(file, 'utf8').catch(() => '');
      await writeFile(file, mergeResults(existing, [row], rows));
      console.log(`updated ${file}`);
      if (!result.criterion.met) failed++;
    }
  }
  return failed === 0 ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  const { positional, flags } = parse(argv);
  const [command, name] = positional;
  if (command === 'list') {
    for (const m of Object.values(models)) console.log(`${m.name.padEnd(14)} ${m.summary}`);
    return 0;
  }
  if (command === 'results') return results(positional.slice(1), flags);
  if (flags.full && flags.quick) throw new UsageError('--full and --quick exclude each other');
  if (command !== 'train' && command !== 'eval' && command !== 'sample') throw new UsageError(command === undefined ? 'no command given' : `unknown command ${command}`);
  const model = modelNamed(name);
  const info = await wg.ready(flags.threads === undefined ? {} : { threads: flags.threads as number });
  console.log(`wasmgrad ${model.name}: ${info.runtime}, ${info.threads} thread${info.threads === 1 ? '' : 's'}, ${info.flavour}`);
  const options: TrainOptions = {
    budget: flags.quick ? 'quick' : 'full',
    epochs: flags.epochs as number | undefined,
    batch: flags.batch as number | undefined,
    lr: flags.lr as number | undefined,
    seed: flags.seed as number | undefined,
    data: flags.data as string | undefined,
  };
  if (command === 'eval' || command === 'sample') {
    if (typeof flags.checkpoint !== 'string') throw new UsageError(`${command} needs --checkpoint FILE`);
    if (command === 'sample' && model.sample === undefined) throw new UsageError(`${model.name} does not generate samples`);
    const net = model.build(options.seed);
    const { tensors } = await wg.loadWeights(flags.checkpoint);
    net.loadStateDict(tensors);
    net.eval();
    if (command === 'eval') {
      console.log(JSON.stringify(await model.evaluate(net, options)));
      return 0;
    }
    const temperatures = flags.temperature === undefined ? [0.5, 0.8, 1.0] : [flags.temperature as number];
    for (const temperature of temperatures) {
      const text = model.sample!(net, {
        temperature, length: flags.length as number | undefined, prompt: flags.prompt as string | undefined, seed: options.seed,
      });
      console.log(`--- temperature ${temperature}\n${text}`);
    }
    return 0;
  }
  const { result } = await trainAndReport(model, options, info, flags.out as string | undefined);
  return result.criterion.met ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    wg.shutdown();
    process.exitCode = code;
  },
  (e) => {
    wg.shutdown();
    console.error(e instanceof UsageError ? `wasmgrad: ${e.message}\n${USAGE}` : e);
    process.exitCode = 2;
  },
);
