// Tokenizer and document round trips: Korean, emoji, CRLF, NUL, lone surrogates, and incremental edits.
import * as assert from 'node:assert/strict';
import { TextDoc } from '../../../src/model/textDoc';
import { charTokenizer, LF, symbolText, Vocab } from '../../../src/model/vocab';
import { Rng } from '../../../src/model/rng';

const SAMPLES = [
  '안녕하세요, 세계!\n',
  'emoji 😀👍🏽 mix\r\nline two\r\n',
  'nul\u0000byte',
  'lone \ud800 high and \udc00 low',
  '\r\r\n\n\r',
  '',
];

function check(doc: TextDoc): void {
  const fresh = charTokenizer.tokenize(doc.text);
  assert.deepEqual([...doc.syms], [...fresh.syms], 'symbols equal a full re-tokenization');
  assert.deepEqual([...doc.starts], [...fresh.starts], 'offsets equal a full re-tokenization');
}

describe('model/vocab', () => {
  it('every token maps back to its exact UTF-16 span, and spans tile the text', () => {
    for (const text of SAMPLES) {
      const t = charTokenizer.tokenize(text);
      let rebuilt = '';
      for (let k = 0; k < t.length; k++) {
        const piece = text.slice(t.starts[k], t.starts[k + 1]);
        rebuilt += piece;
        // A piece is one code point, or CRLF (symbol LF).
        if (piece === '\r\n') assert.equal(t.syms[k], LF);
        else assert.equal(symbolText(t.syms[k]), piece);
      }
      assert.equal(rebuilt, text);
      assert.equal(t.starts[t.length], text.length);
    }
  });

  it('never splits a surrogate pair, folds CRLF into LF, keeps NUL', () => {
    const t = charTokenizer.tokenize('a😀\r\nb\u0000');
    assert.deepEqual([...t.syms], [97, 0x1f600, 10, 98, 0]);
    assert.deepEqual([...t.starts], [0, 1, 3, 5, 6, 7]);
    const crlf = charTokenizer.tokenize('x\r\ny\r\n');
    const lf = charTokenizer.tokenize('x\ny\n');
    assert.deepEqual([...crlf.syms], [...lf.syms], 'a CRLF file reads exactly like its LF twin');
  });

  it('tokensBefore counts the tokens wholly before an offset (mid-pair offsets stay before the pair)', () => {
    const d = new TextDoc('a😀\r\nb', 1);
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6].map((o) => d.tokensBefore(o)),
      [0, 1, 1, 2, 2, 3, 4],
    );
  });

  it('vocabulary keeps the most frequent symbols, maps the rest to unknown (id 0)', () => {
    const t = charTokenizer.tokenize('aaaabbbcc d');
    const v = Vocab.fromSymbols(t.syms, 3);
    assert.equal(v.size, 3);
    assert.equal(v.id(97), 1);
    assert.equal(v.id(98), 2);
    assert.equal(v.id(99), 0);
    assert.equal(v.text(0), '\uFFFD');
    assert.equal(v.id(0x1f600), 0);
  });

  it('incremental edits equal a full re-tokenization (random edits over tricky text)', () => {
    const rng = new Rng(3);
    const alphabet = ['a', '\r', '\n', '\r\n', '😀', '\ud83d', '\ude00', '한', '\u0000', ' '];
    const doc = new TextDoc(SAMPLES.join(''), 1);
    for (let k = 0; k < 400; k++) {
      const off = rng.int(doc.text.length + 1);
      const del = Math.min(rng.int(4), doc.text.length - off);
      let ins = '';
      for (let j = rng.int(4); j > 0; j--) ins += alphabet[rng.int(alphabet.length)];
      const before = { syms: [...doc.syms], starts: [...doc.starts] };
      const first = doc.applyEdits([{ offset: off, deleteCount: del, text: ins }], k + 2);
      check(doc);
      // Nothing before the reported first changed token moved or changed.
      for (let j = 0; j < first; j++) {
        assert.equal(doc.syms[j], before.syms[j]);
        assert.equal(doc.starts[j], before.starts[j]);
      }
    }
  });

  it('refuses edits outside the document', () => {
    const doc = new TextDoc('abc', 1);
    assert.throws(() => doc.applyEdits([{ offset: 2, deleteCount: 5, text: '' }], 2), /outside the document/);
  });
});
