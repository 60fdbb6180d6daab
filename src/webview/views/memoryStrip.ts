// The memory-span strip's geometry and reading (wrap layout, strongest dependence, which memory row), pure for tests.

import type { MemorySpanView, ViewState } from '../../shared/protocol';

export const STRIP_GEOMETRY = {
  minCell: 11,
  maxCell: 14,
  /** Left margin holding the row letters (∂ for the gradient, f / z for the memory). */
  gutter: 14,
  glyph: 16,
  bar: 6,
  barGap: 2,
  rowGap: 6,
} as const;

export interface StripLayout {
  /** Tokens per row, cell width in px, rows, and the canvas size in CSS px. */
  cols: number;
  cellWidth: number;
  rows: number;
  rowHeight: number;
  width: number;
  height: number;
}

/**
 * Lays out T tokens oldest first in rows that fit `available` px: as few rows as the 11 px minimum cell allows,
 * then cells as wide as fit (at most 14 px), so a short window does not stretch across a wide panel.
 */
export function stripLayout(tokens: number, available: number): StripLayout {
  const g = STRIP_GEOMETRY;
  const room = Math.max(g.minCell, available - g.gutter);
  const maxCols = Math.max(1, Math.floor(room / g.minCell));
  const rows = Math.max(1, Math.ceil(tokens / maxCols));
  const cols = Math.max(1, Math.ceil(tokens / rows));
  const cellWidth = Math.max(g.minCell, Math.min(g.maxCell, Math.floor(room / cols)));
  const rowHeight = g.glyph + 2 * (g.bar + g.barGap) + g.rowGap;
  return { cols, cellWidth, rows, rowHeight, width: g.gutter + cols * cellWidth, height: rows * rowHeight };
}

/** Top-left corner (CSS px) of token k's column. */
export function cellOrigin(layout: StripLayout, k: number): { x: number; y: number } {
  return {
    x: STRIP_GEOMETRY.gutter + (k % layout.cols) * layout.cellWidth,
    y: Math.floor(k / layout.cols) * layout.rowHeight,
  };
}

/** The token under a point of the canvas (CSS px), or null. */
export function tokenAt(layout: StripLayout, tokens: number, x: number, y: number): number | null {
  const col = Math.floor((x - STRIP_GEOMETRY.gutter) / layout.cellWidth);
  const row = Math.floor(y / layout.rowHeight);
  if (x < STRIP_GEOMETRY.gutter || col >= layout.cols || row < 0 || row >= layout.rows) return null;
  const k = row * layout.cols + col;
  return k < tokens ? k : null;
}

/**
 * The token the prediction depends on most: its index (oldest first) and its distance back from the cursor
 * (1 = the last character). Null when nothing has any gradient.
 */
export function strongestDependence(gradient: readonly number[]): { index: number; distance: number } | null {
  let best = -1;
  for (let k = 0; k < gradient.length; k++) if (gradient[k] > 0 && (best < 0 || gradient[k] > gradient[best])) best = k;
  return best < 0 ? null : { index: best, distance: gradient.length - best };
}

/** The unit whose own memory the strip shows: the pinned one, if it is in layer 0 (the measured layer) and exists. */
export function memoryUnitFor(view: ViewState, hiddenSize: number): number | null {
  const u = view.pinnedUnit;
  return u !== null && view.pinnedLayer === 0 && u < hiddenSize ? u : null;
}

/** The memory row to draw: the unit's own keep-gate product (memoryUnits[t·H + unit]) or the mean over units. */
export function memoryRow(memory: MemorySpanView, unit: number | null): number[] {
  const T = memory.tokens.length;
  const H = memory.hiddenSize;
  if (unit === null || unit >= H || memory.memoryUnits.length < T * H) return memory.memory;
  const row: number[] = [];
  for (let t = 0; t < T; t++) row.push(memory.memoryUnits[t * H + unit]);
  return row;
}

/**
 * A cheap fingerprint of a measurement. Every lab message arrives as a fresh copy (a comparison posts several a
 * second), so the view compares content, not identity, to skip redrawing an unchanged strip.
 */
export function memorySignature(m: MemorySpanView | null): string {
  if (!m) return '';
  const sum = (xs: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < xs.length; i++) s += xs[i] * (1 + (i % 7));
    return s;
  };
  return [m.version, m.offset, m.cell, m.hiddenSize, m.tokens.length, m.target.token, m.target.prob]
    .concat([sum(m.gradient), sum(m.memory), sum(m.memoryUnits)])
    .join('|');
}
