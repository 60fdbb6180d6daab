// Memory span at the cursor: how much the next prediction depends on each earlier character, and how much of
// what was written there the forget gates kept — a strip over the preceding text.

import { describeToken, visibleToken } from '../../shared/glyphs';
import { CellType, MemorySpanView } from '../../shared/protocol';
import { el, setText } from '../dom';
import { WebviewState, t } from '../state';
import { button, checkbox } from '../toolkit';
import { surface } from '../ui/canvas';
import { DrawnFrom } from '../ui/drawnFrom';
import { Palette, css, sequential, themePalette } from './colormap';
import { ViewContext } from './context';
import {
  STRIP_GEOMETRY,
  StripLayout,
  cellOrigin,
  memoryRow,
  memorySignature,
  memoryUnitFor,
  strongestDependence,
  stripLayout,
  tokenAt,
} from './memoryStrip';

/** The letter naming the keep gate in the row gutter and the legend. */
const KEEP_GATE: Record<CellType, string> = { lstm: 'f', gru: 'z', rnn: '–' };

export class MemoryView {
  readonly root: HTMLElement;
  private readonly title = el('h2', { id: 'memory-title' });
  private readonly measure = button('', 'secondary');
  private readonly follow = checkbox('');
  private readonly status = el('p', { class: 'lab-status', 'data-testid': 'memory-status', 'aria-live': 'polite' });
  private readonly legend = el('div', { class: 'legend memory-legend', 'data-testid': 'memory-legend' });
  private readonly strip = surface({
    class: 'memory-strip',
    'data-testid': 'memory-strip',
    role: 'img',
    tabindex: '0',
  });
  private readonly canvas = this.strip.canvas;
  private readonly tooltip = el('div', { class: 'tooltip', role: 'tooltip', 'data-testid': 'memory-tooltip' });
  private readonly explanation = el('p', { class: 'note', 'data-testid': 'memory-explanation' });
  /** What the last update drew from; lab messages arrive as fresh copies, so the lab is compared by content. */
  private readonly inputs = new DrawnFrom();
  /** What the strip shows now, for hover. */
  private drawn: { memory: MemorySpanView; layout: StripLayout; row: number[] } | undefined;
  private state: WebviewState | undefined;

  constructor(ctx: ViewContext) {
    this.measure.dataset.testid = 'memory-measure';
    this.follow.dataset.testid = 'memory-follow';
    this.measure.addEventListener('click', () => {
      if (!this.state?.lab.pending.includes('memory')) ctx.send({ type: 'measureMemory' });
    });
    // A programmatic `checked` also fires 'change': only a change the host doesn't know yet is sent.
    this.follow.addEventListener('change', () => {
      const on = this.follow.checked;
      if (this.state && on !== this.state.lab.memoryFollow) ctx.send({ type: 'followMemory', on });
    });
    this.canvas.addEventListener('mousemove', (e) => this.hover(e));
    this.canvas.addEventListener('mouseleave', () => (this.tooltip.hidden = true));
    this.tooltip.hidden = true;
    this.root = el(
      'section',
      { class: 'memory-view', 'aria-labelledby': 'memory-title' },
      this.title,
      el('div', { class: 'buttons-row' }, this.measure, this.follow),
      this.status,
      this.legend,
      el('div', { class: 'memory-strip-box' }, this.canvas),
      this.explanation,
      this.tooltip,
    );
  }

  update(state: WebviewState): void {
    this.state = state;
    const { lab, view, strings } = state;
    const hasModel = !!state.prediction;
    const memory = lab.memory;
    const c = state.cursor;
    const stale = !!memory && !!c && (memory.version !== c.version || memory.offset !== c.offset);
    const pending = lab.pending.includes('memory');
    const error = lab.error?.kind === 'memory' ? lab.error.message : '';
    const labKey = `${memorySignature(memory)}#${lab.memoryFollow}#${pending}#${stale}#${error}`;
    if (!this.inputs.changed({ labKey, view, strings, hasModel })) return; // a resize or theme change brings a new `view`
    this.root.hidden = !hasModel;
    if (!hasModel) return;
    setText(this.title, t(state, 'Memory span at the cursor'));
    setText(this.measure, pending ? t(state, 'Measuring…') : t(state, 'Measure at the cursor'));
    this.measure.disabled = pending;
    setText(this.follow, t(state, 'Follow the cursor (editor overlay)'));
    if (this.follow.checked !== lab.memoryFollow) this.follow.checked = lab.memoryFollow;
    this.root.classList.toggle('stale', stale && !lab.memoryFollow);

    if (pending) setText(this.status, t(state, 'Measuring…'));
    else if (error) setText(this.status, error);
    else if (!memory) setText(this.status, t(state, 'Measure to see how far back the model looks from the cursor.'));
    else if (stale && !lab.memoryFollow)
      setText(this.status, t(state, 'Measured before the cursor moved: measure again to update.'));
    else setText(this.status, '');

    const hasStrip = !!memory && memory.tokens.length > 0;
    this.canvas.hidden = !hasStrip;
    this.legend.hidden = !hasStrip;
    this.explanation.hidden = !memory;
    if (!memory) {
      this.drawn = undefined;
      this.tooltip.hidden = true;
      return;
    }
    const unit = memoryUnitFor(view, memory.hiddenSize);
    const row = memoryRow(memory, unit);
    const palette = themePalette();
    this.renderLegend(state, memory, unit, palette);
    this.renderExplanation(state, memory);
    if (hasStrip) this.draw(state, memory, row, palette);
  }

  private renderLegend(state: WebviewState, memory: MemorySpanView, unit: number | null, p: Palette): void {
    const swatch = (colour: string) => {
      const s = el('span', { class: 'swatch', 'aria-hidden': 'true' });
      s.style.background = colour;
      return s;
    };
    const memoryLabel =
      memory.cell === 'rnn'
        ? t(state, 'Bottom row: no gate keeps memory in a plain RNN')
        : unit !== null
          ? t(state, 'Bottom row ({0}): memory of pinned unit {1}', KEEP_GATE[memory.cell], unit)
          : t(state, 'Bottom row ({0}): memory, mean over units', KEEP_GATE[memory.cell]);
    this.legend.replaceChildren(
      el(
        'span',
        { class: 'legend-item', 'data-row': 'gradient' },
        swatch(css(gradientColour(p, 1))),
        t(state, 'Top row (∂): gradient connectivity'),
      ),
      el('span', { class: 'legend-item', 'data-row': 'memory' }, swatch(css(sequential(p, 1))), memoryLabel),
    );
  }

  private renderExplanation(state: WebviewState, memory: MemorySpanView): void {
    const top = t(
      state,
      'Top: how much the prediction of “{0}” depends on each earlier character (gradient norm on a log scale, Distill’s “Memorization in RNNs”).',
      visibleToken(memory.target.token),
    );
    const bottom =
      memory.cell === 'rnn'
        ? t(state, 'Bottom: a plain RNN has no forget gate: nothing is kept by a gate.')
        : memory.cell === 'gru'
          ? t(
              state,
              'Bottom: how much of the state written there still survives at the cursor (product of the update gates z).',
            )
          : t(
              state,
              'Bottom: how much of the cell state written there still survives at the cursor (product of forget gates).',
            );
    setText(this.explanation, `${top} ${bottom}`);
  }

  private draw(state: WebviewState, memory: MemorySpanView, row: number[], palette: Palette): void {
    const T = memory.tokens.length;
    const available = this.canvas.parentElement?.clientWidth || this.root.clientWidth || 300;
    const layout = stripLayout(T, available);
    const geometry = STRIP_GEOMETRY;
    const { cellWidth: cw } = layout;
    const peak = strongestDependence(memory.gradient);
    this.canvas.dataset.tokens = String(T);
    this.canvas.dataset.target = memory.target.token;
    this.canvas.dataset.peak = String(peak?.distance ?? 0);
    this.canvas.setAttribute(
      'aria-label',
      peak
        ? t(
            state,
            '{0} characters before the cursor; strongest dependence: “{1}” at distance {2}',
            T,
            describeToken(memory.tokens[peak.index]),
            peak.distance,
          )
        : t(state, '{0} characters before the cursor; no dependence measured', T),
    );
    this.drawn = { memory, layout, row };
    const g = this.strip.paint(layout.width, layout.height)?.g;
    if (!g) return;
    const fg = css(palette.foreground);
    const font = getComputedStyle(document.body).getPropertyValue('--vscode-editor-font-family').trim() || 'monospace';
    const glyphSize = Math.min(13, cw);
    const barTop = geometry.glyph + geometry.barGap;
    const memoryTop = barTop + geometry.bar + geometry.barGap;
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    for (let r = 0; r < layout.rows; r++) {
      // Row letters in the gutter: the strip reads without the legend's colours.
      const y = r * layout.rowHeight;
      g.fillStyle = fg;
      g.globalAlpha = 0.6;
      g.font = '8px sans-serif';
      g.fillText('∂', geometry.gutter / 2, y + barTop + geometry.bar / 2);
      g.fillText(KEEP_GATE[memory.cell], geometry.gutter / 2, y + memoryTop + geometry.bar / 2);
      g.globalAlpha = 1;
    }
    g.font = `${glyphSize}px ${font}`;
    for (let k = 0; k < T; k++) {
      const { x, y } = cellOrigin(layout, k);
      const token = memory.tokens[k];
      const glyph = visibleToken(token);
      g.fillStyle = fg;
      g.globalAlpha = glyph !== token ? 0.45 : 0.9; // whitespace symbols stay quieter than the text
      g.fillText(glyph, x + cw / 2, y + geometry.glyph / 2, cw - 1);
      // Faint tracks so a 0 still shows as an empty cell, in every theme.
      g.globalAlpha = 0.1;
      g.fillRect(x, y + barTop, cw - 1, geometry.bar);
      g.fillRect(x, y + memoryTop, cw - 1, geometry.bar);
      g.globalAlpha = 1;
      g.fillStyle = css(gradientColour(palette, memory.gradient[k] ?? 0));
      g.fillRect(x, y + barTop, cw - 1, geometry.bar);
      g.fillStyle = css(sequential(palette, row[k] ?? 0));
      g.fillRect(x, y + memoryTop, cw - 1, geometry.bar);
    }
    g.strokeStyle = fg;
    g.lineWidth = 1;
    if (peak) {
      const { x, y } = cellOrigin(layout, peak.index);
      g.strokeRect(x - 0.5, y + 0.5, cw, memoryTop + geometry.bar);
    }
    // The cursor, just after the last character.
    const end = cellOrigin(layout, T - 1);
    g.lineWidth = 2;
    g.beginPath();
    g.moveTo(end.x + cw + 0.5, end.y + 1);
    g.lineTo(end.x + cw + 0.5, end.y + memoryTop + geometry.bar);
    g.stroke();
  }

  private hover(e: MouseEvent): void {
    const d = this.drawn;
    const state = this.state;
    if (!d || !state) return;
    const r = this.canvas.getBoundingClientRect();
    const k = tokenAt(d.layout, d.memory.tokens.length, e.clientX - r.left, e.clientY - r.top);
    if (k === null) {
      this.tooltip.hidden = true;
      return;
    }
    const back = d.memory.tokens.length - k;
    setText(
      this.tooltip,
      t(
        state,
        '“{0}” at distance {1} · gradient {2} · memory {3}',
        describeToken(d.memory.tokens[k]),
        back,
        (d.memory.gradient[k] ?? 0).toFixed(2),
        (d.row[k] ?? 0).toFixed(2),
      ),
    );
    this.tooltip.hidden = false;
    this.tooltip.style.left = `${e.pageX + 12}px`;
    this.tooltip.style.top = `${e.pageY + 12}px`;
  }
}

/** The gradient row uses the palette's second hue, so the two rows never look alike. */
function gradientColour(p: Palette, value: number) {
  return sequential({ ...p, positive: p.negative }, value);
}
