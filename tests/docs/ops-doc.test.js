import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DOC_PATH, renderOpsDoc } from '../../scripts/ops-doc.mjs';

describe('docs/ops.md', () => {
  it('matches the registries and the conformance results (regenerate with npm run docs:ops)', () => {
    assert.equal(readFileSync(DOC_PATH, 'utf8'), renderOpsDoc(), 'docs/ops.md is stale: run npm run docs:ops');
  });

  it('lists no registered op without a gradient unless it is marked not differentiable', () => {
    assert.doesNotMatch(renderOpsDoc(), /\| MISSING \|/);
  });
});
