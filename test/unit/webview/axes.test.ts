// The panel charts' axes: round ticks that cover the data, scales that map ends to ends, compact parameter counts.
import * as assert from 'node:assert/strict';
import {
  axisScale,
  formatAxisTick,
  formatCount,
  formatTick,
  linearScale,
  logAxis,
  logScale,
  niceAxis,
  niceStep,
  stepDecimals,
} from '../../../src/webview/ui/axes';

describe('chart axes', () => {
  it('picks 1, 2 or 5 × 10^k steps', () => {
    assert.equal(niceStep(0, 10, 5), 2);
    assert.equal(niceStep(0, 1, 4), 0.2);
    assert.equal(niceStep(0, 60, 5), 10);
    assert.equal(niceStep(1.3, 4.1, 4), 0.5);
    assert.equal(niceStep(0, 0.007, 5), 0.001);
  });

  it('ends the axis on ticks and covers every value', () => {
    const a = niceAxis([1.31, 2.87, 4.06], 4);
    assert.equal(a.step, 0.5);
    assert.equal(a.min, 1);
    assert.equal(a.max, 4.5);
    assert.deepEqual(a.ticks, [1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5]);
  });

  it('starts at zero when asked (seconds, probabilities)', () => {
    assert.deepEqual(niceAxis([0, 30], 5, { includeZero: true }).ticks, [0, 5, 10, 15, 20, 25, 30]);
    assert.deepEqual(niceAxis([0, 1], 4, { includeZero: true }).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.equal(niceAxis([12, 47], 5, { includeZero: true }).min, 0);
  });

  it('prints ticks without float noise', () => {
    const a = niceAxis([0.1, 0.7], 6);
    for (const v of a.ticks) assert.equal(String(v).length <= 4, true, `tick ${v}`);
    assert.equal(stepDecimals(0.1), 1);
    assert.equal(stepDecimals(0.25), 2);
    assert.equal(stepDecimals(5), 0);
    assert.equal(formatTick(0.30000000000000004, 0.1), '0.3');
    assert.equal(formatTick(20, 5), '20');
  });

  it('widens a flat or empty range so the axis has height', () => {
    const flat = niceAxis([2, 2, 2]);
    assert.ok(flat.min < 2 && flat.max > 2, `${flat.min}..${flat.max}`);
    const empty = niceAxis([]);
    assert.ok(empty.max > empty.min);
    assert.ok(empty.ticks.length >= 2);
  });

  it('maps a domain onto a range, reversed for y', () => {
    const y = linearScale(1, 3, 100, 0);
    assert.equal(y(1), 100);
    assert.equal(y(3), 0);
    assert.equal(y(2), 50);
    assert.equal(linearScale(5, 5, 10, 20)(5), 10, 'a flat domain maps to the start');
  });

  it('writes parameter counts compactly', () => {
    assert.equal(formatCount(950), '950');
    assert.equal(formatCount(8300), '8.3k');
    assert.equal(formatCount(8000), '8k');
    assert.equal(formatCount(83_456), '83k');
    assert.equal(formatCount(999_499), '999k');
    assert.equal(formatCount(999_600), '1M');
    assert.equal(formatCount(1_234_567), '1.2M');
  });
});

describe('log axes', () => {
  it('runs decade to decade and ticks 1, 2, 5 when the span is short', () => {
    const a = logAxis([0.03, 0.4]);
    assert.equal(a.scale, 'log');
    assert.equal(a.min, 0.01);
    assert.equal(a.max, 1);
    assert.deepEqual(a.ticks, [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]);
  });

  it('ticks only the powers of ten over many decades and ignores values it cannot show', () => {
    const a = logAxis([0, -3, 2, 45_000]);
    assert.deepEqual(a.ticks, [1, 10, 100, 1000, 10_000, 100_000]);
    assert.deepEqual(logAxis([]).ticks.length >= 2, true);
    assert.deepEqual(logAxis([10, 10]).ticks, [10, 20, 50, 100], 'one value still gets a decade');
  });

  it('maps by logarithm, and each axis by its own scale', () => {
    const y = logScale(1, 100, 100, 0);
    assert.equal(y(1), 100);
    assert.equal(y(10), 50);
    assert.equal(y(100), 0);
    assert.equal(y(0), 100, 'a value a log axis cannot show lands at its start');
    assert.equal(axisScale(logAxis([1, 100]), 0, 10)(10), 5);
    assert.equal(axisScale(niceAxis([0, 10]), 0, 10)(5), 5);
  });

  it('labels log ticks compactly and linear ticks by their step', () => {
    const log = logAxis([0.01, 20_000]);
    assert.equal(formatAxisTick(log, 0.01), '0.01');
    assert.equal(formatAxisTick(log, 10_000), '10k');
    assert.equal(formatAxisTick(niceAxis([0, 1], 4), 0.4), '0.4');
  });
});
