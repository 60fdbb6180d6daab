// Intervene on a unit: hold a gate or state of the pinned unit (or a whole layer) for some steps and see the
// next-character distribution and the continuation with and without it, side by side.

import { describeToken, visibleToken } from '../../shared/glyphs';
import { InterventionRun, InterventionView as InterventionResult } from '../../shared/protocol';
import { el, setText } from '../dom';
import { WebviewState, t } from '../state';
import { button, dropdown, relabelDropdown, setDropdownOptions } from '../toolkit';
import { DrawnFrom } from '../ui/drawnFrom';
import { ViewContext } from './context';
import {
  CLAMP_CHOICES,
  INTERVENTION_LIMITS,
  SHOWN_TOKENS,
  ScopeOption,
  choiceForSpec,
  clampChoice,
  interventionSpec,
  isShifted,
  probabilityShift,
  readNumber,
  scopeOptions,
} from './interventionChoices';

const L = INTERVENTION_LIMITS;

export class InterventionView {
  readonly root: HTMLElement;
  private readonly title = el('h2', { id: 'intervention-title' });
  private readonly target = dropdown(
    CLAMP_CHOICES.map((c) => ({ value: c.id, label: c.label })),
    'intervention',
  );
  private readonly scope = dropdown([], 'units');
  private readonly value = numberInput('intervention-value', L.value.min, L.value.max, 0.1, L.value.initial);
  private readonly steps = numberInput('intervention-steps', L.steps.min, L.steps.max, 1, L.steps.initial);
  private readonly temperature = numberInput(
    'intervention-temperature',
    L.temperature.min,
    L.temperature.max,
    0.1,
    L.temperature.initial,
  );
  private readonly labels = {
    target: el('span', { class: 'lab-field-label' }),
    scope: el('span', { class: 'lab-field-label' }),
    value: el('span', { class: 'lab-field-label' }),
    steps: el('span', { class: 'lab-field-label' }),
    temperature: el('span', { class: 'lab-field-label' }),
  };
  private readonly valueField: HTMLElement;
  private readonly apply = button('', 'primary');
  private readonly reset = button('', 'secondary');
  private readonly status = el('p', {
    class: 'lab-status',
    'data-testid': 'intervention-status',
    'aria-live': 'polite',
  });
  private readonly error = el('p', { class: 'lab-error', role: 'alert', 'data-testid': 'intervention-error' });
  private readonly result = el('div', { class: 'intervention-result', 'data-testid': 'intervention-result' });
  private readonly hint = el('p', { class: 'note' });
  /** What the last update drew from; lab messages arrive as fresh copies, so the lab is compared by content. */
  private readonly inputs = new DrawnFrom();
  /** The UI strings the labels were last written in. */
  private readonly labelled = new DrawnFrom();
  /** Layers × hidden size × pinned unit the scope options were built for. */
  private scopeKey = '';
  /** The pinned unit's option when the scope was last built, to notice a new pin. */
  private pinnedOption: string | undefined;
  private state: WebviewState | undefined;

  constructor(ctx: ViewContext) {
    this.target.dataset.testid = 'intervention-target';
    this.scope.dataset.testid = 'intervention-units';
    this.apply.dataset.testid = 'intervention-apply';
    this.reset.dataset.testid = 'intervention-reset';
    this.target.addEventListener('change', () => this.showValueField());
    this.apply.addEventListener('click', () => {
      if (!this.state || this.state.lab.pending.includes('intervene')) return;
      const spec = interventionSpec({
        choice: this.target.value,
        value: this.value.value,
        scope: this.scope.value,
        steps: this.steps.value,
      });
      if (!spec) return;
      const T = L.temperature;
      const temperature = readNumber(this.temperature.value, T.min, T.max, T.initial);
      ctx.send({ type: 'intervene', spec, temperature });
    });
    this.reset.addEventListener('click', () => {
      this.result.hidden = true; // one click clears it at once; the host's lab update confirms
      ctx.send({ type: 'resetIntervention' });
    });
    const field = (label: HTMLElement, control: HTMLElement) => el('label', { class: 'lab-field' }, label, control);
    this.valueField = field(this.labels.value, this.value);
    this.root = el(
      'section',
      { class: 'intervention-view', 'aria-labelledby': 'intervention-title' },
      this.title,
      el(
        'div',
        { class: 'lab-controls' },
        field(this.labels.target, this.target),
        this.valueField,
        field(this.labels.scope, this.scope),
        field(this.labels.steps, this.steps),
        field(this.labels.temperature, this.temperature),
      ),
      el('div', { class: 'buttons-row' }, this.apply, this.reset),
      this.status,
      this.error,
      this.result,
      this.hint,
    );
    this.showValueField();
  }

  update(state: WebviewState): void {
    this.state = state;
    const { lab, view, strings, prediction } = state;
    const hasModel = !!prediction;
    const scopeKey = prediction
      ? `${prediction.layers}x${prediction.hiddenSize}:${view.pinnedLayer}:${view.pinnedUnit}`
      : '';
    const pending = lab.pending.includes('intervene');
    const labKey = JSON.stringify([lab.intervention, pending, lab.error]);
    if (!this.inputs.changed({ labKey, view, strings, hasModel, scopeKey })) return;
    this.root.hidden = !hasModel;
    if (!prediction) return;
    // Labelled when first shown: the strings may have come while the view was still hidden.
    const stringsChanged = this.labelled.changed({ strings });
    if (scopeKey !== this.scopeKey || stringsChanged) {
      this.scopeKey = scopeKey;
      this.renderScope(state, scopeOptions(view, prediction.layers, prediction.hiddenSize));
    }
    if (stringsChanged) this.renderLabels(state);
    this.apply.disabled = pending;
    setText(this.apply, pending ? t(state, 'Running…') : t(state, 'Apply'));
    setText(this.status, pending ? t(state, 'Running…') : '');
    const error = lab.error?.kind === 'intervene' ? lab.error.message : '';
    this.error.hidden = !error;
    setText(this.error, error);
    this.reset.disabled = !lab.intervention;
    this.renderResult(state, lab.intervention);
  }

  private renderLabels(state: WebviewState): void {
    setText(this.title, t(state, 'Intervene on a unit'));
    setText(this.labels.target, t(state, 'Intervention'));
    setText(this.labels.value, t(state, 'Value'));
    setText(this.labels.scope, t(state, 'Units'));
    setText(this.labels.steps, t(state, 'Steps held'));
    setText(this.labels.temperature, t(state, 'Temperature'));
    setText(this.reset, t(state, 'Reset'));
    relabelDropdown(this.target, Object.fromEntries(CLAMP_CHOICES.map((c) => [c.id, t(state, c.label)])));
    setText(
      this.hint,
      t(
        state,
        'The model runs on from the cursor twice with the same random seed: once unchanged, once with the units held. ▲ ▼ mark probabilities that moved by 10 points or more.',
      ),
    );
  }

  /** Rebuilds the unit choices; keeps the user's choice while it exists, and selects a newly pinned unit. */
  private renderScope(state: WebviewState, options: ScopeOption[]): void {
    const previous = this.scope.value;
    const pinned = options.find((o) => o.unit !== null);
    const newlyPinned = !!pinned && pinned.value !== this.pinnedOption;
    this.pinnedOption = pinned?.value;
    const label = (o: ScopeOption) =>
      o.unit !== null
        ? t(state, 'Pinned unit {0} (layer {1})', o.unit, o.layer + 1)
        : t(state, 'All units in layer {0}', o.layer + 1);
    const keep = options.some((o) => o.value === previous) && !newlyPinned;
    setDropdownOptions(
      this.scope,
      options.map((o) => ({ value: o.value, label: label(o) })),
      keep ? previous : (pinned ?? options[0])?.value,
    );
  }

  private showValueField(): void {
    const choice = clampChoice(this.target.value) ?? CLAMP_CHOICES[0];
    this.valueField.hidden = choice.value !== null;
  }

  private renderResult(state: WebviewState, result: InterventionResult | null): void {
    this.result.hidden = !result;
    if (!result) {
      this.result.replaceChildren();
      return;
    }
    const { spec } = result;
    const choice = choiceForSpec(spec);
    const what = choice && choice.value !== null ? t(state, choice.label) : `${spec.target} = ${spec.value}`;
    const caption =
      spec.unit === null
        ? t(state, '{0} on all units of layer {1} for {2} steps', what, spec.layer + 1, spec.steps)
        : t(state, '{0} on unit {1} of layer {2} for {3} steps', what, spec.unit, spec.layer + 1, spec.steps);
    this.result.replaceChildren(
      el('p', { class: 'intervention-caption', 'data-testid': 'intervention-caption' }, caption),
      el(
        'div',
        { class: 'intervention-columns' },
        this.column(state, t(state, 'Unchanged model'), result.baseline, result, 'intervention-baseline'),
        this.column(state, t(state, 'With the intervention'), result.clamped, result, 'intervention-clamped'),
      ),
    );
  }

  private column(
    state: WebviewState,
    heading: string,
    run: InterventionRun,
    result: InterventionResult,
    testid: string,
  ): HTMLElement {
    const rows = run.top.slice(0, SHOWN_TOKENS).map((p) => {
      const shift = probabilityShift(p.token, result.baseline.top, result.clamped.top);
      const marked = isShifted(shift);
      const bar = el('span', { class: 'bar' });
      bar.style.width = `${(p.prob * 100).toFixed(1)}%`;
      const points = Math.round(shift * 100);
      const mark = el(
        'span',
        { class: marked ? (shift > 0 ? 'shift shift-up' : 'shift shift-down') : 'shift' },
        marked ? (shift > 0 ? '▲' : '▼') : '',
      );
      if (marked) mark.title = t(state, '{0} points with the intervention', points > 0 ? `+${points}` : String(points));
      return el(
        'li',
        {
          class: marked ? 'lab-prob-row shifted' : 'lab-prob-row',
          'data-token': p.token,
          'data-shift': shift.toFixed(3),
          'aria-label': `${describeToken(p.token)} ${pct(p.prob)}${marked ? ` (${mark.title})` : ''}`,
        },
        el('span', { class: 'token', title: describeToken(p.token) }, visibleToken(p.token)),
        el('span', { class: 'bar-track' }, bar),
        el('span', { class: 'prob' }, pct(p.prob)),
        mark,
      );
    });
    const text = el('div', {
      class: 'context-text intervention-text',
      'data-testid': testid,
      role: 'textbox',
      'aria-readonly': 'true',
      'aria-label': heading,
    });
    text.textContent = run.text; // generated text is data, never HTML
    return el(
      'div',
      { class: 'intervention-run' },
      el('h3', {}, heading),
      el('ol', { class: 'lab-probs', 'data-testid': `${testid}-top` }, ...rows),
      text,
    );
  }
}

function numberInput(testid: string, min: number, max: number, step: number, initial: number): HTMLInputElement {
  return el('input', {
    class: 'lab-number',
    type: 'number',
    min: String(min),
    max: String(max),
    step: String(step),
    value: String(initial),
    'data-testid': testid,
  });
}

function pct(p: number): string {
  return p >= 0.995 ? '100%' : p < 0.001 ? '<0.1%' : `${(p * 100).toFixed(p < 0.1 ? 1 : 0)}%`;
}
