// Gates at the cursor: i, f, g, o, c, h of every unit as colour cells (Olah's diagram, per unit), with hover values and a legend.
// The canvases persist across updates and are redrawn in place, so keyboard focus and hover survive new predictions.

import { GATE_NAMES, GateName, Prediction } from '../../shared/protocol';
import { el, setText } from '../dom';
import { WebviewState, t } from '../state';
import { CanvasSurface, surface } from '../ui/canvas';
import { DrawnFrom } from '../ui/drawnFrom';
import { Palette, colorFor, css, themePalette } from './colormap';
import { ViewContext } from './context';
import { GATE_LABELS, gateRow, traceLength } from './trace';

const CELL = 10;
const GAP = 1;

/** Grid shape for H units: 16 columns (8 for small models). */
export function gridShape(hidden: number): { cols: number; rows: number } {
  const cols = hidden >= 64 ? 16 : Math.max(1, Math.min(hidden, 8));
  return { cols, rows: Math.ceil(hidden / cols) };
}

interface Grid {
  layer: number;
  gate: GateName;
  surface: CanvasSurface;
  canvas: HTMLCanvasElement;
  caption: HTMLElement;
}

export class GatesView {
  readonly root: HTMLElement;
  private readonly title = el('h2', { id: 'gates-title' });
  private readonly layers = el('div', { class: 'gate-layers', 'data-testid': 'gates' });
  private readonly tooltip = el('div', { class: 'tooltip', 'data-testid': 'gate-tooltip', role: 'tooltip' });
  private readonly legend = el('div', { class: 'legend', 'data-testid': 'gate-legend' });
  private readonly empty = el('p', { class: 'empty' });
  private readonly inputs = new DrawnFrom();
  /** The grids for the current shape (layers × H); rebuilt only when the shape changes. */
  private grids: Grid[] = [];
  private shape = '';
  /** The palette the legend was drawn with. */
  private legendPalette: Palette | undefined;
  /** The latest state, read by the event handlers. */
  private state: WebviewState | undefined;
  /** Keyboard focus inside a grid (a unit), separate from the pinned unit. */
  private focusUnit = 0;

  constructor(private readonly ctx: ViewContext) {
    this.root = el(
      'section',
      { class: 'gates-view', 'aria-labelledby': 'gates-title' },
      this.title,
      this.legend,
      this.empty,
      this.layers,
      this.tooltip,
    );
    this.tooltip.hidden = true;
  }

  update(state: WebviewState): void {
    this.state = state;
    const { prediction, view, strings } = state;
    if (!this.inputs.changed({ prediction, view, strings })) return;
    this.root.hidden = !prediction;
    setText(this.title, t(state, 'Gates at the cursor'));
    if (!prediction) return;
    const palette = themePalette();
    const steps = traceLength(prediction);
    setText(this.empty, steps === 0 ? t(state, 'At the start of the document no character has been read yet.') : '');
    this.layers.hidden = steps === 0;
    if (steps === 0) return;
    this.renderLegend(palette);
    this.ensureGrids(state, prediction);
    for (const grid of this.grids) this.draw(state, prediction, palette, grid, steps - 1);
  }

  /** Builds the figure and canvas of every (layer, gate) when the model's shape changes. */
  private ensureGrids(state: WebviewState, p: Prediction): void {
    const shape = `${p.layers}x${p.hiddenSize}`;
    if (shape === this.shape) return;
    this.shape = shape;
    this.grids = [];
    const blocks: HTMLElement[] = [];
    for (let layer = 0; layer < p.layers; layer++) {
      const figures = GATE_NAMES.map((gate) => {
        const gridSurface = surface({
          class: 'gate-grid',
          tabindex: '0',
          role: 'img',
          'data-gate': gate,
          'data-layer': String(layer),
          'data-testid': `gate-${gate}-${layer}`,
        });
        const canvas = gridSurface.canvas;
        const caption = el('figcaption');
        const grid: Grid = { layer, gate, surface: gridSurface, canvas, caption };
        this.attachHandlers(grid);
        this.grids.push(grid);
        return el('figure', { class: 'gate-block' }, caption, canvas);
      });
      blocks.push(
        el(
          'div',
          { class: 'gate-layer', 'data-layer': String(layer) },
          p.layers > 1 ? el('h3', {}, `${t(state, 'Layer')} ${layer + 1}`) : '',
          el('div', { class: 'gate-grids' }, ...figures),
        ),
      );
    }
    this.layers.replaceChildren(...blocks);
  }

  private draw(state: WebviewState, p: Prediction, palette: Palette, grid: Grid, step: number): void {
    const { layer, gate, canvas, caption } = grid;
    const H = p.hiddenSize;
    const { cols, rows } = gridShape(H);
    const values = gateRow(p, layer, step, gate);
    const w = cols * (CELL + GAP) + GAP;
    const h = rows * (CELL + GAP) + GAP;
    const name = t(state, GATE_LABELS[gate]);
    caption.replaceChildren(el('b', {}, gate), ` ${name}`);
    const g = grid.surface.paint(w, h)?.g;
    const pinned = state.view.pinnedLayer === layer ? state.view.pinnedUnit : null;
    if (g) {
      g.fillStyle = css(palette.foreground);
      g.globalAlpha = 0.15;
      g.fillRect(0, 0, w, h);
      g.globalAlpha = 1;
      for (let u = 0; u < H; u++) {
        const x = GAP + (u % cols) * (CELL + GAP);
        const y = GAP + Math.floor(u / cols) * (CELL + GAP);
        g.fillStyle = css(colorFor(palette, gate, values[u]));
        g.fillRect(x, y, CELL, CELL);
        if (u === pinned) {
          g.strokeStyle = css(palette.foreground);
          g.lineWidth = 2;
          g.strokeRect(x - 0.5, y - 0.5, CELL + 1, CELL + 1);
        }
      }
    }
    const mean = values.reduce((s, v) => s + v, 0) / H;
    canvas.setAttribute('aria-label', `${gate}: ${name}, ${H} ${t(state, 'units')}; mean ${mean.toFixed(2)}`);
  }

  /** Hover, click and keyboard for one grid; they read the latest state, so they survive redraws. */
  private attachHandlers(grid: Grid): void {
    const { canvas, layer, gate } = grid;
    const current = () => {
      const state = this.state;
      const p = state?.prediction;
      if (!state || !p || traceLength(p) === 0 || layer >= p.layers) return undefined;
      return { state, p, values: gateRow(p, layer, traceLength(p) - 1, gate), cols: gridShape(p.hiddenSize).cols };
    };
    const unitAt = (e: MouseEvent): number | null => {
      const c = current();
      if (!c) return null;
      const r = canvas.getBoundingClientRect();
      const cx = Math.floor((e.clientX - r.left - GAP) / (CELL + GAP));
      const cy = Math.floor((e.clientY - r.top - GAP) / (CELL + GAP));
      const u = cy * c.cols + cx;
      return cx >= 0 && cx < c.cols && cy >= 0 && u < c.p.hiddenSize ? u : null;
    };
    const show = (u: number, anchor: { x: number; y: number }) => {
      const c = current();
      if (!c) return;
      this.tooltip.hidden = false;
      setText(
        this.tooltip,
        `${t(c.state, 'Unit')} ${u} · ${gate} (${t(c.state, GATE_LABELS[gate])}) = ${c.values[u].toFixed(3)}`,
      );
      this.tooltip.style.left = `${anchor.x + 12}px`;
      this.tooltip.style.top = `${anchor.y + 12}px`;
    };
    canvas.addEventListener('mousemove', (e) => {
      const u = unitAt(e);
      if (u === null) this.tooltip.hidden = true;
      else show(u, { x: e.pageX, y: e.pageY });
    });
    canvas.addEventListener('mouseleave', () => (this.tooltip.hidden = true));
    canvas.addEventListener('click', (e) => {
      const u = unitAt(e);
      if (u !== null) this.pin(layer, u);
    });
    canvas.addEventListener('keydown', (e) => {
      const c = current();
      if (!c) return;
      const H = c.p.hiddenSize;
      const moves: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -c.cols, ArrowDown: c.cols };
      if (e.key in moves) {
        this.focusUnit = Math.max(0, Math.min(H - 1, this.focusUnit + moves[e.key]));
        const r = canvas.getBoundingClientRect();
        show(this.focusUnit, {
          x: r.left + window.scrollX + (this.focusUnit % c.cols) * (CELL + GAP),
          y: r.top + window.scrollY + Math.floor(this.focusUnit / c.cols) * (CELL + GAP),
        });
        e.preventDefault();
      } else if (e.key === 'Enter' || e.key === ' ') {
        this.pin(layer, this.focusUnit);
        e.preventDefault();
      } else if (e.key === 'Escape') {
        this.ctx.setView({ ...c.state.view, pinnedUnit: null });
        this.tooltip.hidden = true;
      }
    });
    canvas.addEventListener('blur', () => (this.tooltip.hidden = true));
  }

  private pin(layer: number, unit: number): void {
    const state = this.state;
    if (!state) return;
    const same = state.view.pinnedUnit === unit && state.view.pinnedLayer === layer;
    this.ctx.setView({ ...state.view, pinnedUnit: same ? null : unit, pinnedLayer: layer });
  }

  private renderLegend(p: Palette): void {
    if (this.legendPalette === p) return;
    this.legendPalette = p;
    const bar = (signed: boolean) => {
      const bar = surface({ class: 'legend-bar', 'aria-hidden': 'true' });
      const g = bar.paint(120, 10)?.g;
      if (g)
        for (let x = 0; x < 120; x++) {
          const v = signed ? (x / 119) * 2 - 1 : x / 119;
          g.fillStyle = css(colorFor(p, signed ? 'c' : 'i', v));
          g.fillRect(x, 0, 1, 10);
        }
      return bar.canvas;
    };
    this.legend.replaceChildren(
      el(
        'span',
        { class: 'legend-item' },
        'i f o ',
        el('span', { class: 'tick' }, '0'),
        bar(false),
        el('span', { class: 'tick' }, '1'),
      ),
      el(
        'span',
        { class: 'legend-item' },
        'g h tanh(c) ',
        el('span', { class: 'tick' }, '−1'),
        bar(true),
        el('span', { class: 'tick' }, '+1'),
      ),
    );
  }
}
