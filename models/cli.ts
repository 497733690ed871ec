#!/usr/bin/env node
// The `wasmgrad` command: list the zoo, train a model with progress and a verdict, evaluate a
// checkpoint, sample text, record full runs; `--help` says how (cli-usage.ts declares it all).
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as wg from '../bindings/index.js';
import type { Module } from '../bindings/nn/module.js';
import { loadCheckpoint, recordedVerdict } from './checkpoint.js';
import { COMMANDS, commandHelp, FLAGS, flagUsage, usage } from './cli-usage.js';
import { models } from './index.js';
import { metricName } from './metric-name.js';
import { progressPrinter } from './progress.js';
import { mergeResults, type ResultRow } from './results-table.js';
import { writeRun } from './run-dir.js';
import { importCommand, finetuneCommand } from './onnx-commands.js';
import { fullRunsOf, type TrainOptions, type TrainResult, type ZooModel } from './zoo.js';

/** The one .onnx file an ONNX command takes. */
function onnxPath(command: string, positional: string[]): string {
  if (positional.length !== 1) throw new UsageError(`${command} takes the path of one .onnx file, got ${positional.length === 0 ? 'none' : positional.join(' ')}`);
  return positional[0];
}

/** The repository's results table, next to this file's source. */
const RESULTS_FILE = fileURLToPath(new URL('../../models/RESULTS.md', import.meta.url));

class UsageError extends Error {}

type Flags = Record<string, string | number | boolean>;

/**
 * The command, its positional arguments and its flags, each flag checked against what the command
 * takes (cli-usage.ts). `--help` (or `-h`) anywhere asks for help instead of a run.
 */
function parse(argv: string[]): { command: string | undefined; positional: string[]; flags: Flags } {
  const named = argv.length > 0 && !argv[0].startsWith('-');
  const command = named ? argv[0] : undefined;
  const rest = named ? argv.slice(1) : argv;
  if (command !== undefined && !Object.hasOwn(COMMANDS, command)) throw new UsageError(`unknown command ${command}`);
  const positional: string[] = [];
  const flags: Flags = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    const name = arg === '-h' ? 'help' : arg.startsWith('--') ? arg.slice(2) : '';
    if (!Object.hasOwn(FLAGS, name)) {
      const near = wg.closest(name, Object.keys(FLAGS));
      throw new UsageError(`unknown flag ${arg}${near === undefined ? '' : `; did you mean --${near}?`}`);
    }
    const flag = FLAGS[name];
    if (name === 'help') return { command, positional, flags: { help: true } };
    if (command === undefined) throw new UsageError(`${arg} needs a command before it`);
    if (!COMMANDS[command].flags.includes(name)) throw new UsageError(`${command} does not take ${arg}`);
    if (flag.kind === 'bool') {
      flags[name] = true;
      continue;
    }
    const value = rest[++i];
    if (value === undefined) throw new UsageError(`${arg} needs a value`);
    if (flag.kind === 'string') flags[name] = value;
    else {
      const n = Number(value);
      if (!Number.isFinite(n) || (flag.kind === 'int' && !Number.isInteger(n)) || n < 0) {
        throw new UsageError(`${arg} expects a ${flag.kind === 'int' ? 'whole number' : 'number'} >= 0, got ${value}`);
      }
      flags[name] = n;
    }
  }
  return { command, positional, flags };
}

function modelNamed(name: string | undefined) {
  if (name === undefined) throw new UsageError('name a model (wasmgrad list shows them)');
  const model = Object.hasOwn(models, name) ? models[name] : undefined;
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
async function results(names: string[], flags: Flags): Promise<number> {
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

function formatMetric(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 0.01 ? value.toFixed(4) : value.toExponential(3);
}

/** `wasmgrad eval`: the metrics measured now, then the criterion and verdict the checkpoint's training run recorded. */
async function evaluate(model: ZooModel, net: Module, metadata: Record<string, string>, options: TrainOptions, flags: Flags): Promise<number> {
  const metrics = await model.evaluate(net, options);
  if (flags.json) {
    console.log(JSON.stringify(metrics));
    return 0;
  }
  const width = Math.max(...Object.keys(metrics).map((k) => metricName(k).length));
  console.log(`${model.name}, checkpoint ${flags.checkpoint}`);
  console.log(`measured now, on the ${options.budget} budget's test data:`);
  for (const [k, v] of Object.entries(metrics)) console.log(`  ${metricName(k).padEnd(width)}  ${formatMetric(v)}`);
  const verdict = recordedVerdict(metadata);
  if (verdict === undefined) {
    console.log('criterion: not recorded in this checkpoint (wasmgrad train records it; wg.saveWeights does not)');
    return 0;
  }
  const { criterion } = verdict;
  console.log(`criterion of its training run (${verdict.budget} budget): ${criterion.description}`);
  console.log(`measured then: ${criterion.measured}`);
  console.log(criterion.met ? 'MET when trained' : 'NOT MET when trained');
  return 0;
}

function sample(generate: NonNullable<ZooModel['sample']>, net: Module, flags: Flags): number {
  const temperatures = flags.temperature === undefined ? [0.5, 0.8, 1.0] : [flags.temperature as number];
  for (const temperature of temperatures) {
    const text = generate(net, {
      temperature, length: flags.length as number | undefined, prompt: flags.prompt as string | undefined, seed: flags.seed as number | undefined,
    });
    console.log(`--- temperature ${temperature}\n${text}`);
  }
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const { command, positional, flags } = parse(argv);
  if (flags.help) {
    console.log(command === undefined ? usage() : commandHelp(command, Object.keys(models)));
    return 0;
  }
  if (command === undefined) throw new UsageError('no command given');
  if (command === 'list') {
    if (positional.length > 0) throw new UsageError(`list takes no arguments, got ${positional.join(' ')}`);
    for (const m of Object.values(models)) console.log(`${m.name.padEnd(14)} ${m.summary}`);
    return 0;
  }
  const missing = (COMMANDS[command].required ?? []).filter((f) => flags[f] === undefined);
  if (missing.length > 0) throw new UsageError(`${command} needs ${missing.map(flagUsage).join(' ')}`);
  if (command === 'results') return results(positional, flags);
  if (command === 'import') return importCommand(onnxPath(command, positional));
  if (command === 'finetune') return finetuneCommand(onnxPath(command, positional), flags);
  if (flags.full && flags.quick) throw new UsageError('--full and --quick exclude each other');
  const [name, ...extra] = positional;
  const model = modelNamed(name);
  if (extra.length > 0) throw new UsageError(`${command} takes one model, got ${positional.join(' ')}`);
  if (command === 'sample' && model.sample === undefined) throw new UsageError(`${model.name} does not generate samples`);
  const info = await wg.ready(flags.threads === undefined ? {} : { threads: flags.threads as number });
  // With --json, stdout carries the object alone.
  (flags.json ? console.error : console.log)(`wasmgrad ${model.name}: ${info.runtime}, ${info.threads} thread${info.threads === 1 ? '' : 's'}, ${info.flavour}`);
  const options: TrainOptions = {
    budget: flags.quick ? 'quick' : 'full',
    epochs: flags.epochs as number | undefined,
    batch: flags.batch as number | undefined,
    lr: flags.lr as number | undefined,
    seed: flags.seed as number | undefined,
    data: flags.data as string | undefined,
  };
  if (command === 'train') {
    const { result } = await trainAndReport(model, options, info, flags.out as string | undefined);
    return result.criterion.met ? 0 : 1;
  }
  const { net, metadata } = await loadCheckpoint(model, flags.checkpoint as string, options.seed);
  // main refused `sample` for a model that does not generate, before loading anything.
  return command === 'eval' ? evaluate(model, net, metadata, options, flags) : sample(model.sample!, net, flags);
}

main(process.argv.slice(2)).then(
  (code) => {
    wg.shutdown();
    process.exitCode = code;
  },
  (e) => {
    wg.shutdown();
    if (e instanceof UsageError) {
      console.error(`wasmgrad: ${e.message}\n${usage()}`);
      process.exitCode = 2;
    } else if (e instanceof wg.WasmgradError) {
      // Bad input (a missing file, a checkpoint of another model) is said in one line; a stack is for bugs.
      console.error(`wasmgrad: ${e.message}`);
      process.exitCode = 1;
    } else {
      console.error(e);
      process.exitCode = 2;
    }
  },
);
