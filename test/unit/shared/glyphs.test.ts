// Whitespace and control characters become visible; code points and CRLF stay whole.
import * as assert from 'node:assert/strict';
import { codePoints, describeToken, visibleToken } from '../../../src/shared/glyphs';

describe('glyphs', () => {
  it('shows whitespace and controls as symbols', () => {
    assert.equal(visibleToken(' '), '␣');
    assert.equal(visibleToken('\n'), '⏎');
    assert.equal(visibleToken('\r\n'), '⏎');
    assert.equal(visibleToken('\t'), '⇥');
    assert.equal(visibleToken('\0'), '␀');
    assert.equal(visibleToken('\x1b'), '␛');
    assert.equal(visibleToken('a'), 'a');
    assert.equal(visibleToken('한'), '한');
    assert.equal(visibleToken('😀'), '😀');
  });

  it('names tokens for screen readers', () => {
    assert.equal(describeToken(' '), 'space');
    assert.equal(describeToken('\n'), 'newline');
    assert.equal(describeToken('\0'), 'U+0000');
    assert.equal(describeToken('x'), 'x');
  });

  it('splits into code points without breaking surrogate pairs or CRLF', () => {
    assert.deepEqual(codePoints('a😀\r\nb'), ['a', '😀', '\r\n', 'b']);
    assert.deepEqual(codePoints('한글'), ['한', '글']);
    assert.deepEqual(codePoints('\r\r\n'), ['\r', '\r\n']);
  });
});
