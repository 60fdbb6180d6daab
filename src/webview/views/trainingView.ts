// Training: status, live numbers, the loss / held-out curve, and Stop / Resume / Retrain.

import { TrainingSnapshot } from '../../shared/protocol';
import { el, setText } from '../dom';
import { WebviewState, t } from '../state';
import { button, progressRing } from '../toolkit';
import { boxWidth, surface } from '../ui/canvas';
import { css, themePalette } from './colormap';
import { ViewContext } from './context';

const LN2 = Math.LN2;

export class TrainingView {
  readonly root: HTMLElement;
  private readonly title = el('h2');
  private readonly status = el('span', { class: 'training-status', 'data-testid': 'training-status', role: 'status' });
  private readonly ring = progressRing();
  private readonly message = el('p', { class: 'training-message', 'data-testid': 'training-message' });
  private readonly stats = el('dl', { class: 'stats', 'data-testid': 'training-stats' });
  private readonly curve = surface({ class: 'curve', 'data-testid': 'training-curve', role: 'img' });
  private readonly train = button('', 'primary');
  private readonly stop = button('');
  private readonly retrain = button('');
  private last: { training: TrainingSnapshot | null; strings: unknown } | undefined;

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
      this.stats,
      this.curve.canvas,
    );
    this.title.id = 'training-title';
  }

  update(state: WebviewState): void {
    const { training, strings } = state;
    if (this.last && this.last.training === training && this.last.strings === strings) return;
    this.last = { training, strings };
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
          [t(state, 'ETA'), p.etaSec === null ? '—' : `${Math.ceil(p.etaSec)} s`],
        ]
      : [];
    this.stats.replaceChildren(...rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  }

  /** Training bpc (faint) and held-out bpc (strong) against step. */
  private renderCurve(state: WebviewState, training: TrainingSnapshot | null): void {
    const curve = training?.curve ?? [];
    const c = this.curve.canvas;
    c.hidden = curve.length < 2;
    if (c.hidden) return;
    const painting = this.curve.paint(boxWidth(this.root, 120, 300), 90);
    if (!painting) return;
    const { g, width, height } = painting;
    const palette = themePalette();
    const train = curve.map((p) => ({ x: p.step, y: p.loss / LN2 }));
    const held = curve.filter((p) => p.heldOutBpc !== null).map((p) => ({ x: p.step, y: p.heldOutBpc as number }));
    const ys = [...train, ...held].map((p) => p.y);
    const yMin = Math.max(0, Math.min(...ys) - 0.1);
    const yMax = Math.max(...ys) + 0.1;
    const xMax = Math.max(1, curve[curve.length - 1].step);
    const pad = { l: 30, r: 6, t: 6, b: 14 };
    const X = (x: number) => pad.l + (x / xMax) * (width - pad.l - pad.r);
    const Y = (y: number) => pad.t + (1 - (y - yMin) / (yMax - yMin)) * (height - pad.t - pad.b);
    g.fillStyle = css(palette.foreground);
    g.globalAlpha = 0.7;
    g.font = '10px sans-serif';
    g.fillText(yMax.toFixed(1), 0, pad.t + 8);
    g.fillText(yMin.toFixed(1), 0, height - pad.b);
    g.fillText(`${t(state, 'Step')} ${xMax}`, width - 70, height - 2);
    const line = (pts: { x: number; y: number }[], color: string, alpha: number, widthPx: number) => {
      if (pts.length < 2) return;
      g.globalAlpha = alpha;
      g.strokeStyle = color;
      g.lineWidth = widthPx;
      g.beginPath();
      pts.forEach((p, i) => (i === 0 ? g.moveTo(X(p.x), Y(p.y)) : g.lineTo(X(p.x), Y(p.y))));
      g.stroke();
    };
    line(train, css(palette.foreground), 0.45, 1);
    line(held, css(palette.positive), 1, 2);
    g.globalAlpha = 1;
    const last = held[held.length - 1];
    c.setAttribute(
      'aria-label',
      `${t(state, 'Training')}: ${curve.length} · ${t(state, 'Held-out')} ${last ? last.y.toFixed(2) + ' bpc' : '—'}`,
    );
  }
}
