// Training: status, live numbers, the loss / held-out curve with the model in use marked on it (the best
// held-out checkpoint: what predictions, labels, overlays, the lab and saving use), and Stop / Resume / Retrain.

import { TrainingSnapshot } from '../../shared/protocol';
import { el, setText } from '../dom';
import { WebviewState, t } from '../state';
import { button, progressRing } from '../toolkit';
import { formatCount, niceAxis } from '../ui/axes';
import { boxWidth, pixelRatio, surface } from '../ui/canvas';
import { Chart, legendItem, lineSwatch, plotArea } from '../ui/chart';
import { DrawnFrom } from '../ui/drawnFrom';
import { css, themePalette } from './colormap';
import { ViewContext } from './context';

const LN2 = Math.LN2;
const CURVE_HEIGHT = 100;

export class TrainingView {
  readonly root: HTMLElement;
  private readonly title = el('h2');
  private readonly status = el('span', { class: 'training-status', 'data-testid': 'training-status', role: 'status' });
  private readonly ring = progressRing();
  private readonly message = el('p', { class: 'training-message', 'data-testid': 'training-message' });
  /** What differs in this extension host (VS Code for the Web: one thread); hidden in Node's. */
  private readonly hostNote = el('p', { class: 'training-message', 'data-testid': 'training-host-note' });
  private readonly stats = el('dl', { class: 'stats', 'data-testid': 'training-stats' });
  private readonly curve = surface({ class: 'curve', 'data-testid': 'training-curve', role: 'img' });
  private readonly legend = el('div', { class: 'legend chart-legend', 'data-testid': 'training-legend' });
  private readonly train = button('', 'primary');
  private readonly stop = button('');
  private readonly retrain = button('');
  private readonly inputs = new DrawnFrom();
  /** The legend is rebuilt only for a new theme, UI language or pixel ratio, not on every training update. */
  private readonly legendInputs = new DrawnFrom();

  constructor(ctx: ViewContext) {
    this.train.dataset.testid = 'train-button';
    this.stop.dataset.testid = 'stop-button';
    this.retrain.dataset.testid = 'retrain-button';
    this.train.addEventListener('click', () => ctx.send({ type: 'command', command: 'train' }));
    this.stop.addEventListener('click', () => ctx.send({ type: 'command', command: 'stop' }));
    this.retrain.addEventListener('click', () => ctx.send({ type: 'command', command: 'retrain' }));
    this.root = el(
      'section',
      { class: 'training-view', 'aria-labelledby': 'training-title' },
      this.title,
      el(
        'div',
        { class: 'training-line' },
        this.ring,
        this.status,
        el('span', { class: 'buttons' }, this.train, this.stop, this.retrain),
      ),
      this.message,
      this.hostNote,
      this.stats,
      this.legend,
      this.curve.canvas,
    );
    this.title.id = 'training-title';
  }

  update(state: WebviewState): void {
    const { training, strings } = state;
    const host = state.settings.host;
    if (!this.inputs.changed({ training, strings, host, hasDocument: !!state.document })) return;
    this.root.hidden = !state.document;
    setText(this.title, t(state, 'Training'));
    const status = training?.status ?? 'untrained';
    const label = {
      untrained: 'Untrained',
      training: 'Training…',
      stopped: 'Stopped',
      done: 'Done',
      failed: 'Failed',
    }[status];
    setText(this.status, t(state, label));
    this.root.dataset.status = status;
    this.ring.hidden = status !== 'training';
    setText(this.message, training?.message ?? '');
    this.hostNote.hidden = host !== 'web';
    setText(
      this.hostNote,
      host === 'web'
        ? t(state, 'VS Code for the Web: training runs on one thread, in a Web Worker (no helper threads there).')
        : '',
    );
    const hasModel = status === 'stopped' || status === 'done';
    setText(this.train, t(state, hasModel ? 'Resume' : 'Train'));
    this.train.hidden = status === 'training';
    this.stop.hidden = status !== 'training';
    setText(this.stop, t(state, 'Stop'));
    setText(this.retrain, t(state, 'Retrain'));
    this.retrain.hidden = status === 'untrained';
    this.renderStats(state, training);
    this.renderCurve(state, training);
  }

  private renderStats(state: WebviewState, training: TrainingSnapshot | null): void {
    const p = training?.latest;
    const rows: [string, string][] = p
      ? [
          [t(state, 'Step'), p.step.toLocaleString()],
          [t(state, 'Loss'), `${(p.loss / LN2).toFixed(3)} bpc`],
          [t(state, 'Held-out'), p.heldOutBpc === null ? '—' : `${p.heldOutBpc.toFixed(3)} bpc`],
          [t(state, 'chars/s'), Math.round(p.charsPerSec).toLocaleString()],
          // Time left means nothing once a run has ended (early, or stopped).
          [t(state, 'ETA'), p.etaSec === null || training?.status !== 'training' ? '—' : `${Math.ceil(p.etaSec)} s`],
        ]
      : [];
    const stat = (k: string, v: string, attrs: Record<string, string> = {}) =>
      el('div', { class: 'stat', ...attrs }, el('dt', {}, k), el('dd', {}, v));
    // Each name over its value, the pairs in wrapping columns; last, which weights the panel is showing.
    const stats = rows.map(([k, v]) => stat(k, v));
    const kept = training?.checkpoint;
    if (kept)
      stats.push(
        stat(
          t(state, 'Model in use'),
          t(state, 'step {0} · {1} bpc', kept.step.toLocaleString(), kept.heldOutBpc.toFixed(3)),
          {
            'data-testid': 'model-in-use',
            title: t(
              state,
              'The weights with the best held-out score so far: predictions, labels, overlays, the lab and saving use them.',
            ),
          },
        ),
      );
    // No checkpoint yet, or none to choose by (no held-out split, or too short a one): the live weights.
    else if (p)
      stats.push(
        stat(t(state, 'Model in use'), t(state, 'latest weights'), {
          'data-testid': 'model-in-use',
          title: t(
            state,
            'No best checkpoint (yet, or the held-out text is too short to choose one by): predictions, labels, overlays, the lab and saving use the latest weights.',
          ),
        }),
      );
    this.stats.replaceChildren(...stats);
  }

  /** Training bpc (faint) and held-out bpc (strong) against step, with a legend saying which is which. */
  private renderCurve(state: WebviewState, training: TrainingSnapshot | null): void {
    const curve = training?.curve ?? [];
    const c = this.curve.canvas;
    c.hidden = curve.length < 2;
    this.legend.hidden = c.hidden;
    if (c.hidden) return;
    const painting = this.curve.paint(boxWidth(this.root, 120, 300), CURVE_HEIGHT);
    if (!painting) return;
    const { g, width, height } = painting;
    const palette = themePalette();
    const styles = {
      train: { colour: css(palette.foreground), alpha: 0.45, width: 1 },
      held: { colour: css(palette.positive), width: 2 },
      kept: { colour: css(palette.foreground), width: 0, endDot: true },
    };
    if (this.legendInputs.changed({ palette, strings: state.strings, ratio: pixelRatio() }))
      this.legend.replaceChildren(
        legendItem({ 'data-series': 'train' }, lineSwatch(styles.train), t(state, 'Loss')),
        legendItem({ 'data-series': 'held-out' }, lineSwatch(styles.held), t(state, 'Held-out')),
        legendItem({ 'data-series': 'model-in-use' }, '●', t(state, 'Model in use')),
      );
    const train = curve.map((p) => ({ x: p.step, y: p.loss / LN2 }));
    const held = curve.filter((p) => p.heldOutBpc !== null).map((p) => ({ x: p.step, y: p.heldOutBpc as number }));
    const xAxis = niceAxis([0, Math.max(1, curve[curve.length - 1].step)], 4, { includeZero: true });
    const yAxis = niceAxis(
      [...train, ...held].map((p) => p.y),
      3,
    );
    const chart = new Chart(
      g,
      plotArea(width, height, { l: 34, r: 12, t: 6, b: 16 }),
      xAxis,
      yAxis,
      css(palette.foreground),
    );
    chart.frame();
    chart.yTicks();
    chart.xTicks(formatCount);
    if (train.length > 1) chart.line(train, styles.train);
    if (held.length > 1) chart.line(held, styles.held);
    const kept = training?.checkpoint;
    if (kept && kept.step <= xAxis.max) chart.line([{ x: kept.step, y: kept.heldOutBpc }], styles.kept);
    const last = held[held.length - 1];
    c.setAttribute(
      'aria-label',
      `${t(state, 'Training')}: ${curve.length} · ${t(state, 'Held-out')} ${last ? last.y.toFixed(2) + ' bpc' : '—'}`,
    );
  }
}
