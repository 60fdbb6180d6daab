// The worker's documents: each one's text, model, predictor and run, and the document notifications that
// keep the text in step with the editor (whole texts, texts in slices, edits, closing).
import type { Arena } from '../model/arena';
import { DEFAULT_TRAINING_CONFIG } from '../model/config';
import { Predictor } from '../model/inference';
import type { ModelWeights } from '../model/params';
import { TextDoc } from '../model/textDoc';
import type { Vocab } from '../model/vocab';
import type { Handlers } from '../protocol/channel';
import type { documentNotifications } from '../protocol/document';
import type { Checkpoint, TrainingStatus } from '../shared/domain';
import { disposeComparison } from './lab';
import { errText } from './answering';
import { channel, log } from './port';

export interface DocState {
  doc: TextDoc;
  status: TrainingStatus;
  model: DocModel | null;
  predictor: Predictor | null;
  run: { stop: boolean; done: Promise<void> } | null;
  /** The held-out fraction of the last training run (the insight overlays mark the held-out tail). */
  heldOutFraction: number;
}

/** A document's model: the best checkpoint of its training, or an imported one. */
export interface DocModel {
  weights: ModelWeights;
  vocab: Vocab;
  trainedOn: string | null;
  /** Optimisation steps of the training behind the model (all of it, also past the best), so a resumed run counts on. */
  steps: number;
  /** The held-out evaluation of these weights (null: none measured), and the held-out fraction it used. */
  checkpoint: Checkpoint | null;
  heldOutFraction: number;
}

export const docs = new Map<string, DocState>();
/** Texts arriving in slices (documentChunk … documentEnd), by document: the version and the parts so far. */
const incoming = new Map<string, { version: number; parts: string[]; length: number }>();

/** Cursor inference runs on the wasm arena when it started (XNNPACK matvecs), else plain JS. */
let inferenceArena: Arena | undefined;

export function useInferenceArena(arena: Arena): void {
  inferenceArena = arena;
}

export function newState(): DocState {
  return {
    doc: new TextDoc('', 0),
    status: 'untrained',
    model: null,
    predictor: null,
    run: null,
    heldOutFraction: DEFAULT_TRAINING_CONFIG.heldOutFraction,
  };
}

export function setModel(
  st: DocState,
  weights: ModelWeights,
  vocab: Vocab,
  trainedOn: string | null,
  steps: number,
  checkpoint: Checkpoint | null = null,
): void {
  st.model = { weights, vocab, trainedOn, steps, checkpoint, heldOutFraction: st.heldOutFraction };
  st.predictor?.dispose();
  st.predictor = Predictor.from(weights, vocab, undefined, inferenceArena);
}

/** Sets a document's training status and tells the host. */
export function status(docId: string, st: DocState, s: TrainingStatus, message: string | null): void {
  st.status = s;
  channel.emit('trainingStatus', { docId, status: s, message });
}

/** A whole new text for a document (setDocument, or the last slice of a chunked transfer). */
function replaceText(docId: string, version: number, text: string): void {
  const doc = new TextDoc(text, version);
  const st = docs.get(docId);
  if (st) {
    st.doc = doc;
    st.predictor?.cache.clear();
  } else docs.set(docId, { ...newState(), doc });
}

export const documentHandlers: Handlers<Record<never, never>, typeof documentNotifications> = {
  setDocument: (m) => replaceText(m.docId, m.version, m.text),
  documentChunk: (m) => {
    // Offset 0 starts a text (and drops a partial one: the host restarted the transfer).
    if (m.offset === 0) {
      incoming.set(m.docId, { version: m.version, parts: [m.text], length: m.text.length });
      return;
    }
    const part = incoming.get(m.docId);
    if (!part || part.version !== m.version || part.length !== m.offset) {
      incoming.delete(m.docId);
      return log('warn', `documentChunk out of order for ${m.docId} (offset ${m.offset}); dropped the transfer`);
    }
    part.parts.push(m.text);
    part.length += m.text.length;
  },
  documentEnd: (m) => {
    const part = incoming.get(m.docId);
    incoming.delete(m.docId);
    if (!part || part.version !== m.version || part.length !== m.length)
      return log(
        'error',
        `incomplete document transfer for ${m.docId}: got ${part?.length ?? 0} of ${m.length} characters of version ${m.version}`,
      );
    replaceText(m.docId, m.version, part.parts.join(''));
  },
  editDocument: (m) => {
    const st = docs.get(m.docId);
    if (!st) return log('warn', `editDocument for unknown document ${m.docId}`);
    try {
      const first = st.doc.applyEdits(m.edits, m.version);
      st.predictor?.invalidateFrom(first);
    } catch (e) {
      log('error', `edit refused for ${m.docId} (send setDocument to resync): ${errText(e)}`);
    }
  },
  disposeDocument: (m) => {
    incoming.delete(m.docId);
    disposeComparison(m.docId);
    const st = docs.get(m.docId);
    if (!st) return;
    docs.delete(m.docId);
    if (st.run) st.run.stop = true;
    st.predictor?.dispose();
    st.predictor = null;
    const arena = inferenceArena as (Arena & { heapBytes?: number }) | undefined;
    if (arena)
      log(
        'info',
        `closed ${m.docId}: ${arena.liveBuffers} engine buffers live` +
          (arena.heapBytes ? `, wasm heap ${(arena.heapBytes / 2 ** 20).toFixed(1)} MB` : ''),
      );
  },
};
