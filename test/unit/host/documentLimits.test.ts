// Document limits: empty, too short for one training window, too large to copy to the worker.
import * as assert from 'node:assert/strict';
import { MAX_MODEL_CHARS, minimumChars, modelability } from '../../../src/host/core/documentLimits';

describe('document limits', () => {
  it('refuses empty, short and huge documents with the numbers to explain why', () => {
    assert.deepEqual(modelability(0, 64), { ok: false, reason: 'empty' });
    assert.deepEqual(modelability(1, 64), { ok: false, reason: 'tooShort', length: 1, minimum: 74 });
    assert.deepEqual(modelability(73, 64), { ok: false, reason: 'tooShort', length: 73, minimum: 74 });
    assert.deepEqual(modelability(74, 64), { ok: true });
    assert.deepEqual(modelability(MAX_MODEL_CHARS, 64), { ok: true });
    assert.deepEqual(modelability(MAX_MODEL_CHARS + 1, 64), {
      ok: false,
      reason: 'tooLarge',
      length: MAX_MODEL_CHARS + 1,
      maximum: MAX_MODEL_CHARS,
    });
  });

  it('needs one whole window and its target after the held-out split', () => {
    for (const T of [8, 32, 64, 512]) {
      const n = minimumChars(T);
      assert.ok(Math.floor(n * 0.9) >= T + 1, `T=${T}: ${n} characters leave ${Math.floor(n * 0.9)} to train on`);
    }
  });
});
