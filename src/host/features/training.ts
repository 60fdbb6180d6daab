// Training a document's model: start, continue, stop and reset it, follow the worker's status and progress,
// and show the state in the status bar, the palette's context keys and the panel.

import * as vscode from 'vscode';
import { assertNever } from '../../shared/protocol';
import type { DocumentSession } from '../core/documentSession';
import { documentLength } from '../core/documentRegistry';
import { modelability } from '../core/documentLimits';
import { settingsOf, type LensServices } from '../core/services';
import { toModelConfig, toTrainingConfig } from '../core/trainingOptions';
import { LensStatusBar } from './statusBar';

/** A status the worker reported, after the session took it. */
export interface StatusChange {
  session: DocumentSession;
  /** A training run ended with a usable model ('done' or 'stopped' after 'training'). */
  finishedRun: boolean;
}

export class TrainingFeature implements vscode.Disposable {
  private readonly statusBar = new LensStatusBar();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly statusChanged = new vscode.EventEmitter<StatusChange>();
  private readonly progressed = new vscode.EventEmitter<DocumentSession>();
  private readonly wasReset = new vscode.EventEmitter<DocumentSession>();
  /** The worker said a document's training status changed (a run started, ended, failed, recovered). */
  readonly onDidChangeStatus = this.statusChanged.event;
  /** A training run reported progress (the worker's inference weights were refreshed too). */
  readonly onDidProgress = this.progressed.event;
  /** The user reset a document's model: what was computed from it is stale. */
  readonly onDidReset = this.wasReset.event;
  /** Set by the test API: the next training run's loss reads NaN at this step. */
  divergenceForTesting: number | undefined;

  constructor(private readonly s: LensServices) {
    const { trainer, registry } = s;
    this.disposables.push(
      this.statusBar,
      this.statusChanged,
      this.progressed,
      this.wasReset,
      trainer.onReady((m) => {
        registry.backend = m.backend;
        for (const session of registry.all()) session.training = { ...session.training, backend: m.backend };
      }),
      trainer.onTrainingStatus((m) => {
        const session = registry.byWorkerId(m.docId);
        if (!session) return; // about a document the worker was told to forget
        const wasTraining = session.training.status === 'training';
        const keepMessage = m.status === 'done' && session.justImported;
        if (m.status === 'done') session.justImported = false;
        session.setStatus(m.status, keepMessage ? session.training.message : m.message);
        if (m.message) s.log.info(`[${session.uri}] ${m.status}: ${m.message}`);
        this.push(session);
        this.statusChanged.fire({
          session,
          finishedRun: wasTraining && (m.status === 'done' || m.status === 'stopped'),
        });
      }),
      trainer.onTrainingProgress((m) => {
        const session = registry.byWorkerId(m.docId);
        if (!session) return;
        session.addProgress(m.progress);
        this.push(session);
        this.progressed.fire(session);
      }),
      trainer.onCrash((reason) => {
        // The worker's memory is gone: every document must be re-sent and every model retrained or reloaded.
        for (const session of registry.all()) {
          session.workerVersion = undefined;
          if (session.hasModel || session.training.status === 'training') session.setStatus('failed', reason);
          session.hasModel = false;
        }
        if (registry.current) this.push(registry.current);
      }),
      registry.onDidFollow(({ session, switched }) => {
        this.statusBar.show(session.training);
        this.updateContextKeys();
        if (switched) s.panel.store.mark('training');
      }),
      registry.onDidOutgrow(({ session, document }) => {
        session.resetModel(registry.backend);
        this.setStatus(session, 'untrained', this.modelabilityProblem(document));
      }),
    );
  }

  /** Starts training on the shown document (resume continues from the current weights). */
  train(resume: boolean): void {
    this.s.busy.time('train', () => this.startTraining(resume));
  }

  /** The palette's "Train / Retrain": trains, or asks whether to continue or start over when a model exists. */
  async trainCommand(): Promise<void> {
    const session = this.s.registry.current;
    if (!session || !this.s.registry.currentDocument) {
      void vscode.window.showInformationMessage(vscode.l10n.t('LSTM Lens: open a text document first.'));
      return;
    }
    if (session.training.status === 'training') return;
    if (!session.hasModel) {
      this.train(false);
      return;
    }
    const resume = vscode.l10n.t('Continue training');
    const restart = vscode.l10n.t('Retrain from scratch');
    const pick = await vscode.window.showQuickPick([resume, restart], {
      placeHolder: vscode.l10n.t('This document already has a model.'),
    });
    if (pick === resume) this.train(true);
    else if (pick === restart) {
      this.resetModel();
      this.train(false);
    }
  }

  stopTraining(): void {
    const session = this.s.registry.current;
    if (session) this.s.trainer.notify('stopTraining', { docId: session.docId });
  }

  /** Stops a document's own training; true if it was training (the lab pauses it for a comparison). */
  stopDocumentTraining(session: DocumentSession): boolean {
    if (session.training.status !== 'training') return false;
    this.s.trainer.notify('stopTraining', { docId: session.docId });
    return true;
  }

  /** Forgets the shown document's model (in the worker, the host and storage). */
  resetModel(): void {
    const session = this.s.registry.current;
    if (!session) return;
    this.s.registry.disposeInWorker(session);
    session.resetModel(this.s.registry.backend);
    this.wasReset.fire(session);
    this.push(session);
  }

  /** A new status for the shown document's model (a restore, a failure to load), shown everywhere. */
  setStatus(session: DocumentSession, status: DocumentSession['training']['status'], message: string | null): void {
    session.setStatus(status, message);
    this.push(session);
  }

  /** Shows a session's training state, where it is the shown document's. */
  push(session: DocumentSession): void {
    if (session !== this.s.registry.current) return;
    this.statusBar.show(session.training);
    this.updateContextKeys();
    this.s.panel.store.mark('training');
  }

  /** Why this document can't be modelled (empty, too short, too large), localised; null when it can. */
  modelabilityProblem(doc: vscode.TextDocument): string | null {
    const check = modelability(documentLength(doc), settingsOf(this.s).sequenceLength);
    if (check.ok) return null;
    switch (check.reason) {
      case 'empty':
        return vscode.l10n.t('This document is empty: type or paste some text, then press Train.');
      case 'tooShort':
        return vscode.l10n.t(
          'This document is too short to learn from ({0} characters; LSTM Lens needs at least {1}). Add text, then press Train.',
          String(check.length),
          String(check.minimum),
        );
      case 'tooLarge':
        return vscode.l10n.t(
          'This document is too large for LSTM Lens ({0} million characters; the limit is {1} million). Open a smaller file or copy a part of it into a new one.',
          (check.length / 1e6).toFixed(1),
          String(check.maximum / 1e6),
        );
      default:
        return assertNever(check, 'modelability');
    }
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }

  private startTraining(resume: boolean): void {
    const { registry, trainer } = this.s;
    const doc = registry.currentDocument;
    if (!doc) return;
    const problem = this.modelabilityProblem(doc);
    const session = registry.session(doc.uri.toString());
    if (problem) {
      this.setStatus(session, 'untrained', problem);
      return;
    }
    registry.sync(doc);
    // One training at a time: the worker has one core to spare, and the user watches one document.
    for (const other of registry.all())
      if (other !== session && other.training.status === 'training')
        trainer.notify('stopTraining', { docId: other.docId });
    const settings = settingsOf(this.s);
    trainer.notify('train', {
      docId: session.docId,
      model: toModelConfig(settings),
      training: toTrainingConfig(settings),
      resume,
      ...(this.divergenceForTesting === undefined ? {} : { faultAtStepForTesting: this.divergenceForTesting }),
    });
    this.divergenceForTesting = undefined;
    if (!resume) session.resetModel(registry.backend); // a fresh model starts a fresh curve
    this.setStatus(session, 'training', null);
  }

  /** Context keys for `when` clauses: commands show in the palette only where they apply. */
  private updateContextKeys(): void {
    const session = this.s.registry.current;
    void vscode.commands.executeCommand('setContext', 'lstmLens.hasDocument', session !== undefined);
    void vscode.commands.executeCommand('setContext', 'lstmLens.status', session?.training.status ?? 'untrained');
    void vscode.commands.executeCommand('setContext', 'lstmLens.hasModel', session?.hasModel ?? false);
  }
}
