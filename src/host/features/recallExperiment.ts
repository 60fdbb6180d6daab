// The recall experiment on the host: runs it in the worker on the shown document's characters (the
// document's own model and training are left alone, apart from pausing training so the cells get the
// core), keeps its progress and result in the document's lab state, and cancels it on request.

import * as vscode from 'vscode';
import { RECALL_DEFAULTS, type CompareMatch, type RecallView } from '../../shared/protocol';
import type { RecallProgressEvent } from '../../protocol/lab';
import type { LabHost } from './labController';

/** Longest the worker may take: three cells × the step budget at ~0.2 s a step on a busy machine, plus tests. */
const RECALL_TIMEOUT_MS = 30 * 60_000;
/** Progress repaints the panel at most this often (the worker reports every ~100 ms). */
const PROGRESS_EVERY_MS = 250;

export class RecallExperiment {
  /** Running experiments: worker document id → document URI. */
  private readonly running = new Map<string, string>();
  private lastPaint = 0;

  constructor(private readonly host: LabHost) {}

  /** Runs the experiment on the shown document; resolves with the view when it ends (done, stopped or failed). */
  async run(match: CompareMatch, steps: number = RECALL_DEFAULTS.steps): Promise<RecallView | undefined> {
    const doc = this.host.editor()?.document;
    if (!doc) return undefined;
    const uri = doc.uri.toString();
    const lab = this.host.labOf(uri);
    if (lab.recall?.status === 'running') return lab.recall;
    const stoppedTraining = this.host.stopDocumentTraining(uri);
    const docId = this.host.sendDocument(doc);
    const view: RecallView = {
      status: 'running',
      match,
      steps,
      progress: null,
      result: null,
      note: stoppedTraining
        ? vscode.l10n.t('The document’s own training was paused so the three cells get the machine to themselves.')
        : null,
    };
    lab.recall = view;
    this.running.set(docId, uri);
    this.host.changed();
    try {
      const result = await this.host.trainer.call(
        'recallExperiment',
        { docId, steps, match, hiddenSize: RECALL_DEFAULTS.hiddenSize, seed: RECALL_DEFAULTS.seed },
        { timeoutMs: RECALL_TIMEOUT_MS },
      );
      view.status = result.status;
      view.result = result;
      view.progress = null;
    } catch (err) {
      view.status = 'failed';
      view.note = (err as Error).message;
      this.host.log.warn(`Recall experiment failed: ${view.note}`);
    } finally {
      this.running.delete(docId);
      this.host.changed();
    }
    return view;
  }

  /** Cancels the shown document's experiment (the worker stops within one training step). */
  stop(): void {
    const doc = this.host.editor()?.document;
    if (doc && this.host.labOf(doc.uri.toString()).recall?.status === 'running')
      this.host.trainer.notify('stopTraining', { docId: this.host.docId(doc) });
  }

  onProgress(m: RecallProgressEvent): void {
    const uri = this.running.get(m.docId);
    const view = uri ? this.host.labOf(uri).recall : undefined;
    if (!view || view.status !== 'running') return;
    const { docId: _docId, ...progress } = m;
    view.progress = progress;
    const now = Date.now();
    if (now - this.lastPaint < PROGRESS_EVERY_MS && progress.step !== progress.steps) return;
    this.lastPaint = now;
    this.host.changed();
  }

  /** The document closed: its experiment's answer has nowhere to go. */
  closed(uri: string): void {
    for (const [id, u] of this.running) if (u === uri) this.running.delete(id);
  }
}
