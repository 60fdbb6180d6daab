// The unit inspector: where the pinned unit (or probe) is highest and lowest across the document, each context a
// short snippet with its value drawn as a bar under every character (text is data, never HTML); a click jumps the
// editor there. Beside them, the histogram of every value, drawn on canvas.

import type { InspectorSnippet, UnitInspection } from '../../shared/protocol';
import { visibleToken } from '../../shared/glyphs';
import { el, setText } from '../dom';
import { WebviewState, t } from '../state';
import { progressRing } from '../toolkit';
import { formatCount, niceAxis } from '../ui/axes';
import { boxWidth, surface } from '../ui/canvas';
import { Chart, plotArea } from '../ui/chart';
import { DrawnFrom } from '../ui/drawnFrom';
import { css, themePalette, type Rgb } from './colormap';
import { ViewContext } from './context';
import { FEATURE_LABELS } from './insightView';

const HISTOGRAM_HEIGHT = 90;

export class InspectorView {
  readonly root: HTMLElement;
  private readonly title = el('h3', { id: 'inspector-title' });
  private readonly ring = progressRing();
  private readonly topTitle = el('h4');
  private readonly top = el('ul', { class: 'snippet-list', 'data-testid': 'inspector-top' });
  private readonly bottomTitle = el('h4');
  private readonly bottom = el('ul', { class: 'snippet-list', 'data-testid': 'inspector-bottom' });
  private readonly histogram = surface({
    class: 'inspector-histogram',
    role: 'img',
    'data-testid': 'inspector-histogram',
  });
  private readonly note = el('p', { class: 'note' });
  private readonly inputs = new DrawnFrom();

  constructor(private readonly ctx: ViewContext) {
    this.root = el(
      'section',
      { class: 'inspector-view', 'aria-labelledby': 'inspector-title', 'data-testid': 'inspector' },
      this.title,
      this.ring,
      this.histogram.canvas,
      this.topTitle,
      this.top,
      this.bottomTitle,
      this.bottom,
      this.note,
    );
  }

  update(state: WebviewState): void {
    const { insight, strings, view } = state;
    if (!this.inputs.changed({ inspector: insight.inspector, busy: insight.inspectorState, strings, view })) return;
    const ins = insight.inspector;
    this.root.hidden = insight.inspectorState === 'none' && !ins;
    this.ring.hidden = insight.inspectorState !== 'computing';
    setText(this.title, ins ? this.heading(state, ins) : t(state, 'Unit inspector'));
    setText(this.note, insight.inspectorState === 'failed' ? t(state, 'The inspector could not read this unit.') : '');
    if (!ins) {
      this.top.replaceChildren();
      this.bottom.replaceChildren();
      this.histogram.canvas.hidden = true;
      return;
    }
    const scale = Math.max(Math.abs(ins.histogram.min), Math.abs(ins.histogram.max)) || 1;
    const palette = themePalette();
    setText(this.topTitle, t(state, 'Highest across the document'));
    setText(this.bottomTitle, t(state, 'Lowest across the document'));
    this.top.replaceChildren(...ins.top.map((s) => this.snippet(state, s, scale, palette.positive, palette.negative)));
    this.bottom.replaceChildren(
      ...ins.bottom.map((s) => this.snippet(state, s, scale, palette.positive, palette.negative)),
    );
    this.histogram.canvas.hidden = false;
    this.drawHistogram(state, ins);
  }

  private heading(state: WebviewState, ins: UnitInspection): string {
    const tg = ins.target;
    if (tg.kind === 'probe') return t(state, 'Inspector: probe for {0}', t(state, FEATURE_LABELS[tg.feature]));
    return t(state, 'Inspector: unit {0}{1} (layer {2})', tg.gate, tg.unit, tg.layer + 1);
  }

  /** One context: the characters as text, each with a bar under it (height and colour: the value). */
  private snippet(state: WebviewState, s: InspectorSnippet, scale: number, pos: Rgb, neg: Rgb): HTMLElement {
    const chars = s.tokens.map((tok, k) => {
      const glyph = tok === ' ' ? '\u00a0' : visibleToken(tok);
      const v = s.values[k];
      const bar = el('span', { class: 'snippet-bar', 'aria-hidden': 'true' });
      const m = Math.min(1, Math.abs(v) / scale);
      bar.style.height = `${Math.max(1, Math.round(m * 8))}px`;
      bar.style.background = css(v >= 0 ? pos : neg);
      bar.style.opacity = String(0.35 + 0.65 * m);
      return el('span', { class: k === s.focus ? 'snippet-char focus' : 'snippet-char' }, el('span', {}, glyph), bar);
    });
    const b = el(
      'button',
      {
        class: 'snippet',
        type: 'button',
        'data-start': String(s.start),
        title: t(state, 'Show this place in the editor'),
      },
      el('span', { class: 'snippet-value' }, `${s.value >= 0 ? '+' : ''}${s.value.toFixed(2)}`),
      el('span', { class: 'snippet-text' }, ...chars),
    );
    b.addEventListener('click', () => this.ctx.send({ type: 'reveal', start: s.start, end: s.end }));
    return el('li', {}, b);
  }

  private drawHistogram(state: WebviewState, ins: UnitInspection): void {
    const width = boxWidth(this.root, 160, 280);
    const painting = this.histogram.paint(width, HISTOGRAM_HEIGHT);
    if (!painting) return;
    const { g, height } = painting;
    const palette = themePalette();
    const { min, max, counts } = ins.histogram;
    const xAxis = niceAxis([min, max], 4);
    const yAxis = niceAxis([0, Math.max(1, ...counts)], 2, { includeZero: true });
    const chart = new Chart(
      g,
      plotArea(width, height, { l: 40, r: 10, t: 6, b: 16 }),
      xAxis,
      yAxis,
      css(palette.foreground),
    );
    chart.frame();
    chart.yTicks(formatCount);
    chart.xTicks();
    const bw = (max - min) / Math.max(1, counts.length);
    counts.forEach((n, k) => {
      if (n === 0) return;
      const x0 = chart.x(min + k * bw);
      const x1 = chart.x(min + (k + 1) * bw);
      const y = chart.y(n);
      g.fillStyle = css(min + (k + 0.5) * bw >= 0 ? palette.positive : palette.negative);
      g.fillRect(x0, y, Math.max(1, x1 - x0 - 1), chart.y(0) - y);
    });
    this.histogram.canvas.setAttribute(
      'aria-label',
      t(state, 'Histogram of {0} values from {1} to {2}', ins.tokens, min.toFixed(2), max.toFixed(2)),
    );
  }
}
