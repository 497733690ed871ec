// Results of a benchmark suite: a readable table of ours against each peer with ratios, and with
// --json a last line holding exactly one JSON object for tools to read. A row that gives the
// ceiling measured in its run (GFLOP/s) also shows every figure as a percent of it; a row's remark
// (a ratio the row is judged by, say) is printed in a last column.

/**
 * @typedef {{ case: string, unit: string, ours: number | null, peers: Record<string, number | null>, ceiling?: number, remark?: string }} Result
 */

// One decimal, but three significant digits for small figures (a peer at 0.0123 samples/s).
const round = (x) => (x === null || x === undefined ? null : Math.abs(x) >= 100 ? Math.round(x * 10) / 10 : Number(x.toPrecision(3)));

export class Report {
  /** @param {string} suite */
  constructor(suite) {
    this.suite = suite;
    /** @type {Result[]} */
    this.results = [];
    /** @type {string[]} */
    this.notes = [];
  }

  /** @param {Result} result */
  add(result) {
    this.results.push({
      case: result.case,
      unit: result.unit,
      ours: round(result.ours),
      peers: Object.fromEntries(Object.entries(result.peers ?? {}).map(([k, v]) => [k, round(v)])),
      ...(result.ceiling === undefined ? {} : { ceiling: round(result.ceiling) }),
      ...(result.remark === undefined ? {} : { remark: result.remark }),
    });
  }

  /** A line printed under the table: skipped peers, conditions of the run. */
  note(line) {
    this.notes.push(line);
  }

  table() {
    const peers = [...new Set(this.results.flatMap((r) => Object.keys(r.peers)))];
    const withCeiling = this.results.some((r) => r.ceiling !== undefined);
    const withRemarks = this.results.some((r) => r.remark !== undefined);
    const percent = (r, v) => (r.ceiling === undefined || v === null ? '' : `${((100 * v) / r.ceiling).toFixed(0)}%`);
    const head = ['case', 'unit', ...(withCeiling ? ['ceiling'] : []), withCeiling ? 'ours (% of ceiling)' : 'ours',
      ...peers.map((p) => `${p} (ours/peer${withCeiling ? ', % of ceiling' : ''})`), ...(withRemarks ? ['remark'] : [])];
    const rows = this.results.map((r) => [
      r.case,
      r.unit,
      ...(withCeiling ? [r.ceiling === undefined ? '-' : String(r.ceiling)] : []),
      r.ours === null ? '-' : r.ceiling === undefined ? String(r.ours) : `${r.ours} (${percent(r, r.ours)})`,
      ...peers.map((p) => {
        const v = r.peers[p];
        if (v === null || v === undefined) return '-';
        const ratio = r.ours === null || v === 0 ? [] : [`${(r.ours / v).toFixed(2)}x`];
        const notes = [...ratio, ...(r.ceiling === undefined ? [] : [percent(r, v)])];
        return notes.length === 0 ? String(v) : `${v} (${notes.join(', ')})`;
      }),
      ...(withRemarks ? [r.remark ?? ''] : []),
    ]);
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    const left = (i) => i < 2 || (withRemarks && i === head.length - 1);
    const line = (cells) => cells.map((c, i) => (left(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
    return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line), ...this.notes].join('\n');
  }

  /** Prints the table; with `json`, then one line of JSON, the last line of the output. */
  print({ json = false } = {}) {
    console.log(`\n${this.suite}\n${this.table()}`);
    if (json) console.log(JSON.stringify({ suite: this.suite, results: this.results }));
  }
}
