// Row-blocked products (engine/rowBlocks.ts) equal the whole product bit for bit, on XNNPACK and in JS, and
// yield between blocks: the training curve does not change when a step gains yield points.
import * as assert from 'node:assert/strict';
import type { Arena } from '../../../src/model/arena';
import { RowBlocks } from '../../../src/model/engine/rowBlocks';
import { Rng } from '../../../src/model/rng';
import { jsBackend, wasmBackend } from './helpers';

function check(arena: Arena, M: number, K: number, N: number, macsPerBlock: number): number {
  const rng = new Rng(M + K + N);
  const fill = (n: number) => {
    const b = arena.alloc(n);
    for (let k = 0; k < n; k++) b.v[k] = rng.normal();
    return b;
  };
  const live = arena.liveBuffers;
  const a = fill(M * K);
  const b = fill(K * N);
  const whole = arena.alloc(M * N);
  const parts = arena.alloc(M * N);
  arena.gemm(a, b, whole, M, K, N);
  const rb = new RowBlocks(arena, M, K, N, macsPerBlock);
  const gen = rb.gemm(a, b, parts);
  let yields = 0;
  while (!gen.next().done) yields++;
  assert.equal(yields, rb.blocks - 1, 'one yield between blocks');
  assert.deepEqual(parts.v, whole.v, `(${M},${K})·(${K},${N}) in ${rb.blocks} blocks`);
  // A second product reuses the views it made (none are made per call) and they are freed with their owner.
  const views = rb.buffers.length;
  const again = rb.gemm(a, b, parts);
  while (!again.next().done);
  assert.equal(rb.buffers.length, views);
  // b packed once per product, not once forever: a b that changed between two products is read anew.
  for (let k = 0; k < K * N; k++) b.v[k] = rng.normal();
  const changed = rb.gemm(a, b, parts);
  while (!changed.next().done);
  arena.gemm(a, b, whole, M, K, N);
  assert.deepEqual(parts.v, whole.v, 'after b changed');
  for (const x of [...rb.buffers, a, b, whole, parts]) arena.free(x);
  assert.equal(arena.liveBuffers, live);
  return rb.blocks;
}

describe('model/engine/rowBlocks', function () {
  this.timeout(20000);
  it('equals the whole product bit for bit on XNNPACK, for the shapes a training step cuts', async () => {
    const { arena } = await wasmBackend();
    // dWᵀ (4H,TB)·(TB,H), dX (TB,4H)·(4H,H), logits (TB,H)·(H,V) at H=128, B=32, T=64, V=169; and an uneven cut.
    assert.equal(check(arena, 512, 2048, 128, 1 << 25), 4);
    assert.ok(check(arena, 2048, 512, 128, 1 << 25) >= 4);
    assert.ok(check(arena, 2048, 128, 169, 1 << 22) > 4);
    assert.equal(check(arena, 37, 50, 23, 37 * 50 * 23), 1);
    assert.equal(check(arena, 37, 50, 23, 5000), 8); // 9 blocks asked: 5 rows each, so 8, the last of 2 rows
  });

  it('equals the whole product in the plain-JS arena', () => {
    assert.ok(check(jsBackend().arena, 64, 96, 40, 20000) > 1);
  });
});
