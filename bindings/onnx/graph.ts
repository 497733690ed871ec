// Checks an ONNX graph before anything runs: every op, attribute, opset and dtype supported, every
// input defined, no cycle, and the nodes in an order that runs each after its inputs. load() fails
// on the first problem; inspect() (the CLI's `wasmgrad import`) lists them all.
import type { Attrs } from '../autograd/registry.js';
import { ArgumentError, FormatError, UnsupportedError } from '../index.js';
import { CONVERTERS, OPSET_RANGE, type Converter } from './converters.js';
import type { OnnxGraph, OnnxModel, OnnxNode } from './decode.js';
import { dtypeProblem } from './values.js';

const DEFAULT_DOMAINS = new Set(['', 'ai.onnx']);

export interface PlannedNode {
  node: OnnxNode;
  converter: Converter;
  attrs: Attrs;
  /** The model's opset of the node's domain. */
  opset: number;
}

/** How a node is named in messages: its name when it has one, else its first output. */
export const describeNode = (n: OnnxNode): string => `node '${n.name || n.outputs[0] || '(unnamed)'}' (${n.opType})`;

/**
 * The model's opset for the default domain, refused outside what the converters follow; null when
 * it imports none (a graph of training-domain ops only).
 */
export function defaultOpset(model: OnnxModel): number | null {
  const entries = Object.entries(model.opsets).filter(([d]) => DEFAULT_DOMAINS.has(d));
  if (entries.length === 0) {
    if (model.graph.nodes.some((n) => DEFAULT_DOMAINS.has(n.domain))) throw new FormatError('onnx: the model imports no opset of the default domain (ai.onnx)');
    return null;
  }
  const opset = entries[0][1];
  if (opset < OPSET_RANGE[0] || opset > OPSET_RANGE[1]) {
    throw new UnsupportedError(`onnx: opset ${opset} is outside the opsets wasmgrad reads (${OPSET_RANGE[0]}..${OPSET_RANGE[1]})`);
  }
  return opset;
}

const sameDomain = (a: string, b: string): boolean => a === b || (DEFAULT_DOMAINS.has(a) && DEFAULT_DOMAINS.has(b));

/** The opset the model imports for a node's domain. */
const opsetOf = (model: OnnxModel, domain: string): number | undefined =>
  Object.entries(model.opsets).find(([d]) => sameDomain(d, domain))?.[1];

/** Why wasmgrad cannot run this node, or null: unknown op or domain, opset, attribute or value. */
export function nodeProblem(node: OnnxNode, model: OnnxModel): string | null {
  const what = describeNode(node);
  const found = CONVERTERS[node.opType];
  const converter = found !== undefined && sameDomain(found.domain ?? '', node.domain) ? found : undefined;
  if (converter === undefined) {
    const where = DEFAULT_DOMAINS.has(node.domain) ? '' : ` of domain '${node.domain}'`;
    return `${what}: op type ${node.opType}${where} is not supported; supported: ${Object.keys(CONVERTERS).sort().join(', ')}`;
  }
  const opset = opsetOf(model, node.domain);
  const [first, last] = converter.opsets;
  if (opset === undefined) return `${what}: the model imports no opset of its domain '${node.domain}'`;
  if (opset < first || opset > last) return `${what}: ${node.opType} is mapped for opsets ${first}..${last}, the model has opset ${opset}`;
  const known = Object.keys(converter.attributes);
  for (const [name, a] of Object.entries(node.attributes)) {
    const kind = converter.attributes[name];
    if (kind === undefined) {
      return `${what}: attribute '${name}' is not supported; ${node.opType} supports ${known.length ? known.join(', ') : 'no attributes'}`;
    }
    if (a.kind !== kind) return `${what}: attribute '${name}' is a${a.kind === 'int' ? 'n' : ''} ${a.kind}, expected ${kind}`;
  }
  const reason = converter.refuse?.(attributesOf(node), opset) ?? null;
  return reason === null ? null : `${what}: ${reason} is not supported`;
}

export const attributesOf = (node: OnnxNode): Attrs => Object.fromEntries(Object.entries(node.attributes).map(([k, a]) => [k, a.value]));

/** The graph's real inputs: before IR 4 initializers were listed as inputs too. */
export function graphInputs(graph: OnnxGraph): OnnxGraph['inputs'] {
  const initialized = new Set(graph.initializers.map((t) => t.name));
  return graph.inputs.filter((v) => !initialized.has(v.name));
}

/**
 * The nodes in an order where each runs after the nodes making its inputs (Kahn's algorithm);
 * refuses an input nothing defines, a value defined twice, and cycles, naming the nodes.
 */
export function sortNodes(graph: OnnxGraph): OnnxNode[] {
  const defined = new Map<string, OnnxNode | null>();
  const define = (name: string, by: OnnxNode | null, what: string): void => {
    if (defined.has(name)) throw new FormatError(`onnx: value '${name}' is defined twice (${what})`);
    defined.set(name, by);
  };
  for (const t of graph.initializers) define(t.name, null, 'initializer');
  for (const v of graphInputs(graph)) define(v.name, null, 'graph input');
  for (const n of graph.nodes) for (const o of n.outputs) if (o !== '') define(o, n, `output of ${describeNode(n)}`);
  const waiting = new Map<OnnxNode, number>();
  const users = new Map<string, OnnxNode[]>();
  for (const n of graph.nodes) {
    let count = 0;
    for (const i of new Set(n.inputs)) {
      if (i === '') continue;
      if (!defined.has(i)) throw new ArgumentError(`onnx: ${describeNode(n)}: input '${i}' is not a graph input, an initializer, nor any node's output`);
      if (defined.get(i) === null) continue;
      count++;
      users.set(i, [...(users.get(i) ?? []), n]);
    }
    waiting.set(n, count);
  }
  const ready = graph.nodes.filter((n) => waiting.get(n) === 0);
  const order: OnnxNode[] = [];
  while (ready.length > 0) {
    const n = ready.shift() as OnnxNode;
    order.push(n);
    for (const o of n.outputs) {
      for (const u of users.get(o) ?? []) {
        const left = (waiting.get(u) as number) - 1;
        waiting.set(u, left);
        if (left === 0) ready.push(u);
      }
    }
  }
  if (order.length < graph.nodes.length) {
    const stuck = graph.nodes.filter((n) => !order.includes(n)).map(describeNode);
    throw new FormatError(`onnx: the graph has a cycle through ${stuck.join(', ')}`);
  }
  for (const o of graph.outputs) {
    if (!defined.has(o.name)) throw new ArgumentError(`onnx: graph output '${o.name}' is not a graph input, an initializer, nor any node's output`);
  }
  return order;
}

/** Every reason the model cannot be loaded, in graph order (empty when it can). */
export function graphProblems(model: OnnxModel): string[] {
  const problems: string[] = [];
  for (const v of graphInputs(model.graph)) {
    if (v.type.kind !== 'tensor') problems.push(`graph input '${v.name}' is a ${v.type.kind}; only tensors are supported`);
    else if (dtypeProblem(v.type.dtype as string) !== null) problems.push(`graph input '${v.name}' is ${dtypeProblem(v.type.dtype as string)}`);
  }
  for (const t of model.graph.initializers) {
    if (dtypeProblem(t.dtype) !== null) problems.push(`initializer '${t.name}' is ${dtypeProblem(t.dtype)}`);
  }
  for (const n of model.graph.nodes) {
    const p = nodeProblem(n, model);
    if (p !== null) problems.push(p);
  }
  return problems;
}

/** The nodes to run, checked and in order; throws UnsupportedError naming the first problem. */
export function planNodes(model: OnnxModel): PlannedNode[] {
  const problems = graphProblems(model);
  if (problems.length > 0) throw new UnsupportedError(`onnx: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : ''}`);
  return sortNodes(model.graph).map((node) => ({ node, converter: CONVERTERS[node.opType], attrs: attributesOf(node), opset: opsetOf(model, node.domain) as number }));
}
