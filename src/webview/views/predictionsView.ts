// Predictions at the cursor: top-k with probability bars, and the character actually next, with its rank and surprisal.

import { describeToken, visibleToken } from '../../shared/glyphs';
import { Prediction } from '../../shared/protocol';
import { el, setText } from '../dom';
import { WebviewState, predictionIsCurrent, t } from '../state';
import { DrawnFrom } from '../ui/drawnFrom';

export class PredictionsView {
  readonly root: HTMLElement;
  private readonly title = el('h2', { id: 'predictions-title' });
  private readonly list = el('ol', {
    class: 'predictions',
    'data-testid': 'predictions',
    'aria-labelledby': 'predictions-title',
  });
  private readonly actual = el('p', { class: 'actual', 'data-testid': 'actual-next' });
  private readonly empty = el('p', { class: 'empty', 'data-testid': 'predictions-empty' });
  /** Screen readers hear the top prediction, politely, when it changes. */
  private readonly live = el('div', { class: 'sr-only', 'aria-live': 'polite', 'data-testid': 'predictions-live' });
  private readonly inputs = new DrawnFrom<{ prediction: Prediction | null; current: boolean; strings: unknown }>();

  constructor() {
    this.root = el('section', { class: 'predictions-view' }, this.title, this.empty, this.list, this.actual, this.live);
  }

  update(state: WebviewState): void {
    const { prediction, strings } = state;
    const current = predictionIsCurrent(state);
    if (!this.inputs.changed({ prediction, current, strings })) return;
    this.root.hidden = !state.document;
    setText(this.title, t(state, 'Predictions at the cursor'));
    this.root.classList.toggle('stale', !current);
    setText(this.empty, prediction ? '' : t(state, 'No model yet: train one to see predictions.'));
    if (!prediction) {
      this.list.replaceChildren();
      setText(this.actual, '');
      return;
    }
    const actualToken = prediction.actual?.token;
    this.list.replaceChildren(
      ...prediction.top.map((p, i) => {
        const bar = el('span', { class: 'bar' });
        bar.style.width = `${(p.prob * 100).toFixed(1)}%`; // absolute: a flat distribution looks flat
        const row = el(
          'li',
          {
            class: p.token === actualToken ? 'prediction actual-row' : 'prediction',
            'aria-label': `${describeToken(p.token)} ${pct(p.prob)}`,
          },
          el('span', { class: 'rank' }, String(i + 1)),
          el('span', { class: 'token', title: describeToken(p.token) }, visibleToken(p.token)),
          el('span', { class: 'bar-track' }, bar),
          el('span', { class: 'prob' }, pct(p.prob)),
        );
        return row;
      }),
    );
    const a = prediction.actual;
    if (a) {
      this.actual.replaceChildren(
        el('span', { class: 'label' }, `${t(state, 'Next in document')}: `),
        el('span', { class: 'token', title: describeToken(a.token) }, visibleToken(a.token)),
        ` ${pct(a.prob)} · ${t(state, 'rank')} ${a.rank} · ${a.bits.toFixed(2)} ${t(state, 'bits')}`,
      );
    } else setText(this.actual, '');
    const top = prediction.top[0];
    if (current && top)
      setText(this.live, t(state, 'Top prediction: {0}, {1}', describeToken(top.token), pct(top.prob)));
  }
}

function pct(p: number): string {
  return p >= 0.995 ? '100%' : p < 0.001 ? '<0.1%' : `${(p * 100).toFixed(p < 0.1 ? 1 : 0)}%`;
}
