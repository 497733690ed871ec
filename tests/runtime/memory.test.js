import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { Heap, sizeClass } from '../../dist/bindings/runtime/memory.js';
import { HEAP_START, PAGE_BYTES } from '../../dist/bindings/runtime/layout.js';

describe('Heap', () => {
  it('hands out 64-byte aligned blocks that do not overlap', () => {
    const heap = new Heap({ shared: false, maxPages: 64 });
    const blocks = [];
    for (const bytes of [1, 3, 64, 65, 100, 4096, 4097, 10000, 0, 7]) {
      const ptr = heap.alloc(bytes);
      assert.equal(ptr % 64, 0);
      assert.ok(ptr >= HEAP_START);
      blocks.push([ptr, sizeClass(bytes)]);
    }
    blocks.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < blocks.length; i++) assert.ok(blocks[i - 1][0] + blocks[i - 1][1] <= blocks[i][0]);
  });

  it('reuses freed blocks of the same size class', () => {
    const heap = new Heap({ shared: false, maxPages: 64 });
    const a = heap.alloc(1000);
    heap.alloc(64); // keeps `a` off the top of the heap
    heap.free(a);
    assert.equal(heap.alloc(990), a);
  });

  it('returns free blocks at the top of the heap to the untouched space', () => {
    const heap = new Heap({ shared: false, maxPages: 64 });
    const a = heap.alloc(5000);
    const b = heap.alloc(5000);
    heap.free(a);
    heap.free(b);
    assert.equal(heap.stats().freeBytes, 0);
    assert.equal(heap.alloc(64), a);
  });

  it('stays flat over a long loop of the same allocations', () => {
    const heap = new Heap({ shared: false, maxPages: 256 });
    const sizes = [784 * 128 * 4, 256 * 4, 128 * 256 * 4, 10 * 4, 128 * 10 * 4];
    let pagesAfterWarmup = 0;
    for (let step = 0; step < 2000; step++) {
      const ptrs = sizes.map((s) => heap.alloc(s));
      for (const p of ptrs.reverse()) heap.free(p);
      if (step === 10) pagesAfterWarmup = heap.stats().pages;
    }
    assert.equal(heap.stats().pages, pagesAfterWarmup);
    assert.equal(heap.stats().liveBlocks, 0);
  });

  it('grows the memory, and its views see the new pages', () => {
    const heap = new Heap({ shared: false, maxPages: 1024 });
    const before = heap.stats().pages;
    const ptr = heap.alloc(40 * PAGE_BYTES);
    assert.ok(heap.stats().pages > before);
    heap.f32[(ptr >> 2) + 40 * (PAGE_BYTES >> 2) - 1] = 3.5;
    assert.equal(new Float32Array(heap.memory.buffer)[(ptr >> 2) + 40 * (PAGE_BYTES >> 2) - 1], 3.5);
  });

  it('names the request, the live bytes and the maximum when memory runs out', () => {
    const heap = new Heap({ shared: false, maxPages: 32 });
    heap.alloc(1000);
    assert.throws(() => heap.alloc(64 * PAGE_BYTES), (e) => {
      assert.ok(e instanceof wg.OutOfMemoryError);
      assert.match(e.message, /asked for 4194304 bytes/);
      assert.match(e.message, /1024 bytes live/);
      assert.match(e.message, /maximum is 2097152 bytes/);
      return true;
    });
    // Still usable afterwards.
    assert.ok(heap.alloc(1000) > 0);
  });

  it('refuses to free what it did not hand out', () => {
    const heap = new Heap({ shared: false, maxPages: 32 });
    assert.throws(() => heap.free(12345), wg.ArgumentError);
  });

  it('survives a random alloc/free stress with contents intact', () => {
    const heap = new Heap({ shared: false, maxPages: 4096 });
    let state = 12345;
    const rnd = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const live = new Map();
    for (let i = 0; i < 5000; i++) {
      if (live.size > 0 && rnd() < 0.45) {
        const keys = [...live.keys()];
        const ptr = keys[Math.floor(rnd() * keys.length)];
        const [len, tag] = live.get(ptr);
        for (let j = 0; j < len; j += 97) assert.equal(heap.i32[(ptr >> 2) + j], tag);
        heap.free(ptr);
        live.delete(ptr);
      } else {
        const len = 1 + Math.floor(rnd() ** 3 * 200000);
        const ptr = heap.alloc(len * 4);
        heap.i32.fill(i, ptr >> 2, (ptr >> 2) + len);
        live.set(ptr, [len, i]);
      }
    }
  });
});
