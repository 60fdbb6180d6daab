// A view redraws only when something it draws from changed: same objects (or equal strings) skip the redraw.
import * as assert from 'node:assert/strict';
import { DrawnFrom } from '../../../src/webview/ui/drawnFrom';

describe('drawn-from memo', () => {
  it('says the first draw and every change, with the inputs before it', () => {
    const view = { gate: 'i' };
    const memo = new DrawnFrom<{ view: unknown; key: string }>();
    assert.deepEqual(memo.change({ view, key: 'a' }), { before: undefined });
    assert.equal(memo.change({ view, key: 'a' }), null, 'the same object and an equal string: nothing to redraw');
    const change = memo.change({ view: { ...view }, key: 'a' });
    assert.ok(change, 'a new object is a change, even with the same content (a repaint asks this way)');
    assert.equal(change.before?.view, view);
    assert.equal(memo.change({ view: memo.current?.view, key: 'b' })?.before?.key, 'a');
    assert.equal(memo.current?.key, 'b');
  });
});
