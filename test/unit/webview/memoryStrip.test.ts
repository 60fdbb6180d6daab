// The memory strip: tokens wrap into rows at 11–14 px per cell, the peak is counted back from the cursor,
// and a pinned layer-0 unit shows its own row of the keep-gate product.
import * as assert from 'node:assert/strict';
import type { MemorySpanView } from '../../../src/shared/protocol';
import {
  STRIP_GEOMETRY,
  cellOrigin,
  memoryRow,
  memorySignature,
  memoryUnitFor,
  stripLayout,
  strongestDependence,
  tokenAt,
} from '../../../src/webview/views/memoryStrip';

const G = STRIP_GEOMETRY;

function span(tokens: string[], H: number, memoryUnits: number[]): MemorySpanView {
  const T = tokens.length;
  return {
    version: 3,
    offset: 10,
    cell: 'lstm',
    hiddenSize: H,
    tokens,
    offsets: Array.from({ length: T + 1 }, (_, i) => i),
    gradient: tokens.map((_, i) => i / Math.max(1, T - 1)),
    memory: tokens.map(() => 0.5),
    memoryUnits: Float32Array.from(memoryUnits),
    target: { token: ')', prob: 0.4 },
  };
}

describe('memory strip', () => {
  it('wraps 128 tokens into rows at the 11 px minimum in a narrow panel', () => {
    const l = stripLayout(128, 300);
    assert.equal(l.cellWidth, 11);
    assert.equal(l.cols, 26, 'floor((300 − 14) / 11) = 26 columns fit; 5 rows share 128 tokens evenly');
    assert.equal(l.rows, 5);
    assert.ok(l.width <= 300, `width ${l.width}`);
    assert.equal(l.height, 5 * l.rowHeight);
    assert.equal(l.rowHeight, G.glyph + 2 * (G.bar + G.barGap) + G.rowGap);
  });

  it('widens cells to at most 14 px when the panel has room', () => {
    const wide = stripLayout(128, 1000);
    assert.equal(wide.rows, 2);
    assert.equal(wide.cols, 64);
    assert.equal(wide.cellWidth, 14);
    const short = stripLayout(5, 1000);
    assert.deepEqual([short.rows, short.cols, short.cellWidth, short.width], [1, 5, 14, G.gutter + 70]);
  });

  it('keeps one column in a panel narrower than a cell', () => {
    const l = stripLayout(3, 5);
    assert.equal(l.cols, 1);
    assert.equal(l.rows, 3);
    assert.equal(l.cellWidth, 11);
  });

  it('places tokens oldest first and finds them again under the pointer', () => {
    const l = stripLayout(30, 14 + 10 * 11); // 10 columns of 11 px
    assert.equal(l.cols, 10);
    assert.deepEqual(cellOrigin(l, 0), { x: G.gutter, y: 0 });
    assert.deepEqual(cellOrigin(l, 13), { x: G.gutter + 3 * 11, y: l.rowHeight });
    assert.equal(tokenAt(l, 30, G.gutter + 3 * 11 + 5, l.rowHeight + 4), 13);
    assert.equal(tokenAt(l, 30, 2, 4), null, 'the gutter holds no token');
    assert.equal(tokenAt(l, 25, G.gutter + 9 * 11 + 1, 2 * l.rowHeight + 1), null, 'past the last token');
  });

  it('counts the strongest dependence back from the cursor (1 = the last character)', () => {
    assert.deepEqual(strongestDependence([0.1, 1, 0.3, 0.2]), { index: 1, distance: 3 });
    assert.deepEqual(strongestDependence([0, 0, 0.5]), { index: 2, distance: 1 });
    assert.deepEqual(strongestDependence([0.9, 0.9]), { index: 0, distance: 2 }, 'the first of equal peaks');
    assert.equal(strongestDependence([0, 0]), null);
    assert.equal(strongestDependence([]), null);
  });

  it('shows the pinned unit only when it is in layer 0 and exists', () => {
    assert.equal(memoryUnitFor({ selectedGate: 'c', pinnedUnit: 2, pinnedLayer: 0 }, 4), 2);
    assert.equal(memoryUnitFor({ selectedGate: 'c', pinnedUnit: 2, pinnedLayer: 1 }, 4), null, 'layer 1 not measured');
    assert.equal(memoryUnitFor({ selectedGate: 'c', pinnedUnit: 4, pinnedLayer: 0 }, 4), null, 'out of range');
    assert.equal(memoryUnitFor({ selectedGate: 'c', pinnedUnit: null, pinnedLayer: 0 }, 4), null);
  });

  it('reads a unit’s row from the (T, H) product, else the mean', () => {
    // T = 3, H = 2: unit 1 is [0.2, 0.4, 1].
    const m = span(['a', 'b', 'c'], 2, [0.1, 0.2, 0.3, 0.4, 0.9, 1]);
    assert.deepEqual(
      memoryRow(m, 1).map((v) => Number(v.toFixed(3))),
      [0.2, 0.4, 1],
    );
    assert.deepEqual(
      memoryRow(m, 0).map((v) => Number(v.toFixed(3))),
      [0.1, 0.3, 0.9],
    );
    assert.equal(memoryRow(m, null), m.memory);
    assert.equal(memoryRow(m, 5), m.memory);
  });

  it('fingerprints a measurement by content, not identity', () => {
    const a = span(['a', 'b'], 1, [0.5, 1]);
    const copy = structuredClone(a);
    assert.equal(memorySignature(copy), memorySignature(a));
    assert.notEqual(memorySignature({ ...a, gradient: [1, 0] }), memorySignature(a));
    assert.notEqual(memorySignature({ ...a, memoryUnits: Float32Array.from([1, 0.5]) }), memorySignature(a));
    assert.equal(memorySignature(null), '');
  });
});
