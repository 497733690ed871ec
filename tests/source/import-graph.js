// The import graph of the TypeScript sources: every static `import` and `export ... from` between
// files, type-only ones included, since a type-only cycle still ties the files' designs together
// and becomes a load-order cycle the day one of its imports carries a value.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

function sourcesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** Relative specifiers of a file's static imports and re-exports (not `import()`). */
function specifiersOf(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  return source.statements
    .filter((s) => (ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) && s.moduleSpecifier !== undefined)
    .map((s) => s.moduleSpecifier.text)
    .filter((spec) => spec.startsWith('.'));
}

/** Map from each source under `dirs` (paths relative to `root`) to the sources it imports. */
export function importGraph(root, dirs) {
  const files = dirs.flatMap((d) => sourcesUnder(join(root, d)));
  const graph = new Map();
  for (const file of files) {
    const targets = specifiersOf(file).map((spec) => resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
    graph.set(relative(root, file), targets.map((t) => relative(root, t)));
  }
  return graph;
}

/**
 * The graph's tangles, its strongly connected components of more than one file (or a file that
 * imports itself): each as its files and one closed path through them, [a, b, ..., a].
 */
export function importCycles(graph) {
  // Tarjan's algorithm, iterative so a long import chain cannot overflow the stack.
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const components = [];
  let counter = 0;
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work = [[start, 0]];
    index.set(start, counter); low.set(start, counter); counter++;
    stack.push(start); onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const [node, i] = frame;
      const next = (graph.get(node) ?? []).filter((t) => graph.has(t));
      if (i < next.length) {
        frame[1]++;
        const t = next[i];
        if (!index.has(t)) {
          index.set(t, counter); low.set(t, counter); counter++;
          stack.push(t); onStack.add(t);
          work.push([t, 0]);
        } else if (onStack.has(t)) {
          low.set(node, Math.min(low.get(node), index.get(t)));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent), low.get(node)));
      }
      if (low.get(node) === index.get(node)) {
        const component = [];
        let member;
        do {
          member = stack.pop();
          onStack.delete(member);
          component.push(member);
        } while (member !== node);
        if (component.length > 1 || (graph.get(node) ?? []).includes(node)) components.push(component);
      }
    }
  }
  return components.map((files) => ({ files: files.sort(), cycle: cycleThrough(graph, new Set(files)) }));
}

/** A shortest closed path from the component's first file (in name order) back to itself. */
function cycleThrough(graph, component) {
  const start = [...component].sort()[0];
  const cameFrom = new Map();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift();
    for (const t of graph.get(node)) {
      if (t === start) {
        const path = [start];
        for (let n = node; n !== start; n = cameFrom.get(n)) path.splice(1, 0, n);
        return [...path, start];
      }
      if (component.has(t) && t !== start && !cameFrom.has(t)) {
        cameFrom.set(t, node);
        queue.push(t);
      }
    }
  }
  throw new Error(`no cycle through ${start}`);
}
