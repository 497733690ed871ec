// What the `wasmgrad` command accepts, declared once: the commands, their arguments and the flags
// each takes. The parser validates against it and `--help` prints it, so the two cannot disagree.

type FlagKind = 'int' | 'number' | 'string' | 'bool';

interface Flag {
  kind: FlagKind;
  /** The value's placeholder in the usage (none for a switch). */
  value?: string;
  help: string;
}

export const FLAGS: Record<string, Flag> = {
  epochs: { kind: 'int', value: 'N', help: 'epochs to train (default: the budget\'s)' },
  batch: { kind: 'int', value: 'N', help: 'batch size (default: the model\'s)' },
  lr: { kind: 'number', value: 'X', help: 'learning rate (default: the model\'s)' },
  threads: { kind: 'int', value: 'N', help: 'threads to compute on (default: one per core)' },
  seed: { kind: 'int', value: 'N', help: 'seed of the data and the initial weights (default 1)' },
  data: { kind: 'string', value: 'PATH', help: 'the dataset, for the models that take one (e.g. fashion-mnist, or a text file)' },
  out: { kind: 'string', value: 'DIR', help: 'where the run goes (default runs/<model>-<time>/)' },
  quick: { kind: 'bool', help: 'the scaled-down budget: seconds instead of minutes, with its own criterion' },
  checkpoint: { kind: 'string', value: 'FILE', help: 'a checkpoint.safetensors written by `wasmgrad train <model>`' },
  json: { kind: 'bool', help: 'print the raw metrics as one JSON object instead of the summary' },
  temperature: { kind: 'number', value: 'X', help: 'sampling temperature: below 1 sharpens (default: 0.5, 0.8 and 1)' },
  length: { kind: 'int', value: 'N', help: 'characters to generate' },
  prompt: { kind: 'string', value: 'TEXT', help: 'text the sample continues' },
  full: { kind: 'bool', help: 'the full budget, the default: the runs models/RESULTS.md records' },
  file: { kind: 'string', value: 'PATH', help: 'the results table to update (default models/RESULTS.md)' },
  help: { kind: 'bool', help: 'print this help and exit' },
  classes: { kind: 'string', value: 'LIST', help: 'the classes to fine-tune on, as a range (5-9) or a list (5,6,7); default all' },
};

interface Command {
  /** The positional arguments, as the usage line shows them. */
  args: string;
  summary: string;
  flags: readonly string[];
  /** The flags of `flags` that must be given. */
  required?: readonly string[];
}

export const COMMANDS: Record<string, Command> = {
  list: { args: '', summary: 'Lists the models of the zoo, one line each', flags: [] },
  train: {
    args: '<model>',
    summary: 'Trains with a progress bar, says whether the model met its criterion, and writes checkpoint.safetensors, metrics.json and report.html',
    flags: ['epochs', 'batch', 'lr', 'threads', 'seed', 'data', 'out', 'quick', 'full'],
  },
  eval: {
    args: '<model>',
    summary: 'Measures a trained checkpoint on the model\'s test data, and shows the criterion its training run was judged by',
    flags: ['checkpoint', 'json', 'threads', 'seed', 'data', 'quick', 'full'],
    required: ['checkpoint'],
  },
  sample: {
    args: '<model>',
    summary: 'Generates text from a trained checkpoint of a language model (char-lstm, gpt)',
    flags: ['checkpoint', 'temperature', 'length', 'prompt', 'seed', 'threads'],
    required: ['checkpoint'],
  },
  results: {
    args: '[models...]',
    summary: 'Runs the named models (default: all) on their full budget, each one\'s row of models/RESULTS.md updated as it lands',
    flags: ['full', 'threads', 'seed', 'file'],
  },
  import: {
    args: '<model.onnx>',
    summary: 'Prints an ONNX file\'s inputs, outputs, parameters and ops, and every node wasmgrad cannot run (exit 1 when there is one)',
    flags: [],
  },
  finetune: {
    args: '<model.onnx>',
    summary: 'Fine-tunes an ONNX classifier of 28x28 grey images on --data (the chosen --classes), and writes <model>-finetuned.onnx or --out',
    flags: ['data', 'classes', 'epochs', 'batch', 'lr', 'seed', 'threads', 'out', 'quick'],
  },
};

export function flagUsage(name: string): string {
  const { value } = FLAGS[name];
  return value === undefined ? `--${name}` : `--${name} ${value}`;
}

function commandLine(name: string): string {
  const { args, flags, required = [] } = COMMANDS[name];
  const shown = flags.map((f) => (required.includes(f) ? flagUsage(f) : `[${flagUsage(f)}]`));
  return ['wasmgrad', name, args, ...shown].filter((part) => part !== '').join(' ');
}

/** Every command on one line each: what a mistake prints, and `wasmgrad --help`. */
export function usage(): string {
  return `usage:\n${Object.keys(COMMANDS).map((name) => `  ${commandLine(name)}`).join('\n')}\n` +
    'wasmgrad <command> --help says what a command does and what each flag means.';
}

/** `wasmgrad <command> --help`: the command's line, what it does, the models it takes, and its flags. */
export function commandHelp(name: string, modelNames: readonly string[]): string {
  const command = COMMANDS[name];
  const width = Math.max(...command.flags.map((f) => flagUsage(f).length), 0);
  const flags = command.flags.map((f) => `  ${flagUsage(f).padEnd(width)}  ${FLAGS[f].help}`);
  const models = /model/.test(command.args) ? [`models: ${modelNames.join(', ')}`] : [];
  return [`usage: ${commandLine(name)}`, '', `${command.summary}.`, ...models, ...(flags.length > 0 ? ['', ...flags] : [])].join('\n');
}
