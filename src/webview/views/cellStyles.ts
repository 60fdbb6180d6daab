// How the compared cells are told apart in charts: a theme chart colour each, plus a dash and a bar fill that read without colour.

import type { CellType } from '../../shared/protocol';
import type { MarkerShape } from '../ui/chart';
import { Rgb, hueDistance, luminance, parseColor } from './colormap';

/** Simplest first, as the section title reads (RNN vs GRU vs LSTM). */
export const CELL_ORDER: readonly CellType[] = ['rnn', 'gru', 'lstm'];

export const CELL_NAMES: Record<CellType, string> = { rnn: 'RNN', gru: 'GRU', lstm: 'LSTM' };

export interface CellStyle {
  dash: number[];
  fill: 'solid' | 'hatch' | 'outline';
  /** The point marker on line charts: where two cells score the same, the shapes still tell them apart. */
  marker: MarkerShape;
}

export const CELL_STYLES: Record<CellType, CellStyle> = {
  lstm: { dash: [], fill: 'solid', marker: 'circle' },
  gru: { dash: [6, 3], fill: 'hatch', marker: 'square' },
  rnn: { dash: [2, 3], fill: 'outline', marker: 'triangle' },
};

/** Theme variables tried for each cell, in order. */
const CANDIDATES: Record<CellType, string[]> = {
  lstm: ['--vscode-charts-blue'],
  gru: ['--vscode-charts-green', '--vscode-charts-purple'],
  rnn: ['--vscode-charts-orange', '--vscode-charts-red', '--vscode-charts-yellow'],
};

const FALLBACK: Record<'light' | 'dark', Record<CellType, Rgb>> = {
  dark: { lstm: [80, 160, 255], gru: [110, 200, 110], rnn: [255, 150, 60] },
  light: { lstm: [0, 90, 200], gru: [30, 130, 50], rnn: [190, 80, 0] },
};

/**
 * One colour per cell, each at least `minHue` degrees of hue from those picked before it (some themes, such as
 * High Contrast Light, map several chart colours to the same blue); the fixed fallback when no candidate fits.
 */
export function pickCellColours(
  candidates: Record<CellType, (Rgb | undefined)[]>,
  light: boolean,
  minHue = 45,
): Record<CellType, Rgb> {
  const picked: Partial<Record<CellType, Rgb>> = {};
  const taken: Rgb[] = [];
  for (const cell of ['lstm', 'gru', 'rnn'] as const) {
    const fits = (c: Rgb | undefined): c is Rgb => !!c && taken.every((t) => hueDistance(c, t) >= minHue);
    const fallback = FALLBACK[light ? 'light' : 'dark'][cell];
    const colour = candidates[cell].find(fits) ?? fallback;
    picked[cell] = colour;
    taken.push(colour);
  }
  return picked as Record<CellType, Rgb>;
}

let cached: { key: string; colours: Record<CellType, Rgb> } | undefined;

/** The cells' colours in the current theme, read once per theme (the body's class names it). */
export function cellColours(): Record<CellType, Rgb> {
  const key = document.body.className;
  if (cached?.key === key) return cached.colours;
  const css = getComputedStyle(document.body);
  const read = (name: string) => parseColor(css.getPropertyValue(name));
  const background = read('--vscode-editor-background') ?? [30, 30, 30];
  const candidates = {
    lstm: CANDIDATES.lstm.map(read),
    gru: CANDIDATES.gru.map(read),
    rnn: CANDIDATES.rnn.map(read),
  };
  cached = { key, colours: pickCellColours(candidates, luminance(background) > 0.5) };
  return cached.colours;
}

/** Fills a bar (x, y, w, h) in the cell's pattern: solid, hatched or outlined, always with an outline. */
export function fillBar(
  g: CanvasRenderingContext2D,
  cell: CellType,
  colour: string,
  x: number,
  y: number,
  w: number,
  h: number,
): void {
  const style = CELL_STYLES[cell].fill;
  g.save();
  g.fillStyle = colour;
  g.strokeStyle = colour;
  g.lineWidth = 1;
  if (style === 'solid') g.fillRect(x, y, w, h);
  else if (style === 'hatch' && h > 0) {
    g.beginPath();
    g.rect(x, y, w, h);
    g.clip();
    g.beginPath();
    for (let d = -h; d < w; d += 4) {
      g.moveTo(x + d, y + h);
      g.lineTo(x + d + h, y);
    }
    g.stroke();
  }
  g.restore();
  g.save();
  g.strokeStyle = colour;
  g.lineWidth = 1;
  if (h > 0) g.strokeRect(x + 0.5, y + 0.5, Math.max(0, w - 1), Math.max(0, h - 1));
  g.restore();
}
