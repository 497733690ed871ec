// No import cycles in the library or the zoo: each file can be read, loaded and bundled after the
// files it imports, and the zoo stays out of what `import 'wasmgrad'` loads.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { importCycles, importGraph } from './import-graph.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('source: import graph', () => {
  it('has no cycle in bindings/ or models/', () => {
    const graph = importGraph(root, ['bindings', 'models']);
    assert.ok(graph.size > 100, `read only ${graph.size} sources`);
    const tangles = importCycles(graph);
    assert.deepEqual(tangles.map((t) => `${t.cycle.join(' -> ')} (one cycle among ${t.files.length} files: ${t.files.join(', ')})`), []);
  });

  it('reads type-only imports and re-exports, and names the files of a cycle', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']], ['b.ts', ['c.ts', 'd.ts']], ['c.ts', ['a.ts']], ['d.ts', ['e.ts']], ['e.ts', ['d.ts']], ['f.ts', ['f.ts']], ['g.ts', ['a.ts']],
    ]);
    assert.deepEqual(importCycles(graph).map((t) => t.cycle).sort(), [['a.ts', 'b.ts', 'c.ts', 'a.ts'], ['d.ts', 'e.ts', 'd.ts'], ['f.ts', 'f.ts']]);
    const real = importGraph(root, ['bindings']);
    assert.ok(real.get('bindings/index.ts').includes('bindings/tensor.ts'), 'export { Tensor } from is an edge');
    assert.ok(real.get('bindings/index.ts').includes('bindings/dtype.ts'), 'export type { DType } from is an edge');
  });
});
