// Editor insight: overlay toggles, automatic unit labels ("unit 37 (cell) tracks inside-a-string, r = 0.82") and
// example matches; each entry pins its unit and colours the editor text by it.

import { InsightFeature, InsightSnapshot, ProbeSummary, UnitLabel, UnitMatch } from '../../shared/protocol';
import { el, setText } from '../dom';
import { WebviewState, t } from '../state';
import { button, progressRing, ToolkitButton } from '../toolkit';
import { DrawnFrom } from '../ui/drawnFrom';
import { ViewContext } from './context';

export const FEATURE_LABELS: Record<InsightFeature, string> = {
  inString: 'inside a string',
  inComment: 'inside a comment',
  bracketDepth: 'bracket depth',
  indent: 'indentation level',
  column: 'column in line',
  wordStart: 'start of a word',
  digit: 'digit',
  uppercase: 'uppercase letter',
  inQuotes: 'inside quotes',
  inParens: 'inside parentheses',
};

const GATE_WORD: Record<string, string> = { c: 'cell', h: 'hidden' };

export class InsightView {
  readonly root: HTMLElement;
  private readonly title = el('h2', { id: 'insight-title' });
  private readonly activation: ToolkitButton = button('');
  private readonly surprisal: ToolkitButton = button('');
  private readonly labelsTitle = el('h3');
  private readonly ring = progressRing();
  private readonly labels = el('ul', { class: 'unit-list', 'data-testid': 'unit-labels' });
  private readonly probesTitle = el('h3');
  private readonly probes = el('ul', { class: 'unit-list', 'data-testid': 'probes' });
  private readonly probeNote = el('p', { class: 'note', 'data-testid': 'probe-note' });
  private readonly matchesTitle = el('h3');
  private readonly matches = el('ul', { class: 'unit-list', 'data-testid': 'unit-matches' });
  private readonly note = el('p', { class: 'note', 'data-testid': 'insight-note' });
  private readonly hint = el('p', { class: 'note' });
  private readonly inputs = new DrawnFrom<Record<string, unknown> & { insight: InsightSnapshot }>();

  constructor(private readonly ctx: ViewContext) {
    this.activation.dataset.testid = 'overlay-activation';
    this.surprisal.dataset.testid = 'overlay-surprisal';
    this.activation.addEventListener('click', () =>
      ctx.send({
        type: 'command',
        command: this.inputs.current?.insight.overlay === 'activation' ? 'overlayOff' : 'overlayActivation',
      }),
    );
    this.surprisal.addEventListener('click', () =>
      ctx.send({
        type: 'command',
        command: this.inputs.current?.insight.overlay === 'surprisal' ? 'overlayOff' : 'overlaySurprisal',
      }),
    );
    this.root = el(
      'section',
      { class: 'insight-view', 'aria-labelledby': 'insight-title' },
      this.title,
      el('div', { class: 'buttons-row' }, this.activation, this.surprisal),
      this.labelsTitle,
      this.ring,
      this.labels,
      this.probesTitle,
      this.probes,
      this.probeNote,
      this.matchesTitle,
      this.matches,
      this.note,
      this.hint,
    );
  }

  update(state: WebviewState): void {
    const { insight, view, strings } = state;
    const hasModel = !!state.prediction || state.training?.status === 'done' || state.training?.status === 'stopped';
    if (!this.inputs.changed({ insight, view, strings, hasModel })) return;
    this.root.hidden = !hasModel;
    setText(this.title, t(state, 'Units in the text'));
    setText(this.activation, t(state, 'Colour text by pinned unit'));
    setText(this.surprisal, t(state, 'Colour text by surprisal'));
    this.activation.setAttribute('appearance', insight.overlay === 'activation' ? 'primary' : 'secondary');
    this.surprisal.setAttribute('appearance', insight.overlay === 'surprisal' ? 'primary' : 'secondary');
    this.activation.setAttribute('aria-pressed', String(insight.overlay === 'activation'));
    this.surprisal.setAttribute('aria-pressed', String(insight.overlay === 'surprisal'));
    setText(this.labelsTitle, t(state, 'Automatic labels'));
    this.ring.hidden = insight.labelsState !== 'computing';
    const best = bestPerFeature(insight.labels);
    this.labels.replaceChildren(...best.map((l) => this.labelItem(state, l)));
    if (best.length === 0 && insight.labelsState === 'none')
      this.labels.replaceChildren(el('li', { class: 'note' }, t(state, 'Labels appear when training finishes.')));
    setText(this.probesTitle, insight.probes.length ? t(state, 'What the whole state knows') : '');
    this.probes.replaceChildren(...insight.probes.map((p) => this.probeItem(state, p)));
    setText(this.probeNote, insight.probes.length ? (insight.probeNote ?? '') : '');
    setText(this.matchesTitle, insight.matches.length ? t(state, 'Units matching your selection') : '');
    const sel = insight.selectionProbe;
    this.matches.replaceChildren(
      ...(sel && insight.matches.length
        ? [
            el(
              'li',
              { class: 'probe-line', 'data-testid': 'selection-probe' },
              t(state, 'probe on the whole state: AUC {0}', sel.auc.toFixed(2)),
            ),
          ]
        : []),
      ...insight.matches.slice(0, 8).map((m) => this.matchItem(state, m)),
    );
    setText(this.note, insight.note ?? '');
    setText(this.hint, t(state, 'Select examples in the editor and run "LSTM Lens: Find Units Matching Selection".'));
  }

  private pinned(state: WebviewState, layer: number, unit: number): boolean {
    return state.view.pinnedUnit === unit && state.view.pinnedLayer === layer;
  }

  private labelItem(state: WebviewState, l: UnitLabel): HTMLElement {
    const text = t(
      state,
      'unit {0} ({1}) tracks {2}, r = {3}',
      l.unit,
      t(state, GATE_WORD[l.gate]),
      t(state, FEATURE_LABELS[l.feature]),
      l.r.toFixed(2),
    );
    return this.entry(state, text, l.layer, l.gate, l.unit, Math.abs(l.r));
  }

  /** "the state knows inside a string: AUC 0.97 — strongest units c4, h71, c29": the feature pins the probe, a unit pins it. */
  private probeItem(state: WebviewState, p: ProbeSummary): HTMLElement {
    const pinned = state.insight.pinnedProbe === p.feature && state.insight.overlay === 'probe';
    const score = `${p.metric === 'auc' ? 'AUC' : 'R²'} ${p.score.toFixed(2)}`;
    const head = el(
      'button',
      {
        class: 'probe-feature',
        type: 'button',
        'aria-pressed': String(pinned),
        'data-feature': p.feature,
        title: t(state, 'Colour the text by this probe and inspect it'),
      },
      t(state, 'the state knows {0}: {1}', t(state, FEATURE_LABELS[p.feature]), score),
    );
    head.addEventListener('click', () => this.ctx.send({ type: 'pinProbe', feature: p.feature }));
    const units = p.units.map((u) => {
      const name = `${u.layer > 0 ? `L${u.layer + 1}·` : ''}${u.gate}${u.unit}`;
      const b = el(
        'button',
        {
          class: 'probe-unit',
          type: 'button',
          'data-unit': name,
          'aria-pressed': String(!pinned && this.pinned(state, u.layer, u.unit) && state.view.selectedGate === u.gate),
          title: t(state, 'Pin unit {0} (weight {1})', name, u.weight.toFixed(2)),
        },
        name,
      );
      b.addEventListener('click', () => {
        this.ctx.setView({ selectedGate: u.gate, pinnedUnit: u.unit, pinnedLayer: u.layer });
        this.ctx.send({ type: 'command', command: 'overlayActivation' });
      });
      return b;
    });
    return el(
      'li',
      { class: 'probe-line', 'data-testid': `probe-${p.feature}` },
      head,
      el(
        'span',
        { class: 'probe-units' },
        t(state, '— strongest units'),
        ' ',
        ...units.flatMap((b, i) => (i ? [', ', b] : [b])),
      ),
    );
  }

  private matchItem(state: WebviewState, m: UnitMatch): HTMLElement {
    const text = t(state, 'unit {0} ({1}, layer {2}): AUC {3}', m.unit, m.gate, m.layer + 1, m.score.toFixed(2));
    return this.entry(state, text, m.layer, m.gate, m.unit, Math.max(0, (m.score - 0.5) * 2));
  }

  private entry(
    state: WebviewState,
    text: string,
    layer: number,
    gate: UnitLabel['gate'] | UnitMatch['gate'],
    unit: number,
    strength: number,
  ): HTMLElement {
    const b = el(
      'button',
      { class: 'unit-entry', type: 'button', 'aria-pressed': String(this.pinned(state, layer, unit)) },
      text,
    );
    const meter = el('span', { class: 'strength', 'aria-hidden': 'true' });
    meter.style.width = `${Math.round(Math.min(1, strength) * 100)}%`;
    b.append(el('span', { class: 'strength-track', 'aria-hidden': 'true' }, meter));
    b.addEventListener('click', () => {
      this.ctx.setView({ selectedGate: gate, pinnedUnit: unit, pinnedLayer: layer });
      this.ctx.send({ type: 'command', command: 'overlayActivation' });
    });
    return el('li', {}, b);
  }
}

/** The strongest label for each feature, strongest features first. */
export function bestPerFeature(labels: UnitLabel[]): UnitLabel[] {
  const best = new Map<string, UnitLabel>();
  for (const l of labels) {
    const b = best.get(l.feature);
    if (!b || Math.abs(l.r) > Math.abs(b.r)) best.set(l.feature, l);
  }
  return [...best.values()].sort((a, b) => Math.abs(b.r) - Math.abs(a.r));
}
