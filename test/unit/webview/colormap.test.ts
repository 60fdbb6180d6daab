// Colour scales: colours parse from CSS, and the diverging ends stay apart in hue (−1 never looks like +1).
import * as assert from 'node:assert/strict';
import { diverging, hue, hueDistance, parseColor, sequential, type Palette } from '../../../src/webview/views/colormap';

describe('colormap', () => {
  it('parses the CSS colour forms VS Code uses', () => {
    assert.deepEqual(parseColor('#fff'), [255, 255, 255]);
    assert.deepEqual(parseColor(' #1a85ff '), [26, 133, 255]);
    assert.deepEqual(parseColor('#0F4A85cc'), [15, 74, 133]);
    assert.deepEqual(parseColor('rgba(1, 2, 3, 0.5)'), [1, 2, 3]);
    assert.equal(parseColor('var(--x)'), undefined);
  });

  it('measures hue distance (the High Contrast Light case is caught)', () => {
    assert.ok(hueDistance([15, 74, 133], [26, 133, 255]) < 10, 'HC Light charts.orange is a blue');
    assert.ok(hueDistance([255, 150, 60], [80, 160, 255]) > 150, 'orange vs blue');
    assert.equal(Math.round(hue([255, 0, 0])), 0);
    assert.equal(Math.round(hue([0, 0, 255])), 240);
  });

  it('maps 0 to the background and the ends to the palette colours', () => {
    const p: Palette = {
      background: [0, 0, 0],
      foreground: [255, 255, 255],
      positive: [0, 0, 200],
      negative: [200, 0, 0],
      highContrast: false,
    };
    assert.deepEqual(diverging(p, 0), [0, 0, 0]);
    assert.deepEqual(diverging(p, 1), [0, 0, 200]);
    assert.deepEqual(diverging(p, -1), [200, 0, 0]);
    assert.deepEqual(diverging(p, 5), [0, 0, 200], 'clamped');
    assert.deepEqual(sequential(p, 0), [0, 0, 0]);
    assert.deepEqual(sequential(p, 1), [0, 0, 200]);
  });
});
