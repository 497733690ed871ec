// The package as npm would publish it: packed, unpacked into an app's node_modules, and used there
// through its entries and its command. It catches a file that the "files" list leaves out, and
// a bundle that reaches past the package entry for a module of its own.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as wg from '../../dist/bindings/index.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

const APP = `
import * as wg from 'wasmgrad';
import * as embedded from 'wasmgrad/embedded';
import * as onnx from 'wasmgrad/onnx';
import { models } from 'wasmgrad/models';
await wg.ready({ threads: 2 });
const x = wg.randn([64, 8], { seed: 1 });
const y = wg.sum(x, 1, true);
const model = new wg.nn.Sequential(new wg.nn.Linear(8, 16, { seed: 2 }), new wg.nn.ReLU(), new wg.nn.Linear(16, 1, { seed: 3 }));
const optimizer = new wg.optim.Adam(model.parameters(), { lr: 0.01 });
const losses = [];
for (let step = 0; step < 50; step++) {
  wg.scope(() => {
    optimizer.zeroGrad();
    const loss = wg.mseLoss(model.forward(x), y);
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
  });
}
// Classes whose name differs from the name they are exported by: errors and layers name themselves
// from their class, so a bundler renaming one (esbuild's _Tensor for a class naming itself) shows.
const misnamed = [];
const walk = (ns, path) => {
  for (const [key, v] of Object.entries(ns)) {
    if (typeof v === 'function' && /^class\b/.test(Function.prototype.toString.call(v)) && v.name !== key) misnamed.push(path + key + ' is ' + v.name);
    else if (Object.prototype.toString.call(v) === '[object Module]') walk(v, path + key + '.');
  }
};
walk(wg, 'wg.');
walk(onnx, 'onnx.');
const loaded = onnx.loadSync(onnx.export(model, [x]));
const same = wg.noGrad(() => wg.sub(loaded.forward(x), model.forward(x)).abs().max().item());
console.log(JSON.stringify({
  threads: wg.getNumThreads(), first: losses[0], last: losses.at(-1),
  misnamed, shapeErrorName: new wg.ShapeError('').name, onnxInLibrary: 'onnx' in wg, onnxModule: loaded instanceof wg.nn.Module, onnxSame: same,
  oneEngine: embedded.ready === wg.ready, zooInLibrary: 'models' in wg, models: Object.keys(models),
  oneTensorClass: models.mlp.build(1).parameters()[0] instanceof wg.Tensor,
}));
wg.shutdown();
`;

describe('the published package, installed in an app', function () {
  this.timeout(120000);
  let app;

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasmgrad-package-'));
    await run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: root });
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    app = join(dir, 'app');
    const installed = join(app, 'node_modules', 'wasmgrad');
    mkdirSync(installed, { recursive: true });
    await run('tar', ['-xzf', join(dir, tarball), '-C', installed, '--strip-components=1']);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    writeFileSync(join(app, 'app.js'), APP);
  });

  it('trains through its entries, which share one engine, on 2 threads, and round-trips the model through ONNX', async () => {
    const { stdout } = await run('node', ['app.js'], { cwd: app });
    const result = JSON.parse(stdout.trim().split('\n').at(-1));
    assert.equal(result.threads, 2);
    assert.ok(result.oneEngine, 'wasmgrad/embedded must re-export the engine of wasmgrad, not a second copy');
    assert.ok(result.last < result.first / 4, `loss fell from ${result.first} to ${result.last} only`);
    assert.ok(result.models.includes('convnet'));
    assert.equal(result.zooInLibrary, false, "import 'wasmgrad' must not load the model zoo");
    assert.deepEqual(result.misnamed, [], 'bundled classes keep their names');
    assert.equal(result.shapeErrorName, 'ShapeError');
    assert.equal(result.onnxInLibrary, false, "import 'wasmgrad' must not load ONNX");
    assert.ok(result.onnxModule, 'wasmgrad/onnx must make modules of the nn.Module of wasmgrad, not of a second copy');
    assert.ok(result.onnxSame < 1e-5, `the model exported and loaded back through wasmgrad/onnx differs by ${result.onnxSame}`);
    assert.ok(result.oneTensorClass, 'wasmgrad/models must make the Tensor of wasmgrad, not of a second copy');
  });

  it('runs the wasmgrad command its bin names', async () => {
    const installed = join(app, 'node_modules', 'wasmgrad');
    const { bin } = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    const { stdout } = await run('node', [join(installed, bin.wasmgrad), 'list'], { cwd: app });
    assert.match(stdout, /^convnet\s+2 conv/m);
  });

  it("records and draws each parameter tensor's statistics in the report of wasmgrad train", async () => {
    const installed = join(app, 'node_modules', 'wasmgrad');
    const out = join(app, 'run');
    await run('node', [join(installed, 'dist/models/wasmgrad.js'), 'train', 'mlp', '--quick', '--threads', '1', '--out', out], { cwd: app });
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    const { tensors } = await wg.loadWeights(join(out, 'checkpoint.safetensors'));
    const names = Object.keys(tensors).sort();
    assert.ok(names.length >= 2, `the checkpoint holds ${names.length} tensors`);
    assert.deepEqual(metrics.layerStats?.parameters.map((p) => p.name).sort(), names);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    const table = html.match(/<h2>Weights and gradients over training<\/h2>[\s\S]*?<\/table>/);
    assert.ok(table !== null, 'report.html has no per-parameter section');
    const rows = table[0].match(/<tr><td>[^<]+<br>/g).map((r) => r.slice('<tr><td>'.length, -'<br>'.length)).sort();
    assert.deepEqual(rows, names);
  });
});
