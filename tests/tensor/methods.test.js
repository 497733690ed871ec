import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as wg from '../../dist/bindings/index.js';
import * as ops from '../../dist/bindings/ops/index.js';
import { methodNames } from '../../dist/bindings/autograd/registry.js';

const bits = (t) => [...new Uint32Array(t.toArray().buffer)];

function assertSameTensor(got, want, what) {
  if (Array.isArray(want)) {
    assert.equal(got.length, want.length, what);
    want.forEach((w, i) => assertSameTensor(got[i], w, `${what}[${i}]`));
    return;
  }
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  assert.equal(got.dtype, want.dtype, `${what}: dtype`);
  assert.deepEqual(bits(got), bits(want), `${what}: values`);
}

// One call per method: the arguments after the tensor the method is called on.
function cases() {
  const x = wg.randn([2, 3], { seed: 1 });
  const y = wg.randn([2, 3], { seed: 2 });
  const p = wg.rand([2, 3], { seed: 3, low: 0.5, high: 2 });
  const index = wg.tensor(new Int32Array([2, 0]), [2]);
  const gatherIndex = wg.tensor(new Int32Array([0, 2, 1, 1]), [2, 2]);
  return {
    abs: [x], add: [x, y], argmax: [x, 1], argmin: [x, 0, true], clamp: [x, -0.5, 0.5], clone: [x],
    contiguous: [wg.transpose(x)], cos: [x], div: [x, p], elu: [x, 0.5], eq: [x, x], exp: [x],
    expand: [wg.tensor([1, 2, 3], [1, 3]), [4, 3]], flatten: [wg.randn([2, 3, 4], { seed: 4 }), 1],
    float: [index], gather: [x, 1, gatherIndex], ge: [x, 0], gelu: [x, 'tanh'], gt: [x, y],
    indexSelect: [x, 1, index], int: [wg.mul(x, 10)], le: [x, y], leakyRelu: [x, 0.2], log: [p],
    logSoftmax: [x, 0], lt: [x, 0.1], matmul: [x, wg.randn([3, 4], { seed: 5 })], max: [x, 1, true],
    maximum: [x, y], mean: [x, [0, 1]], min: [x], minimum: [x, y], mul: [x, 3], narrow: [x, 1, 1, 2],
    ne: [x, y], neg: [x], permute: [x, [1, 0]], pow: [p, 3], reciprocal: [p], relu: [x],
    reshape: [x, [3, -1]], rsqrt: [p], sigmoid: [x], sign: [x], sin: [x], softmax: [x, 0],
    split: [x, [1, 2], 1], sqrt: [p], square: [x], squeeze: [wg.randn([2, 1, 3], { seed: 6 }), 1],
    sub: [x, y], sum: [x, 1, true], t: [x], tanh: [x], to: [x, 'int32'], transpose: [x, 0, 1],
    unsqueeze: [x, -1], view: [x, [6]],
  };
}

describe('Tensor methods generated from the op registry', () => {
  it('installs a method for every op flagged method: true, and the flags cover the issue\'s ops', () => {
    const x = wg.zeros([2]);
    for (const name of methodNames()) {
      assert.equal(typeof x[name], 'function', `x.${name}`);
      assert.equal(typeof ops[name], 'function', `ops.${name}`);
    }
    const wanted = ['add', 'sub', 'mul', 'div', 'pow', 'neg', 'exp', 'relu', 'sum', 'mean', 'max', 'reshape', 'view',
      'permute', 'transpose', 'flatten', 'squeeze', 'unsqueeze', 'expand', 'matmul', 'indexSelect', 'gather', 'eq', 'lt',
      'softmax', 'logSoftmax', 'clone', 'to', 'float', 'int'];
    assert.deepEqual(wanted.filter((n) => !methodNames().includes(n)), []);
  });

  it('gives each method the same bits as its function, for every flagged op', () => {
    const all = cases();
    // An op flagged later without a case here is called on a plain float tensor: the method must
    // still give what the function gives, or throw what it throws.
    const plain = wg.rand([2, 3], { seed: 12, low: 0.5, high: 2 });
    const attempt = (call) => {
      try {
        return { value: call() };
      } catch (e) {
        return { error: `${e.name}: ${e.message}` };
      }
    };
    for (const name of methodNames()) {
      const [self, ...args] = all[name] ?? [plain];
      const viaFunction = attempt(() => ops[name](self, ...args));
      const viaMethod = attempt(() => self[name](...args));
      if (name in all) assert.equal(viaFunction.error, undefined, name);
      if (viaFunction.error !== undefined) assert.equal(viaMethod.error, viaFunction.error, name);
      else assertSameTensor(viaMethod.value, viaFunction.value, name);
    }
  });

  it('chains: x.add(y).relu().sum() is sum(relu(add(x, y)))', () => {
    const x = wg.randn([4, 5], { seed: 7 });
    const y = wg.randn([5], { seed: 8 });
    assertSameTensor(x.add(y).relu().sum(), wg.sum(wg.relu(wg.add(x, y))), 'chain');
    assertSameTensor(x.sum(1, true), wg.sum(x, 1, true), 'sum(dim, keepdim)');
  });

  it('records gradients through methods exactly as through functions', () => {
    const run = (method) => {
      const x = wg.randn([3, 4], { seed: 9 }).requiresGrad_();
      const w = wg.randn([4, 2], { seed: 10 }).requiresGrad_();
      const loss = method
        ? x.matmul(w).tanh().softmax(-1).mul(x.narrow(1, 0, 2)).mean()
        : wg.mean(wg.mul(wg.softmax(wg.tanh(wg.matmul(x, w)), -1), wg.narrow(x, 1, 0, 2)));
      loss.backward();
      return [x.grad, w.grad];
    };
    const [viaMethods, viaFunctions] = [run(true), run(false)];
    assertSameTensor(viaMethods, viaFunctions, 'gradients');
    assert.ok(bits(viaMethods[0]).some((b) => b !== 0), 'the gradient reached x');
  });

  it('view refuses a non-contiguous tensor, as PyTorch, and reshape copies it', () => {
    const t = wg.randn([2, 3], { seed: 11 }).transpose();
    assert.throws(() => t.view([6]), (e) => e instanceof wg.ShapeError && /view: .*\[3, 2\].*not contiguous.*use reshape/.test(e.message));
    assert.deepEqual([...t.reshape([6]).toArray()], [...t.contiguous().toArray()]);
    const v = wg.tensor([1, 2, 3, 4, 5, 6], [2, 3]).view([3, -1]);
    assert.deepEqual(v.shape, [3, 2]);
  });

  it('t transposes a matrix as torch.t, returns 0-D and 1-D tensors as they are, and refuses 3-D', () => {
    const m = wg.tensor([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(m.t().shape, [3, 2]);
    assert.deepEqual([...m.t().contiguous().toArray()], [1, 4, 2, 5, 3, 6]);
    assert.equal(m.t().storage, m.storage, 't is a view');
    const v = wg.tensor([1, 2, 3]);
    const s = wg.tensor(7);
    assert.equal(v.t(), v);
    assert.equal(wg.t(s), s);
    assert.throws(() => wg.randn([2, 3, 4]).t(),
      (e) => e instanceof wg.ShapeError && /^t: expects a tensor with at most 2 dims, got \[2, 3, 4\] \(3 dims\)/.test(e.message));
  });

  it('clone copies into new memory and passes the gradient through', () => {
    const x = wg.tensor([1, 2, 3]).requiresGrad_();
    const c = x.clone();
    assert.notEqual(c.storage, x.storage);
    assert.deepEqual([...c.toArray()], [1, 2, 3]);
    c.mul(wg.tensor([4, 5, 6])).sum().backward();
    assert.deepEqual([...x.grad.toArray()], [4, 5, 6]);
  });

  it('carries the methods in the .d.ts types (tsc --noEmit on a fixture)', function () {
    this.timeout(120000);
    const fixture = fileURLToPath(new URL('../fixtures/types/methods.ts', import.meta.url));
    const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
    const flags = ['--noEmit', '--strict', '--target', 'ES2022', '--module', 'ES2022', '--moduleResolution', 'bundler',
      '--lib', 'ES2022,DOM', '--types', 'node', '--skipLibCheck'];
    try {
      execFileSync(process.execPath, [tsc, ...flags, fixture], { encoding: 'utf8' });
    } catch (e) {
      assert.fail(`the typed fixture does not compile:\n${e.stdout}${e.stderr}`);
    }
  });
});
