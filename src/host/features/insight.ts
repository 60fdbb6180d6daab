// Insight in the editor: overlays (text coloured by a unit or by surprisal), automatic unit labels after
// training, and finding units by example (LSTMVis-style) from the selection.

import * as vscode from 'vscode';
import type { InsightSnapshot, MatchDirection, OverlayKind, ViewState } from '../../shared/protocol';
import { emptyInsight, type DocumentSession } from '../core/documentSession';
import type { LensServices } from '../core/services';
import { editorFeatureHost } from './editorFeatureHost';
import { InsightOverlays } from './insightOverlays';
import { UnitInspector } from './unitInspector';
import type { PersistenceFeature } from './persistence';
import type { TrainingFeature } from './training';

export class InsightFeature implements vscode.Disposable {
  readonly overlays: InsightOverlays;
  readonly inspector: UnitInspector;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly s: LensServices,
    training: TrainingFeature,
    persistence: PersistenceFeature,
  ) {
    const { registry, panel } = s;
    this.inspector = new UnitInspector(s, () => this.overlays);
    this.overlays = new InsightOverlays({
      ...editorFeatureHost(s, () => panel.store.mark('insight')),
      view: () => panel.view,
      probe: () => this.inspector.pinned(),
    });
    const isShown = (session: DocumentSession) => session === registry.current;
    this.disposables.push(
      this.overlays,
      registry.onDidFollow(({ switched }) => {
        if (!switched) return;
        panel.store.mark('insight');
        this.overlays.schedule(0);
      }),
      panel.onDidChangeView(() => {
        this.overlays.schedule();
        this.inspector.viewChanged();
      }),
      training.onDidChangeStatus(({ session, finishedRun }) => {
        if (!isShown(session)) return;
        if (finishedRun) void this.labelUnits();
        this.overlays.schedule(0);
      }),
      training.onDidProgress((session) => {
        if (isShown(session) && this.overlays.kind !== 'none') this.overlays.schedule(500);
      }),
      training.onDidReset((session) => {
        session.insight = emptyInsight();
        panel.store.mark('insight');
        this.overlays.schedule(0);
      }),
      // A restored model gets its labels too.
      persistence.onDidImport((session) => {
        if (isShown(session)) void this.labelUnits();
      }),
    );
  }

  /** The insight of the shown document, as the panel shows it. */
  snapshot(): InsightSnapshot {
    const session = this.s.registry.current;
    return { ...(session?.insight ?? emptyInsight()), overlay: this.overlays.kind };
  }

  /** Turns an editor overlay on or off; the activation overlay needs a pinned unit (the best label, if none). */
  setOverlay(kind: OverlayKind): void {
    if (kind === 'activation' && this.s.panel.view.pinnedUnit === null) {
      const best = this.s.registry.current?.insight.labels[0];
      if (!best) {
        void vscode.window.showInformationMessage(
          vscode.l10n.t('LSTM Lens: pin a unit in the panel first (click a cell), then colour the text by it.'),
        );
        return;
      }
      this.s.panel.setView({ selectedGate: best.gate, pinnedUnit: best.unit, pinnedLayer: best.layer });
    }
    if (kind === 'probe' && !this.inspector.pinned()) {
      const best = this.s.registry.current?.insight.probes[0];
      if (!best) return;
      return this.inspector.pinProbe(best.feature);
    }
    this.overlays.set(kind);
  }

  toggleOverlay(kind: Exclude<OverlayKind, 'none'>): void {
    this.setOverlay(this.overlays.kind === kind ? 'none' : kind);
  }

  /** Pins a unit (from a label or a match) and shows its activation over the text. */
  pinUnit(layer: number, gate: ViewState['selectedGate'], unit: number): void {
    this.s.panel.setView({ selectedGate: gate, pinnedUnit: unit, pinnedLayer: layer });
    this.overlays.set('activation');
    this.overlays.schedule(0);
  }

  /** Correlates every unit with lexical features on held-out text (automatic labels). */
  async labelUnits(): Promise<void> {
    const { registry, trainer, panel } = this.s;
    const doc = registry.currentDocument;
    const session = doc ? registry.peek(doc.uri.toString()) : undefined;
    if (!doc || !session?.hasModel) return;
    const info = session.insight;
    info.labelsState = 'computing';
    info.note = null;
    panel.store.mark('insight');
    try {
      registry.sync(doc);
      const answer = await trainer.call(
        'labelUnits',
        { docId: session.docId, languageId: doc.languageId },
        { timeoutMs: 120_000 },
      );
      info.labels = answer.labels;
      info.family = answer.family;
      info.labelsState = 'ready';
      this.inspector.setProbes(session, answer.probes);
      const fit = answer.probeFit;
      info.probeNote =
        fit.fitOn === 'training'
          ? vscode.l10n.t(
              'Probes fitted on {0} positions of the training text and scored on {1} held-out characters they were not fitted on ({2} ms, in the worker).',
              String(fit.fitTokens),
              String(fit.testTokens),
              fit.ms.toFixed(0),
            )
          : vscode.l10n.t(
              'Probes fitted on {0} held-out characters and scored on the next {1} ({2} ms, in the worker).',
              String(fit.fitTokens),
              String(fit.testTokens),
              fit.ms.toFixed(0),
            );
      if (info.pinnedProbe && !answer.probes.some((p) => p.feature === info.pinnedProbe)) info.pinnedProbe = null;
      this.inspector.refresh();
      info.note = vscode.l10n.t(
        'Pearson r over {0} held-out characters ({1} scanner).',
        String(answer.tokens),
        answer.family,
      );
    } catch (err) {
      info.labelsState = 'failed';
      info.note = (err as Error).message;
    }
    panel.store.mark('insight');
  }

  /** LSTMVis-style hypothesis search: units high (or low) inside the selected text and not outside it. */
  async findUnits(direction?: MatchDirection): Promise<void> {
    const { registry, trainer, panel } = this.s;
    const editor = registry.currentEditor;
    const doc = registry.currentDocument;
    if (!editor || !doc) return;
    const session = registry.peek(doc.uri.toString());
    if (!session?.hasModel) {
      void vscode.window.showInformationMessage(vscode.l10n.t('LSTM Lens: train a model on this document first.'));
      return;
    }
    const selections = editor.selections
      .filter((sel) => !sel.isEmpty)
      .map((sel) => ({ start: doc.offsetAt(sel.start), end: doc.offsetAt(sel.end) }));
    if (selections.length === 0) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('LSTM Lens: select one or more examples in the editor (e.g. every string), then run this again.'),
      );
      return;
    }
    if (!direction) {
      const high = vscode.l10n.t('High inside the selection');
      const low = vscode.l10n.t('Low inside the selection');
      const pick = await vscode.window.showQuickPick([high, low], {
        placeHolder: vscode.l10n.t('Find units that are…'),
      });
      if (!pick) return;
      direction = pick === high ? 'high' : 'low';
    }
    registry.sync(doc);
    let answer;
    try {
      const params = { docId: session.docId, version: doc.version, selections, direction };
      answer = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('LSTM Lens: ranking units…') },
        () => trainer.call('findUnits', params, { timeoutMs: 30_000 }),
      );
    } catch (err) {
      void vscode.window.showWarningMessage(vscode.l10n.t('LSTM Lens: {0}', (err as Error).message));
      return;
    }
    session.insight.matches = answer.matches;
    session.insight.selectionProbe = answer.probe;
    session.insight.note = vscode.l10n.t(
      '{0} characters inside the selection compared with {1} around it.',
      String(answer.insideTokens),
      String(answer.outsideTokens),
    );
    panel.store.mark('insight');
    const items = answer.matches.map((m) => ({
      label: vscode.l10n.t('Unit {0} ({1}, layer {2})', String(m.unit), m.gate, String(m.layer + 1)),
      description: `AUC ${m.score.toFixed(2)} · d ${m.effect.toFixed(2)}`,
      detail: vscode.l10n.t('mean inside {0}, outside {1}', m.meanInside.toFixed(2), m.meanOutside.toFixed(2)),
      match: m,
    }));
    const probe = answer.probe;
    const chosen = await vscode.window.showQuickPick(items, {
      placeHolder: probe
        ? vscode.l10n.t(
            'Probe on the whole state: AUC {0} ({1}) · units ranked by how well they separate your selection; pick one to pin it',
            probe.auc.toFixed(2),
            probe.units
              .map((u) => `${u.gate}${u.unit} ${u.weight >= 0 ? '+' : '-'}${Math.abs(u.weight).toFixed(1)}`)
              .join(', '),
          )
        : vscode.l10n.t('Units ranked by how well they separate your selection; pick one to pin it'),
    });
    if (chosen) this.pinUnit(chosen.match.layer, chosen.match.gate, chosen.match.unit);
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
