// Context heatmap: one gate or state, units × the last N characters before the cursor; click a unit to pin it and see its trace.

import { visibleToken } from '../../shared/glyphs';
import { GATE_NAMES, GateName, Prediction } from '../../shared/protocol';
import { el, setText } from '../dom';
import { WebviewState, t } from '../state';
import { dropdown } from '../toolkit';
import { Axis } from '../ui/axes';
import { boxWidth, surface } from '../ui/canvas';
import { Chart } from '../ui/chart';
import { DrawnFrom } from '../ui/drawnFrom';
import { Palette, colorFor, css, isSignedGate, themePalette } from './colormap';
import { ViewContext } from './context';
import { GATE_LABELS, traceLength, traceValue } from './trace';

const ROW = 3;
/** Room left of the unit trace for the gate letters. */
const TRACE_GUTTER = 24;

export class HeatmapView {
  readonly root: HTMLElement;
  private readonly title = el('h2', { id: 'heatmap-title' });
  private readonly gateSelect: HTMLElement & { value: string };
  private readonly map = surface({ class: 'heatmap', 'data-testid': 'heatmap', role: 'img', tabindex: '0' });
  private readonly canvas = this.map.canvas;
  private readonly labels = el('div', {
    class: 'heatmap-labels',
    'data-testid': 'heatmap-labels',
    'aria-hidden': 'true',
  });
  private readonly pinned = el('div', { class: 'pinned', 'data-testid': 'pinned-unit' });
  private readonly trace = surface({ class: 'unit-trace', 'data-testid': 'unit-trace', role: 'img' });
  private readonly traceCanvas = this.trace.canvas;
  private readonly inputs = new DrawnFrom();
  private cellWidth = 8;
  /** The state of the last update, for event handlers. */
  private state: WebviewState | undefined;

  constructor(private readonly ctx: ViewContext) {
    this.gateSelect = dropdown(
      GATE_NAMES.map((g) => ({ value: g, label: `${g} — ${GATE_LABELS[g]}` })),
      'gate',
    );
    this.gateSelect.dataset.testid = 'heatmap-gate';
    this.gateSelect.addEventListener('change', () => {
      const gate = this.gateSelect.value as GateName;
      if (this.state && GATE_NAMES.includes(gate)) this.ctx.setView({ ...this.state.view, selectedGate: gate });
    });
    this.canvas.addEventListener('click', (e) => this.onClick(e));
    this.canvas.addEventListener('keydown', (e) => this.onKey(e));
    this.root = el(
      'section',
      { class: 'heatmap-view', 'aria-labelledby': 'heatmap-title' },
      el('div', { class: 'heatmap-head' }, this.title, this.gateSelect),
      el('div', { class: 'heatmap-scroll' }, this.canvas, this.labels),
      this.pinned,
      this.traceCanvas,
    );
  }

  update(state: WebviewState): void {
    this.state = state;
    const { prediction, view, strings } = state;
    if (!this.inputs.changed({ prediction, view, strings })) return;
    const steps = prediction ? traceLength(prediction) : 0;
    this.root.hidden = !prediction || steps === 0;
    if (!prediction || steps === 0) return;
    setText(this.title, t(state, 'Context heatmap'));
    if (this.gateSelect.value !== view.selectedGate) this.gateSelect.value = view.selectedGate;
    const layer = Math.min(view.pinnedLayer, prediction.layers - 1);
    const palette = themePalette();
    this.drawHeatmap(state, prediction, palette, layer, steps);
    this.drawLabels(prediction);
    this.drawPinned(state, prediction, palette, layer, steps);
  }

  private drawHeatmap(state: WebviewState, p: Prediction, palette: Palette, layer: number, steps: number): void {
    const H = p.hiddenSize;
    const gate = state.view.selectedGate;
    const available = boxWidth(this.root, 204, 404) - 4;
    this.cellWidth = Math.max(6, Math.min(16, Math.floor(available / steps)));
    const w = steps * this.cellWidth;
    const c = this.canvas;
    const g = this.map.paint(w, H * ROW)?.g;
    if (!g) return;
    for (let s = 0; s < steps; s++)
      for (let u = 0; u < H; u++) {
        g.fillStyle = css(colorFor(palette, gate, traceValue(p, layer, s, gate, u)));
        g.fillRect(s * this.cellWidth, u * ROW, this.cellWidth, ROW);
      }
    const pinned = state.view.pinnedUnit;
    if (pinned !== null && pinned < H) {
      g.strokeStyle = css(palette.foreground);
      g.lineWidth = 1;
      g.strokeRect(0.5, pinned * ROW - 0.5, w - 1, ROW + 1);
    }
    c.setAttribute(
      'aria-label',
      `${t(state, 'Context heatmap')}: ${gate} (${t(state, GATE_LABELS[gate])}), ${H} × ${steps}. ${t(state, 'Pinned unit')}: ${pinned ?? '—'}`,
    );
  }

  private drawLabels(p: Prediction): void {
    this.labels.replaceChildren(
      ...p.contextTokens.map((tok) => {
        const s = el('span', { class: 'heatmap-label' }, visibleToken(tok));
        s.style.width = `${this.cellWidth}px`;
        return s;
      }),
    );
  }

  /** The pinned unit's six signals over the window, as small stacked lines. */
  private drawPinned(state: WebviewState, p: Prediction, palette: Palette, layer: number, steps: number): void {
    const unit = state.view.pinnedUnit;
    const has = unit !== null && unit < p.hiddenSize;
    this.traceCanvas.hidden = !has;
    setText(
      this.pinned,
      has ? `${t(state, 'Pinned unit')}: ${t(state, 'Layer')} ${layer + 1} · ${t(state, 'Unit')} ${unit}` : '',
    );
    if (!has) return;
    const rowH = 22;
    const w = steps * this.cellWidth;
    const c = this.traceCanvas;
    const g = this.trace.paint(w + TRACE_GUTTER, GATE_NAMES.length * rowH)?.g;
    if (!g) return;
    const fg = css(palette.foreground);
    const half = this.cellWidth / 2;
    const xAxis: Axis = { min: 0, max: Math.max(1, steps - 1), step: 1, ticks: [] };
    GATE_NAMES.forEach((gate, row) => {
      const top = row * rowH + 2;
      const signed = isSignedGate(gate);
      const yAxis: Axis = { min: signed ? -1 : 0, max: 1, step: 1, ticks: [] };
      const area = { left: TRACE_GUTTER + half, right: TRACE_GUTTER + w - half, top, bottom: top + rowH - 4 };
      const chart = new Chart(g, area, xAxis, yAxis, fg);
      g.fillStyle = fg;
      g.textAlign = 'left';
      g.textBaseline = 'alphabetic';
      g.globalAlpha = 0.8;
      g.fillText(gate, 2, top + rowH / 2 + 2);
      g.globalAlpha = 0.2;
      g.fillRect(TRACE_GUTTER, chart.y(0), w, 1);
      g.globalAlpha = 1;
      const points = Array.from({ length: steps }, (_, s) => ({
        x: s,
        y: Math.max(yAxis.min, Math.min(1, traceValue(p, layer, s, gate, unit!))),
      }));
      chart.line(points, { colour: css(signed ? palette.negative : palette.positive), width: 1.5 });
    });
    const last = steps - 1;
    c.setAttribute(
      'aria-label',
      GATE_NAMES.map((gate) => `${gate} ${traceValue(p, layer, last, gate, unit!).toFixed(2)}`).join(', '),
    );
  }

  private onClick(e: MouseEvent): void {
    const state = this.state;
    if (!state?.prediction) return;
    const r = this.canvas.getBoundingClientRect();
    const unit = Math.floor((e.clientY - r.top) / ROW);
    if (unit < 0 || unit >= state.prediction.hiddenSize) return;
    this.ctx.setView({ ...state.view, pinnedUnit: state.view.pinnedUnit === unit ? null : unit });
  }

  private onKey(e: KeyboardEvent): void {
    const state = this.state;
    if (!state?.prediction) return;
    const H = state.prediction.hiddenSize;
    const cur = state.view.pinnedUnit ?? -1;
    let next: number | null | undefined;
    if (e.key === 'ArrowDown') next = Math.min(H - 1, cur + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, cur - 1);
    else if (e.key === 'Escape') next = null;
    if (next === undefined) return;
    e.preventDefault();
    this.ctx.setView({ ...state.view, pinnedUnit: next });
  }
}
