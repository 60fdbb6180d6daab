// The compared cells stay apart in every theme: distinct hues (or fixed fallbacks) and distinct dashes and fills.
import * as assert from 'node:assert/strict';
import { CELL_STYLES, pickCellColours } from '../../../src/webview/views/cellStyles';
import { hueDistance, type Rgb } from '../../../src/webview/views/colormap';

describe('cell styles', () => {
  it('uses the theme’s chart colours when their hues differ', () => {
    const blue: Rgb = [55, 148, 255];
    const green: Rgb = [137, 209, 133];
    const orange: Rgb = [209, 134, 22];
    const c = pickCellColours({ lstm: [blue], gru: [green], rnn: [orange] }, false);
    assert.deepEqual(c, { lstm: blue, gru: green, rnn: orange });
  });

  it('falls back when a theme maps several chart colours to one hue (High Contrast Light)', () => {
    const blue: Rgb = [15, 74, 133];
    const c = pickCellColours({ lstm: [blue], gru: [blue, undefined], rnn: [[20, 80, 140], undefined] }, true);
    assert.deepEqual(c.lstm, blue);
    assert.ok(hueDistance(c.gru, c.lstm) >= 45, 'gru differs from lstm');
    assert.ok(hueDistance(c.rnn, c.lstm) >= 45 && hueDistance(c.rnn, c.gru) >= 45, 'rnn differs from both');
  });

  it('tells the cells apart without colour', () => {
    const dashes = new Set(Object.values(CELL_STYLES).map((s) => s.dash.join(',')));
    const fills = new Set(Object.values(CELL_STYLES).map((s) => s.fill));
    assert.equal(dashes.size, 3);
    assert.equal(fills.size, 3);
  });
});
