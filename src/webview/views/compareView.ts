// Compare cells: a plain RNN, a GRU and an LSTM trained on the document side by side — held-out bpc over time, a
// results table, and how well each closes brackets and quotes far from their openers (Olah's "gap").

import {
  CellType,
  CompareEnd,
  CompareCurve,
  CompareMatch,
  CompareView as CompareState,
  LongRangeBucket,
} from '../../shared/protocol';
import { assertNever } from '../../shared/assertNever';
import { el, setText } from '../dom';
import { WebviewState, t } from '../state';
import { button, dropdown, relabelDropdown } from '../toolkit';
import { formatCount, niceAxis } from '../ui/axes';
import { boxWidth, surface } from '../ui/canvas';
import { Chart, groupedBarSlots, legendItem, lineSwatch, plotArea } from '../ui/chart';
import { DrawnFrom } from '../ui/drawnFrom';
import { CELL_NAMES, CELL_ORDER, CELL_STYLES, cellColours, fillBar } from './cellStyles';
import { Rgb, css, themePalette } from './colormap';
import { ViewContext } from './context';

const MATCH_LABELS: Record<CompareMatch, string> = {
  params: 'Same number of parameters',
  hidden: 'Same hidden size',
};

const CURVES_HEIGHT = 170;
const PROBE_HEIGHT = 180;
const CHART_PADDING = { l: 40, r: 10, t: 8, b: 30 };

interface Cells {
  colours: Record<CellType, Rgb>;
  /** The cells compared, simplest first. */
  cells: CellType[];
}

export class CompareView {
  readonly root: HTMLElement;
  private readonly title = el('h2', { id: 'compare-title' });
  private readonly match = dropdown(
    (['params', 'hidden'] as const).map((m) => ({ value: m, label: MATCH_LABELS[m] })),
    'match',
  );
  private readonly start = button('', 'primary');
  private readonly stop = button('', 'secondary');
  private readonly status = el('p', { class: 'lab-status', 'data-testid': 'compare-status', 'aria-live': 'polite' });
  private readonly note = el('p', { class: 'note', 'data-testid': 'compare-note' });
  private readonly legend = el('div', { class: 'legend chart-legend', 'data-testid': 'compare-legend' });
  private readonly curves = surface({ class: 'compare-chart', 'data-testid': 'compare-curves', role: 'img' });
  private readonly table = el('table', { class: 'compare-table', 'data-testid': 'compare-results' });
  private readonly probeStatus = el('p', { class: 'lab-status', 'data-testid': 'compare-probe-status' });
  private readonly probe = surface({ class: 'compare-chart', 'data-testid': 'compare-probe', role: 'img' });
  private readonly probeCaption = el('p', { class: 'note' });
  private readonly probeVerdict = el('p', { class: 'lab-verdict', 'data-testid': 'compare-verdict' });
  private readonly hint = el('p', { class: 'note' });
  /** What the last update drew from; lab messages arrive as fresh copies, so the comparison is compared by content. */
  private readonly inputs = new DrawnFrom();
  /** The UI strings the labels were last written in. */
  private readonly labelled = new DrawnFrom();
  private state: WebviewState | undefined;

  constructor(ctx: ViewContext) {
    this.match.dataset.testid = 'compare-match';
    this.start.dataset.testid = 'compare-start';
    this.stop.dataset.testid = 'compare-stop';
    this.start.addEventListener('click', () => {
      if (this.state?.lab.compare?.status === 'running') return;
      const match = this.match.value === 'hidden' ? 'hidden' : 'params';
      ctx.send({ type: 'compareCells', match });
    });
    this.stop.addEventListener('click', () => ctx.send({ type: 'stopCompare' }));
    this.root = el(
      'section',
      { class: 'compare-view', 'aria-labelledby': 'compare-title', 'data-status': 'none', 'data-probe': 'none' },
      this.title,
      el('div', { class: 'buttons-row' }, this.match, this.start, this.stop),
      this.status,
      this.note,
      this.legend,
      this.curves.canvas,
      this.table,
      this.probeStatus,
      this.probe.canvas,
      this.probeCaption,
      this.probeVerdict,
      this.hint,
    );
  }

  update(state: WebviewState): void {
    this.state = state;
    const { view, strings } = state;
    const compare = state.lab.compare;
    const hasDocument = state.document !== null;
    // A new comparison object means new points (patches append them); a resize or theme change brings a new `view`.
    if (!this.inputs.changed({ compare, view, strings, hasDocument })) return;
    this.root.hidden = !hasDocument;
    if (!hasDocument) return;
    // Labelled when first shown: the strings may have come while the view was still hidden.
    if (this.labelled.changed({ strings })) this.renderLabels(state);
    const running = compare?.status === 'running';
    this.root.dataset.status = compare?.status ?? 'none';
    this.root.dataset.probe = compare?.probe.state ?? 'none';
    this.start.disabled = running;
    this.stop.hidden = !running;
    setText(this.status, compare ? this.statusText(state, compare) : '');
    setText(this.note, compare?.note ?? '');
    if (compare?.status === 'failed') this.note.setAttribute('role', 'alert');
    else this.note.removeAttribute('role');
    this.hint.hidden = !!compare;

    const cells: Cells = { colours: cellColours(), cells: comparedCells(compare) };
    this.legend.hidden = cells.cells.length === 0;
    this.renderLegend(state, compare, cells);
    this.drawCurves(state, compare, cells);
    this.renderTable(state, compare);
    const probe = compare?.probe;
    setText(
      this.probeStatus,
      probe?.state === 'computing'
        ? t(state, 'Probing long-range brackets…')
        : probe?.state === 'ready' && probe.buckets.length === 0
          ? t(state, 'No brackets or quotes to probe in the held-out text.')
          : '',
    );
    this.drawProbe(state, probe?.state === 'ready' ? probe.buckets : [], cells);
    const verdict = probe?.state === 'ready' ? (probe.verdict ?? null) : null;
    setText(this.probeVerdict, verdict ?? '');
    this.probeVerdict.hidden = verdict === null;
  }

  private renderLabels(state: WebviewState): void {
    setText(this.title, t(state, 'Compare cells: RNN vs GRU vs LSTM'));
    setText(this.start, t(state, 'Compare'));
    setText(this.stop, t(state, 'Stop'));
    relabelDropdown(this.match, { params: t(state, MATCH_LABELS.params), hidden: t(state, MATCH_LABELS.hidden) });
    setText(
      this.probeCaption,
      t(
        state,
        'Probability each model gives the correct closing bracket or quote, by distance to its opener (held-out text), with 95 % bootstrap intervals. Olah’s “gap”: a plain RNN should fall off with distance.',
      ),
    );
    setText(
      this.hint,
      t(
        state,
        'Trains an LSTM, a GRU and a plain RNN on this document, each until its held-out bpc stops improving (or for the step budget in the settings), and compares how well each predicts the held-out text. The model in the panel is not changed.',
      ),
    );
  }

  private statusText(state: WebviewState, compare: CompareState): string {
    switch (compare.status) {
      case 'running': {
        const curve = compare.curves[compare.curves.length - 1];
        if (!curve) return t(state, 'Starting the comparison…');
        const last = curve.points[curve.points.length - 1];
        const pacer = compare.curves[0];
        if (compare.steps !== undefined) {
          if (compare.steps > 0)
            return t(state, 'Training {0}… step {1} of {2}', CELL_NAMES[curve.cell], last?.step ?? 0, compare.steps);
          return t(
            state,
            'Training {0} until held-out bpc stops improving… {1} s (at most {2} s)',
            CELL_NAMES[curve.cell],
            Math.round(last?.elapsedSec ?? 0),
            Math.round(compare.budgetSec),
          );
        }
        if (curve === pacer)
          return t(
            state,
            'Training {0}… {1} s of {2} s',
            CELL_NAMES[curve.cell],
            Math.round(last?.elapsedSec ?? 0),
            Math.round(compare.budgetSec),
          );
        const pace = pacer.points[pacer.points.length - 1]?.step ?? 0;
        return t(state, 'Training {0}… step {1} of {2}', CELL_NAMES[curve.cell], last?.step ?? 0, pace);
      }
      case 'done':
        return t(state, 'Done');
      case 'stopped':
        return t(state, 'Stopped');
      case 'failed':
        return t(state, 'Failed');
    }
  }

  private renderLegend(state: WebviewState, compare: CompareState | null, { colours, cells }: Cells): void {
    const items = cells.map((cell) => {
      const curve = compare?.curves.find((c) => c.cell === cell);
      const result = compare?.results.find((r) => r.cell === cell);
      const hidden = result?.hiddenSize ?? curve?.hiddenSize ?? 0;
      const params = result?.params ?? curve?.params ?? 0;
      const colour = css(colours[cell]);
      const swatch = lineSwatch({ colour, dash: CELL_STYLES[cell].dash }, (g, x, y, w, h) =>
        fillBar(g, cell, colour, x, y, w, h),
      );
      return legendItem(
        { 'data-cell': cell },
        swatch,
        t(state, '{0} · H {1} · {2} params', CELL_NAMES[cell], hidden, formatCount(params)),
      );
    });
    this.legend.replaceChildren(...items);
  }

  /** Held-out bpc against training steps, one line per cell (dashes tell them apart without colour). */
  private drawCurves(state: WebviewState, compare: CompareState | null, { colours }: Cells): void {
    const series = (compare?.curves ?? [])
      .map((c) => ({ curve: c, points: heldOutPoints(c) }))
      .filter((s) => s.points.length > 0);
    this.curves.canvas.hidden = series.length === 0;
    if (series.length === 0 || !compare) return;
    const painting = this.curves.paint(this.chartWidth(), CURVES_HEIGHT);
    if (!painting) return;
    const { g, width, height } = painting;
    const all = series.flatMap((s) => s.points);
    const xAxis = niceAxis([0, Math.max(1, ...all.map((p) => p.x))], 5, { includeZero: true });
    const yAxis = niceAxis(
      all.map((p) => p.y),
      4,
    );
    const chart = new Chart(g, plotArea(width, height, CHART_PADDING), xAxis, yAxis, css(themePalette().foreground));
    chart.frame();
    chart.yTicks();
    chart.xTicks();
    chart.xTitle(t(state, 'Training steps (the same characters for every cell)'), height - 12);
    chart.yTitle(t(state, 'Held-out bpc'));
    for (const { curve, points } of series)
      chart.line(points, { colour: css(colours[curve.cell]), dash: CELL_STYLES[curve.cell].dash, endDot: true });
    const summary = series
      .map(({ curve, points }) => `${CELL_NAMES[curve.cell]} ${points[points.length - 1].y.toFixed(2)}`)
      .join(', ');
    this.curves.canvas.setAttribute('aria-label', `${t(state, 'Held-out bpc')}: ${summary}`);
  }

  private renderTable(state: WebviewState, compare: CompareState | null): void {
    const results = [...(compare?.results ?? [])].sort(
      (a, b) => CELL_ORDER.indexOf(a.cell) - CELL_ORDER.indexOf(b.cell),
    );
    this.table.hidden = results.length === 0;
    if (results.length === 0) {
      this.table.replaceChildren();
      return;
    }
    const head = el(
      'tr',
      {},
      ...[
        t(state, 'Cell'),
        t(state, 'Hidden size'),
        t(state, 'Parameters'),
        t(state, 'Held-out bpc'),
        t(state, 'Steps'),
        t(state, 'Ended by'),
      ].map((h) => el('th', { scope: 'col' }, h)),
    );
    const rows = results.map((r) =>
      el(
        'tr',
        { 'data-cell': r.cell },
        el('th', { scope: 'row' }, CELL_NAMES[r.cell]),
        el('td', {}, String(r.hiddenSize)),
        el('td', {}, r.params.toLocaleString('en-US')),
        el('td', { 'data-bpc': r.heldOutBpc === null ? '' : String(r.heldOutBpc) }, bpc(r.heldOutBpc)),
        el('td', {}, String(r.steps)),
        el('td', { 'data-ended': r.ended ?? '' }, endedText(state, r.ended, r.bestStep)),
      ),
    );
    this.table.replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));
  }

  /** One group of bars per distance bucket, one bar per cell: mean probability of the correct closer. */
  private drawProbe(state: WebviewState, buckets: LongRangeBucket[], { colours, cells }: Cells): void {
    const show = buckets.length > 0 && cells.length > 0;
    this.probe.canvas.hidden = !show;
    this.probeCaption.hidden = !show;
    if (!show) return;
    const painting = this.probe.paint(this.chartWidth(), PROBE_HEIGHT);
    if (!painting) return;
    const { g, width, height } = painting;
    const yAxis = niceAxis([0, 1], 4, { includeZero: true });
    const xAxis = niceAxis([0, 1]); // the groups are laid out along x; no x ticks
    const area = plotArea(width, height, { ...CHART_PADDING, b: 32 });
    const chart = new Chart(g, area, xAxis, yAxis, css(themePalette().foreground));
    chart.frame();
    chart.yTicks();
    chart.yTitle(t(state, 'P(correct closer)'));
    chart.groupedBars(
      buckets.map((bucket) => ({
        label: bucket.label,
        sublabel: `n=${bucket.count}`,
        values: cells.map((cell) => bucket.meanProb[cell]),
      })),
      (i, x, y, w, h) => fillBar(g, cells[i], css(colours[cells[i]]), x, y, w, h),
    );
    // Each bar's 95 % interval as a whisker in the foreground colour (readable on every fill).
    const slots = groupedBarSlots(buckets.length, cells.length, area.left, area.right);
    const fg = css(themePalette().foreground);
    buckets.forEach((bucket, b) =>
      cells.forEach((cell, i) => {
        const ci = bucket.meanProbCi?.[cell];
        const bar = slots[b].bars[i];
        if (ci) chart.whisker(bar.x + (bar.width - 1) / 2, ci[0], ci[1], fg, Math.max(3, bar.width - 4));
      }),
    );
    const described = buckets.map((bucket) => {
      const values = cells
        .map((c) => {
          const ci = bucket.meanProbCi?.[c];
          const range = ci ? ` [${ci[0].toFixed(2)}, ${ci[1].toFixed(2)}]` : '';
          return `${CELL_NAMES[c]} ${bucket.meanProb[c]?.toFixed(2) ?? '—'}${range}`;
        })
        .join(', ');
      return `${bucket.label} (n=${bucket.count}): ${values}`;
    });
    this.probe.canvas.setAttribute('aria-label', `${t(state, 'P(correct closer)')}: ${described.join('; ')}`);
  }

  /** The charts' CSS width: the section's. */
  private chartWidth(): number {
    return boxWidth(this.root, 200, 300);
  }
}

/** The cells a comparison has anything for, simplest first. */
function comparedCells(compare: CompareState | null): CellType[] {
  if (!compare) return [];
  const present = new Set<CellType>([...compare.curves.map((c) => c.cell), ...compare.results.map((r) => r.cell)]);
  return CELL_ORDER.filter((c) => present.has(c));
}

function heldOutPoints(curve: CompareCurve): { x: number; y: number }[] {
  return curve.points.filter((p) => p.heldOutBpc !== null).map((p) => ({ x: p.step, y: p.heldOutBpc as number }));
}

/** How far a cell got, in words: what ended its training and where its best held-out point was. */
function endedText(state: WebviewState, ended: CompareEnd | undefined, bestStep: number | null | undefined): string {
  const best = bestStep ? ` · ${t(state, 'best at step {0}', bestStep)}` : '';
  switch (ended) {
    case undefined:
      return '—';
    case 'plateau':
      return t(state, 'held-out stopped improving') + best;
    case 'steps':
      return t(state, 'step budget') + best;
    case 'time':
      return t(state, 'time budget (still improving?)') + best;
    case 'cancelled':
      return t(state, 'stopped') + best;
    default:
      return assertNever(ended, 'compare end');
  }
}

function bpc(value: number | null): string {
  return value === null ? '—' : value.toFixed(3);
}
