// The recall experiment: can each cell give back a character it saw G characters ago? Accuracy against the gap,
// one line per cell with its 95 % interval as a band, chance dashed, and a table that says in words whether the
// cells are separated.

import { CellType, CompareMatch, RecallResult, RecallView as RecallState } from '../../shared/protocol';
import { el, setText } from '../dom';
import { WebviewState, t } from '../state';
import { button, dropdown, relabelDropdown } from '../toolkit';
import type { Axis } from '../ui/axes';
import { formatCount, niceAxis } from '../ui/axes';
import { boxWidth, surface } from '../ui/canvas';
import { Chart, legendItem, lineSwatch, plotArea } from '../ui/chart';
import { DrawnFrom } from '../ui/drawnFrom';
import { CELL_NAMES, CELL_ORDER, CELL_STYLES, cellColours } from './cellStyles';
import { css, themePalette } from './colormap';
import { ViewContext } from './context';

const MATCH_LABELS: Record<CompareMatch, string> = {
  params: 'Same number of parameters',
  hidden: 'Same hidden size',
};

const CHART_HEIGHT = 190;
const CHART_PADDING = { l: 40, r: 12, t: 8, b: 30 };
const CHANCE_DASH = [4, 4];

/** A log axis through exactly the gaps measured (they are roughly doubling: 5, 10, 20, 50, 100, 200). */
export function gapAxis(gaps: readonly number[]): Axis {
  const lo = Math.min(...gaps);
  const hi = Math.max(...gaps);
  return { scale: 'log', min: lo / 1.25, max: hi * 1.25, step: 10, ticks: [...gaps] };
}

export class RecallView {
  readonly root: HTMLElement;
  private readonly title = el('h2', { id: 'recall-title' });
  private readonly match = dropdown(
    (['params', 'hidden'] as const).map((m) => ({ value: m, label: MATCH_LABELS[m] })),
    'recall match',
  );
  private readonly start = button('', 'primary');
  private readonly stop = button('', 'secondary');
  private readonly status = el('p', { class: 'lab-status', 'data-testid': 'recall-status', 'aria-live': 'polite' });
  private readonly note = el('p', { class: 'note', 'data-testid': 'recall-note' });
  private readonly legend = el('div', { class: 'legend chart-legend', 'data-testid': 'recall-legend' });
  private readonly chart = surface({ class: 'compare-chart', 'data-testid': 'recall-chart', role: 'img' });
  private readonly verdict = el('p', { class: 'lab-verdict', 'data-testid': 'recall-verdict' });
  private readonly table = el('table', { class: 'compare-table', 'data-testid': 'recall-results' });
  private readonly caption = el('p', { class: 'note' });
  private readonly hint = el('p', { class: 'note' });
  private readonly inputs = new DrawnFrom();
  private readonly labelled = new DrawnFrom();
  private state: WebviewState | undefined;

  constructor(ctx: ViewContext) {
    this.match.dataset.testid = 'recall-match';
    this.start.dataset.testid = 'recall-start';
    this.stop.dataset.testid = 'recall-stop';
    this.start.addEventListener('click', () => {
      if (this.state?.lab.recall?.status === 'running') return;
      ctx.send({ type: 'runRecall', match: this.match.value === 'hidden' ? 'hidden' : 'params' });
    });
    this.stop.addEventListener('click', () => ctx.send({ type: 'stopRecall' }));
    this.root = el(
      'section',
      { class: 'recall-view', 'aria-labelledby': 'recall-title', 'data-status': 'none' },
      this.title,
      el('div', { class: 'buttons-row' }, this.match, this.start, this.stop),
      this.status,
      this.note,
      this.legend,
      this.chart.canvas,
      this.caption,
      this.verdict,
      this.table,
      this.hint,
    );
  }

  update(state: WebviewState): void {
    this.state = state;
    const { view, strings } = state;
    const recall = state.lab.recall;
    const hasDocument = state.document !== null;
    if (!this.inputs.changed({ recall, view, strings, hasDocument })) return;
    this.root.hidden = !hasDocument;
    if (!hasDocument) return;
    if (this.labelled.changed({ strings })) this.renderLabels(state);
    const running = recall?.status === 'running';
    this.root.dataset.status = recall?.status ?? 'none';
    this.start.disabled = running;
    this.stop.hidden = !running;
    setText(this.status, recall ? this.statusText(state, recall) : '');
    setText(this.note, recall?.note ?? '');
    if (recall?.status === 'failed') this.note.setAttribute('role', 'alert');
    else this.note.removeAttribute('role');
    this.hint.hidden = !!recall;
    const result = recall?.result && recall.result.cells.length > 0 ? recall.result : null;
    this.renderLegend(state, result);
    this.draw(state, result);
    this.renderTable(state, result);
    setText(this.verdict, result ? result.verdict : '');
    this.verdict.hidden = !result;
  }

  private renderLabels(state: WebviewState): void {
    setText(this.title, t(state, 'Recall experiment: one character across a gap'));
    setText(this.start, t(state, 'Run'));
    setText(this.stop, t(state, 'Stop'));
    relabelDropdown(this.match, { params: t(state, MATCH_LABELS.params), hidden: t(state, MATCH_LABELS.hidden) });
    setText(
      this.caption,
      t(
        state,
        'Accuracy of recalling the cue character G characters later, per cell; shaded: 95 % interval (Wilson); dashed: chance.',
      ),
    );
    setText(
      this.hint,
      t(
        state,
        'Builds sequences from this document’s characters: a cue right after a marker, G characters of the document’s text, then a second marker that asks for the cue. Each cell trains on them from scratch (the same sequences, a step budget, whole-sequence backpropagation), then is tested per gap on text from the end of the document. The model in the panel is not changed.',
      ),
    );
  }

  private statusText(state: WebviewState, recall: RecallState): string {
    switch (recall.status) {
      case 'running': {
        const p = recall.progress;
        if (!p) return t(state, 'Starting the recall experiment…');
        return t(
          state,
          'Training {0}… step {1} of {2}, gaps up to {3} ({4} % right)',
          CELL_NAMES[p.cell],
          p.step,
          p.steps,
          p.gapReached,
          Math.round(p.trainAccuracy * 100),
        );
      }
      case 'done':
        return t(state, 'Done in {0} s', Math.round(recall.result?.elapsedSec ?? 0));
      case 'stopped':
        return t(state, 'Stopped');
      case 'failed':
        return t(state, 'Failed');
    }
  }

  private renderLegend(state: WebviewState, result: RecallResult | null): void {
    this.legend.hidden = !result;
    if (!result) {
      this.legend.replaceChildren();
      return;
    }
    const colours = cellColours();
    const items = cells(result).map((c) =>
      legendItem(
        { 'data-cell': c.cell },
        lineSwatch({
          colour: css(colours[c.cell]),
          dash: CELL_STYLES[c.cell].dash,
          marker: CELL_STYLES[c.cell].marker,
        }),
        t(state, '{0} · H {1} · {2} params', CELL_NAMES[c.cell], c.hiddenSize, formatCount(c.params)),
      ),
    );
    const fg = css(themePalette().foreground);
    items.push(
      legendItem(
        { 'data-chance': String(result.chance) },
        lineSwatch({ colour: fg, dash: CHANCE_DASH, width: 1, alpha: 0.8 }),
        t(state, 'chance {0}', result.chance.toFixed(2)),
      ),
    );
    this.legend.replaceChildren(...items);
  }

  /** Accuracy against gap (log axis through the gaps), a band per cell for its interval, chance dashed. */
  private draw(state: WebviewState, result: RecallResult | null): void {
    this.chart.canvas.hidden = !result;
    this.caption.hidden = !result;
    this.chart.canvas.dataset.lines = String(result?.cells.length ?? 0);
    if (!result) return;
    const painting = this.chart.paint(boxWidth(this.root, 200, 300), CHART_HEIGHT);
    if (!painting) return;
    const { g, width, height } = painting;
    const fg = css(themePalette().foreground);
    const colours = cellColours();
    const chart = new Chart(
      g,
      plotArea(width, height, CHART_PADDING),
      gapAxis(result.gaps),
      niceAxis([0, 1], 4, { includeZero: true }),
      fg,
    );
    chart.frame();
    chart.yTicks();
    chart.xTicks((v) => String(v));
    chart.xTitle(t(state, 'Gap G (characters from cue to recall)'), height - 12);
    chart.yTitle(t(state, 'Recall accuracy'));
    const [x0, x1] = [chart.xAxis.min, chart.xAxis.max];
    chart.line(
      [
        { x: x0, y: result.chance },
        { x: x1, y: result.chance },
      ],
      { colour: fg, dash: CHANCE_DASH, width: 1, alpha: 0.8 },
    );
    this.chart.canvas.dataset.chance = String(result.chance);
    const shown = cells(result);
    const outline = css(themePalette().background);
    shown.forEach((c, i) => {
      const colour = css(colours[c.cell]);
      // Whiskers and markers are dodged a few pixels per cell so equal scores (often 1.0) stay readable.
      const dodge = (i - (shown.length - 1) / 2) * 5;
      const pts = [...c.points].sort((a, b) => a.gap - b.gap);
      chart.band(
        pts.map((p) => p.gap),
        pts.map((p) => p.lo),
        pts.map((p) => p.hi),
        colour,
      );
      chart.line(
        pts.map((p) => ({ x: p.gap, y: p.accuracy })),
        { colour, dash: CELL_STYLES[c.cell].dash },
      );
      for (const p of pts) {
        chart.whisker(chart.x(p.gap) + dodge, p.lo, p.hi, colour, 4);
        chart.marker(chart.x(p.gap) + dodge, chart.y(p.accuracy), CELL_STYLES[c.cell].marker, colour, outline);
      }
    });
    const described = result.gaps.map((gap) => {
      const values = cells(result).map((c) => {
        const p = c.points.find((q) => q.gap === gap);
        return p ? `${CELL_NAMES[c.cell]} ${p.accuracy.toFixed(2)} [${p.lo.toFixed(2)}, ${p.hi.toFixed(2)}]` : '';
      });
      return `${gap}: ${values.join(', ')}`;
    });
    this.chart.canvas.setAttribute(
      'aria-label',
      `${t(state, 'Recall accuracy')} (${t(state, 'chance {0}', result.chance.toFixed(2))}): ${described.join('; ')}`,
    );
  }

  private renderTable(state: WebviewState, result: RecallResult | null): void {
    this.table.hidden = !result;
    if (!result) {
      this.table.replaceChildren();
      return;
    }
    const head = el(
      'tr',
      {},
      ...[t(state, 'Cell'), t(state, 'Hidden size'), t(state, 'Parameters'), t(state, 'Steps')].map((h) =>
        el('th', { scope: 'col' }, h),
      ),
      ...result.gaps.map((gap) => el('th', { scope: 'col' }, t(state, 'G = {0}', gap))),
    );
    const rows = cells(result).map((c) =>
      el(
        'tr',
        { 'data-cell': c.cell },
        el('th', { scope: 'row' }, CELL_NAMES[c.cell]),
        el('td', {}, String(c.hiddenSize)),
        el('td', {}, c.params.toLocaleString('en-US')),
        el('td', { title: t(state, 'curriculum reached gap {0}', c.reachedGap) }, String(c.steps)),
        ...result.gaps.map((gap) => {
          const p = c.points.find((q) => q.gap === gap);
          return el(
            'td',
            { 'data-gap': String(gap), title: p ? `${p.correct} / ${p.n}` : '' },
            p ? `${p.accuracy.toFixed(2)} [${p.lo.toFixed(2)}, ${p.hi.toFixed(2)}]` : '—',
          );
        }),
      ),
    );
    this.table.replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));
  }
}

/** The result's cells, simplest first. */
function cells(result: RecallResult): RecallResult['cells'] {
  const order = (c: CellType) => CELL_ORDER.indexOf(c);
  return [...result.cells].sort((a, b) => order(a.cell) - order(b.cell));
}
