// A view redraws only when something it draws from changed: same objects (or equal strings) skip the redraw.
import * as assert from 'node:assert/strict';
import { DrawnFrom } from '../../../src/webview/ui/drawnFrom';

describe('drawn-from memo', () => {
  it('says the first draw and every change, and remembers what was drawn', () => {
    const view = { gate: 'i' };
    const memo = new DrawnFrom<{ view: unknown; key: string }>();
    assert.equal(memo.changed({ view, key: 'a' }), true, 'the first draw');
    assert.equal(memo.changed({ view, key: 'a' }), false, 'the same object and an equal string: nothing to redraw');
    assert.equal(memo.changed({ view: { ...view }, key: 'a' }), true, 'a new object is a change (a repaint asks so)');
    assert.equal(memo.changed({ view: memo.current?.view, key: 'b' }), true);
    assert.equal(memo.current?.key, 'b');
  });
});
