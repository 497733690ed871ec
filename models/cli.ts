#!/usr/bin/env node
// The `wasmgrad` command: list the zoo, train a model with progress and a verdict, evaluate a
// checkpoint.
import { join } from 'node:path';
import * as wg from '../bindings/index.js';
import { models } from './index.js';
import { progressPrinter } from './progress.js';
import { writeRun } from './run-dir.js';
import type { TrainOptions } from './zoo.js';

const USAGE = `usage:
  wasmgrad list
  wasmgrad train <model> [--epochs N] [--batch N] [--lr X] [--threads N] [--seed N] [--data PATH] [--out DIR] [--quick]
  wasmgrad eval <model> --checkpoint FILE [--threads N] [--seed N]
  wasmgrad sample <model> --checkpoint FILE [--temperature X] [--length N] [--prompt TEXT] [--seed N]`;

const FLAGS: Record<string, 'int' | 'number' | 'string' | 'bool'> = {
  epochs: 'int', batch: 'int', lr: 'number', threads: 'int', seed: 'int', data: 'string', out: 'string',
  checkpoint: 'string', quick: 'bool', temperature: 'number', length: 'int', prompt: 'string',
};

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

async function main(argv: string[]): Promise<number> {
  const { positional: [command, name], flags } = parse(argv);
  if (command === 'list') {
    for (const m of Object.values(models)) console.log(`${m.name.padEnd(14)} ${m.summary}`);
    return 0;
  }
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
  const started = performance.now();
  const result = await model.train({ ...options, onProgress: progressPrinter(process.stderr), log: (l) => console.error(`\n${l}`) });
  const seconds = (performance.now() - started) / 1000;
  const out = (flags.out as string | undefined) ?? join('runs', `${model.name}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  await writeRun(out, model.name, result, seconds, { threads: info.threads, runtime: info.runtime, budget: options.budget });
  console.log(`\n${model.name} on ${result.dataset}, ${seconds.toFixed(1)} s`);
  console.log(`criterion: ${result.criterion.description}`);
  console.log(`measured:  ${result.criterion.measured}`);
  console.log(result.criterion.met ? 'MET' : 'NOT MET');
  console.log(`wrote ${out}/checkpoint.safetensors, metrics.json, report.html`);
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
