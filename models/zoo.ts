// What every zoo model offers: training with progress, a measured result, and the criterion the
// result is judged by. The CLI (models/cli.ts) and the tests drive models only through this.
import type { Module } from '../bindings/nn/module.js';
import type { Tensor } from '../bindings/tensor.js';

export type Budget = 'full' | 'quick';

export interface TrainOptions {
  /** 'full' runs the criterion of the zoo table; 'quick' the scaled-down one the tests assert. */
  budget?: Budget;
  epochs?: number;
  batch?: number;
  lr?: number;
  seed?: number;
  /** A dataset name or path, where the model takes one. */
  data?: string;
  onProgress?: (p: Progress) => void;
  /** Lines worth printing (phase changes, side results). */
  log?: (line: string) => void;
}

export interface Progress {
  phase: string;
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  loss: number;
  samplesPerSecond: number;
}

export interface Criterion {
  description: string;
  measured: string;
  met: boolean;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  [metric: string]: number;
}

export interface TrainResult {
  model: Module;
  metrics: Record<string, number>;
  criterion: Criterion;
  history: EpochRecord[];
  /** The data the model was trained on, for the report. */
  dataset: string;
  /** Figures for the report (samples, scatter plots), each a standalone SVG. */
  images?: { title: string; svg: string }[];
}

export interface ZooModel {
  name: string;
  summary: string;
  train(opts?: TrainOptions): Promise<TrainResult>;
  /** Rebuilds the model for a checkpoint's state dict. */
  build(seed?: number): Module;
  /** The model's metric on its default test data, for `wasmgrad eval`. */
  evaluate(model: Module, opts?: TrainOptions): Promise<Record<string, number>>;
}

export type StateDict = Record<string, Tensor>;
