// The long-term-dependency lab as a feature: its commands (write on, compare cells, memory span), the
// per-document lab state kept in sync with the registry and training, and ghost text from the model.

import * as vscode from 'vscode';
import type { CompareMatch, LabSnapshot } from '../../shared/protocol';
import { RECALL_DEFAULTS } from '../../shared/protocol';
import { settingsOf, type LensServices } from '../core/services';
import { LensInlineSuggestions } from './inlineSuggestions';
import { editorFeatureHost } from './editorFeatureHost';
import { LabController, type LabHost } from './labController';
import { RecallExperiment } from './recallExperiment';
import type { TrainingFeature } from './training';

export class LabFeature implements vscode.Disposable {
  readonly lab: LabController;
  /** The recall experiment (palette and panel). */
  readonly recall: RecallExperiment;
  /** Ghost text from the document's model (registered by extension.ts; answers only when the setting is on). */
  readonly suggestions: LensInlineSuggestions;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly s: LensServices,
    training: TrainingFeature,
    private readonly openExplorer: () => Promise<void>,
  ) {
    const { registry, trainer, panel } = s;
    const labHost: LabHost = {
      ...editorFeatureHost(s, () => panel.store.mark('lab')),
      settings: () => settingsOf(s),
      sendDocument: (doc) => registry.sync(doc).docId,
      stopDocumentTraining: (uri) => {
        const session = registry.peek(uri);
        return !!session && training.stopDocumentTraining(session);
      },
      labOf: (uri) => registry.session(uri).lab,
      compareProgress: (points) => panel.store.compareProgress(points),
    };
    this.lab = new LabController(labHost);
    this.recall = new RecallExperiment(labHost);
    this.suggestions = new LensInlineSuggestions({
      enabled: () => settingsOf(s).inlineSuggestions,
      continuation: (doc, offset, length) => this.lab.continuation(doc, offset, length),
      log: s.log,
    });
    this.disposables.push(
      this.lab,
      trainer.onCompareProgress((m) => this.lab.onCompareProgress(m)),
      trainer.onRecallProgress((m) => this.recall.onProgress(m)),
      registry.onDidFollow(({ switched }) => {
        if (!switched) return;
        this.lab.documentShown();
        panel.store.mark('lab');
      }),
      registry.onDidForget((session) => {
        this.lab.closed(session.uri);
        this.recall.closed(session.uri);
        session.clearLab();
      }),
      training.onDidReset((session) => {
        this.lab.forget(session.uri);
        panel.store.mark('lab');
      }),
    );
  }

  snapshot(): LabSnapshot {
    return this.lab.snapshot(this.s.registry.currentUriString);
  }

  /** Lets the model write on from the cursor, shows it in the panel, and returns it. */
  sampleAtCursor(temperature: number, length = 200): Promise<string | undefined> {
    return this.lab.sample(temperature, length);
  }

  /** The palette's "Write On from the Cursor": opens the panel if needed and samples there. */
  async writeOnCommand(): Promise<void> {
    if (!this.s.panel.isOpen) await this.openExplorer();
    await this.lab.sample(0.8);
  }

  /** The palette's "Compare Cells": asks what to hold equal, then trains the three cells. */
  async compareCellsCommand(): Promise<void> {
    if (!this.s.registry.currentDocument) {
      void vscode.window.showInformationMessage(vscode.l10n.t('LSTM Lens: open a text document first.'));
      return;
    }
    const match = await this.pickMatch(
      vscode.l10n.t('Compare RNN, GRU and LSTM with the same…'),
      settingsOf(this.s).hiddenSize,
    );
    if (!match) return;
    if (!this.s.panel.isOpen) await this.openExplorer();
    await this.lab.compare(match);
  }

  /** The palette's "Recall Experiment": asks what to hold equal, then runs it in the panel. */
  async recallCommand(): Promise<void> {
    if (!this.s.registry.currentDocument) {
      void vscode.window.showInformationMessage(vscode.l10n.t('LSTM Lens: open a text document first.'));
      return;
    }
    const match = await this.pickMatch(
      vscode.l10n.t('Recall a character after a gap: RNN, GRU and LSTM with the same…'),
      RECALL_DEFAULTS.hiddenSize,
    );
    if (!match) return;
    if (!this.s.panel.isOpen) await this.openExplorer();
    await this.recall.run(match, settingsOf(this.s).recallSteps);
  }

  /** The recall experiment's step budget per cell, from the settings. */
  recallSteps(): number {
    return settingsOf(this.s).recallSteps;
  }

  /** Same parameters or same hidden size, asked in a quick pick. */
  private async pickMatch(placeHolder: string, hiddenSize: number): Promise<CompareMatch | undefined> {
    const params = {
      label: vscode.l10n.t('Same number of parameters'),
      detail: vscode.l10n.t('Hidden sizes differ so each cell has about as many weights as the LSTM (a fair budget).'),
      match: 'params' as const,
    };
    const hidden = {
      label: vscode.l10n.t('Same hidden size'),
      detail: vscode.l10n.t(
        'Every cell gets {0} units; the LSTM then has about four times as many weights as the RNN.',
        String(hiddenSize),
      ),
      match: 'hidden' as const,
    };
    return (await vscode.window.showQuickPick([params, hidden], { placeHolder }))?.match;
  }

  /** The palette's memory-span toggle: follows the cursor with the editor overlay and the panel strip. */
  toggleMemoryOverlay(): void {
    this.lab.followMemory(!this.lab.following);
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
