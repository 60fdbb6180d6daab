// What the host knows about each document's model: training status, curve, and whether the worker holds its text.

import { TrainingPoint, TrainingProgress, TrainingSnapshot, TrainingStatus } from '../shared/protocol';

/** Longest training curve kept per document; older points are thinned, not dropped wholesale. */
const MAX_CURVE_POINTS = 400;

export interface DocumentModel {
  readonly uri: string;
  /**
   * The worker's name for this document: the URI plus a generation, renewed whenever the worker
   * forgets the document, so late messages about an earlier one (same URI) are recognised and dropped.
   */
  docId: string;
  training: TrainingSnapshot;
  /** The document version the worker has, or undefined when it has not been sent the text. */
  workerVersion: number | undefined;
  /** True once a trained (or partly trained) model exists in the worker. */
  hasModel: boolean;
  /** The editor document object this entry belongs to (URIs of closed documents get reused). */
  document?: object;
}

export class DocumentModels {
  private readonly models = new Map<string, DocumentModel>();
  private readonly byDocId = new Map<string, DocumentModel>();
  private generation = 0;
  /** The worker's compute backend, once it has said (shown with every model). */
  backend: string | null = null;

  get(uri: string): DocumentModel {
    let m = this.models.get(uri);
    if (!m) {
      m = {
        uri,
        docId: this.newDocId(uri),
        training: { ...emptyTraining(), backend: this.backend },
        workerVersion: undefined,
        hasModel: false,
      };
      this.models.set(uri, m);
      this.byDocId.set(m.docId, m);
    }
    return m;
  }

  peek(uri: string): DocumentModel | undefined {
    return this.models.get(uri);
  }

  all(): DocumentModel[] {
    return [...this.models.values()];
  }

  delete(uri: string): void {
    const m = this.models.get(uri);
    if (m) this.byDocId.delete(m.docId);
    this.models.delete(uri);
  }

  /** The entry a worker message is about; undefined for a document the worker was told to forget. */
  byWorkerId(docId: string): DocumentModel | undefined {
    return this.byDocId.get(docId);
  }

  /** Gives the document a fresh worker name (after the worker forgot it). */
  renew(uri: string): DocumentModel {
    const m = this.get(uri);
    this.byDocId.delete(m.docId);
    m.docId = this.newDocId(uri);
    this.byDocId.set(m.docId, m);
    return m;
  }

  private newDocId(uri: string): string {
    return `${uri}#${++this.generation}`;
  }

  setStatus(uri: string, status: TrainingStatus, message: string | null): DocumentModel {
    const m = this.get(uri);
    m.training = { ...m.training, status, message };
    if (status === 'training' || status === 'done' || status === 'stopped') m.hasModel = true;
    return m;
  }

  addProgress(uri: string, progress: TrainingProgress): DocumentModel {
    const m = this.get(uri);
    const curve = appendThinned(m.training.curve, {
      step: progress.step,
      loss: progress.loss,
      heldOutBpc: progress.heldOutBpc,
    });
    m.training = { ...m.training, latest: progress, curve };
    m.hasModel = true;
    return m;
  }

  /** Forgets the model but keeps the entry (the worker's text stays valid). */
  reset(uri: string): DocumentModel {
    const m = this.get(uri);
    m.training = { ...emptyTraining(), backend: this.backend };
    m.hasModel = false;
    return m;
  }
}

export function emptyTraining(): TrainingSnapshot {
  return { status: 'untrained', message: null, latest: null, curve: [], backend: null };
}

/** Appends a point; past the cap, every other old point is dropped so the curve keeps its whole shape. */
export function appendThinned(curve: TrainingPoint[], point: TrainingPoint, max = MAX_CURVE_POINTS): TrainingPoint[] {
  const next = [...curve, point];
  if (next.length <= max) return next;
  const thinned = next.filter((p, i) => i % 2 === 0 || i === next.length - 1 || p.heldOutBpc !== null);
  return thinned.length <= max ? thinned : next.filter((_, i) => i % 2 === 0 || i === next.length - 1);
}
