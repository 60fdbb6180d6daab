// The chart helper: grouped bars share their group's room, ticks and labels land on the axis' scale, a line's dash
// does not leak into the next drawing, and an unmeasured bar is marked rather than drawn.
import * as assert from 'node:assert/strict';
import { niceAxis } from '../../../src/webview/ui/axes';
import { Chart, groupedBarSlots, plotArea } from '../../../src/webview/ui/chart';

/** A stand-in 2D context that records text, paths' dashes and save/restore, enough to read what a chart drew. */
function recordingContext() {
  const texts: { text: string; x: number; y: number; align: string }[] = [];
  const strokes: { dash: number[]; width: number }[] = [];
  let dash: number[] = [];
  const saved: { dash: number[] }[] = [];
  const g = {
    font: '',
    fillStyle: '',
    strokeStyle: '',
    globalAlpha: 1,
    lineWidth: 1,
    textAlign: 'start',
    textBaseline: 'alphabetic',
    save: () => saved.push({ dash }),
    restore: () => (dash = saved.pop()?.dash ?? []),
    setLineDash: (d: number[]) => (dash = [...d]),
    beginPath: () => undefined,
    moveTo: () => undefined,
    lineTo: () => undefined,
    arc: () => undefined,
    fill: () => undefined,
    translate: () => undefined,
    rotate: () => undefined,
    stroke: () => strokes.push({ dash, width: g.lineWidth }),
    fillText: (text: string, x: number, y: number) => texts.push({ text, x, y, align: g.textAlign }),
  };
  return { g: g as unknown as CanvasRenderingContext2D, texts, strokes, dash: () => dash };
}

describe('chart helper', () => {
  it('centres each group of bars in its share of the plot, 3 to 18 px a bar', () => {
    const slots = groupedBarSlots(4, 3, 40, 440);
    assert.equal(slots.length, 4);
    assert.deepEqual(
      slots.map((s) => s.center),
      [90, 190, 290, 390],
    );
    for (const s of slots) {
      assert.equal(s.bars.length, 3);
      const left = s.bars[0].x;
      const right = s.bars[2].x + s.bars[2].width;
      assert.ok(Math.abs((left + right) / 2 - s.center) < 1e-9, 'bars centred on the group');
      assert.equal(s.bars[0].width, 18, 'a wide plot caps bars at 18 px');
    }
    assert.equal(groupedBarSlots(40, 3, 0, 100)[0].bars[0].width, 3, 'a crowded plot keeps bars at 3 px');
  });

  it('puts y tick labels left of the axis at their scaled heights, x labels under it', () => {
    const { g, texts } = recordingContext();
    const area = plotArea(240, 120, { l: 40, r: 10, t: 10, b: 30 });
    assert.deepEqual(area, { left: 40, top: 10, right: 230, bottom: 90 });
    const chart = new Chart(g, area, niceAxis([0, 10], 2, { includeZero: true }), niceAxis([0, 1], 2), '#fff');
    chart.yTicks();
    chart.xTicks();
    const y = texts.filter((t) => t.align === 'right');
    assert.deepEqual(
      y.map((t) => [t.text, t.y]),
      [
        ['0.0', 90],
        ['0.5', 50],
        ['1.0', 10],
      ],
    );
    assert.ok(y.every((t) => t.x < area.left));
    const x = texts.filter((t) => t.align === 'center');
    assert.deepEqual(
      x.map((t) => [t.text, t.x]),
      [
        ['0', 40],
        ['5', 135],
        ['10', 230],
      ],
    );
    assert.ok(x.every((t) => t.y > area.bottom));
  });

  it('draws a dashed line in its dash and leaves the context solid after it', () => {
    const { g, strokes, dash } = recordingContext();
    const chart = new Chart(
      g,
      plotArea(100, 100, { l: 0, r: 0, t: 0, b: 0 }),
      niceAxis([0, 1]),
      niceAxis([0, 1]),
      '#000',
    );
    chart.line(
      [
        { x: 0, y: 0 },
        { x: 1, y: 1 },
      ],
      { colour: '#f00', dash: [6, 3], width: 2 },
    );
    assert.deepEqual(strokes[0], { dash: [6, 3], width: 2 });
    assert.deepEqual(dash(), [], 'the dash is restored');
    chart.frame();
    assert.deepEqual(strokes[1].dash, [], 'the axes are solid');
  });

  it('fills measured bars from the axis floor and marks unmeasured ones', () => {
    const { g, texts } = recordingContext();
    const area = plotArea(200, 100, { l: 0, r: 0, t: 0, b: 20 });
    const chart = new Chart(g, area, niceAxis([0, 1]), niceAxis([0, 1], 4, { includeZero: true }), '#000');
    const bars: { series: number; y: number; h: number }[] = [];
    chart.groupedBars(
      [
        { label: '1–4', sublabel: 'n=12', values: [0.5, null] },
        { label: '5–16', values: [1.2, 0] },
      ],
      (series, _x, y, _w, h) => bars.push({ series, y, h }),
    );
    assert.deepEqual(bars, [
      { series: 0, y: 40, h: 40 },
      { series: 0, y: 0, h: 80 },
      { series: 1, y: 80, h: 0 },
    ]);
    assert.deepEqual(
      texts.map((t) => t.text),
      ['–', '1–4', 'n=12', '5–16'],
    );
  });
});
