// The webview reducer: snapshots replace state, stale predictions are dropped, a new document clears the old.
import * as assert from 'node:assert/strict';
import { initialState, predictionIsCurrent, reduce, t } from '../../../src/webview/state';
import { cursor, prediction } from '../panelFixtures';

const doc = (uri: string) => ({ uri, fileName: uri, languageId: 'x', version: 1, length: 1, lineCount: 1 });

describe('webview state', () => {
  it('accepts a prediction only for the cursor it answers', () => {
    let s = reduce(initialState(), { type: 'cursor', cursor: cursor(5) });
    const stale = reduce(s, { type: 'prediction', version: 1, offset: 4, prediction });
    assert.equal(stale, s, 'an answer for an older offset is dropped');
    const oldVersion = reduce(s, { type: 'prediction', version: 0, offset: 5, prediction });
    assert.equal(oldVersion, s, 'an answer for an older version is dropped');
    s = reduce(s, { type: 'prediction', version: 1, offset: 5, prediction });
    assert.equal(s.prediction, prediction);
    assert.ok(predictionIsCurrent(s));
    s = reduce(s, { type: 'cursor', cursor: cursor(6) });
    assert.equal(s.prediction, prediction, 'kept (dimmed) until the next answer arrives');
    assert.ok(!predictionIsCurrent(s));
  });

  it('clears cursor and prediction when the document changes', () => {
    let s = reduce(initialState(), { type: 'document', document: doc('a') });
    s = reduce(s, { type: 'cursor', cursor: cursor(0) });
    s = reduce(s, { type: 'prediction', version: 1, offset: 0, prediction });
    s = reduce(s, { type: 'document', document: doc('b') });
    assert.equal(s.cursor, null);
    assert.equal(s.prediction, null);
  });

  it('applies a patch update by update: a cursor and its prediction land together', () => {
    const s = reduce(initialState(), {
      type: 'patch',
      updates: [
        { type: 'cursor', cursor: cursor(9) },
        { type: 'prediction', version: 1, offset: 9, prediction },
      ],
    });
    assert.equal(s.cursor?.offset, 9);
    assert.equal(s.prediction, prediction);
    assert.ok(predictionIsCurrent(s));
  });

  it('appends compare points to the running comparison, one curve per cell', () => {
    const point = (step: number) => ({ step, loss: 1, heldOutBpc: null, elapsedSec: step });
    const compare = {
      status: 'running' as const,
      match: 'params' as const,
      budgetSec: 5,
      curves: [{ cell: 'lstm' as const, hiddenSize: 8, params: 10, points: [point(1)] }],
      results: [],
      probe: { state: 'none' as const, buckets: [] },
      note: null,
    };
    const before = { ...initialState(), lab: { ...initialState().lab, compare } };
    const s = reduce(before, {
      type: 'comparePoints',
      points: [
        { cell: 'lstm', hiddenSize: 8, params: 10, point: point(2) },
        { cell: 'gru', hiddenSize: 9, params: 10, point: point(1) },
      ],
    });
    assert.deepEqual(
      s.lab.compare?.curves.map((c) => [c.cell, c.points.map((p) => p.step)]),
      [
        ['lstm', [1, 2]],
        ['gru', [1]],
      ],
    );
    assert.deepEqual(compare.curves[0].points.length, 1, 'the old state is not mutated');
  });

  it('formats localised strings', () => {
    const s = { ...initialState(), strings: { 'Top prediction: {0}, {1}': '최상위 예측: {0}, {1}' } };
    assert.equal(t(s, 'Top prediction: {0}, {1}', 'a', '50%'), '최상위 예측: a, 50%');
    assert.equal(t(s, 'Unknown {0}', 1), 'Unknown 1');
  });
});
