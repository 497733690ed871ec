// models/RESULTS.md: one row per zoo model, each from a full-budget run and stamped with when and
// where it was measured. Rows are measured at different times (a full zoo run takes hours), so
// rewriting the file keeps every row it was not given, verbatim.
import { minutesAndSeconds } from './duration.js';

export interface ResultRow {
  model: string;
  measured: string;
  criterion: string;
  met: boolean;
  seconds: number;
  threads: number;
  runtime: string;
  /** CPU model and core count. */
  machine: string;
  /** 1-minute load average when the run ended: how shared the machine was. */
  load: number;
  /** When the run ended. */
  date: Date;
}

const HEADER = `# Model zoo results

Full-budget runs of every zoo model, written by \`npm run zoo -- --full [models...]\`
(\`wasmgrad results\`). Each row comes from one run and says when and where it was measured;
running a subset rewrites only its rows. A row without a run says "not yet measured".
The load column is the machine's 1-minute load average at the end of the run: wall times taken
under load are slower than the machine can do.

| model | measured | criterion | met | wall time | threads | runtime | machine | load | measured on |
|---|---|---|---|---|---|---|---|---|---|
`;

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function wallTime(seconds: number): string {
  const { minutes, seconds: rest } = minutesAndSeconds(seconds);
  return minutes > 0 ? `${minutes} min ${rest} s` : `${seconds.toFixed(1)} s`;
}

export function formatRow(r: ResultRow): string {
  const cells = [
    r.model, r.measured, r.criterion, r.met ? 'met' : 'NOT met', wallTime(r.seconds), String(r.threads), r.runtime,
    r.machine, r.load.toFixed(1), `${r.date.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  ];
  return `| ${cells.map(cell).join(' | ')} |`;
}

function unmeasuredRow(model: string): string {
  return `| ${model} | not yet measured | — | — | — | — | — | — | — | — |`;
}

/** The model named by a table row of RESULTS.md, or undefined for any other line. */
function rowModel(line: string): string | undefined {
  const match = /^\| ([^|]+?) \| /.exec(line);
  if (match === null || match[1] === 'model' || line.startsWith('|---')) return undefined;
  return match[1];
}

/**
 * The new RESULTS.md: a row per model of `zoo` (in its order), taken from `fresh` when it was just
 * measured, else kept from `existing`, else marked not yet measured.
 */
export function mergeResults(existing: string, fresh: readonly ResultRow[], zoo: readonly string[]): string {
  const kept = new Map<string, string>();
  for (const line of existing.split('\n')) {
    const model = rowModel(line);
    if (model !== undefined) kept.set(model, line);
  }
  for (const r of fresh) kept.set(r.model, formatRow(r));
  return HEADER + zoo.map((m) => kept.get(m) ?? unmeasuredRow(m)).join('\n') + '\n';
}
