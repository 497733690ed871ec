import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { METHOD_TYPES_PATH, renderMethodTypes } from '../../scripts/method-types.mjs';

describe('bindings/tensor-method-types.ts', () => {
  it('types exactly the methods the registry flags (npm run build:ts regenerates it)', () => {
    assert.equal(readFileSync(METHOD_TYPES_PATH, 'utf8'), renderMethodTypes(), 'tensor-method-types.ts is stale: run npm run build:ts');
  });
});
