// Everything the host knows about one document, in one object: its name in the worker, the version the
// worker holds, training, insight, lab results, the last prediction and the saved-model restore attempt.

import type * as vscode from 'vscode';
import {
  EMPTY_INSIGHT,
  EMPTY_LAB,
  type InsightSnapshot,
  type LabPending,
  type LabSnapshot,
  type Prediction,
  type TrainingPoint,
  type TrainingProgress,
  type TrainingSnapshot,
  type TrainingStatus,
} from '../../shared/protocol';

/** Longest training curve kept per document; older points are thinned, not dropped wholesale. */
const MAX_CURVE_POINTS = 400;

/** A document's lab results (the follow switch is global, pending requests a set). */
export type DocumentLab = Omit<LabSnapshot, 'memoryFollow' | 'pending'> & { pending: Set<LabPending> };

/** Labels and example matches (the overlay kind is the editor's, not the document's). */
export type DocumentInsight = Omit<InsightSnapshot, 'overlay'>;

export class DocumentSession {
  /**
   * The worker's name for this document: the URI plus a generation, renewed whenever the worker
   * forgets the document, so late messages about an earlier one (same URI) are recognised and dropped.
   */
  docId: string;
  /** The editor document this session belongs to (URIs of closed documents get reused). */
  document: vscode.TextDocument | undefined;
  /** The document version the worker has, or undefined when it has not been sent the text. */
  workerVersion: number | undefined;
  training: TrainingSnapshot;
  /** True once a trained (or partly trained) model exists in the worker. */
  hasModel = false;
  insight: DocumentInsight = emptyInsight();
  lab: DocumentLab = emptyLab();
  /** The newest prediction for this document and the cursor (version, offset) it answers. */
  prediction: { version: number; offset: number; prediction: Prediction } | null = null;
  /** The saved model was looked for (at most once per session); resolves true when one was loaded. */
  restoreAttempt: Promise<boolean> | undefined;
  /** A model was just imported: its next 'done' keeps the host's (localised) message. */
  justImported = false;

  constructor(
    readonly uri: string,
    docId: string,
    backend: string | null,
  ) {
    this.docId = docId;
    this.training = { ...emptyTraining(), backend };
  }

  setStatus(status: TrainingStatus, message: string | null): void {
    this.training = { ...this.training, status, message };
    if (status === 'training' || status === 'done' || status === 'stopped') this.hasModel = true;
  }

  addProgress(progress: TrainingProgress): void {
    const curve = appendThinned(this.training.curve, {
      step: progress.step,
      loss: progress.loss,
      heldOutBpc: progress.heldOutBpc,
    });
    // The worker's model is its best held-out checkpoint so far (a continued run starts from the one before).
    this.training = {
      ...this.training,
      latest: progress,
      curve,
      checkpoint: progress.best ?? this.training.checkpoint,
    };
    this.hasModel = true;
  }

  /** Forgets the model but keeps the session (the worker's text stays valid). */
  resetModel(backend: string | null): void {
    this.training = { ...emptyTraining(), backend };
    this.hasModel = false;
  }

  /** The document closed: its lab results and comparisons go. */
  clearLab(): void {
    this.lab = emptyLab();
  }
}

function emptyTraining(): TrainingSnapshot {
  return { status: 'untrained', message: null, latest: null, curve: [], backend: null, checkpoint: null };
}

export function emptyInsight(): DocumentInsight {
  const { overlay: _overlay, ...rest } = EMPTY_INSIGHT;
  return { ...rest, labels: [], matches: [], probes: [] };
}

function emptyLab(): DocumentLab {
  return { ...EMPTY_LAB, pending: new Set() };
}

/** Appends a point; past the cap, every other old point is dropped so the curve keeps its whole shape. */
function appendThinned(curve: TrainingPoint[], point: TrainingPoint, max = MAX_CURVE_POINTS): TrainingPoint[] {
  const next = [...curve, point];
  if (next.length <= max) return next;
  const thinned = next.filter((p, i) => i % 2 === 0 || i === next.length - 1 || p.heldOutBpc !== null);
  return thinned.length <= max ? thinned : next.filter((_, i) => i % 2 === 0 || i === next.length - 1);
}
