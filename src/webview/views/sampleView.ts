// Sampling (the long-term-dependency lab): the model writes on from the cursor at a chosen temperature.

import { SampleSnapshot } from '../../shared/protocol';
import { el, setText } from '../dom';
import { WebviewState, t } from '../state';
import { button } from '../toolkit';
import { DrawnFrom } from '../ui/drawnFrom';
import { ViewContext } from './context';

export class SampleView {
  readonly root: HTMLElement;
  private readonly title = el('h2', { id: 'sample-title' });
  private readonly slider = el('input', {
    type: 'range',
    min: '0',
    max: '2',
    step: '0.1',
    value: '0.8',
    'data-testid': 'sample-temperature',
  });
  private readonly sliderLabel = el('label', { for: 'sample-temperature-input' });
  private readonly write = button('', 'secondary');
  private readonly output = el('div', {
    class: 'context-text sample-text',
    'data-testid': 'sample-text',
    role: 'textbox',
    'aria-readonly': 'true',
    'aria-live': 'polite',
  });
  private readonly hint = el('p', { class: 'note' });
  private readonly inputs = new DrawnFrom<{ sample: SampleSnapshot | null } & Record<string, unknown>>();
  /** The state of the last update, for the slider's label. */
  private state: WebviewState | undefined;

  constructor(ctx: ViewContext) {
    this.slider.id = 'sample-temperature-input';
    this.write.dataset.testid = 'sample-button';
    this.slider.addEventListener('input', () => this.renderLabel());
    this.write.addEventListener('click', () => ctx.send({ type: 'sample', temperature: Number(this.slider.value) }));
    this.root = el(
      'section',
      { class: 'sample-view', 'aria-labelledby': 'sample-title' },
      this.title,
      el('div', { class: 'buttons-row' }, this.sliderLabel, this.slider, this.write),
      this.output,
      this.hint,
    );
  }

  private renderLabel(): void {
    if (!this.state) return;
    setText(this.sliderLabel, `${t(this.state, 'Temperature')} ${Number(this.slider.value).toFixed(1)}`);
  }

  update(state: WebviewState): void {
    this.state = state;
    const hasModel = !!state.prediction;
    const { strings } = state;
    const sample = state.lab.sample;
    const error = state.lab.error?.kind === 'sample' ? state.lab.error.message : '';
    if (!this.inputs.changed({ sample, strings, hasModel, error })) return;
    this.root.hidden = !hasModel;
    setText(this.title, t(state, 'Continue from the cursor'));
    setText(this.write, t(state, 'Write on'));
    this.renderLabel();
    this.output.hidden = !sample;
    setText(this.output, sample?.text ?? ''); // generated text is data, never HTML
    setText(
      this.hint,
      error || t(state, 'Temperature 0 always picks the most likely character; higher values take more risks.'),
    );
  }
}
