// The panel's one chart helper: a plot area with linear or log axes, ticks and their labels, axis titles, lines with
// dash patterns, grouped bars and legend items — so the training curve and the lab's charts draw and read alike.

import { el } from '../dom';
import { Axis, axisScale, formatAxisTick } from './axes';
import { surface } from './canvas';

export const CHART_FONT = '10px sans-serif';

/** Room around the plot for tick labels and titles, in CSS px. */
export interface Padding {
  l: number;
  r: number;
  t: number;
  b: number;
}

/** The plot's rectangle inside the canvas, in CSS px. */
export interface Area {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export function plotArea(width: number, height: number, pad: Padding): Area {
  return { left: pad.l, top: pad.t, right: width - pad.r, bottom: height - pad.b };
}

export interface Point {
  x: number;
  y: number;
}

export interface LineStyle {
  colour: string;
  /** Stroke width in CSS px (2 when absent). */
  width?: number;
  /** A canvas dash pattern; solid when absent or empty. */
  dash?: readonly number[];
  alpha?: number;
  /** A dot on the last point, where a growing curve is now. */
  endDot?: boolean;
  /** The series' point marker, drawn on its legend swatch too. */
  marker?: MarkerShape;
}

/** Point markers that tell series apart without colour. */
export type MarkerShape = 'circle' | 'square' | 'triangle';

/** A filled marker about `size` px across centred at (px, py), ringed in `outline` (none when empty). */
export function drawMarker(
  g: CanvasRenderingContext2D,
  px: number,
  py: number,
  shape: MarkerShape,
  colour: string,
  outline: string,
  size = 7,
): void {
  const r = size / 2;
  g.save();
  g.globalAlpha = 1;
  g.fillStyle = colour;
  g.strokeStyle = outline;
  g.lineWidth = 1;
  g.setLineDash([]);
  g.beginPath();
  if (shape === 'circle') g.arc(px, py, r, 0, Math.PI * 2);
  else if (shape === 'square') g.rect(px - r * 0.85, py - r * 0.85, r * 1.7, r * 1.7);
  else {
    g.moveTo(px, py - r * 1.1);
    g.lineTo(px + r, py + r * 0.75);
    g.lineTo(px - r, py + r * 0.75);
    g.closePath();
  }
  g.fill();
  if (outline) g.stroke();
  g.restore();
}

/** One group of bars (a bucket) and its label under the axis; a null value was not measured. */
export interface BarGroup {
  label: string;
  sublabel?: string;
  values: (number | null)[];
}

/** Where one group's bars go: the group's centre and width, and each bar's left edge and width. */
export interface GroupSlots {
  center: number;
  width: number;
  bars: { x: number; width: number }[];
}

/** Lays out `groups` groups of `perGroup` bars across [left, right]: bars centred in their group, 3–18 px wide. */
export function groupedBarSlots(groups: number, perGroup: number, left: number, right: number): GroupSlots[] {
  const width = (right - left) / Math.max(1, groups);
  const bar = Math.max(3, Math.min(18, (width * 0.8) / Math.max(1, perGroup)));
  return Array.from({ length: groups }, (_, b) => {
    const center = left + width * (b + 0.5);
    const first = center - (bar * perGroup) / 2;
    return { center, width, bars: Array.from({ length: perGroup }, (_, i) => ({ x: first + i * bar, width: bar })) };
  });
}

/** A chart on a canvas context in CSS px: `x` and `y` map data values to pixels inside `area`. */
export class Chart {
  readonly x: (v: number) => number;
  readonly y: (v: number) => number;

  constructor(
    readonly g: CanvasRenderingContext2D,
    readonly area: Area,
    readonly xAxis: Axis,
    readonly yAxis: Axis,
    readonly foreground: string,
  ) {
    this.x = axisScale(xAxis, area.left, area.right);
    this.y = axisScale(yAxis, area.bottom, area.top);
    g.font = CHART_FONT;
  }

  /** The left and bottom axis lines. */
  frame(): void {
    const { area } = this;
    this.rule([
      [area.left + 0.5, area.top],
      [area.left + 0.5, area.bottom + 0.5],
      [area.right, area.bottom + 0.5],
    ]);
  }

  /** Ticks and labels left of the y axis. */
  yTicks(format: (v: number) => string = (v) => formatAxisTick(this.yAxis, v)): void {
    const { area } = this;
    for (const v of this.yAxis.ticks) {
      const y = this.y(v);
      this.tick(area.left - 3, y, area.left, y);
      this.text(format(v), area.left - 5, y, 'right', 'middle');
    }
  }

  /** Ticks and labels under the x axis. */
  xTicks(format: (v: number) => string = (v) => formatAxisTick(this.xAxis, v)): void {
    const { area } = this;
    for (const v of this.xAxis.ticks) {
      const x = this.x(v);
      this.tick(x, area.bottom, x, area.bottom + 3);
      this.text(format(v), x, area.bottom + 4, 'center', 'top');
    }
  }

  /** A title centred under the plot, its top at `y`. */
  xTitle(text: string, y: number): void {
    this.text(text, (this.area.left + this.area.right) / 2, y, 'center', 'top');
  }

  /** A title turned up the left edge, centred on the plot, at `x`. */
  yTitle(text: string, x = 9): void {
    const { g, area } = this;
    g.save();
    g.translate(x, (area.top + area.bottom) / 2);
    g.rotate(-Math.PI / 2);
    this.text(text, 0, 0, 'center', 'middle');
    g.restore();
  }

  /** A polyline through the points (data values), in its colour, width and dash. */
  line(points: readonly Point[], style: LineStyle): void {
    if (points.length === 0) return;
    const { g } = this;
    g.save();
    g.globalAlpha = style.alpha ?? 1;
    g.strokeStyle = style.colour;
    g.fillStyle = style.colour;
    g.lineWidth = style.width ?? 2;
    g.setLineDash(style.dash ?? []);
    g.beginPath();
    points.forEach((p, i) => (i === 0 ? g.moveTo(this.x(p.x), this.y(p.y)) : g.lineTo(this.x(p.x), this.y(p.y))));
    g.stroke();
    if (style.endDot) {
      const end = points[points.length - 1];
      g.setLineDash([]);
      g.beginPath();
      g.arc(this.x(end.x), this.y(end.y), 2.5, 0, Math.PI * 2);
      g.fill();
    }
    g.restore();
  }

  /**
   * One group of bars per entry across the plot, rising from the y axis' minimum; `fill` paints bar `series` of a
   * group in its style. An unmeasured value is marked "–"; labels (and faint sublabels) go under each group.
   */
  groupedBars(
    groups: readonly BarGroup[],
    fill: (series: number, x: number, y: number, w: number, h: number) => void,
  ): void {
    const { area, yAxis } = this;
    const perGroup = Math.max(0, ...groups.map((gr) => gr.values.length));
    const slots = groupedBarSlots(groups.length, perGroup, area.left, area.right);
    groups.forEach((group, b) => {
      const slot = slots[b];
      group.values.forEach((v, i) => {
        const bar = slot.bars[i];
        if (v === null) {
          this.text('–', bar.x + bar.width / 2, area.bottom - 1, 'center', 'bottom');
          return;
        }
        const top = this.y(Math.max(yAxis.min, Math.min(yAxis.max, v)));
        fill(i, bar.x, top, bar.width - 1, area.bottom - top);
      });
      this.text(group.label, slot.center, area.bottom + 4, 'center', 'top', slot.width - 2);
      if (group.sublabel) {
        this.g.globalAlpha = 0.7;
        this.text(group.sublabel, slot.center, area.bottom + 16, 'center', 'top', slot.width - 2);
        this.g.globalAlpha = 1;
      }
    });
  }

  /** A shaded band between two curves over the same x values (an interval around a line), in a faint fill. */
  band(xs: readonly number[], lo: readonly number[], hi: readonly number[], colour: string, alpha = 0.18): void {
    if (xs.length === 0) return;
    const { g } = this;
    g.save();
    g.globalAlpha = alpha;
    g.fillStyle = colour;
    g.beginPath();
    xs.forEach((x, i) => (i === 0 ? g.moveTo(this.x(x), this.y(hi[i])) : g.lineTo(this.x(x), this.y(hi[i]))));
    for (let i = xs.length - 1; i >= 0; i--) g.lineTo(this.x(xs[i]), this.y(lo[i]));
    g.closePath();
    g.fill();
    g.restore();
  }

  /** A point marker at pixel (px, py), ringed in `outline` (the background) so overlapping markers stay apart. */
  marker(px: number, py: number, shape: MarkerShape, colour: string, outline: string): void {
    drawMarker(this.g, px, py, shape, colour, outline);
  }

  /** An interval whisker at pixel x from data lo to hi, with caps `cap` px wide. */
  whisker(px: number, lo: number, hi: number, colour: string, cap = 5): void {
    const { g } = this;
    const [y0, y1] = [this.y(lo), this.y(hi)];
    g.save();
    g.strokeStyle = colour;
    g.lineWidth = 1.25;
    g.setLineDash([]);
    g.beginPath();
    g.moveTo(px, y0);
    g.lineTo(px, y1);
    g.moveTo(px - cap / 2, y0);
    g.lineTo(px + cap / 2, y0);
    g.moveTo(px - cap / 2, y1);
    g.lineTo(px + cap / 2, y1);
    g.stroke();
    g.restore();
  }

  /** A tick mark, snapped to the pixel grid so it stays one crisp pixel wide. */
  private tick(x0: number, y0: number, x1: number, y1: number): void {
    const snap = (v: number) => Math.round(v) + 0.5;
    this.rule([
      [snap(x0), snap(y0)],
      [snap(x1), snap(y1)],
    ]);
  }

  /** A faint solid 1 px polyline in the foreground colour (axes and ticks). */
  private rule(points: [number, number][]): void {
    const { g } = this;
    g.save();
    g.strokeStyle = this.foreground;
    g.globalAlpha = 0.5;
    g.lineWidth = 1;
    g.setLineDash([]);
    g.beginPath();
    points.forEach(([x, y], i) => (i === 0 ? g.moveTo(x, y) : g.lineTo(x, y)));
    g.stroke();
    g.restore();
  }

  private text(
    text: string,
    x: number,
    y: number,
    align: CanvasTextAlign,
    baseline: CanvasTextBaseline,
    maxWidth?: number,
  ): void {
    const { g } = this;
    g.fillStyle = this.foreground;
    g.textAlign = align;
    g.textBaseline = baseline;
    if (maxWidth === undefined) g.fillText(text, x, y);
    else g.fillText(text, x, y, maxWidth);
  }
}

/** A legend entry: a swatch (or any marks) and its words, as the panel's legends show them. */
export function legendItem(attrs: Record<string, string>, ...children: (Node | string)[]): HTMLElement {
  return el('span', { ...attrs, class: attrs.class ? `legend-item ${attrs.class}` : 'legend-item' }, ...children);
}

/**
 * A legend swatch for a line: its colour and dash, after a small bar in the series' fill when `bar` paints one, so
 * the legend reads without colour.
 */
export function lineSwatch(
  style: LineStyle,
  bar?: (g: CanvasRenderingContext2D, x: number, y: number, w: number, h: number) => void,
): HTMLCanvasElement {
  const s = surface({ class: 'legend-swatch', 'aria-hidden': 'true' });
  const width = bar ? 32 : 22;
  const height = 12;
  const g = s.paint(width, height)?.g;
  if (!g) return s.canvas;
  if (bar) bar(g, 0, 1, 10, 10);
  g.globalAlpha = style.alpha ?? 1;
  g.strokeStyle = style.colour;
  g.lineWidth = style.width ?? 2;
  g.setLineDash(style.dash ?? []);
  g.beginPath();
  g.moveTo(bar ? 13 : 0, height / 2);
  g.lineTo(width, height / 2);
  g.stroke();
  if (style.marker) drawMarker(g, bar ? 13 + (width - 13) / 2 : width / 2, height / 2, style.marker, style.colour, '');
  return s.canvas;
}
