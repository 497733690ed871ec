// Row gathers and their scatter-add: the kernels behind indexSelect along dim 0 and Embedding.

import { GatherElementsArgs, GatherRowsArgs } from './generated/args';
import { splitStart } from './split';

// index is already checked to be in [0, rows of the table). Threads split the output rows.
export function gather_rows_task(words: usize, tid: i32, nthreads: i32): void {
  const args = changetype<GatherRowsArgs>(words);
  const out = args.rows, table = args.table, index = args.index, n = args.n, width = args.width;
  const rowBytes = <usize>width << 2;
  const end = splitStart(n, tid + 1, nthreads);
  for (let i = splitStart(n, tid, nthreads); i < end; i++) {
    const row = <usize>load<i32>(index + (<usize>i << 2));
    memory.copy(out + <usize>i * rowBytes, table + row * rowBytes, rowBytes);
  }
}

// The table accumulates: table[index[i], :] += rows[i, :] for i in order. Threads split the
// COLUMNS, so each element's sum runs over i in the same order whatever the thread count, and two
// threads never write the same element.
export function scatter_add_rows_task(words: usize, tid: i32, nthreads: i32): void {
  const args = changetype<GatherRowsArgs>(words);
  const dtable = args.table, dy = args.rows, index = args.index, n = args.n, width = args.width;
  const c0 = splitStart(width, tid, nthreads), c1 = splitStart(width, tid + 1, nthreads);
  for (let i = 0; i < n; i++) {
    const src = dy + (<usize>i * <usize>width << 2);
    const dst = dtable + (<usize>load<i32>(index + (<usize>i << 2)) * <usize>width << 2);
    let c = c0;
    for (; c + 4 <= c1; c += 4) {
      const o = <usize>c << 2;
      v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
    }
    for (; c < c1; c++) {
      const o = <usize>c << 2;
      store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
    }
  }
}

// torch.gather along one dim and its gradient, with the tensors seen as (outer, n, inner): `xs` is
// (outer, nX, inner), `picks` and index are (outer, nIndex, inner), index int32 in [0, nX).
// Gather: picks[o, j, i] = xs[o, index[o, j, i], i]. Scatter: xs[o, index[o, j, i], i] += picks[o, j, i].
// Threads split `outer`, which each owns whole, and a scatter adds in ascending j, so the sums do
// not depend on the thread count.
@inline function walkIndex(args: GatherElementsArgs, tid: i32, nthreads: i32, scatter: bool): void {
  const xs = args.xs, picks = args.picks, index = args.index;
  const outer = args.outer, nX = args.nX, nIndex = args.nIndex, inner = args.inner;
  const end = splitStart(outer, tid + 1, nthreads);
  for (let o = splitStart(outer, tid, nthreads); o < end; o++) {
    const xBase = <usize>o * <usize>nX * <usize>inner;
    const base = <usize>o * <usize>nIndex * <usize>inner;
    for (let j = 0; j < nIndex; j++) {
      for (let i = 0; i < inner; i++) {
        const at = base + <usize>j * <usize>inner + <usize>i;
        const x = xs + ((xBase + <usize>load<i32>(index + (at << 2)) * <usize>inner + <usize>i) << 2);
        if (scatter) store<f32>(x, load<f32>(x) + load<f32>(picks + (at << 2)));
        else store<f32>(picks + (at << 2), load<f32>(x));
      }
    }
  }
}

export function gather_elements_task(args: usize, tid: i32, nthreads: i32): void {
  walkIndex(changetype<GatherElementsArgs>(args), tid, nthreads, false);
}

export function scatter_add_elements_task(args: usize, tid: i32, nthreads: i32): void {
  walkIndex(changetype<GatherElementsArgs>(args), tid, nthreads, true);
}
