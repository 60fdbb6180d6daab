// Saved models: a finished training run is saved in the extension's storage with the hash of its text, and
// comes back (once per session) when the panel shows that document again, also after a window reload.

import * as vscode from 'vscode';
import type { DocumentSession } from '../core/documentSession';
import { textHash } from '../core/modelStore';
import type { LensServices } from '../core/services';
import type { TrainingFeature } from './training';

/** How long moving a model's weights between host and worker may take. */
const TRANSFER_TIMEOUT_MS = 60_000;

export class PersistenceFeature implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly imported = new vscode.EventEmitter<DocumentSession>();
  /** A saved model reached the worker: the document has a model again. */
  readonly onDidImport = this.imported.event;

  constructor(
    private readonly s: LensServices,
    private readonly training: TrainingFeature,
  ) {
    this.disposables.push(
      this.imported,
      training.onDidChangeStatus(({ session, finishedRun }) => {
        if (finishedRun) this.exportForSaving(session);
      }),
      training.onDidReset((session) => void s.models.delete(session.uri)),
      s.registry.onDidFollow(({ session, switched }) => {
        if (switched && s.panel.isOpen && session.document) void this.restore(session.document);
      }),
    );
  }

  /** Loads the model saved for this document, once per session; true when one is (being) loaded. */
  restore(doc: vscode.TextDocument): Promise<boolean> {
    const { registry, trainer, models } = this.s;
    const session = registry.session(doc.uri.toString());
    if (session.hasModel || session.training.status !== 'untrained') return Promise.resolve(session.hasModel);
    if (!isPersistable(session.uri)) return Promise.resolve(false);
    session.restoreAttempt ??= models.load(session.uri).then((saved) => {
      if (!saved || doc.isClosed) return false;
      registry.sync(doc);
      const hash = textHash(doc.getText());
      const docId = session.docId;
      // The worker reports 'done' for the imported model (before or after its answer): that 'done' keeps
      // the host's localised message.
      session.justImported = true;
      trainer
        .call(
          'importModel',
          { docId, json: saved.json, weights: saved.weights },
          { timeoutMs: TRANSFER_TIMEOUT_MS, transfer: [saved.weights] },
        )
        .then(
          () => this.imported.fire(session),
          (err: Error) => {
            session.justImported = false;
            this.importFailed(session, err.message);
          },
        );
      const same = hash === saved.meta.textHash;
      this.training.setStatus(
        session,
        'done',
        same
          ? vscode.l10n.t('Loaded the saved model for this document.')
          : vscode.l10n.t('Loaded the saved model; it was trained on an earlier version of this document.'),
      );
      const { heldOutBpc, steps } = saved.meta;
      session.training = {
        ...session.training,
        curve: [],
        latest: null,
        checkpoint: heldOutBpc === null ? null : { step: steps, heldOutBpc },
      };
      this.training.push(session);
      return true;
    });
    return session.restoreAttempt;
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }

  /** Asks the worker for the model's weights and saves them (after training stops or finishes). */
  private exportForSaving(session: DocumentSession): void {
    if (!isPersistable(session.uri)) return;
    const { trainer, models, log } = this.s;
    trainer.call('exportModel', { docId: session.docId }, { timeoutMs: TRANSFER_TIMEOUT_MS }).then(
      (answer) => {
        // The worker hashed the text it trained on (the host never hashes a whole document while training).
        const hash = trainedTextHash(answer.json);
        if (!hash) {
          log.warn(`Not saving the model for ${session.uri}: it names no training text`);
          return;
        }
        void models
          .save({
            meta: {
              uri: session.uri,
              textHash: hash,
              savedAt: Date.now(),
              // The saved weights are the best held-out checkpoint: its score and step, not the last ones.
              heldOutBpc: session.training.checkpoint?.heldOutBpc ?? session.training.latest?.heldOutBpc ?? null,
              steps: session.training.checkpoint?.step ?? session.training.latest?.step ?? 0,
            },
            json: answer.json,
            weights: answer.weights,
          })
          .catch((err: Error) => log.error(`Could not save the model for ${session.uri}: ${err.message}`));
      },
      (err: Error) => log.warn(`[${session.docId}] exporting the model failed: ${err.message}`),
    );
  }

  private importFailed(session: DocumentSession, message: string): void {
    this.s.log.warn(`[${session.docId}] importing the saved model failed: ${message}`);
    session.resetModel(this.s.registry.backend);
    session.training = {
      ...session.training,
      message: vscode.l10n.t('The saved model could not be loaded ({0}). Train again to replace it.', message),
    };
    void this.s.models.delete(session.uri);
    this.training.push(session);
    void vscode.window
      .showWarningMessage(
        vscode.l10n.t('LSTM Lens: the saved model for this document could not be loaded: {0}', message),
        vscode.l10n.t('Retrain'),
      )
      .then((choice) => {
        if (choice && session === this.s.registry.current) this.training.train(false);
      });
  }
}

/** The SHA-256 of the training text recorded in an exported model, or undefined. */
function trainedTextHash(modelJson: string): string | undefined {
  try {
    const hash: unknown = (JSON.parse(modelJson) as { textHash?: unknown }).textHash;
    return typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash) ? hash : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a model may be saved under this URI: an untitled document's name ("Untitled-1") is reused
 * by the next one, so its model would come back on an unrelated text.
 */
function isPersistable(uri: string): boolean {
  return !uri.startsWith('untitled:');
}
