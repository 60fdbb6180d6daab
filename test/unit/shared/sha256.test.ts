// The plain-JS SHA-256 every world shares (model files, stored-model keys) against node:crypto.
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { sha256Hex } from '../../../src/shared/sha256';

const node = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('shared/sha256', () => {
  it('matches node:crypto on every padding boundary and on larger inputs', () => {
    for (const n of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 1000, 65_537]) {
      const bytes = new Uint8Array(randomBytes(n));
      assert.equal(sha256Hex(bytes), node(bytes), `${n} bytes`);
    }
  });

  it('hashes strings as UTF-8 like node:crypto, lone surrogates included', () => {
    for (const s of ['', 'abc', 'héllo 한국어 😀', 'a\ud800b', 'x'.repeat(10_000)])
      assert.equal(sha256Hex(s), node(s), s.slice(0, 20));
  });

  it('hashes a view into a larger buffer by its own bytes', () => {
    const all = new Uint8Array(randomBytes(300));
    const view = all.subarray(17, 250);
    assert.equal(sha256Hex(view), node(view));
  });

  it('gives the known digest of "abc"', () => {
    assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
